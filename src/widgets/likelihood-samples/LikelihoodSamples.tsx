import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as Plot from '@observablehq/plot';
import { loadTf } from '../../ui/tf-backend';
import { useAppStore } from '../../ui/appStore';
import { useParam, useWidget } from '../../ui/widget-context';
import { ParamControl, Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { Tex } from '../../ui/Tex';
import { fitDiagonalGaussian, mixtureLikelihoods, MemorisingKde, sampleQ2, type KdeCurve, type MixtureLikelihoods } from '../../core/metrics/likelihood';
import type { PointSet } from '../../core/metrics/common';
import { EPS_GRID, KDE_SAMPLES, Q2_SAMPLES, SWEEP_SIDES, kdeSamples, q2SampleSeed, testImages, trainImages } from './protocol';
import { ImageGrid } from './ImageGrid';
import { fmtFixed, fmtSig } from '../metrics-lab/format';

function nextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface Images {
  train: PointSet;
  test: PointSet;
}

/** The penalty q₂ − q₀ in bits/dim at one image size, for the curve against D. */
interface SweepPoint {
  side: number;
  D: number;
  gap: number;
}

export default function LikelihoodSamples() {
  const { present } = useWidget();
  const alpha = useParam<number>('alpha');
  const side = useParam<number>('side');
  const eps = useParam<number>('eps');
  const nTrain = useParam<number>('nTrain');
  const seed = useParam<number>('seed');
  const D = side * side;
  const backendEpoch = useAppStore((s) => s.backendEpoch);

  // Images per (side, N, seed), kept so the sweep over D does not redraw them for every α.
  const imageCache = useRef(new Map<string, Images>());
  const imagesFor = useCallback((s: number): Images => {
    const key = `${s}:${nTrain}:${seed}`;
    let v = imageCache.current.get(key);
    if (!v) {
      if (imageCache.current.size > 40) imageCache.current.clear();
      v = { train: trainImages(s, nTrain, seed), test: testImages(s, seed) };
      imageCache.current.set(key, v);
    }
    return v;
  }, [nTrain, seed]);
  const images = useMemo(() => imagesFor(side), [imagesFor, side]);
  const q0 = useMemo(() => fitDiagonalGaussian(images.train), [images]);
  const q2Samples = useMemo(() => sampleQ2(q0, alpha, Q2_SAMPLES, q2SampleSeed(seed)), [q0, alpha, seed]);
  const kdeDraws = useMemo(() => kdeSamples(images.train, eps, KDE_SAMPLES, seed), [images, eps, seed]);
  const kdeSources = useMemo(() => {
    const out = new Float32Array(KDE_SAMPLES * D);
    kdeDraws.sources.forEach((src, i) => { for (let j = 0; j < D; j++) out[i * D + j] = images.train.data[src * D + j]; });
    return out;
  }, [kdeDraws, images, D]);

  const [error, setError] = useState<string | null>(null);

  // Part 1: the mixture's likelihoods at the current D, then the penalty at every D of the sweep.
  const [lik, setLik] = useState<MixtureLikelihoods | null>(null);
  const [sweep, setSweep] = useState<SweepPoint[]>([]);
  const likSeq = useRef(0);
  useEffect(() => {
    const mine = ++likSeq.current;
    let cancelled = false;
    const alive = () => !cancelled && mine === likSeq.current;
    (async () => {
      await loadTf();
      if (!alive()) return;
      const r = await mixtureLikelihoods(images.test, q0, alpha);
      if (!alive()) return;
      setLik(r);
      setError(null);
      const points: SweepPoint[] = [];
      for (const s of SWEEP_SIDES) {
        await nextPaint();
        if (!alive()) return;
        const im = s === side ? images : imagesFor(s);
        const m = s === side ? r : await mixtureLikelihoods(im.test, fitDiagonalGaussian(im.train), alpha);
        if (!alive()) return;
        points.push({ side: s, D: s * s, gap: m.bitsPerDimQ2 - m.bitsPerDimQ0 });
        setSweep([...points]);
      }
    })().catch((e: unknown) => alive() && setError(message(e)));
    return () => {
      cancelled = true;
    };
  }, [images, q0, alpha, side, imagesFor, backendEpoch]);

  // Part 2: the memorising KDE. Its distances are computed once per image set and kept on the
  // device; the ε slider only re-runs the log-sum-exp.
  const [kde, setKde] = useState<MemorisingKde | null>(null);
  useEffect(() => {
    let live = true;
    let made: MemorisingKde | null = null;
    setKde(null);
    loadTf()
      .then(() => {
        if (!live) return;
        made = new MemorisingKde(images.train, images.test);
        setKde(made);
      })
      .catch((e: unknown) => live && setError(message(e)));
    return () => {
      live = false;
      made?.dispose();
    };
  }, [images, backendEpoch]);

  const [curve, setCurve] = useState<KdeCurve | null>(null);
  const [atEps, setAtEps] = useState<KdeCurve | null>(null);
  useEffect(() => {
    if (!kde || kde.disposed) return;
    let live = true;
    kde.curve(EPS_GRID).then((c) => live && setCurve(c)).catch((e: unknown) => live && setError(message(e)));
    return () => {
      live = false;
    };
  }, [kde]);
  const epsSeq = useRef(0);
  useEffect(() => {
    if (!kde || kde.disposed) return;
    const mine = ++epsSeq.current;
    kde.curve([eps]).then((c) => mine === epsSeq.current && setAtEps(c)).catch((e: unknown) => mine === epsSeq.current && setError(message(e)));
  }, [kde, eps]);

  const k2 = present ? 2 : 1;
  const plotHeight = present ? 300 : 210;
  const renderGap = useCallback((width: number) => {
    const bound = SWEEP_SIDES.map((s) => ({ D: s * s, y: Math.log2(1 / alpha) / (s * s) }));
    const pts = sweep.filter((p) => p.gap > 0);
    const ys = [...bound.map((b) => b.y), ...pts.map((p) => p.gap)];
    return Plot.plot({
      width,
      height: plotHeight,
      marginLeft: 56,
      style: { fontSize: present ? '16px' : '11px', background: 'transparent' },
      // A linear axis in log₂ D labelled with D itself (Plot's log axis drops some custom labels).
      x: { label: 'pixels D (log scale)', domain: [1.5, 12.2], ticks: [2, 4, 6, 8, 10, Math.log2(3136)], tickFormat: (v: number) => String(Math.round(2 ** v)) },
      y: { type: 'log', label: 'penalty of q₂ (bits/dim, log scale)', domain: [Math.min(...ys) / 2, Math.max(...ys) * 2], grid: true, tickFormat: (v: number) => fmtSig(v, 1), ticks: 5 },
      marks: [
        Plot.line(bound, { x: (b: { D: number }) => Math.log2(b.D), y: 'y', stroke: 'var(--series-3)', strokeWidth: 2 * k2, strokeDasharray: '6 4' }),
        Plot.line(pts, { x: (p: SweepPoint) => Math.log2(p.D), y: 'gap', stroke: 'var(--series-2)', strokeWidth: 1.5 * k2 }),
        Plot.dot(pts, { x: (p: SweepPoint) => Math.log2(p.D), y: 'gap', r: 3 * k2, fill: 'var(--series-2)' }),
        Plot.ruleX([Math.log2(D)], { stroke: 'var(--text-soft)', strokeDasharray: '3 3', strokeWidth: k2 }),
      ],
    });
  }, [sweep, alpha, D, plotHeight, present, k2]);

  const renderKde = useCallback((width: number) => {
    if (!curve) return document.createElement('div');
    const rows = Array.from(curve.hs, (h, i) => ({ h, train: curve.trainBitsPerDim[i], test: curve.testBitsPerDim[i] }));
    const q0Bpd = lik?.bitsPerDimQ0 ?? null;
    // The test curve shoots up like 1/ε² as ε → 0: keep the interesting band in view.
    const lo = Math.min(...rows.map((r) => r.train), q0Bpd ?? 0) - 0.5;
    const hi = Math.max(8, q0Bpd ?? 0) + 6;
    return Plot.plot({
      width,
      height: plotHeight,
      marginLeft: 48,
      style: { fontSize: present ? '16px' : '11px', background: 'transparent' },
      x: { type: 'log', label: 'bandwidth ε (log scale)', domain: [EPS_GRID[0], EPS_GRID[EPS_GRID.length - 1]], tickFormat: (v: number) => String(v), ticks: [0.001, 0.01, 0.1, 1] },
      y: { label: 'NLL (bits/dim, lower is better)', domain: [lo, hi], grid: true },
      marks: [
        Plot.ruleY([8], { stroke: 'var(--text-soft)', strokeDasharray: '2 3', strokeWidth: k2 }),
        q0Bpd !== null ? Plot.ruleY([q0Bpd], { stroke: 'var(--series-3)', strokeDasharray: '6 4', strokeWidth: 2 * k2 }) : null,
        Plot.line(rows, { x: 'h', y: 'train', stroke: 'var(--series-1)', strokeWidth: 2 * k2, clip: true }),
        Plot.line(rows, { x: 'h', y: 'test', stroke: 'var(--series-2)', strokeWidth: 2 * k2, clip: true }),
        Plot.ruleX([eps], { stroke: 'var(--text)', strokeWidth: k2 }),
      ],
    });
  }, [curve, lik, eps, plotHeight, present, k2]);

  const fromQ0 = q2Samples.fromQ0.reduce((a, b) => a + b, 0);
  const bound = Math.log2(1 / alpha) / D;
  const gap = lik ? lik.bitsPerDimQ2 - lik.bitsPerDimQ0 : null;
  const texMix = lik && gap !== null
    ? String.raw`\text{NLL}_{q_2} - \text{NLL}_{q_0} = ${fmtSig(gap)} \;\le\; \frac{\log_2(1/\alpha)}{D} = \frac{${fmtSig(Math.log2(1 / alpha))}}{${D}} = ${fmtSig(bound)}`
    : String.raw`\text{NLL}_{q_2} - \text{NLL}_{q_0} \le \frac{\log_2(1/\alpha)}{D}`;
  const warnings = [q0.warning, lik?.warning, atEps?.warning].filter((w): w is string => !!w);

  return (
    <div className="lq">
      {error && <p className="widget-message" role="alert">{error}</p>}
      <div className="controls metrics-controls">
        <ParamControl name="alpha" />
        <ParamControl name="side" />
        <ParamControl name="eps" />
        <ParamControl name="nTrain" />
        <ParamControl name="seed" />
      </div>
      <div className="lq-parts">
        <section className="lq-part" aria-label="High likelihood, poor samples">
          <h4>High likelihood, poor samples: q₂ = α q₀ + (1 − α) noise</h4>
          <div className="readouts">
            <Readout label="test NLL of q₀ (bits/dim)" value={lik ? fmtFixed(lik.bitsPerDimQ0, 4) : '…'} testId="lq-q0" />
            <Readout label="test NLL of q₂ (bits/dim)" value={lik ? fmtFixed(lik.bitsPerDimQ2, 4) : '…'} testId="lq-q2" />
            <Readout label="penalty q₂ − q₀" value={gap !== null ? fmtSig(gap) : '…'} testId="lq-gap" />
            <Readout label="bound log₂(1/α)/D" value={fmtSig(bound)} testId="lq-bound" />
            <Readout label="min over images of log q₂ − log q₀ − log α" value={lik ? `${fmtSig(lik.minSlack)} nats ${lik.minSlack >= 0 ? '≥ 0 ✓' : '< 0 ✗'}` : '…'} testId="lq-slack" title="The bound holds for every test image when this is ≥ 0." />
            <Readout label="samples that are noise" value={`${Q2_SAMPLES - fromQ0} of ${Q2_SAMPLES}`} testId="lq-noise" title={`Each sample is noise with probability 1 − α = ${fmtSig(1 - alpha)}.`} />
          </div>
          <div className="formula"><Tex tex={texMix} display /></div>
          <PlotView render={renderGap} className="lq-gap-plot" label={`The penalty of q₂ against q₀ in bits per dimension for image sizes from 4 to 3136 pixels, with its bound log₂(1/α)/D for α = ${fmtSig(alpha)}.`} minHeight={plotHeight} />
          <ul className="legend" aria-hidden="true">
            <li><span style={{ background: 'var(--series-2)' }} /> measured penalty</li>
            <li><span className="dashed" style={{ borderColor: 'var(--series-3)' }} /> bound log₂(1/α)/D</li>
          </ul>
          <ImageGrid
            images={q2Samples.images.data}
            count={Q2_SAMPLES}
            cols={8}
            side={side}
            marked={q2Samples.fromQ0}
            className="lq-grid"
            testId="lq-q2-samples"
            label={`${Q2_SAMPLES} samples of q₂: ${fromQ0} from q₀ (framed), ${Q2_SAMPLES - fromQ0} white noise.`}
          />
          <p className="widget-note">Samples of q₂; framed: the {fromQ0} that came from q₀.</p>
        </section>
        <section className="lq-part" aria-label="Great samples, poor likelihood">
          <h4>Great samples, poor likelihood: a KDE of the N training images</h4>
          <div className="readouts">
            <Readout label={`training NLL at ε = ${fmtSig(eps)}`} value={atEps ? fmtFixed(atEps.trainBitsPerDim[0], 3) : '…'} testId="lq-kde-train" title="bits/dim on the images the KDE was built from" />
            <Readout label={`test NLL at ε = ${fmtSig(eps)}`} value={atEps ? fmtFixed(atEps.testBitsPerDim[0], 3) : '…'} testId="lq-kde-test" title="bits/dim on fresh images from the same distribution" />
            <Readout label="q₀ test NLL, for reference" value={lik ? fmtFixed(lik.bitsPerDimQ0, 3) : '…'} />
          </div>
          <PlotView render={renderKde} className="lq-kde-plot" label={`Training and test NLL in bits per dimension of the KDE as its bandwidth ε goes from 0.001 to 1, with q₀'s test NLL and white noise's 8 bits per dimension for reference; current ε = ${fmtSig(eps)}.`} minHeight={plotHeight} />
          <ul className="legend" aria-hidden="true">
            <li><span style={{ background: 'var(--series-1)' }} /> training images</li>
            <li><span style={{ background: 'var(--series-2)' }} /> test images</li>
            <li><span className="dashed" style={{ borderColor: 'var(--series-3)' }} /> q₀ on test</li>
            <li><span className="dashed" style={{ borderColor: 'var(--text-soft)' }} /> white noise (8)</li>
          </ul>
          <ImageGrid images={kdeDraws.images} count={KDE_SAMPLES} cols={8} side={side} className="lq-grid" testId="lq-kde-samples" label={`${KDE_SAMPLES} samples of the KDE at ε = ${fmtSig(eps)}: training images plus noise.`} />
          <ImageGrid images={kdeSources} count={KDE_SAMPLES} cols={8} side={side} className="lq-grid" label={`The ${KDE_SAMPLES} training images those samples were copied from.`} />
          <p className="widget-note">Top: samples of the KDE; bottom: the training images they copy.</p>
        </section>
      </div>
      {warnings.length > 0 && <ul className="widget-note metrics-messages">{warnings.map((w) => <li key={w}>{w}</li>)}</ul>}
      <p className="widget-note">
        Images: N(ring, 0.05² I) on D = {side} × {side} pixels in [0, 1]; q₀ is a diagonal Gaussian fitted to the N training images; NLLs are on {images.test.n} fresh test images, in bits/dim on the 8-bit scale (white noise scores exactly 8).
      </p>
    </div>
  );
}
