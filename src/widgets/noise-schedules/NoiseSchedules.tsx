import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import * as Plot from '@observablehq/plot';
import { makeSchedule, scheduleAt, type Schedule, type ScheduleKind } from '../../core/diffusion/schedules';
import { CLOUD_POINTS, READOUT_ROWS } from './readouts';
import { noiseAt, noiseImage } from '../../core/diffusion/forward';
import { datasetPoints, type DiffusionDataset } from '../../core/diffusion/views';
import { childSeed } from '../../core/random';
import { useParam, useWidget } from '../../ui/widget-context';
import { ParamControl } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { fmtSig, SCHEDULE_SHORT } from '../diffusion-common/format';
import { DigitCanvas } from '../diffusion-common/DigitCanvas';
import { firstDigit, loadDigitsFile } from '../diffusion-common/digits';
import { cloudPlotCanvas, lean, plotStyle, tagged } from '../diffusion-common/plots';
import { BoundedSlider } from '../diffusion-common/BoundedSlider';

/** ±3.5 holds 99.9 % of N(0, I) per coordinate and every data set. */
const CLOUD_DOMAIN: [number, number] = [-3.5, 3.5];
const COLOURS = { A: 'var(--series-1)', B: 'var(--series-2)' } as const;

interface Row {
  t: number;
  beta: number;
  pv: number;
  abar: number;
  sa: number;
  sn: number;
  logSnr: number;
}

function rowsOf(s: Schedule): Row[] {
  const out: Row[] = [];
  for (let t = 0; t <= s.T; t++) {
    out.push({ t, beta: s.beta[t], pv: s.posteriorVariance[t], abar: s.alphaBar[t], sa: s.sqrtAlphaBar[t], sn: s.sqrtOneMinusAlphaBar[t], logSnr: s.logSnr[t] });
  }
  return out;
}

type Which = 'A' | 'B';

interface PanelLine {
  which: Which;
  y: keyof Row;
  dashed?: boolean;
}

export default function NoiseSchedules() {
  const { present } = useWidget();
  const a = useParam<ScheduleKind>('a');
  const b = useParam<ScheduleKind>('b');
  const T = useParam<number>('T');
  const tParam = useParam<number>('t');
  const scale = useParam<boolean>('scale');
  const data = useParam<DiffusionDataset>('data');
  const digit = useParam<number>('digit');
  const seed = useParam<number>('seed');
  const t = Math.min(tParam, T);
  const uid = useId();

  const built = useMemo(() => {
    try {
      return { A: makeSchedule({ kind: a, T, scaleWithT: scale }), B: makeSchedule({ kind: b, T, scaleWithT: scale }), error: null };
    } catch (e) {
      return { A: null, B: null, error: e instanceof Error ? e.message : String(e) };
    }
  }, [a, b, T, scale]);
  const rows = useMemo(() => (built.A && built.B ? { A: rowsOf(built.A), B: rowsOf(built.B) } : null), [built]);
  const at = useMemo(() => (built.A && built.B ? { A: scheduleAt(built.A, t), B: scheduleAt(built.B, t) } : null), [built, t]);

  // The digit: fetched once per page from this site.
  const [digitImage, setDigitImage] = useState<{ pixels: Float32Array; side: number } | null>(null);
  const [digitError, setDigitError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadDigitsFile()
      .then((d) => live && setDigitImage(firstDigit(d, digit)))
      .catch((e: unknown) => live && setDigitError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [digit]);

  // One ε per seed, shared by both schedules: only the schedule differs between the two pictures.
  const epsSeed = childSeed(seed, 'eps');
  const x0 = useMemo(() => datasetPoints(data, CLOUD_POINTS, childSeed(seed, 'data')), [data, seed]);
  const noised = useMemo(() => {
    if (!built.A || !built.B) return null;
    const out = {} as Record<Which, { cloud: Float64Array; digit: Float32Array | null }>;
    for (const w of ['A', 'B'] as const) {
      const s = built[w]!;
      out[w] = {
        cloud: noiseAt(x0, s, t, epsSeed).xt,
        digit: digitImage ? noiseImage(digitImage.pixels, s, t, epsSeed).display : null,
      };
    }
    return out;
  }, [built, x0, t, epsSeed, digitImage]);

  const k = present ? 2 : 1;
  const panelHeight = present ? 260 : 165;

  const panel = useCallback(
    (width: number, yLabel: string, lines: PanelLine[], opts: { log?: boolean; from?: number; domain?: [number, number]; zero?: boolean } = {}) => {
      if (!rows || !at) return document.createElement('div');
      const from = opts.from ?? 0;
      const marks: Plot.Markish[] = [];
      if (opts.zero) marks.push(Plot.ruleY([0], { stroke: 'var(--text-soft)', strokeOpacity: 0.6 }));
      for (const l of lines) {
        const data = rows[l.which].filter((r) => r.t >= from && Number.isFinite(r[l.y]) && (!opts.log || r[l.y] > 0));
        marks.push(Plot.line(data, { x: 't', y: l.y, stroke: COLOURS[l.which], strokeWidth: 2 * k, strokeDasharray: l.dashed ? '6 4' : undefined }));
      }
      marks.push(Plot.ruleX([t], { stroke: 'var(--text)', strokeOpacity: 0.55, strokeWidth: k }));
      const dots = lines
        .map((l) => ({ x: t, y: rows[l.which][t][l.y], which: l.which }))
        .filter((d) => Number.isFinite(d.y) && (!opts.log || d.y > 0) && t >= from);
      marks.push(Plot.dot(dots, { x: 'x', y: 'y', r: 3.5 * k, fill: (d: { which: Which }) => COLOURS[d.which], stroke: 'var(--bg-raised)' }));
      return lean(Plot.plot({
        width,
        height: panelHeight,
        marginLeft: 50,
        marginTop: present ? 30 : 22,
        marginBottom: 32,
        style: plotStyle(present),
        x: { domain: [0, T], label: 't' },
        y: { type: opts.log ? 'log' : 'linear', domain: opts.domain, label: yLabel, grid: true, ...(opts.log ? { tickFormat: '.0e', ticks: 4 } : {}) },
        marks,
      }));
    },
    [rows, at, t, T, k, panelHeight, present],
  );

  const renderAlphaBar = useCallback((w: number) => panel(w, 'ᾱ_t', [{ which: 'A', y: 'abar' }, { which: 'B', y: 'abar' }], { domain: [0, 1] }), [panel]);
  const renderCoefs = useCallback(
    (w: number) => panel(w, 'coefficients', [{ which: 'A', y: 'sa' }, { which: 'A', y: 'sn', dashed: true }, { which: 'B', y: 'sa' }, { which: 'B', y: 'sn', dashed: true }], { domain: [0, 1] }),
    [panel],
  );
  const renderLogSnr = useCallback((w: number) => panel(w, 'log SNR(t)', [{ which: 'A', y: 'logSnr' }, { which: 'B', y: 'logSnr' }], { from: 1, zero: true }), [panel]);
  const renderBetas = useCallback(
    (w: number) => panel(w, 'β_t, β̃_t (log)', [{ which: 'A', y: 'beta' }, { which: 'A', y: 'pv', dashed: true }, { which: 'B', y: 'beta' }, { which: 'B', y: 'pv', dashed: true }], { log: true, from: 1 }),
    [panel],
  );

  const renderCloud = useCallback(
    (which: Which) => (width: number) => {
      const cloud = noised?.[which].cloud;
      if (!cloud) return document.createElement('div');
      let ss = 0;
      for (let i = 0; i < cloud.length; i++) ss += cloud[i] * cloud[i];
      const [el, plot] = cloudPlotCanvas(Math.min(width, present ? 320 : 170), { points: cloud, domain: CLOUD_DOMAIN, present, fill: COLOURS[which], normalCircles: true, r: 1.4 });
      tagged(plot, { t, rms: Math.sqrt(ss / cloud.length).toFixed(6) });
      return el;
    },
    [noised, present, t],
  );
  const renderCloudA = useMemo(() => renderCloud('A'), [renderCloud]);
  const renderCloudB = useMemo(() => renderCloud('B'), [renderCloud]);

  const nameA = SCHEDULE_SHORT[a], nameB = SCHEDULE_SHORT[b];
  const same = a === b;
  const labelOf = (w: Which) => (same ? `${w} (${w === 'A' ? nameA : nameB})` : w === 'A' ? nameA : nameB);
  const digitSum = (px: Float32Array | null) => (px ? px.reduce((s, v) => s + v, 0).toFixed(3) : '');

  const table = at && (
    <table className="diff-readout-table">
      <caption>Values at t = {t}</caption>
      <thead>
        <tr><th scope="col">at t</th><th scope="col" id={`${uid}-col-a`}>{labelOf('A')}</th><th scope="col" id={`${uid}-col-b`}>{labelOf('B')}</th></tr>
      </thead>
      <tbody>
        {READOUT_ROWS.map((r) => (
          <tr key={r.key} title={r.title}>
            <th scope="row" id={`${uid}-row-${r.key}`}>{r.label}</th>
            {(['A', 'B'] as const).map((w) => (
              <td key={w}>
                <output aria-labelledby={`${uid}-row-${r.key} ${uid}-col-${w.toLowerCase()}`} data-testid={`ns-${w.toLowerCase()}-${r.key}`}>{fmtSig(at[w][r.key] as number)}</output>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <div className="widget-body diff-schedules">
      <div className="controls diff-controls">
        <div className="diff-wide"><BoundedSlider name="t" max={T} min={0} valueText={(v) => `t = ${v} of ${T}`} /></div>
        <ParamControl name="a" />
        <ParamControl name="b" />
        <ParamControl name="T" />
        <ParamControl name="scale" />
      </div>
      {built.error && <p className="widget-message" role="alert">{built.error}</p>}
      <ul className="legend" aria-hidden="true">
        <li><span style={{ background: COLOURS.A }} /> {labelOf('A')}</li>
        <li><span style={{ background: COLOURS.B }} /> {labelOf('B')}</li>
        <li><span className="dashed" style={{ borderColor: 'var(--text-soft)' }} /> noise coefficient √(1 − ᾱ_t); posterior variance β̃_t</li>
        <li><span style={{ background: 'var(--text)', opacity: 0.55 }} /> t = {t}</li>
      </ul>
      <div className="diff-panels">
        <PlotView render={renderAlphaBar} className="ns-alphabar" minHeight={panelHeight} label={`ᾱ_t against t for the ${nameA} and ${nameB} schedules, with T = ${T}; marker at t = ${t}.`} />
        <PlotView render={renderCoefs} className="ns-coefs" minHeight={panelHeight} label={`Signal coefficient √ᾱ_t (solid) and noise coefficient √(1 − ᾱ_t) (dashed) against t for both schedules.`} />
        <PlotView render={renderLogSnr} className="ns-logsnr" minHeight={panelHeight} label={`log SNR(t) for both schedules; it crosses 0 where signal and noise have equal variance.`} />
        <PlotView render={renderBetas} className="ns-betas" minHeight={panelHeight} label={`β_t (solid) and the posterior variance β̃_t (dashed) on a log scale for both schedules.`} />
      </div>
      <div className="diff-bottom">
        <div className="diff-col">
          {table}
          {t === 0 && <p className="widget-note">At t = 0 nothing has been added yet: the signal-to-noise ratio is infinite, and β̃ is shown as 0 (there is no step from t = 0).</p>}
          {built.A?.warning && <p className="widget-note" role="status">{nameA}: {built.A.warning}</p>}
          {built.B?.warning && !same && <p className="widget-note" role="status">{nameB}: {built.B.warning}</p>}
          <div className="controls">
            <ParamControl name="data" />
            <ParamControl name="digit" />
            <ParamControl name="seed" />
          </div>
        </div>
        <div className="diff-col">
          <h4 className="diff-heading">At t = {t}: the same ε added under each schedule</h4>
          <div className="diff-noised">
            {(['A', 'B'] as const).map((w) => (
              <div key={w} className="diff-noised-pair">
                <span className="diff-noised-label" style={{ borderColor: COLOURS[w] }}>{labelOf(w)}</span>
                <DigitCanvas
                  pixels={noised?.[w].digit ?? null}
                  side={digitImage?.side ?? 28}
                  label={`A handwritten ${digit} noised to step ${t} of the ${w === 'A' ? nameA : nameB} schedule.`}
                  testId={`ns-digit-${w.toLowerCase()}`}
                  meta={{ t, sum: digitSum(noised?.[w].digit ?? null) }}
                />
                <PlotView render={w === 'A' ? renderCloudA : renderCloudB} className={`ns-cloud ns-cloud-${w.toLowerCase()}`} minHeight={present ? 320 : 170} label={`${CLOUD_POINTS} points of the ${data} data noised to step ${t} of the ${w === 'A' ? nameA : nameB} schedule, with the 1σ and 2σ circles of N(0, I).`} />
              </div>
            ))}
          </div>
          {digitError && <p className="widget-note" role="alert">{digitError}</p>}
          <p className="widget-note">
            Pixels are mapped to [−1, 1] before noising, as in DDPM, and shown clipped back to [0, 1]. Dashed circles: one and two standard deviations of N(0, I).
          </p>
        </div>
      </div>
    </div>
  );
}
