import { useCallback, useEffect, useMemo, useRef } from 'react';
import * as Plot from '@observablehq/plot';
import { density1D, gaussian1D, optimalDiscriminator, twoComponentMixture, valueAtOptimum, type Mixture1D } from '../../core/gan/optimalD';
import { useParam, useWidget } from '../../ui/widget-context';
import { ParamControl, Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { Tex } from '../../ui/Tex';
import type { Params } from '../types';
import { fmt } from '../gan-losses/format';

const DOMAIN: [number, number] = [-6, 6];
const POINTS = 481;
const XS = Float64Array.from({ length: POINTS }, (_, i) => DOMAIN[0] + ((DOMAIN[1] - DOMAIN[0]) * i) / (POINTS - 1));
const LOG4 = Math.log(4);
/** How long "Move p_g onto p_data" takes when motion is allowed. */
const GLIDE_MS = 900;

function mixtureOf(shape: string, m1: number, s1: number, m2: number, s2: number, w: number): Mixture1D {
  return shape === 'mixture' ? twoComponentMixture(m1, s1, m2, s2, w) : gaussian1D(m1, s1);
}

/** Gen parameters that describe the same density as the data's, and a start that glides to them. */
function glidePlan(p: Params): { from: Record<string, number>; to: Record<string, number>; shape: string } {
  const to = { genMean: p.dataMean as number, genStd: p.dataStd as number, genMean2: p.dataMean2 as number, genStd2: p.dataStd2 as number, genWeight: p.dataWeight as number };
  const from = { genMean: p.genMean as number, genStd: p.genStd as number, genMean2: p.genMean2 as number, genStd2: p.genStd2 as number, genWeight: p.genWeight as number };
  if (p.dataShape === 'mixture' && p.genShape === 'gaussian') {
    // A single Gaussian is a mixture of two identical components: start from that.
    Object.assign(from, { genMean2: from.genMean, genStd2: from.genStd, genWeight: 0.5 });
  }
  return { from, to, shape: p.dataShape as string };
}

export default function GanOptimalD() {
  const { store, present } = useWidget();
  const p = {
    dataShape: useParam<string>('dataShape'), dataMean: useParam<number>('dataMean'), dataStd: useParam<number>('dataStd'),
    dataMean2: useParam<number>('dataMean2'), dataStd2: useParam<number>('dataStd2'), dataWeight: useParam<number>('dataWeight'),
    genShape: useParam<string>('genShape'), genMean: useParam<number>('genMean'), genStd: useParam<number>('genStd'),
    genMean2: useParam<number>('genMean2'), genStd2: useParam<number>('genStd2'), genWeight: useParam<number>('genWeight'),
  };
  const pData = useMemo(() => mixtureOf(p.dataShape, p.dataMean, p.dataStd, p.dataMean2, p.dataStd2, p.dataWeight), [p.dataShape, p.dataMean, p.dataStd, p.dataMean2, p.dataStd2, p.dataWeight]);
  const pG = useMemo(() => mixtureOf(p.genShape, p.genMean, p.genStd, p.genMean2, p.genStd2, p.genWeight), [p.genShape, p.genMean, p.genStd, p.genMean2, p.genStd2, p.genWeight]);

  const curves = useMemo(() => {
    const dStar = optimalDiscriminator(pData, pG, XS);
    const rows = Array.from(XS, (x, i) => ({ x, data: density1D(pData, x), gen: density1D(pG, x), d: dStar[i] }));
    let dev = 0;
    for (const r of rows) dev = Math.max(dev, Math.abs(r.d - 0.5));
    return { rows, dev };
  }, [pData, pG]);
  const v = useMemo(() => valueAtOptimum(pData, pG), [pData, pG]);

  // "Move p_g onto p_data": a glide, or a jump when the reader prefers reduced motion.
  const glide = useRef<number | null>(null);
  const stopGlide = () => {
    if (glide.current !== null) cancelAnimationFrame(glide.current);
    glide.current = null;
  };
  useEffect(() => stopGlide, []);
  const moveOnto = useCallback(() => {
    stopGlide();
    const plan = glidePlan(store.getState().params);
    const set = (t: number) => {
      const patch: Params = { genShape: plan.shape };
      for (const k of Object.keys(plan.to)) patch[k] = t >= 1 ? plan.to[k] : plan.from[k] + (plan.to[k] - plan.from[k]) * t;
      store.getState().setParams(patch);
    };
    if (window.matchMedia?.('(prefers-reduced-motion: reduce)').matches) {
      set(1);
      return;
    }
    set(0);
    const start = performance.now();
    const frame = (now: number) => {
      const u = Math.min(1, (now - start) / GLIDE_MS);
      set(u < 1 ? 1 - (1 - u) * (1 - u) : 1);
      glide.current = u < 1 ? requestAnimationFrame(frame) : null;
    };
    glide.current = requestAnimationFrame(frame);
  }, [store]);

  const stroke = present ? 2 : 1;
  const renderDensities = useCallback((width: number) => {
    const top = Math.max(...curves.rows.map((r) => Math.max(r.data, r.gen)));
    return Plot.plot({
      width, height: present ? 300 : 210, marginLeft: 48,
      style: { fontSize: present ? '17px' : '12px', background: 'transparent' },
      x: { domain: DOMAIN, label: 'x' },
      y: { domain: [0, top * 1.08], label: 'density', grid: true },
      marks: [
        Plot.areaY(curves.rows, { x: 'x', y: 'data', fill: 'var(--series-1)', fillOpacity: 0.18 }),
        Plot.line(curves.rows, { x: 'x', y: 'data', stroke: 'var(--series-1)', strokeWidth: 2.5 * stroke }),
        Plot.areaY(curves.rows, { x: 'x', y: 'gen', fill: 'var(--series-2)', fillOpacity: 0.18 }),
        Plot.line(curves.rows, { x: 'x', y: 'gen', stroke: 'var(--series-2)', strokeWidth: 2.5 * stroke, strokeDasharray: '7 4' }),
        Plot.ruleY([0]),
      ],
    });
  }, [curves, present, stroke]);

  const renderD = useCallback((width: number) => Plot.plot({
    width, height: present ? 240 : 170, marginLeft: 48,
    style: { fontSize: present ? '17px' : '12px', background: 'transparent' },
    x: { domain: DOMAIN, label: 'x' },
    y: { domain: [0, 1], label: 'D*(x)', grid: true, ticks: [0, 0.25, 0.5, 0.75, 1] },
    marks: [
      Plot.ruleY([0.5], { stroke: 'var(--text-soft)', strokeDasharray: '4 4' }),
      Plot.line(curves.rows, { x: 'x', y: 'd', stroke: 'var(--series-3)', strokeWidth: 2.5 * stroke }),
    ],
  }), [curves, present, stroke]);

  const renderGauge = useCallback((width: number) => Plot.plot({
    width, height: present ? 90 : 64, marginLeft: 48, marginRight: 20,
    style: { fontSize: present ? '15px' : '11px', background: 'transparent' },
    x: { domain: [-LOG4 - 0.02, 0.02], label: 'V(D*, G): from −log 4 (p_g = p_data) to 0 (disjoint supports)', ticks: [-LOG4, -1, -0.5, 0], tickFormat: (t: number) => (Math.abs(t + LOG4) < 1e-9 ? '−log 4' : fmt(t, 1)) },
    y: { axis: null },
    marks: [
      Plot.ruleY([0], { stroke: 'var(--text-soft)' }),
      Plot.dot([{ x: v.value, y: 0 }], { x: 'x', y: 'y', r: 7 * stroke, fill: 'var(--series-3)' }),
      Plot.dot([{ x: v.identity, y: 0 }], { x: 'x', y: 'y', r: 11 * stroke, stroke: 'var(--series-4)', strokeWidth: 2 * stroke }),
    ],
  }), [v, present, stroke]);

  const formula = `\\begin{aligned} V(D^*, G) &= ${fmt(v.value, 4)} \\\\ -\\log 4 + 2\\,\\JSD &= ${fmt(-LOG4, 4)} + 2 \\times ${fmt(v.jsd, 4)} = ${fmt(v.identity, 4)} \\end{aligned}`;

  return (
    <div className="widget-body with-side gan-optimal-d">
      <div className="gan-main">
        <div className="readouts">
          <Readout label="V(D*, G), integrated" value={fmt(v.value, 4)} testId="od-v" title="∫ p_data log D* + p_g log(1 − D*) dx by composite Simpson quadrature." />
          <Readout label="JSD(p_data ‖ p_g), nats" value={fmt(v.jsd, 4)} testId="od-jsd" title="½ KL(p_data ‖ m) + ½ KL(p_g ‖ m), m = (p_data + p_g)/2, integrated on its own." />
          <Readout label="−log 4 + 2·JSD" value={fmt(v.identity, 4)} testId="od-identity" />
          <Readout label="|V − (−log 4 + 2·JSD)|" value={Math.abs(v.value - v.identity).toExponential(1).replace('-', '−')} testId="od-gap" />
          <Readout label="max |D*(x) − ½| on the plot" value={fmt(curves.dev, 4)} testId="od-dev" />
        </div>
        <div className="formula" aria-live="polite"><Tex tex={formula} display /></div>
        {v.warning && <p className="widget-message" role="status">{v.warning}</p>}
        <PlotView render={renderDensities} className="od-densities" minHeight={present ? 300 : 210} label={`Densities of p_data and p_g on x from −6 to 6. JSD ${fmt(v.jsd, 4)} nats.`} />
        <ul className="legend" aria-hidden="true">
          <li><span style={{ background: 'var(--series-1)' }} /> p_data</li>
          <li><span className="dashed" style={{ borderColor: 'var(--series-2)' }} /> p_g</li>
          <li><span style={{ background: 'var(--series-3)' }} /> D*(x) = p_data / (p_data + p_g)</li>
        </ul>
        <PlotView render={renderD} className="od-dstar" minHeight={present ? 240 : 170} label={`The optimal discriminator D*(x); its largest distance from one half on the plot is ${fmt(curves.dev, 4)}.`} />
        <PlotView render={renderGauge} className="od-gauge" minHeight={present ? 90 : 64} label={`V(D*, G) = ${fmt(v.value, 4)} on the range from −log 4 to 0; the ring marks −log 4 + 2·JSD = ${fmt(v.identity, 4)}.`} />
        <p className="widget-note">The dot is V(D*, G) integrated from D*; the ring is −log 4 + 2·JSD, integrated separately. They coincide for every pair of densities: that is the identity of the derivation.</p>
      </div>
      <div className="controls">
        <button type="button" className="primary" onClick={moveOnto}>Move p_g onto p_data</button>
        <fieldset className="gan-fieldset">
          <legend>Data p_data</legend>
          <ParamControl name="dataShape" label="Shape" />
          <ParamControl name="dataMean" label={p.dataShape === 'mixture' ? 'mean μ₁' : 'mean μ'} />
          <ParamControl name="dataStd" label={p.dataShape === 'mixture' ? 'std σ₁' : 'std σ'} />
          {p.dataShape === 'mixture' && <ParamControl name="dataMean2" label="mean μ₂" />}
          {p.dataShape === 'mixture' && <ParamControl name="dataStd2" label="std σ₂" />}
          {p.dataShape === 'mixture' && <ParamControl name="dataWeight" label="weight of component 1" />}
        </fieldset>
        <fieldset className="gan-fieldset" onPointerDown={stopGlide} onKeyDown={stopGlide}>
          <legend>Generator p_g</legend>
          <ParamControl name="genShape" label="Shape" />
          <ParamControl name="genMean" label={p.genShape === 'mixture' ? 'mean μ₁' : 'mean μ'} />
          <ParamControl name="genStd" label={p.genShape === 'mixture' ? 'std σ₁' : 'std σ'} />
          {p.genShape === 'mixture' && <ParamControl name="genMean2" label="mean μ₂" />}
          {p.genShape === 'mixture' && <ParamControl name="genStd2" label="std σ₂" />}
          {p.genShape === 'mixture' && <ParamControl name="genWeight" label="weight of component 1" />}
        </fieldset>
        <p className="widget-note">
          D* is optimal for this fixed p_g; the generator never sees it directly. All integrals are in float64 over ±12 standard deviations of every component
          (∫p_data = {fmt(v.massData, 6)}, ∫p_g = {fmt(v.massG, 6)}).
        </p>
      </div>
    </div>
  );
}
