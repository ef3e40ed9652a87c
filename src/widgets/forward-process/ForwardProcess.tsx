import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as Plot from '@observablehq/plot';
import { loadTf } from '../../ui/tf-backend';
import { makeSchedule, type ScheduleKind } from '../../core/diffusion/schedules';
import { coordinateHistogram, noiseAt } from '../../core/diffusion/forward';
import { mmd2ToStandardNormal } from '../../core/diffusion/mmd';
import { ForwardChain, closedFormMoments, cloudMoments, datasetPoints, type DiffusionDataset } from '../../core/diffusion/views';
import { childSeed } from '../../core/random';
import { useParam, useWidget, useWidgetState } from '../../ui/widget-context';
import { ParamControl, PlayControls, Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { fmtFixed, fmtSig } from '../diffusion-common/format';
import { circleRows, lean, placeholder, plotStyle, tagged, withCanvasDots } from '../diffusion-common/plots';
import { DrawSurface, DrawTools, useDrawnPoints } from '../diffusion-common/DrawTools';
import { FORWARD_T, MMD_H, MMD_POINTS } from './constants';

const DOMAIN: [number, number] = [-3.2, 3.2];
const HIST_RANGE: [number, number] = [-4, 4];
const HIST_BINS = 32;
/** Play advances t by this much per frame: a full sweep in about four seconds at 60 frames a second. */
const SWEEP_PER_FRAME = 4;
/** With reduced motion, Play jumps in large steps at a slow pace instead. */
const REDUCED_STEP = 100;
const REDUCED_EVERY_MS = 700;

const pair = (a: number, b: number, d = 3) => `(${fmtFixed(a, d)}, ${fmtFixed(b, d)})`;

function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && !!window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
}

export default function ForwardProcess() {
  const { store, present } = useWidget();
  const data = useParam<DiffusionDataset>('data');
  const kind = useParam<ScheduleKind>('schedule');
  const t = useParam<number>('t');
  const method = useParam<'closed' | 'chain'>('method');
  const n = useParam<number>('n');
  const seed = useParam<number>('seed');
  const playing = useWidgetState((s) => s.playing);
  const drawn = useDrawnPoints();

  const schedule = useMemo(() => makeSchedule({ kind, T: FORWARD_T }), [kind]);
  const x0 = useMemo(() => {
    try {
      return { xy: datasetPoints(data, n, childSeed(seed, 'data'), drawn.points), error: null };
    } catch (e) {
      return { xy: null, error: e instanceof Error ? e.message : String(e) };
    }
  }, [data, n, seed, drawn.points]);

  // The chain keeps its place, so a sweep costs one step per unit of t; the closed form jumps.
  const chain = useMemo(() => (x0.xy ? new ForwardChain(x0.xy, schedule, childSeed(seed, 'chain')) : null), [x0, schedule, seed]);
  const xt = useMemo(() => {
    if (!x0.xy) return null;
    if (method === 'chain' && chain) return Float64Array.from(chain.advanceTo(t));
    return noiseAt(x0.xy, schedule, t, childSeed(seed, 'eps')).xt;
  }, [x0, method, chain, schedule, t, seed]);

  const stats = useMemo(() => {
    if (!x0.xy || !xt) return null;
    return { actual: cloudMoments(xt), closed: closedFormMoments(schedule, t, cloudMoments(x0.xy)) };
  }, [x0, xt, schedule, t]);

  // MMD to N(0, I): one computation at a time; while one runs, only the latest request waits.
  const [mmd, setMmd] = useState<{ t: number; value: number } | null>(null);
  const [trace, setTrace] = useState<Map<number, number>>(new Map());
  const configKey = `${data}|${kind}|${method}|${n}|${seed}|${drawn.points.length}`;
  useEffect(() => {
    setTrace(new Map());
    setMmd(null);
  }, [configKey]);
  const mmdJob = useRef<{ running: boolean; next: { xt: Float64Array; t: number; key: string } | null }>({ running: false, next: null });
  const keyRef = useRef(configKey);
  keyRef.current = configKey;
  const [mmdError, setMmdError] = useState<string | null>(null);
  const runMmd = useCallback(async () => {
    const job = mmdJob.current;
    if (job.running) return;
    job.running = true;
    try {
      await loadTf();
      while (job.next) {
        const { xt: pts, t: at, key } = job.next;
        job.next = null;
        const r = await mmd2ToStandardNormal(pts, { h: MMD_H, maxPoints: MMD_POINTS });
        if (key !== keyRef.current) continue;
        setMmd({ t: at, value: r.mmd });
        setTrace((m) => new Map(m).set(at, r.mmd));
      }
      setMmdError(null);
    } catch (e) {
      setMmdError(e instanceof Error ? e.message : String(e));
    } finally {
      job.running = false;
    }
  }, []);
  useEffect(() => {
    if (!xt || xt.length < 4) return;
    mmdJob.current.next = { xt, t, key: configKey };
    void runMmd();
  }, [xt, t, configKey, runMmd]);

  // Play sweeps t to T (from 0 when already there); reduced motion takes a few large steps instead.
  useEffect(() => {
    if (!playing) return;
    if ((store.getState().params.t as number) >= FORWARD_T) store.getState().setParam('t', 0);
    const reduced = prefersReducedMotion();
    let handle = 0;
    let last = performance.now();
    const tick = (now: number) => {
      const s = store.getState();
      if (!s.playing) return;
      if (!reduced || now - last >= REDUCED_EVERY_MS) {
        last = now;
        const next = Math.min(FORWARD_T, (s.params.t as number) + (reduced ? REDUCED_STEP : SWEEP_PER_FRAME));
        s.setParam('t', next);
        if (next >= FORWARD_T) {
          s.setPlaying(false);
          return;
        }
      }
      handle = requestAnimationFrame(tick);
    };
    handle = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(handle);
  }, [playing, store]);

  const k = present ? 2 : 1;
  const renderCloud = useCallback(
    (width: number) => {
      if (!xt || !x0.xy) return placeholder(x0.error ?? '…');
      const size = Math.min(width, present ? 640 : 420);
      const el = lean(Plot.plot({
        width: size,
        height: size,
        marginLeft: 36,
        marginBottom: 32,
        marginTop: 20,
        marginRight: 10,
        style: plotStyle(present),
        x: { domain: DOMAIN, label: 'x₁' },
        y: { domain: DOMAIN, label: 'x₂' },
        marks: [
          Plot.frame({ stroke: 'var(--text-soft)', strokeOpacity: 0.4 }),
          Plot.line(circleRows(1), { x: 'x', y: 'y', stroke: 'var(--series-3)', strokeDasharray: '4 3', strokeWidth: 1.5 * k }),
          Plot.line(circleRows(2), { x: 'x', y: 'y', stroke: 'var(--series-3)', strokeDasharray: '4 3', strokeWidth: 1.5 * k }),
          data === 'drawn' ? Plot.dot(drawn.points.map(([x, y]) => ({ x, y })), { x: 'x', y: 'y', r: 3 * k, stroke: 'var(--series-4)', strokeWidth: k, fill: 'none' }) : null,
        ],
      }));
      tagged(el, { t, points: xt.length / 2 });
      // The clouds go on a canvas: Play redraws this plot every frame.
      return withCanvasDots(el, [
        ...(t > 0 ? [{ points: x0.xy, fill: 'var(--text-soft)', r: 1.2 * k, opacity: 0.25 }] : []),
        { points: xt, fill: 'var(--series-1)', r: 1.6 * k, opacity: 0.75 },
      ]);
    },
    [xt, x0, t, present, k, data, drawn.points],
  );

  const hists = useMemo(() => (xt && xt.length >= 2 ? [0, 1].map((c) => coordinateHistogram(xt, c, { bins: HIST_BINS, range: HIST_RANGE })) : null), [xt]);
  const renderHist = useCallback(
    (coord: 0 | 1) => (width: number) => {
      if (!hists) return placeholder('…');
      const h = hists[coord];
      const bw = (HIST_RANGE[1] - HIST_RANGE[0]) / HIST_BINS;
      const bars = Array.from(h.density, (y, i) => ({ x1: h.centres[i] - bw / 2, x2: h.centres[i] + bw / 2, y }));
      const curve = Array.from({ length: 161 }, (_, i) => {
        const x = HIST_RANGE[0] + ((HIST_RANGE[1] - HIST_RANGE[0]) * i) / 160;
        return { x, y: Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) };
      });
      const yMax = Math.max(0.45, ...h.density);
      return lean(Plot.plot({
        width,
        height: present ? 220 : 140,
        marginLeft: 36,
        marginTop: present ? 30 : 20,
        marginBottom: 30,
        style: plotStyle(present),
        x: { domain: HIST_RANGE, label: coord === 0 ? 'x₁' : 'x₂' },
        y: { domain: [0, yMax * 1.05], label: 'density', grid: true, ticks: 3 },
        marks: [
          Plot.rectY(bars, { x1: 'x1', x2: 'x2', y: 'y', fill: 'var(--series-1)', fillOpacity: 0.35, insetLeft: 0.5, insetRight: 0.5 }),
          Plot.line(curve, { x: 'x', y: 'y', stroke: 'var(--series-3)', strokeWidth: 2 * k, strokeDasharray: '6 4' }),
          Plot.ruleY([0]),
        ],
      }));
    },
    [hists, present, k],
  );
  const renderHistX = useMemo(() => renderHist(0), [renderHist]);
  const renderHistY = useMemo(() => renderHist(1), [renderHist]);

  const renderTrace = useCallback(
    (width: number) => {
      const rows = [...trace.entries()].sort((a, b) => a[0] - b[0]).map(([tt, v]) => ({ t: tt, v }));
      if (rows.length === 0) return placeholder('Move t or press Play to trace the MMD over t.');
      return lean(Plot.plot({
        width,
        height: present ? 220 : 140,
        marginLeft: 44,
        marginTop: present ? 30 : 20,
        marginBottom: 30,
        style: plotStyle(present),
        x: { domain: [0, FORWARD_T], label: 't' },
        y: { domain: [0, Math.max(0.05, ...rows.map((r) => r.v)) * 1.08], label: 'MMD to N(0, I)', grid: true, ticks: 4 },
        marks: [
          Plot.line(rows, { x: 't', y: 'v', stroke: 'var(--series-2)', strokeWidth: 1.5 * k }),
          Plot.dot(rows, { x: 't', y: 'v', r: 2 * k, fill: 'var(--series-2)' }),
          Plot.ruleX([t], { stroke: 'var(--text)', strokeOpacity: 0.5 }),
        ],
      }));
    },
    [trace, t, present, k],
  );

  const setT = (v: number) => store.getState().setParam('t', Math.max(0, Math.min(FORWARD_T, v)));
  const s = stats;
  const ab = schedule.alphaBar[t];

  return (
    <div className="widget-body with-side diff-forward">
      <div className="diff-main">
        {x0.error && <p className="widget-message" role="alert">{x0.error}</p>}
        <DrawSurface drawn={drawn} enabled={data === 'drawn'}>
          <PlotView render={renderCloud} className="fw-cloud" minHeight={present ? 640 : 420} label={`${n} points of x_t at t = ${t} of the ${kind} schedule, over the data in grey, with the 1σ and 2σ circles of N(0, I).`} />
        </DrawSurface>
        <ul className="legend" aria-hidden="true">
          <li><span className="dot" style={{ background: 'var(--series-1)' }} /> x_t</li>
          {t > 0 && <li><span className="dot" style={{ background: 'var(--text-soft)', opacity: 0.5 }} /> x₀ (the data)</li>}
          {data === 'drawn' && <li><span className="dot" style={{ background: 'none', border: '1.5px solid var(--series-4)' }} /> your points</li>}
          <li><span className="dashed" style={{ borderColor: 'var(--series-3)' }} /> N(0, I): 1σ and 2σ circles; N(0, 1) density</li>
        </ul>
        <div className="diff-hists">
          <PlotView render={renderHistX} className="fw-hist-x" minHeight={present ? 220 : 140} label={`Histogram of the first coordinate of x_t at t = ${t} against the N(0, 1) density.`} />
          <PlotView render={renderHistY} className="fw-hist-y" minHeight={present ? 220 : 140} label={`Histogram of the second coordinate of x_t at t = ${t} against the N(0, 1) density.`} />
        </div>
        <PlotView render={renderTrace} className="fw-trace" minHeight={present ? 220 : 140} label={`MMD between x_t and N(0, I) at the steps visited so far, ${trace.size} of them.`} />
      </div>
      <div className="controls">
        <ParamControl name="t" />
        <PlayControls
          onReset={() => setT(0)}
          extraSteps={[{ label: 't − 50', onClick: () => setT(t - 50) }, { label: 't + 50', onClick: () => setT(t + 50) }]}
          status={<span data-testid="fw-t">t = {t}</span>}
        />
        <div className="readouts">
          <Readout label="ᾱ_t" value={fmtSig(ab)} testId="fw-alphabar" />
          <Readout label={`MMD to N(0, I) (h = ${MMD_H})`} value={mmd ? `${fmtFixed(mmd.value, 3)}${mmd.t === t ? '' : ` (t = ${mmd.t})`}` : '…'} testId="fw-mmd" title={`Gaussian-kernel MMD between the first ${MMD_POINTS} points of x_t and N(0, I), with the N(0, I) terms in closed form. 0 means indistinguishable at this bandwidth.`} />
          <Readout label="mean of x_t" value={s ? pair(s.actual.mean[0], s.actual.mean[1]) : '…'} testId="fw-mean" />
          <Readout label="closed form √ᾱ_t·mean(x₀)" value={s ? pair(s.closed.mean[0], s.closed.mean[1]) : '…'} testId="fw-mean-closed" />
          <Readout label="variance of x_t" value={s ? pair(s.actual.variance[0], s.actual.variance[1]) : '…'} testId="fw-var" />
          <Readout label="closed form ᾱ_t·var(x₀) + 1 − ᾱ_t" value={s ? pair(s.closed.variance[0], s.closed.variance[1]) : '…'} testId="fw-var-closed" />
        </div>
        {mmdError && <p className="widget-note" role="alert">{mmdError}</p>}
        <ParamControl name="data" />
        {data === 'drawn' && <DrawTools drawn={drawn} />}
        <ParamControl name="schedule" />
        <ParamControl name="method" />
        <ParamControl name="n" />
        <ParamControl name="seed" />
        <p className="widget-note">
          The moments of x_t differ from the closed form only by sampling noise, whichever way x_t is drawn; the variance heads to 1 and the mean to 0.
        </p>
      </div>
    </div>
  );
}
