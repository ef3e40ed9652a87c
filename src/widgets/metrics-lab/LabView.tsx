import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as Plot from '@observablehq/plot';
import { loadTf } from '../../ui/tf-backend';
import { useAppStore } from '../../ui/appStore';
import { useParam, useWidget } from '../../ui/widget-context';
import { ParamControl, Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { Tex } from '../../ui/Tex';
import { createMetricCache } from '../../core/metrics/common';
import { fid } from '../../core/metrics/fid';
import { kid } from '../../core/metrics/kid';
import { precisionRecall, memorisationRatio } from '../../core/metrics/precisionRecall';
import { mmdPermutationTest } from '../../core/metrics/mmdTest';
import {
  MEMORISE_NOISE, PANEL_METRICS, TOY_FAILURE_TABLE, TOY_FLAG_RULES, TOY_PRESET_NAMES, toyControlsForPreset, toyGeneratedData,
  toyInceptionScore, toyPanelFlags, toyPerfectFid, toyRealData,
  type PanelEntry, type PanelMetric, type ToyControls, type ToyPanel, type ToyPresetName, type ToyRealPreset,
} from '../../core/metrics/toyGaussians';
import { fmtPValue, fmtSig } from './format';

/** The scatter's square domain: the ring (radius 1.5) or grid (±1.6) plus a full shift and blur. */
const DOMAIN: [number, number] = [-3, 3];
/** Points drawn per set: beyond this the SVG gets slow and the cloud is no clearer. */
const MAX_DRAWN = 2000;

export const PRESET_LABELS: Record<ToyPresetName, string> = {
  perfect: 'Perfect', shifted: 'Shifted', blurry: 'Blurry', modeCollapse: 'Mode collapse', droppedModes: 'Dropped modes', memorised: 'Memorised',
};

export const METRIC_LABELS: Record<PanelMetric, string> = {
  fid: 'FID', kid: 'KID', precision: 'precision', recall: 'recall', is: 'IS', mmd: 'MMD test', memorisation: 'memorisation',
};

/** Names of the panel's computations, in the order they run (cheap first). */
type Slot = 'fid' | 'kid' | 'inception' | 'inceptionReal' | 'perfectFid' | 'precisionRecall' | 'mmd' | 'memorisation';

interface Computed<T> {
  entry: PanelEntry<T>;
  /** The computation round that produced it: older than the current round means stale. */
  round: number;
  ms: number;
}

type PanelState = { [K in keyof ToyPanel]?: Computed<ToyPanel[K] extends PanelEntry<infer T> ? T : never> } & { perfectFid?: Computed<number> };

/** Wait for the next frame to be painted, so a finished stage shows before the next one blocks. */
function nextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/**
 * Run one metric and time it. tfjs dispatches its ops synchronously when the function is called,
 * so the clock starts before the call, not before the readback.
 */
function settle<T>(run: () => Promise<T>): Promise<{ entry: PanelEntry<T>; ms: number }> {
  const t0 = performance.now();
  let p: Promise<T>;
  try {
    p = run();
  } catch (e) {
    p = Promise.reject(e);
  }
  return p.then(
    (value) => ({ entry: { ok: true as const, value }, ms: performance.now() - t0 }),
    (e: unknown) => ({ entry: { ok: false as const, error: e instanceof Error ? e.message : String(e) }, ms: performance.now() - t0 }),
  );
}

/** The preset whose controls equal the current ones (failure controls only), if any. */
function matchingPreset(c: ToyControls): ToyPresetName | null {
  for (const name of TOY_PRESET_NAMES) {
    const p = toyControlsForPreset(name, c);
    if ((['shiftX', 'shiftY', 'spread', 'rotation', 'dropModes', 'collapse', 'collapseModes', 'memorise'] as const).every((k) => p[k] === c[k])) return name;
  }
  return null;
}

export function LabView() {
  const { store, present } = useWidget();
  const real = useParam<ToyRealPreset>('real');
  const nReal = useParam<number>('nReal');
  const nGen = useParam<number>('nGen');
  const seed = useParam<number>('seed');
  const shiftX = useParam<number>('shiftX');
  const shiftY = useParam<number>('shiftY');
  const spread = useParam<number>('spread');
  const rotation = useParam<number>('rotation');
  const dropModesAsked = useParam<number>('dropModes');
  const collapse = useParam<number>('collapse');
  const collapseModesAsked = useParam<number>('collapseModes');
  const memorise = useParam<number>('memorise');
  const k = useParam<number>('k');

  // The spec's ranges fit the grid of 25; the ring has 8 modes, so clamp here and say so.
  const K = real === 'ring8' ? 8 : 25;
  const dropModes = Math.min(dropModesAsked, K - 1);
  const collapseModes = Math.min(collapseModesAsked, K - dropModes);
  const clampNotes = [
    dropModes !== dropModesAsked ? `At most ${K - 1} of the ${K} modes can be dropped; using ${dropModes}.` : null,
    collapseModes !== collapseModesAsked ? `Only ${K - dropModes} modes remain to collapse onto; using ${collapseModes}.` : null,
  ].filter((s): s is string => !!s);

  const controls: ToyControls = useMemo(() => ({
    real, nReal, nGenerated: nGen, seed, shiftX, shiftY, spread, rotation, dropModes, collapse, collapseModes, memorise,
  }), [real, nReal, nGen, seed, shiftX, shiftY, spread, rotation, dropModes, collapse, collapseModes, memorise]);

  // Real data depend on (real, m, seed) only: the same arrays let the metric cache skip real-set work.
  const realData = useMemo(() => toyRealData({ ...controls }), [real, nReal, seed]); // eslint-disable-line react-hooks/exhaustive-deps
  const data = useMemo(() => toyGeneratedData(controls, realData), [controls, realData]);
  const cache = useRef(createMetricCache());

  const [panel, setPanel] = useState<PanelState>({});
  const [round, setRound] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const backendEpoch = useAppStore((s) => s.backendEpoch);

  // Cheap metrics first, each stage shown before the next starts; a control change starts a new
  // round and the old one stops at its next stage boundary.
  useEffect(() => {
    const mine = ++seq.current;
    setRound(mine);
    let cancelled = false;
    const alive = () => !cancelled && mine === seq.current;
    const put = (patch: Partial<Record<Slot, { entry: PanelEntry<unknown>; ms: number }>>) => {
      if (!alive()) return;
      setPanel((p) => {
        const next = { ...p } as Record<string, Computed<unknown>>;
        for (const [key, v] of Object.entries(patch)) if (v) next[key] = { entry: v.entry, ms: v.ms, round: mine };
        return next as PanelState;
      });
    };
    (async () => {
      await loadTf();
      if (!alive()) return;
      setError(null);
      const options = { seed: controls.seed, cache: cache.current };
      const [f, kd, is, isReal, perfect] = await Promise.all([
        settle(() => fid(data.real, data.generated)),
        settle(() => kid(data.real, data.generated, options)),
        settle(() => toyInceptionScore(data.generated, data.realMixture)),
        settle(() => toyInceptionScore(data.real, data.realMixture)),
        settle(() => toyPerfectFid(controls, realData)),
      ]);
      put({ fid: f, kid: kd, inception: is, inceptionReal: isReal, perfectFid: perfect });
      await nextPaint();
      if (!alive()) return;
      put({ precisionRecall: await settle(() => precisionRecall(data.real, data.generated, { k, cache: cache.current })) });
      await nextPaint();
      if (!alive()) return;
      put({ memorisation: await settle(() => memorisationRatio(data.real, data.heldOut, data.generated, { cache: cache.current })) });
      await nextPaint();
      if (!alive()) return;
      put({ mmd: await settle(() => mmdPermutationTest(data.real, data.generated, { seed: controls.seed })) });
    })().catch((e: unknown) => alive() && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [data, realData, controls, k, backendEpoch]);

  const value = <T,>(c: Computed<T> | undefined): T | null => (c && c.entry.ok ? c.entry.value : null);
  const fresh = (c: Computed<unknown> | undefined) => !!c && c.round === round;
  const f = value(panel.fid), is = value(panel.inception), isReal = value(panel.inceptionReal), perfectFid = value(panel.perfectFid);
  const flags = useMemo(() => {
    const entries: Partial<ToyPanel> = {};
    for (const key of ['fid', 'kid', 'precisionRecall', 'inception', 'inceptionReal', 'mmd', 'memorisation'] as const) {
      const c = panel[key];
      if (c && c.round === round) (entries as Record<string, PanelEntry<unknown>>)[key] = c.entry;
    }
    return toyPanelFlags(entries, panel.perfectFid?.round === round ? perfectFid : null);
  }, [panel, round, perfectFid]);

  const messages = useMemo(() => {
    const out: string[] = [...clampNotes];
    const named: [string, Computed<{ warning: string | null }> | undefined][] = [
      ['FID', panel.fid], ['KID', panel.kid], ['Precision and recall', panel.precisionRecall], ['IS', panel.inception],
      ['MMD test', panel.mmd], ['Memorisation ratio', panel.memorisation],
    ];
    for (const [name, c] of named) {
      if (!c || c.round !== round) continue;
      if (!c.entry.ok) out.push(`${name}: ${c.entry.error}`);
      else if (c.entry.value.warning) out.push(`${name}: ${c.entry.value.warning}`);
    }
    return out;
  }, [panel, round, clampNotes.join('|')]); // eslint-disable-line react-hooks/exhaustive-deps

  const preset = matchingPreset(controls);
  const applyPreset = useCallback((name: ToyPresetName) => {
    const c = toyControlsForPreset(name, controls);
    store.getState().setParams({
      shiftX: c.shiftX, shiftY: c.shiftY, spread: c.spread, rotation: c.rotation, dropModes: c.dropModes,
      collapse: c.collapse, collapseModes: c.collapseModes, memorise: c.memorise,
    });
  }, [store, controls]);

  const k2 = present ? 2 : 1;
  // The canvas takes its colours from the theme's CSS variables. Reading them forces a style pass
  // over the whole (long) page, so they are read once and again only when the theme changes.
  const [themeTick, setThemeTick] = useState(0);
  useEffect(() => {
    const mo = new MutationObserver(() => setThemeTick((t) => t + 1));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    return () => mo.disconnect();
  }, []);
  const colours = useRef<{ tick: number; values: Record<string, string> } | null>(null);
  const colour = (el: Element, name: string): string => {
    if (!colours.current || colours.current.tick !== themeTick) colours.current = { tick: themeTick, values: {} };
    const cached = colours.current.values;
    if (cached[name] === undefined) cached[name] = getComputedStyle(el).getPropertyValue(name).trim() || '#888';
    return cached[name];
  };

  // Axes, frame and mode markers in SVG (Plot); the thousands of points on a canvas laid over it,
  // which redraws in a few milliseconds where as many SVG circles take a long frame.
  const renderScatter = useCallback((width: number) => {
    const size = Math.min(width, present ? 640 : 440);
    const margin = { left: 36, right: 20, top: 20, bottom: 32 };
    const realModes = data.realMixture.means.map(([x, y]) => ({ x, y }));
    const genModes = data.generatedMixture.means.map(([x, y], i) => ({ x, y, w: data.generatedMixture.weights[i] })).filter((m) => m.w > 0 && memorise < 1);
    const svg = Plot.plot({
      width: size,
      height: size,
      marginLeft: margin.left,
      marginRight: margin.right,
      marginTop: margin.top,
      marginBottom: margin.bottom,
      style: { fontSize: present ? '16px' : '11px', background: 'transparent' },
      x: { domain: DOMAIN, label: 'x₁', ticks: 7 },
      y: { domain: DOMAIN, label: 'x₂', ticks: 7 },
      marks: [
        Plot.frame({ stroke: 'var(--text-soft)', strokeOpacity: 0.3 }),
        Plot.dot(realModes, { x: 'x', y: 'y', symbol: 'plus', r: 5 * k2, stroke: 'var(--text)', strokeWidth: 1.5 * k2 }),
        Plot.dot(genModes, { x: 'x', y: 'y', r: (d: { w: number }) => Math.sqrt(d.w) * 22 * k2, stroke: 'var(--series-3)', strokeWidth: 1.5 * k2, fill: 'none', clip: true }),
      ],
    }) as unknown as SVGSVGElement & { scale: (n: string) => { apply: (v: number) => number } };
    const wrap = document.createElement('div');
    wrap.className = 'scatter-wrap';
    wrap.style.maxWidth = `${size}px`;
    const canvas = document.createElement('canvas');
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    canvas.width = Math.round(size * ratio);
    canvas.height = Math.round(size * ratio);
    canvas.setAttribute('aria-hidden', 'true');
    wrap.append(canvas, svg);
    const sx = svg.scale('x'), sy = svg.scale('y');
    const r = present ? 2.4 : 1.6;
    const draw = () => {
      const ctx = canvas.getContext('2d');
      if (!ctx || !wrap.isConnected) return;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, size, size);
      ctx.save();
      ctx.beginPath();
      ctx.rect(margin.left, margin.top, size - margin.left - margin.right, size - margin.top - margin.bottom);
      ctx.clip();
      const cloud = (xy: ArrayLike<number>, n: number, keep: (i: number) => boolean, name: string, fill: boolean) => {
        const stride = Math.max(1, Math.ceil(n / MAX_DRAWN));
        ctx.beginPath();
        for (let i = 0; i < n; i += stride) {
          if (!keep(i)) continue;
          const px = sx.apply(xy[2 * i]), py = sy.apply(xy[2 * i + 1]);
          ctx.moveTo(px + (fill ? r : r * 1.2), py);
          ctx.arc(px, py, fill ? r : r * 1.2, 0, 2 * Math.PI);
        }
        ctx.globalAlpha = fill ? 0.45 : 1;
        if (fill) {
          ctx.fillStyle = colour(wrap, name);
          ctx.fill();
        } else {
          ctx.strokeStyle = colour(wrap, name);
          ctx.lineWidth = k2;
          ctx.stroke();
        }
      };
      cloud(data.real.data, data.real.n, () => true, '--series-1', true);
      cloud(data.generated.data, data.generated.n, (i) => !data.isCopy[i], '--series-2', true);
      cloud(data.generated.data, data.generated.n, (i) => !!data.isCopy[i], '--series-4', false);
      ctx.restore();
    };
    // Drawn once attached: the colours come from the page's CSS variables.
    queueMicrotask(draw);
    return wrap;
  }, [data, present, k2, memorise, themeTick]); // eslint-disable-line react-hooks/exhaustive-deps

  const stale = (c: Computed<unknown> | undefined) => (c && !fresh(c) ? 'metric-value stale' : 'metric-value');
  const shown = (c: Computed<unknown> | undefined, text: (v: never) => string, name: string) => {
    if (!c) return <span className="metric-value" data-metric={name} data-round={0}>…</span>;
    const body = c.entry.ok ? text(c.entry.value as never) : '—';
    return <span className={stale(c)} data-metric={name} data-round={c.round}>{body}</span>;
  };
  // A flag cell: ⚑ or · once the metric has a value, — when it ended in a message, … until then.
  const flagSlots: Record<PanelMetric, (keyof PanelState)[]> = {
    fid: ['fid', 'perfectFid'], kid: ['kid'], precision: ['precisionRecall'], recall: ['precisionRecall'],
    is: ['inception', 'inceptionReal'], mmd: ['mmd'], memorisation: ['memorisation'],
  };
  const flagText = (m: PanelMetric) => {
    if (flags[m] !== null) return flags[m] ? '⚑' : '·';
    return flagSlots[m].every((slot) => fresh(panel[slot])) ? '—' : '…';
  };
  const flag = (m: PanelMetric) => (flags[m] ? <span className="metric-flag" title={`Flags a failure: ${TOY_FLAG_RULES[m]}.`}> ⚑</span> : null);

  const fidTex = f
    ? `\\FID = \\underbrace{${fmtSig(f.meanTerm)}}_{\\lVert \\mu_r - \\mu_g \\rVert^2} + \\underbrace{${fmtSig(f.covTerm)}}_{\\tr(\\Sigma_r + \\Sigma_g - 2(\\Sigma_r\\Sigma_g)^{1/2})} = ${fmtSig(f.fid)}`
    : '\\FID = \\lVert \\mu_r - \\mu_g \\rVert^2 + \\tr\\big(\\Sigma_r + \\Sigma_g - 2(\\Sigma_r\\Sigma_g)^{1/2}\\big)';
  const isTex = is
    ? `\\IS = \\exp\\big(\\underbrace{${is.marginalEntropy.toFixed(3)}}_{H(c) \\,\\le\\, \\log ${K} = ${Math.log(K).toFixed(3)}} - \\underbrace{${is.meanConditionalEntropy.toFixed(3)}}_{\\E_x H(c(\\cdot \\given x)) \\,\\ge\\, 0}\\big) = ${is.is.toFixed(3)} \\in [1, ${K}]`
    : `\\IS = \\exp\\big(H(c) - \\E_x H(c(\\cdot \\given x))\\big) \\in [1, ${K}]`;

  const stages = ['fid', 'precisionRecall', 'memorisation', 'mmd'] as const;
  const timing = stages
    .map((key) => (panel[key] && fresh(panel[key]) ? `${{ fid: 'FID, KID and IS', precisionRecall: 'precision/recall', mmd: 'MMD test', memorisation: 'memorisation' }[key]} ${Math.round(panel[key]!.ms)} ms` : null))
    .filter(Boolean).join(' · ');
  // The same compute times, machine-readable for the benchmark (ms from call to readback).
  const stageMs = JSON.stringify(Object.fromEntries(stages.filter((key) => fresh(panel[key])).map((key) => [key, panel[key]!.ms])));

  return (
    <div className="metrics-lab metrics-main">
      {error && <p className="widget-message" role="alert">{error}</p>}
      <div className="widget-body with-side">
        <div>
          <PlotView
            render={renderScatter}
            className="metrics-scatter"
            label={`Scatter of ${data.real.n} real points (${real === 'ring8' ? 'ring of 8' : 'grid of 25'} Gaussians) and ${data.generated.n} generated points${preset && preset !== 'perfect' ? ` with the failure “${PRESET_LABELS[preset]}”` : ''}.`}
            minHeight={present ? 480 : 300}
          />
          <ul className="legend" aria-hidden="true">
            <li><span className="dot" style={{ background: 'var(--series-1)' }} /> real (training)</li>
            <li><span className="dot" style={{ background: 'var(--series-2)' }} /> generated</li>
            {memorise > 0 && <li><span className="dot ring" style={{ borderColor: 'var(--series-4)' }} /> memorised copies</li>}
            <li><span className="plus">+</span> real modes</li>
            {memorise < 1 && <li><span className="dot ring" style={{ borderColor: 'var(--series-3)' }} /> generated modes (area ∝ weight)</li>}
          </ul>
        </div>
        <div className="metrics-panel">
          <ParamControl name="real" />
          <div className="readouts" aria-live="polite">
            <Readout label={<>FID{flag('fid')}</>} value={shown(panel.fid, (v: { fid: number }) => fmtSig(v.fid), 'fid')} testId="metrics-fid" title="Lower is better; 0 only when the fitted Gaussians coincide. Biased upwards at finite n." />
            <Readout label={<>KID ± std{flag('kid')}</>} value={shown(panel.kid, (v: { kid: number; std: number }) => `${fmtSig(v.kid)} ± ${fmtSig(v.std, 2)}`, 'kid')} testId="metrics-kid" title="Unbiased: scatters around 0 for a perfect model (it can be negative)." />
            <Readout label={<>precision{flag('precision')}</>} value={shown(panel.precisionRecall, (v: { precision: number }) => v.precision.toFixed(3), 'precision')} testId="metrics-precision" title="Fraction of generated points inside the real k-NN balls (quality)." />
            <Readout label={<>recall{flag('recall')}</>} value={shown(panel.precisionRecall, (v: { recall: number }) => v.recall.toFixed(3), 'recall')} testId="metrics-recall" title="Fraction of real points inside the generated k-NN balls (coverage)." />
            <Readout label={<>IS (real data: {isReal ? isReal.is.toFixed(2) : '…'}){flag('is')}</>} value={shown(panel.inception, (v: { is: number }) => v.is.toFixed(3), 'is')} testId="metrics-is" title={`Between 1 and K = ${K}.`} />
            <Readout label={<>MMD test p-value{flag('mmd')}</>} value={shown(panel.mmd, (v: { pValue: number; pValueFloor: number }) => fmtPValue(v.pValue, v.pValueFloor), 'mmd')} testId="metrics-mmd" title="Small p: the samples show the distributions differ." />
            <Readout label={<>memorisation ratio{flag('memorisation')}</>} value={shown(panel.memorisation, (v: { ratio: number }) => v.ratio.toFixed(3), 'memorisation')} testId="metrics-memorisation" title="Mean distance of generated points to their nearest training point over the same for fresh real points: about 1 when the model generalises, near 0 for copies." />
          </div>
          <p className="widget-note">⚑: this metric flags a failure (against a perfect model at the same sizes). Dimmed: being recomputed.</p>
        </div>
      </div>
      <div className="preset-buttons" role="group" aria-label="Failure presets">
        <span className="preset-label">Presets:</span>
        {TOY_PRESET_NAMES.map((name) => (
          <button key={name} type="button" aria-pressed={preset === name} onClick={() => applyPreset(name)}>{PRESET_LABELS[name]}</button>
        ))}
      </div>
      <div className="controls metrics-controls">
        <ParamControl name="shiftX" />
        <ParamControl name="shiftY" />
        <ParamControl name="spread" />
        <ParamControl name="rotation" />
        <ParamControl name="dropModes" />
        <ParamControl name="collapse" />
        <ParamControl name="collapseModes" />
        <ParamControl name="memorise" />
        <ParamControl name="nReal" />
        <ParamControl name="nGen" />
        <ParamControl name="k" />
        <ParamControl name="seed" />
      </div>
      <p className="widget-note">
        Spread multiplies every mode’s standard deviation; mode collapse moves that fraction of the weight onto the first few modes; memorised samples are copies of real training points plus noise of {MEMORISE_NOISE}σ. The memorisation ratio compares generated points with a held-out real set of m fresh points.
      </p>
      {messages.length > 0 && (
        <ul className="widget-note metrics-messages" data-testid="metrics-messages">
          {messages.map((m) => <li key={m}>{m}</li>)}
        </ul>
      )}
      <div className="metrics-formulas">
        <div className="formula"><Tex tex={fidTex} display /></div>
        <div className="formula"><Tex tex={isTex} display /></div>
      </div>
      <p className="widget-note">
        The classifier for IS is the Bayes posterior of the real mixture, c(y | x) ∝ w_y N(x; μ_y, σ²I): H(c) ≤ log K and every conditional entropy is ≥ 0, so 1 ≤ IS ≤ K = {K}. Mass piled on a few modes lowers H(c); points between modes raise the conditional entropy.
      </p>
      <div className="metrics-table-wrap">
        <table className="metrics-table" data-testid="metrics-failure-table">
          <caption>Which metric flags which failure (⚑: moves clearly the wrong way). The last row is computed live for the current controls.</caption>
          <thead>
            <tr><th scope="col">failure</th>{PANEL_METRICS.map((m) => <th key={m} scope="col">{METRIC_LABELS[m]}</th>)}</tr>
          </thead>
          <tbody>
            {(Object.keys(TOY_FAILURE_TABLE) as (keyof typeof TOY_FAILURE_TABLE)[]).map((name) => (
              <tr key={name} className={preset === name ? 'current' : undefined}>
                <th scope="row">{PRESET_LABELS[name]}</th>
                {PANEL_METRICS.map((m) => <td key={m}>{TOY_FAILURE_TABLE[name][m] ? '⚑' : '·'}</td>)}
              </tr>
            ))}
            <tr className="live" data-testid="metrics-live-flags">
              <th scope="row">now</th>
              {PANEL_METRICS.map((m) => <td key={m} data-flag={m}>{flagText(m)}</td>)}
            </tr>
          </tbody>
        </table>
      </div>
      <p className="widget-note" data-testid="metrics-timing" data-stage-ms={stageMs}>
        Computed on this device: {timing || '…'}. The MMD test uses at most 500 points per set and 100 relabellings (smallest p-value 1/101). Raw 2-D FID and KID compare moments of the whole cloud, so they barely see a blur of each mode; real FID works on classifier features, which do.
      </p>
    </div>
  );
}
