import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as Plot from '@observablehq/plot';
import { loadTf } from '../../ui/tf-backend';
import { useParam, useWidget } from '../../ui/widget-context';
import { ParamControl, Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { Tex } from '../../ui/Tex';
import {
  estimateGradients, exactGradient, histogram, perDrawVariance, testFunctionValue,
  type GradientEstimates, type TestFunction,
} from '../../core/vae/reparam';
import { quantiles } from '../../core/vae/views';

/** Independent estimates per setting: enough for a smooth histogram and a variance good to about ±5 %. */
const REPLICATES = 1000;
const BINS = 40;
/** The histograms share the central 99 % of both sets of estimates (and the exact value). */
const CENTRAL = 0.99;
const N_CURVE = [1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000];

const FORMULAS: Record<TestFunction, { f: string; grad: string }> = {
  quadratic: { f: 'z^2', grad: '2\\mu' },
  sine: { f: '\\sin z', grad: '\\cos(\\mu)\\, e^{-\\sigma^2/2}' },
  step: { f: '\\mathbb{1}[z > 0]', grad: '\\varphi(\\mu/\\sigma)/\\sigma' },
};

export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return v < 0 ? '−∞' : '∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toFixed(digits);
  return s.replace('-', '−');
}

export default function ReparamTrick() {
  const { present } = useWidget();
  const f = useParam<TestFunction>('f');
  const mu = useParam<number>('mu');
  const sigma = useParam<number>('sigma');
  const samples = useParam<number>('samples');
  const seed = useParam<number>('seed');

  const [result, setResult] = useState<GradientEstimates | null>(null);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  // Every setting draws fresh seeded noise and runs both estimators on tfjs; stale results are dropped.
  useEffect(() => {
    const mine = ++seq.current;
    loadTf()
      .then(() => estimateGradients({ f, mu, sigma, samples, replicates: REPLICATES, seed }))
      .then((r) => {
        if (mine !== seq.current) return;
        setError(null);
        setResult(r);
      })
      .catch((e: unknown) => mine === seq.current && setError(e instanceof Error ? e.message : String(e)));
  }, [f, mu, sigma, samples, seed]);

  const exact = exactGradient(f, mu, sigma);
  const perDraw = perDrawVariance(f, mu, sigma);
  const k = present ? 2 : 1;

  const hist = useMemo(() => {
    if (!result) return null;
    const both = Float64Array.from([...result.score.estimates, ...result.pathwise.estimates]);
    const [lo0, hi0] = quantiles(both, [(1 - CENTRAL) / 2, 1 - (1 - CENTRAL) / 2]);
    let lo = Math.min(lo0, result.exact), hi = Math.max(hi0, result.exact);
    if (hi - lo < 1e-6) { lo -= 0.5; hi += 0.5; }
    const pad = 0.04 * (hi - lo);
    const range: [number, number] = [lo - pad, hi + pad];
    return { range, score: histogram(result.score.estimates, BINS, range), pathwise: histogram(result.pathwise.estimates, BINS, range) };
  }, [result]);

  const renderFunction = useCallback((width: number) => {
    const lo = Math.min(-4, mu - 4 * sigma), hi = Math.max(4, mu + 4 * sigma);
    const zs = Array.from({ length: 241 }, (_, i) => lo + ((hi - lo) * i) / 240);
    const fRows = zs.map((z) => ({ z, y: testFunctionValue(f, z) }));
    const fMax = Math.max(...fRows.map((r) => r.y)), fMin = Math.min(...fRows.map((r) => r.y));
    const span = fMax - fMin || 1;
    // q's density is drawn scaled into f's range so both fit one axis; its shape is what matters.
    const peak = 1 / (sigma * Math.sqrt(2 * Math.PI));
    const qRows = zs.map((z) => ({ z, y: fMin + (0.9 * span * Math.exp(-0.5 * ((z - mu) / sigma) ** 2)) / (peak * sigma * Math.sqrt(2 * Math.PI)) }));
    return Plot.plot({
      width, height: present ? 240 : 150, marginLeft: 48,
      style: { fontSize: present ? '17px' : '12px', background: 'transparent' },
      x: { domain: [lo, hi], label: 'z' },
      y: { label: 'f(z)', grid: true },
      marks: [
        Plot.areaY(qRows, { x: 'z', y1: fMin, y2: 'y', fill: 'var(--series-3)', fillOpacity: 0.18 }),
        Plot.line(qRows, { x: 'z', y: 'y', stroke: 'var(--series-3)', strokeWidth: k }),
        Plot.line(fRows, { x: 'z', y: 'y', stroke: 'var(--text)', strokeWidth: 2 * k }),
        Plot.ruleX([mu], { stroke: 'var(--series-3)', strokeDasharray: '4 3', strokeWidth: k }),
      ],
    });
  }, [f, mu, sigma, present, k]);

  const renderHist = useCallback((width: number, which: 'score' | 'pathwise') => {
    if (!result || !hist) {
      const p = document.createElement('p');
      p.className = 'widget-note';
      p.textContent = 'Computing…';
      return p;
    }
    const h = hist[which];
    const colour = which === 'score' ? 'var(--series-2)' : 'var(--series-1)';
    const bars = Array.from(h.counts, (c, i) => ({ x1: h.lo + i * h.binWidth, x2: h.lo + (i + 1) * h.binWidth, y: c }));
    const mean = result[which].mean;
    const plot = Plot.plot({
      width, height: present ? 220 : 130, marginLeft: 48,
      style: { fontSize: present ? '17px' : '12px', background: 'transparent' },
      x: { domain: hist.range, label: which === 'score' ? null : 'estimate of ∇_μ E[f(z)]', tickFormat: which === 'score' ? () => '' : undefined },
      y: { label: 'count', grid: true },
      marks: [
        Plot.rectY(bars, { x1: 'x1', x2: 'x2', y: 'y', fill: colour, fillOpacity: 0.55, insetLeft: 0.5, insetRight: 0.5 }),
        Plot.ruleX([exact], { stroke: 'var(--series-3)', strokeWidth: 2.5 * k, strokeDasharray: '6 4' }),
        Number.isFinite(mean) && mean >= hist.range[0] && mean <= hist.range[1] ? Plot.ruleX([mean], { stroke: colour, strokeWidth: 2.5 * k }) : null,
        Plot.ruleY([0]),
      ],
    });
    plot.setAttribute('data-outside', String(h.outside));
    return plot;
  }, [result, hist, exact, present, k]);
  const renderScore = useCallback((w: number) => renderHist(w, 'score'), [renderHist]);
  const renderPathwise = useCallback((w: number) => renderHist(w, 'pathwise'), [renderHist]);

  const renderVariance = useCallback((width: number) => {
    const rows = (which: 'score' | 'pathwise') => N_CURVE.map((n) => ({ n, v: perDraw[which] / n })).filter((r) => r.v > 0);
    const dots = result && result.samples === samples
      ? (['score', 'pathwise'] as const).map((w) => ({ n: samples, v: result[w].variance, w })).filter((d) => d.v > 0)
      : [];
    return Plot.plot({
      width, height: present ? 260 : 170, marginLeft: 56,
      style: { fontSize: present ? '17px' : '12px', background: 'transparent' },
      x: { type: 'log', domain: [1, 1000], label: 'draws per estimate n (log scale)', ticks: [1, 10, 100, 1000], tickFormat: (d: number) => String(d) },
      y: { type: 'log', label: 'variance of the estimate (log scale)', grid: true, tickFormat: (d: number) => (d >= 0.001 && d < 1e4 ? String(Number(d.toPrecision(2))) : d.toExponential(0)) },
      marks: [
        Plot.line(rows('score'), { x: 'n', y: 'v', stroke: 'var(--series-2)', strokeWidth: 2 * k }),
        Plot.line(rows('pathwise'), { x: 'n', y: 'v', stroke: 'var(--series-1)', strokeWidth: 2 * k }),
        Plot.dot(dots.filter((d) => d.w === 'score'), { x: 'n', y: 'v', r: 5 * k, fill: 'var(--series-2)', stroke: 'var(--bg-raised)' }),
        Plot.dot(dots.filter((d) => d.w === 'pathwise'), { x: 'n', y: 'v', r: 5 * k, fill: 'var(--series-1)', stroke: 'var(--bg-raised)' }),
        Plot.ruleX([samples], { stroke: 'var(--text-soft)', strokeDasharray: '3 3' }),
      ],
    });
  }, [perDraw, result, samples, present, k]);

  const r = result;
  const se = (which: 'score' | 'pathwise') => (r ? Math.sqrt(r[which].variance / r.replicates) : NaN);
  const ratio = r && r.pathwise.variance > 0 ? r.score.variance / r.pathwise.variance : NaN;
  const formula = FORMULAS[f];
  const live = `\\nabla_\\mu \\E_{z\\sim\\N(${fmt(mu, 2)},\\,${fmt(sigma, 2)}^2)}\\big[${formula.f}\\big] = ${formula.grad} = ${fmt(exact, 4)}`;
  const outside = hist ? hist.score.outside + hist.pathwise.outside : 0;

  return (
    <div className="widget-body with-side reparam-trick">
      <div>
        {error && <p className="widget-message" role="alert">{error}</p>}
        <div className="formula"><Tex tex={live} display /></div>
        <PlotView render={renderFunction} className="reparam-f" minHeight={present ? 240 : 150} label={`The function f(z) and the density of q = N(${fmt(mu, 2)}, ${fmt(sigma, 2)}²), scaled to fit.`} />
        <ul className="legend" aria-hidden="true">
          <li><span style={{ background: 'var(--text)' }} /> f(z)</li>
          <li><span style={{ background: 'var(--series-3)', opacity: 0.5 }} /> q(z), scaled</li>
        </ul>
        <h4 className="reparam-heading">Score function: (1/n) Σ f(zᵢ)(zᵢ − μ)/σ²</h4>
        <PlotView render={renderScore} className="reparam-score" minHeight={present ? 220 : 130} label={`Histogram of ${REPLICATES} score-function estimates with their mean and the exact gradient.`} />
        <h4 className="reparam-heading">Reparameterised: (1/n) Σ f′(μ + σεᵢ), by automatic differentiation</h4>
        <PlotView render={renderPathwise} className="reparam-pathwise" minHeight={present ? 220 : 130} label={`Histogram of ${REPLICATES} reparameterised estimates with their mean and the exact gradient.`} />
        <ul className="legend" aria-hidden="true">
          <li><span className="dashed" style={{ borderColor: 'var(--series-3)' }} /> exact gradient</li>
          <li><span style={{ background: 'var(--series-2)' }} /> score function: estimates and their mean</li>
          <li><span style={{ background: 'var(--series-1)' }} /> reparameterised: estimates and their mean</li>
        </ul>
        {r?.warning && <p className="widget-message" role="status">{r.warning}</p>}
        <div className="readouts">
          <Readout label="exact gradient" value={fmt(exact, 4)} testId="rp-exact" />
          <Readout label="score-function mean ± s.e." value={r ? `${fmt(r.score.mean, 3)} ± ${fmt(se('score'), 3)}` : '…'} testId="rp-score-mean" />
          <Readout label="reparameterised mean ± s.e." value={r ? `${fmt(r.pathwise.mean, 3)} ± ${fmt(se('pathwise'), 3)}` : '…'} testId="rp-path-mean" />
          <Readout label="score-function variance (exact)" value={r ? `${fmt(r.score.variance, 3)} (${fmt(r.score.exactVariance, 3)})` : '…'} testId="rp-score-var" title="Sample variance of the estimates; in brackets the exact variance of an n-draw estimate." />
          <Readout label="reparameterised variance (exact)" value={r ? `${fmt(r.pathwise.variance, 3)} (${fmt(r.pathwise.exactVariance, 3)})` : '…'} testId="rp-path-var" title="Sample variance of the estimates; in brackets the exact variance of an n-draw estimate." />
          <Readout label="variance ratio, score ÷ reparam." value={Number.isFinite(ratio) ? fmt(ratio, 2) : '—'} testId="rp-ratio" />
        </div>
        <PlotView render={renderVariance} className="reparam-variance" minHeight={present ? 260 : 170} label="Exact variance of each estimator against the number of draws n (both fall as 1/n), with the measured variances at the current n." />
      </div>
      <div className="controls">
        <ParamControl name="f" />
        <ParamControl name="mu" />
        <ParamControl name="sigma" />
        <ParamControl name="samples" />
        <ParamControl name="seed" />
        <p className="widget-note">
          Each histogram holds {REPLICATES.toLocaleString('en')} independent estimates, each from n = {samples} draws, computed with TensorFlow.js (the pathwise one by automatic differentiation, as in a VAE).
          {outside > 0 ? ` The axis shows the central 99 % of the estimates; ${outside} fall outside it.` : ''}
        </p>
        <p className="widget-note">
          Per draw, the exact variances are {fmt(perDraw.score, 3)} (score function) and {fmt(perDraw.pathwise, 3)} (reparameterised); an n-draw average divides both by n.
          The reparameterised estimator is usually, not always, the quieter one: try sin z with μ = −1.3, σ = 1.7.
        </p>
      </div>
    </div>
  );
}
