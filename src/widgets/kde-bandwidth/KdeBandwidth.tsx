import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import * as Plot from '@observablehq/plot';
import { loadTf } from '../../ui/tf-backend';
import {
  KdeEvaluator, SIX_POINTS, bimodalDensity, histogramDensity, logSpace, nextTask, sampleBimodal, scottBandwidth, silvermanBandwidth,
} from '../../core/kde';
import { kernelRef, type Kernel } from '../../core/ref/kde';
import { useParam, useWidget } from '../../ui/widget-context';
import { useAppStore } from '../../ui/appStore';
import { ParamControl, Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { Tex } from '../../ui/Tex';

/** The x-range every view shares (also the query point's range). */
const DOMAIN: [number, number] = [-6, 9];
const GRID_POINTS = 512;
/** Bandwidths at which the likelihood curve is evaluated. */
const H_CURVE = logSpace(0.02, 5, 40);
/** Above this many points, individual kernel bumps would be an unreadable blur. */
const MAX_BUMPS = 24;
/**
 * Held-out split sizes for large samples: enough for a smooth curve, small enough to stay fast.
 * Up to MAX_TRAIN points everything is the exact sum (and the likelihood leave-one-out); above it
 * the curve and the likelihoods come from the binned estimate (core/kde), p̂(x*) stays exact.
 */
const MAX_TRAIN = 2000;
const MAX_TEST = 500;

const GRID = Array.from({ length: GRID_POINTS }, (_, i) => DOMAIN[0] + ((DOMAIN[1] - DOMAIN[0]) * i) / (GRID_POINTS - 1));

function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return v < 0 ? '−∞' : '∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1000 || a < 1e-3 ? v.toExponential(2) : v.toFixed(digits);
  return s.replace('-', '−');
}

interface Estimate {
  h: number;
  kernel: Kernel;
  density: Float32Array;
  atQuery: number;
  query: number;
  /** Held-out (or leave-one-out) log-likelihood at this h, nats per point. */
  ll: number;
}

interface Curve {
  kernel: Kernel;
  ll: Float64Array;
  loo: boolean;
}

export default function KdeBandwidth() {
  const { store, present } = useWidget();
  const dataset = useParam<string>('data');
  const n = useParam<number>('n');
  const seed = useParam<number>('seed');
  const kernel = useParam<Kernel>('kernel');
  const h = useParam<number>('h');
  const bins = useParam<number>('bins');
  const query = useParam<number>('x');
  const showHist = useParam<boolean>('hist');

  // Points the reader added or removed, on top of the chosen data set.
  const [added, setAdded] = useState<number[]>([]);
  const [removed, setRemoved] = useState<Set<number>>(new Set());
  useEffect(() => {
    setAdded([]);
    setRemoved(new Set());
  }, [dataset, n, seed]);

  const base = useMemo(() => (dataset === 'six' ? Float64Array.from(SIX_POINTS) : sampleBimodal(n, seed)), [dataset, n, seed]);
  const data = useMemo(() => {
    const kept = Array.from(base).filter((_, i) => !removed.has(i));
    return Float64Array.from([...kept, ...added]);
  }, [base, added, removed]);
  const loo = data.length <= MAX_TRAIN;

  const [evaluator, setEvaluator] = useState<{ kde: KdeEvaluator; train: Float64Array; test: Float64Array | null } | null>(null);
  const [error, setError] = useState<string | null>(null);

  // One evaluator (one data tensor) per data set and backend; freed when either changes or the
  // widget leaves (after a lost WebGL context the old tensors are gone).
  const backendEpoch = useAppStore((s) => s.backendEpoch);
  useEffect(() => {
    let live = true;
    let made: KdeEvaluator | null = null;
    setError(null);
    if (data.length === 0) {
      setEvaluator(null);
      setError('There are no data points: add one by clicking the plot, or reset the view.');
      return;
    }
    loadTf()
      .then(() => {
        if (!live) return;
        // Large samples are scored on a held-out fifth; small ones by leave-one-out.
        const split = loo ? data.length : Math.floor(data.length * 0.8);
        const train = data.slice(0, Math.min(split, MAX_TRAIN));
        const test = loo ? null : data.slice(split, split + MAX_TEST);
        made = new KdeEvaluator(data);
        const scorer = loo ? made : new KdeEvaluator(train);
        setEvaluator({ kde: made, train, test });
        scorerRef.current?.dispose();
        scorerRef.current = scorer === made ? null : scorer;
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
      made?.dispose();
    };
  }, [data, loo, backendEpoch]);
  const scorerRef = useRef<KdeEvaluator | null>(null);
  useEffect(() => () => scorerRef.current?.dispose(), []);

  // The likelihood-vs-h curve depends on the data and kernel only, not on h.
  const [curve, setCurve] = useState<Curve | null>(null);
  useEffect(() => {
    if (!evaluator) return;
    let live = true;
    const scorer = scorerRef.current ?? evaluator.kde;
    const run = evaluator.test ? scorer.logLikelihood(H_CURVE, kernel, evaluator.test, 'binned') : loo && data.length >= 2 ? scorer.logLikelihood(H_CURVE, kernel) : null;
    run?.then((ll) => live && setCurve({ kernel, ll, loo: !evaluator.test })).catch(() => live && setCurve(null));
    if (!run) setCurve(null);
    return () => {
      live = false;
    };
  }, [evaluator, kernel, loo, data.length]);

  // The estimate itself: recomputed for every h, kernel or query change. A request made while the
  // widget is idle is computed at once. Until the task after a computation runs, later requests do
  // not start: each replaces the one waiting, so input that queued up behind a computation (a held
  // arrow key on the cpu backend, where the work is synchronous) leads to one computation, for the
  // newest h, not one per key repeat. A result is shown unless a newer one already is.
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const seq = useRef(0);
  const shown = useRef(0);
  const queue = useRef<{ busy: boolean; next: (() => Promise<void>) | null }>({ busy: false, next: null });
  useEffect(() => {
    if (!evaluator) return;
    const mine = ++seq.current;
    const scorer = scorerRef.current ?? evaluator.kde;
    const { kde, test } = evaluator;
    const compute = async () => {
      if (mine !== seq.current) return; // superseded while it waited: never computed
      // Large n: the curve from binned data, the readout p̂(x*) summed exactly over all points.
      const [d, q, ll] = await Promise.all([
        test ? kde.density(GRID, h, kernel, 'binned') : kde.density([...GRID, query], h, kernel),
        test ? kde.density([query], h, kernel) : null,
        test ? scorer.logLikelihood([h], kernel, test, 'binned') : data.length >= 2 ? scorer.logLikelihood([h], kernel) : Float64Array.of(NaN),
      ]);
      if (mine < shown.current) return;
      shown.current = mine;
      setEstimate({ h, kernel, density: d.subarray(0, GRID_POINTS), atQuery: q ? q[0] : d[GRID_POINTS], query, ll: ll[0] });
    };
    const task = () => compute().catch((e: unknown) => {
      if (mine === seq.current) setError(e instanceof Error ? e.message : String(e));
    });
    const q = queue.current;
    if (q.busy) {
      q.next = task;
      return;
    }
    q.busy = true;
    void (async () => {
      let next: (() => Promise<void>) | null = task;
      while (next) {
        await next();
        await nextTask();
        next = q.next;
        q.next = null;
      }
      q.busy = false;
    })();
  }, [evaluator, h, kernel, query, data.length]);

  const rules = useMemo(() => {
    try {
      return { scott: scottBandwidth(data, kernel), silverman: silvermanBandwidth(data, kernel) };
    } catch {
      return null;
    }
  }, [data, kernel]);

  const hist = useMemo(() => histogramDensity(data, DOMAIN[0], DOMAIN[1], bins), [data, bins]);
  const histAtQuery = useMemo(() => {
    const b = Math.floor(((query - DOMAIN[0]) / (DOMAIN[1] - DOMAIN[0])) * bins);
    return b >= 0 && b < bins ? hist.density[b] : 0;
  }, [hist, query, bins]);
  const [focused, setFocused] = useState<number | null>(null);

  const best = useMemo(() => {
    if (!curve) return null;
    let i = -1;
    for (let j = 0; j < curve.ll.length; j++) if (Number.isFinite(curve.ll[j]) && (i < 0 || curve.ll[j] > curve.ll[i])) i = j;
    return i < 0 ? null : { h: H_CURVE[i], ll: curve.ll[i] };
  }, [curve]);

  const addPoint = useCallback((x: number) => {
    if (x >= DOMAIN[0] && x <= DOMAIN[1]) setAdded((a) => [...a, Math.round(x * 100) / 100]);
  }, []);
  const removeAt = useCallback((i: number) => {
    const kept = base.length - removed.size;
    if (i < kept) {
      // Map the i-th kept point back to its index in the base set.
      let k = -1;
      for (let j = 0; j < base.length; j++) {
        if (removed.has(j)) continue;
        k++;
        if (k === i) {
          setRemoved((r) => new Set(r).add(j));
          break;
        }
      }
    } else setAdded((a) => a.filter((_, j) => j !== i - kept));
    setFocused(null);
  }, [base, removed]);
  const removeNearest = useCallback(() => {
    let best = -1;
    for (let i = 0; i < data.length; i++) if (best < 0 || Math.abs(data[i] - query) < Math.abs(data[best] - query)) best = i;
    if (best >= 0) removeAt(best);
  }, [data, query, removeAt]);

  const stroke = present ? 2 : 1;
  // The rug spans the lowest 5% of every y domain, so its pixels do not depend on h. For large n
  // its 3,000 lines are drawn once per data set and size into an overlay on top of the plot, so a
  // keypress neither rebuilds nor restyles them (they were most of a repaint's cost).
  const rugLayer = useRef<HTMLDivElement>(null);
  const rugDrawn = useRef<{ key: string; data: Float64Array } | null>(null);
  const renderMain = useCallback(
    (width: number) => {
      const est = estimate;
      const kdeRows = est ? GRID.map((x, i) => ({ x, y: est.density[i] })) : [];
      const truth = dataset === 'mixture' ? GRID.map((x) => ({ x, y: bimodalDensity(x) })) : [];
      const bars = Array.from(hist.density, (y, i) => ({ x1: hist.edges[i], x2: hist.edges[i + 1], y }));
      const showBumps = est && data.length <= MAX_BUMPS;
      const bumpRows = showBumps
        ? Array.from(data).flatMap((xi, i) => GRID.filter((x) => Math.abs(x - xi) <= 4.5 * est.h || est.kernel !== 'gaussian').map((x) => ({ x, y: kernelRef(est.kernel, (x - xi) / est.h) / (data.length * est.h), i })))
        : [];
      const yMax = Math.max(1e-3, ...kdeRows.map((r) => r.y), ...(showHist ? bars.map((b) => b.y) : []), ...truth.map((r) => r.y));
      const height = present ? Math.max(360, Math.round(window.innerHeight * 0.45)) : 300;
      const frame = (top: number, marks: Plot.Markish[]) => Plot.plot({
        width,
        height,
        marginLeft: 52,
        style: { fontSize: present ? '18px' : '12px', background: 'transparent' },
        x: { domain: DOMAIN, label: 'x', grid: false },
        y: { domain: [0, top * 1.08], label: 'density p̂(x)', grid: true },
        marks,
      });
      const rugData = Array.from(data.length > 3000 ? data.subarray(0, 3000) : data);
      // Drawn with y ∈ [0, 1.08·top] up to 0.05·top: the same pixels whatever top is.
      const rug = (top: number) => Plot.ruleX(rugData, { x: (d: number) => d, y1: 0, y2: 0.05 * top, stroke: 'var(--text)', strokeOpacity: data.length > 200 ? 0.25 : 0.9, strokeWidth: stroke, ariaDescription: 'rug' });
      const overlay = data.length > MAX_TRAIN;
      const layer = rugLayer.current;
      const rugKey = `${width}|${height}|${present}|${overlay}`;
      if (layer && (rugDrawn.current?.data !== data || rugDrawn.current.key !== rugKey)) {
        rugDrawn.current = { key: rugKey, data };
        if (overlay) {
          // The same frame (size, margins, scales), then all but the rug and the figure's style removed.
          const alone = frame(1, [rug(1)]);
          for (const child of Array.from(alone.children)) if (child.tagName !== 'style' && child.getAttribute('aria-description') !== 'rug') child.remove();
          alone.setAttribute('aria-hidden', 'true');
          layer.replaceChildren(alone);
        } else layer.replaceChildren();
      }
      const plot = frame(yMax, [
        showHist ? Plot.rectY(bars, { x1: 'x1', x2: 'x2', y: 'y', fill: 'var(--series-1)', fillOpacity: 0.22, stroke: 'var(--series-1)', strokeOpacity: 0.5, insetLeft: 0.5, insetRight: 0.5 }) : null,
        truth.length ? Plot.line(truth, { x: 'x', y: 'y', stroke: 'var(--series-3)', strokeWidth: 2 * stroke, strokeDasharray: '7 5' }) : null,
        showBumps ? Plot.line(bumpRows, { x: 'x', y: 'y', z: 'i', stroke: 'var(--text-soft)', strokeOpacity: 0.55, strokeWidth: stroke }) : null,
        showBumps && focused !== null && focused < data.length
          ? Plot.line(bumpRows.filter((r) => r.i === focused), { x: 'x', y: 'y', stroke: 'var(--series-4)', strokeWidth: 3 * stroke })
          : null,
        Plot.line(kdeRows, { x: 'x', y: 'y', stroke: 'var(--series-2)', strokeWidth: 2.6 * stroke }),
        overlay ? null : rug(yMax),
        Plot.ruleX([query], { stroke: 'var(--series-4)', strokeDasharray: '3 3', strokeWidth: 1.5 * stroke }),
        est ? Plot.dot([{ x: query, y: est.atQuery }], { x: 'x', y: 'y', r: 5 * stroke, fill: 'var(--series-4)', stroke: 'var(--bg-raised)' }) : null,
        Plot.ruleY([0]),
      ]);
      const svg = plot as unknown as SVGSVGElement & { scale: (n: string) => { invert: (v: number) => number } };
      // Plot gives each figure a <style> element; adding one to the page and removing the last on
      // every keypress made the browser re-match styles (about 15 ms a repaint, measured). Its rules
      // are set inline instead (max-width and height come from .plot-view svg).
      plot.querySelector(':scope > style')?.remove();
      svg.style.display = 'block';
      svg.style.whiteSpace = 'pre';
      const toX = (clientX: number) => {
        const rect = svg.getBoundingClientRect();
        return svg.scale('x').invert(((clientX - rect.left) * width) / rect.width);
      };
      svg.addEventListener('click', (e) => addPoint(toX(e.clientX)));
      svg.addEventListener('pointermove', (e) => {
        if (data.length > MAX_BUMPS) return;
        const x = toX(e.clientX);
        let best = -1;
        for (let i = 0; i < data.length; i++) if (best < 0 || Math.abs(data[i] - x) < Math.abs(data[best] - x)) best = i;
        setFocused(best >= 0 && Math.abs(data[best] - x) < 0.35 ? best : null);
      });
      svg.addEventListener('pointerleave', () => setFocused(null));
      svg.style.cursor = 'crosshair';
      svg.setAttribute('data-h', est ? String(est.h) : '');
      return plot;
    },
    [estimate, dataset, hist, data, showHist, focused, query, present, stroke, addPoint],
  );

  // Moving h only moves the curve's marker line (the layout effect below): the likelihood plot is
  // rebuilt when the curve changes, not on every keypress.
  const hNow = useRef(h);
  hNow.current = h;
  const curvePlot = useRef<(Element & { scale: (name: string) => { apply: (v: number) => number } }) | null>(null);
  const renderCurve = useCallback(
    (width: number) => {
      const rows = curve ? H_CURVE.map((hh, i) => ({ h: hh, ll: curve.ll[i] })).filter((r) => Number.isFinite(r.ll)) : [];
      const lo = rows.length ? Math.min(...rows.map((r) => r.ll)) : -5;
      const hi = rows.length ? Math.max(...rows.map((r) => r.ll)) : 0;
      // Very small h sends the likelihood towards −∞; clip the axis so the peak stays readable.
      const floor = Math.max(lo, hi - 4);
      const plot = Plot.plot({
        width,
        height: present ? 280 : 190,
        marginLeft: 52,
        style: { fontSize: present ? '16px' : '12px', background: 'transparent' },
        x: { type: 'log', domain: [H_CURVE[0], H_CURVE[H_CURVE.length - 1]], label: 'bandwidth h (log scale)', ticks: [0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5], tickFormat: (d: number) => String(d) },
        y: { domain: [floor, hi + 0.15 * (hi - floor + 0.01)], label: curve?.loo ? 'leave-one-out log-lik. per point (nats)' : 'held-out log-lik. per point (nats)', grid: true },
        marks: [
          Plot.line(rows.filter((r) => r.ll >= floor), { x: 'h', y: 'll', stroke: 'var(--series-1)', strokeWidth: 2 * stroke }),
          best ? Plot.dot([best], { x: 'h', y: 'll', r: 5 * stroke, fill: 'var(--series-3)' }) : null,
          Plot.ruleX([hNow.current], { stroke: 'var(--series-2)', strokeWidth: 2 * stroke, ariaDescription: 'bandwidth' }),
        ],
      });
      curvePlot.current = plot as unknown as typeof curvePlot.current;
      return plot;
    },
    [curve, best, present, stroke],
  );
  useLayoutEffect(() => {
    const plot = curvePlot.current;
    if (!plot) return;
    const x = String(plot.scale('x').apply(h));
    for (const line of plot.querySelectorAll('g[aria-description="bandwidth"] line')) {
      line.setAttribute('x1', x);
      line.setAttribute('x2', x);
    }
  }, [h, renderCurve]);

  const llText = estimate ? `${fmt(estimate.ll, 3)} nats` : '…';
  const nShown = data.length;
  const hs = Number((estimate?.h ?? h).toPrecision(3)).toString();
  const xs = Number((estimate?.query ?? query).toFixed(2)).toString();
  const formula = estimate
    ? `\\hat p(${xs}) = \\frac{1}{${nShown}\\cdot ${hs}}\\sum_{i=1}^{${nShown}} K\\!\\left(\\tfrac{${xs} - x_i}{${hs}}\\right) = ${fmt(estimate.atQuery, 4)}`
    : '\\hat p(x) = \\frac{1}{n h}\\sum_{i=1}^{n} K\\!\\left(\\frac{x - x_i}{h}\\right)';

  return (
    <div className="widget-body with-side">
      <div>
        {error && <p className="widget-message" role="alert">{error}</p>}
        <div style={{ position: 'relative' }}>
          {/* Before the plot, so that its ref is set when the plot first draws; positioned, so on top. */}
          <div ref={rugLayer} className="kde-rug" style={{ position: 'absolute', left: 0, top: 0, right: 0, pointerEvents: 'none' }} />
          <PlotView render={renderMain} label={`Kernel density estimate with bandwidth ${fmt(h)} over ${nShown} points, with ${showHist ? 'a histogram, ' : ''}the query point at ${fmt(query, 2)}.`} className="kde-main" minHeight={present ? 360 : 300} />
        </div>
        <ul className="legend" aria-hidden="true">
          <li><span style={{ background: 'var(--series-2)' }} /> estimate p̂</li>
          {showHist && <li><span style={{ background: 'var(--series-1)', opacity: 0.5 }} /> histogram</li>}
          {dataset === 'mixture' && <li><span className="dashed" style={{ borderColor: 'var(--series-3)' }} /> true density</li>}
          {nShown <= MAX_BUMPS && <li><span style={{ background: 'var(--text-soft)' }} /> one bump per point</li>}
        </ul>
        {/* The control the figure is about sits right under the plot it drives (also on phones). */}
        <div className="primary-control">
          <ParamControl name="h" />
        </div>
        <div className="formula" aria-live="polite"><Tex tex={formula} display /></div>
        <div className="readouts">
          <Readout label={<>p̂(x*) at x* = {fmt(query, 2)}</>} value={estimate ? fmt(estimate.atQuery, 4) : '…'} testId="kde-p-query" />
          <Readout label="histogram at x*" value={fmt(histAtQuery, 4)} title="Depends on where the bins start and how wide they are." />
          <Readout label="empirical mass at x*" value={data.some((d) => d === query) ? `${fmt(data.filter((d) => d === query).length / nShown)}` : '0'} title="The data alone put probability only on the observed points." />
          <Readout label={curve?.loo ?? loo ? 'leave-one-out log-lik. per point' : 'held-out log-lik. per point'} value={llText} testId="kde-ll" />
        </div>
        <PlotView render={renderCurve} label={`Log-likelihood of ${loo ? 'each point under the others' : 'held-out points'} as a function of the bandwidth; best h ${best ? fmt(best.h) : 'unknown'}.`} className="kde-curve" minHeight={present ? 280 : 190} />
      </div>
      <div className="controls">
        <div className="rule-buttons">
          <button type="button" disabled={!rules} onClick={() => rules && store.getState().setParam('h', rules.scott)}>
            Scott: h = {rules ? fmt(rules.scott) : '—'}
          </button>
          <button type="button" disabled={!rules} onClick={() => rules && store.getState().setParam('h', rules.silverman)}>
            Silverman: h = {rules ? fmt(rules.silverman) : '—'}
          </button>
          <button type="button" disabled={!best} onClick={() => best && store.getState().setParam('h', best.h)}>
            Best by likelihood: h = {best ? fmt(best.h) : '—'}
          </button>
        </div>
        <ParamControl name="kernel" />
        <ParamControl name="x" />
        <ParamControl name="data" />
        {dataset === 'mixture' && <ParamControl name="n" />}
        {dataset === 'mixture' && <ParamControl name="seed" />}
        <ParamControl name="bins" />
        <ParamControl name="hist" />
        <div className="point-edit">
          <button type="button" onClick={() => addPoint(query)}>Add a point at x*</button>
          <button type="button" onClick={removeNearest} disabled={nShown === 0}>Remove the point nearest x*</button>
          <p className="widget-note">Click the plot to add a point there.{' '}{nShown <= MAX_BUMPS ? 'Hover or focus a point to see its own kernel bump.' : ''}</p>
          {nShown <= MAX_BUMPS && (
            <ul className="point-list" aria-label="Data points">
              {Array.from(data).map((x, i) => (
                <li key={`${i}-${x}`}>
                  <button
                    type="button"
                    aria-label={`Remove the point at ${fmt(x, 2)}`}
                    title="Remove this point"
                    onFocus={() => setFocused(i)}
                    onBlur={() => setFocused(null)}
                    onMouseEnter={() => setFocused(i)}
                    onMouseLeave={() => setFocused(null)}
                    onClick={() => removeAt(i)}
                  >
                    {fmt(x, 2)} ×
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <p className="widget-note">
          n = {nShown}. {loo ? 'Likelihood by leave-one-out: each point scored by the estimate built from the others.' : `Likelihood of ${Math.min(MAX_TEST, nShown - Math.floor(nShown * 0.8))} held-out points under an estimate from ${Math.min(MAX_TRAIN, Math.floor(nShown * 0.8))} others.`}
          {loo ? '' : ' With this many points the curve and likelihoods are computed from binned data (curve error below 0.1% of its peak); p̂(x*) is exact.'}
          {' '}The rules of thumb are derived for a Gaussian kernel and converted to the chosen kernel by its canonical bandwidth ratio.
        </p>
      </div>
    </div>
  );
}
