import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as Plot from '@observablehq/plot';
import { loadTf } from '../../ui/tf-backend';
import { lossCurves, lossesAt, type LossAxis, type LossCurves, type LossesAtPoint } from '../../core/gan/losses';
import { generatorLossGradRef, generatorLossRef, logit, sigmoid } from '../../core/ref/gan';
import { useParam, useWidget } from '../../ui/widget-context';
import { ParamControl, Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { Tex } from '../../ui/Tex';
import { fmt } from './format';

const POINTS = 401;
const LOGIT_DOMAIN: [number, number] = [-10, 10];
/** The probability axis stops this far from 0 and 1, where the logit is still finite (±9.2). */
const P_EDGE = 1e-4;
/** Losses beyond this are clipped: −log D and ½(a − 1)² run off to infinity. */
const LOSS_CLIP = 6;

function axisPoints(axis: LossAxis): Float64Array {
  const [lo, hi] = axis === 'logit' ? LOGIT_DOMAIN : [P_EDGE, 1 - P_EDGE];
  return Float64Array.from({ length: POINTS }, (_, i) => lo + ((hi - lo) * i) / (POINTS - 1));
}

/**
 * The largest |autodiff − closed form| over the curves and the marker, for the three gradients
 * and the three losses: the check the widget reports (float32 against float64).
 */
function closedFormGap(c: LossCurves, m: LossesAtPoint): number {
  let worst = 0;
  const check = (a: number, got: { sat: number; ns: number; ls: number; gsat: number; gns: number; gls: number }) => {
    worst = Math.max(
      worst,
      Math.abs(got.sat - generatorLossRef(a, 'saturating')),
      Math.abs(got.ns - generatorLossRef(a, 'nonSaturating')),
      Math.abs(got.gsat - generatorLossGradRef(a, 'saturating')),
      Math.abs(got.gns - generatorLossGradRef(a, 'nonSaturating')),
      // least squares grows like a²/2: compare relative to its size
      Math.abs(got.ls - generatorLossRef(a, 'leastSquares')) / Math.max(1, Math.abs(generatorLossRef(a, 'leastSquares'))),
      Math.abs(got.gls - generatorLossGradRef(a, 'leastSquares')) / Math.max(1, Math.abs(a - 1)),
    );
  };
  for (let i = 0; i < c.logit.length; i++) {
    check(c.logit[i], { sat: c.saturating[i], ns: c.nonSaturating[i], ls: c.leastSquares[i], gsat: c.gradSaturating[i], gns: c.gradNonSaturating[i], gls: c.gradLeastSquares[i] });
  }
  check(m.logit, { sat: m.saturating, ns: m.nonSaturating, ls: m.leastSquares, gsat: m.gradSaturating, gns: m.gradNonSaturating, gls: m.gradLeastSquares });
  return worst;
}

/** What the marker's position means, in words (the caption at the marker). */
function explain(m: LossesAtPoint): string {
  const d = m.probability;
  const ratio = m.gradNonSaturating / m.gradSaturating;
  if (d < 0.1) {
    return `Here the discriminator rejects the fake: D(G(z)) = ${fmt(d, 4)}. The saturating loss's gradient with respect to the logit is −D = ${fmt(m.gradSaturating, 4)}, ${fmt(ratio, 1)} times smaller than the non-saturating −(1 − D) = ${fmt(m.gradNonSaturating, 4)}. Early in training the discriminator rejects nearly every fake, so a generator trained with the saturating loss barely moves: it stalls. Its value log(1 − D) = ${fmt(m.saturating, 4)} is not the problem; the sigmoid's flat tail between a and D is.`;
  }
  if (d <= 0.9) {
    return `Near the decision boundary (D(G(z)) = ${fmt(d, 4)}) both losses give gradients of similar size: −D = ${fmt(m.gradSaturating, 4)} and −(1 − D) = ${fmt(m.gradNonSaturating, 4)}. At D = ½ they are equal.`;
  }
  return `This fake fools the discriminator (D(G(z)) = ${fmt(d, 4)}). Now the saturating gradient ${fmt(m.gradSaturating, 4)} is the large one and the non-saturating ${fmt(m.gradNonSaturating, 4)} is small, which does little harm: a sample the discriminator already calls real needs little change.`;
}

export default function GanLosses() {
  const { store, present } = useWidget();
  const axis = useParam<LossAxis>('axis');
  const a = useParam<number>('a');
  const showLs = useParam<boolean>('ls');

  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadTf()
      .then(() => live && setReady(true))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, []);

  // The curves depend on the axis only; the marker on a. Both are small synchronous tfjs computations.
  const curves = useMemo(() => (ready ? lossCurves(axisPoints(axis), axis) : null), [ready, axis]);
  const marker = useMemo(() => (ready ? lossesAt(a, 'logit') : null), [ready, a]);
  const gap = useMemo(() => (curves && marker ? closedFormGap(curves, marker) : null), [curves, marker]);

  const xOf = useCallback((m: { logit: number; probability: number }) => (axis === 'logit' ? m.logit : m.probability), [axis]);
  const xDomain: [number, number] = axis === 'logit' ? LOGIT_DOMAIN : [0, 1];
  const xLabel = axis === 'logit' ? 'logit a of the fake' : 'D(G(z))';
  const stroke = present ? 2 : 1;
  const height = present ? Math.max(300, Math.round(window.innerHeight * 0.32)) : 230;

  // Dragging: the SVG is redrawn on every move, so the pointer is captured by the stable wrapper
  // and the x-scale of whichever SVG is current is read through a ref.
  const scales = useRef(new Map<string, (clientX: number) => number>());
  const setFromClientX = useCallback((which: string, clientX: number) => {
    const invert = scales.current.get(which);
    if (!invert) return;
    const x = invert(clientX);
    const next = axis === 'logit' ? x : logit(Math.min(1 - P_EDGE, Math.max(P_EDGE, x)));
    store.getState().setParam('a', Math.round(next * 100) / 100);
  }, [axis, store]);
  const dragHandlers = (which: string) => ({
    onPointerDown: (e: React.PointerEvent<HTMLDivElement>) => {
      if (!scales.current.get(which)) return;
      e.currentTarget.setPointerCapture(e.pointerId);
      setFromClientX(which, e.clientX);
    },
    onPointerMove: (e: React.PointerEvent<HTMLDivElement>) => {
      if (e.currentTarget.hasPointerCapture(e.pointerId)) setFromClientX(which, e.clientX);
    },
  });

  const keep = (which: string, plot: Element, width: number) => {
    const svg = plot as SVGSVGElement & { scale: (n: string) => { invert: (v: number) => number } };
    scales.current.set(which, (clientX) => {
      const rect = svg.getBoundingClientRect();
      return svg.scale('x').invert(((clientX - rect.left) * width) / rect.width);
    });
    svg.style.cursor = 'ew-resize';
    svg.style.touchAction = 'none';
    return plot;
  };

  const renderLosses = useCallback((width: number) => {
    if (!curves || !marker) return document.createElement('div');
    const rows = Array.from(curves.logit, (_, i) => ({
      x: axis === 'logit' ? curves.logit[i] : curves.probability[i],
      sat: curves.saturating[i], ns: curves.nonSaturating[i], ls: curves.leastSquares[i],
    }));
    const mx = xOf(marker);
    const plot = Plot.plot({
      width, height, marginLeft: 48,
      style: { fontSize: present ? '17px' : '12px', background: 'transparent' },
      x: { domain: xDomain, label: xLabel },
      y: { domain: [-LOSS_CLIP, LOSS_CLIP], label: 'generator loss ℓ (nats)', grid: true },
      marks: [
        Plot.ruleY([0], { stroke: 'var(--text-soft)' }),
        Plot.line(rows, { x: 'x', y: 'sat', stroke: 'var(--series-2)', strokeWidth: 2.5 * stroke, clip: true }),
        Plot.line(rows, { x: 'x', y: 'ns', stroke: 'var(--series-1)', strokeWidth: 2.5 * stroke, clip: true }),
        showLs && axis === 'logit' ? Plot.line(rows, { x: 'x', y: 'ls', stroke: 'var(--series-4)', strokeWidth: 2 * stroke, strokeDasharray: '6 4', clip: true }) : null,
        Plot.ruleX([mx], { stroke: 'var(--series-5)', strokeWidth: 1.5 * stroke, strokeDasharray: '3 3' }),
        Plot.dot([{ x: mx, y: marker.saturating }, { x: mx, y: marker.nonSaturating }, ...(showLs && axis === 'logit' ? [{ x: mx, y: marker.leastSquares }] : [])], {
          x: 'x', y: 'y', r: 5 * stroke, fill: 'var(--series-5)', stroke: 'var(--bg-raised)', clip: true,
        }),
      ],
    });
    return keep('losses', plot, width);
  }, [curves, marker, axis, xOf, xDomain, xLabel, showLs, present, stroke, height]);

  const renderGrads = useCallback((width: number) => {
    if (!curves || !marker) return document.createElement('div');
    const lsShown = showLs && axis === 'logit';
    const rows = Array.from(curves.logit, (_, i) => ({
      x: axis === 'logit' ? curves.logit[i] : curves.probability[i],
      sat: curves.gradSaturating[i], ns: curves.gradNonSaturating[i], ls: curves.gradLeastSquares[i],
    }));
    const mx = xOf(marker);
    const plot = Plot.plot({
      width, height, marginLeft: 48,
      style: { fontSize: present ? '17px' : '12px', background: 'transparent' },
      x: { domain: xDomain, label: xLabel },
      y: { domain: lsShown ? [-3, 1] : [-1.1, 0.1], label: 'gradient dℓ/da', grid: true },
      marks: [
        Plot.ruleY([0], { stroke: 'var(--text-soft)' }),
        Plot.line(rows, { x: 'x', y: 'sat', stroke: 'var(--series-2)', strokeWidth: 2.5 * stroke, clip: true }),
        Plot.line(rows, { x: 'x', y: 'ns', stroke: 'var(--series-1)', strokeWidth: 2.5 * stroke, clip: true }),
        lsShown ? Plot.line(rows, { x: 'x', y: 'ls', stroke: 'var(--series-4)', strokeWidth: 2 * stroke, strokeDasharray: '6 4', clip: true }) : null,
        Plot.ruleX([mx], { stroke: 'var(--series-5)', strokeWidth: 1.5 * stroke, strokeDasharray: '3 3' }),
        Plot.dot([{ x: mx, y: marker.gradSaturating }, { x: mx, y: marker.gradNonSaturating }, ...(lsShown ? [{ x: mx, y: marker.gradLeastSquares }] : [])], {
          x: 'x', y: 'y', r: 5 * stroke, fill: 'var(--series-5)', stroke: 'var(--bg-raised)', clip: true,
        }),
      ],
    });
    return keep('grads', plot, width);
  }, [curves, marker, axis, xOf, xDomain, xLabel, showLs, present, stroke, height]);

  const d = sigmoid(a);
  const av = fmt(a, 2);
  const formula = marker
    ? `\\begin{aligned} \\tfrac{d}{da}\\log(1-\\sigma(a)) &= -\\sigma(${av}) = ${fmt(marker.gradSaturating, 4)} \\\\ \\tfrac{d}{da}\\big[-\\log\\sigma(a)\\big] &= -(1-\\sigma(${av})) = ${fmt(marker.gradNonSaturating, 4)} \\end{aligned}`
    : '\\tfrac{d}{da}\\log(1-\\sigma(a)) = -\\sigma(a)';

  return (
    <div className="widget-body gan-losses">
      {error && <p className="widget-message" role="alert">{error}</p>}
      <div className="controls gan-controls">
        <ParamControl name="a" />
        <ParamControl name="axis" />
        <ParamControl name="ls" />
      </div>
      <div className="readouts">
        <Readout label="D(G(z)) = σ(a)" value={marker ? fmt(marker.probability, 4) : '…'} testId="gl-d" />
        <Readout label="logit a" value={fmt(a, 2)} testId="gl-a" />
        <Readout label="saturating log(1 − D)" value={marker ? fmt(marker.saturating, 4) : '…'} testId="gl-sat" />
        <Readout label="non-saturating −log D" value={marker ? fmt(marker.nonSaturating, 4) : '…'} testId="gl-ns" />
        <Readout label="saturating dℓ/da = −D" value={marker ? fmt(marker.gradSaturating, 4) : '…'} testId="gl-gsat" />
        <Readout label="non-saturating dℓ/da = −(1 − D)" value={marker ? fmt(marker.gradNonSaturating, 4) : '…'} testId="gl-gns" />
        <Readout label="ratio non-sat. ÷ sat." value={marker ? fmt(marker.gradNonSaturating / marker.gradSaturating, 1) : '…'} testId="gl-ratio" title="(1 − D)/D = e^{−a}" />
        {showLs && <Readout label="least squares ½(a − 1)²" value={marker ? fmt(marker.leastSquares, 4) : '…'} testId="gl-ls" />}
        {showLs && <Readout label="least squares dℓ/da = a − 1" value={marker ? fmt(marker.gradLeastSquares, 4) : '…'} testId="gl-gls" />}
      </div>
      <p className="widget-note gan-explain" aria-live="polite" data-testid="gl-explain">{marker ? explain(marker) : ''}</p>
      <div className="gan-pair">
        <section aria-label="Losses">
          <h4>Generator losses</h4>
          <div className="gan-drag" {...dragHandlers('losses')}>
            <PlotView render={renderLosses} className="gl-losses" minHeight={height} label={`Generator losses against ${axis === 'logit' ? 'the logit a' : 'D(G(z))'}: saturating log(1 − D) and non-saturating −log D${showLs && axis === 'logit' ? ', and least squares ½(a − 1)²' : ''}, with the marker at D = ${fmt(d, 4)}.`} />
          </div>
        </section>
        <section aria-label="Gradients with respect to the logit">
          <h4>Their gradients with respect to the logit a</h4>
          <div className="gan-drag" {...dragHandlers('grads')}>
            <PlotView render={renderGrads} className="gl-grads" minHeight={height} label={`Gradients of the generator losses with respect to the logit: −σ(a) for the saturating loss and −(1 − σ(a)) for the non-saturating one, by tfjs autodiff; at the marker ${marker ? fmt(marker.gradSaturating, 4) : ''} and ${marker ? fmt(marker.gradNonSaturating, 4) : ''}.`} />
          </div>
        </section>
      </div>
      <ul className="legend" aria-hidden="true">
        <li><span style={{ background: 'var(--series-2)' }} /> saturating log(1 − D)</li>
        <li><span style={{ background: 'var(--series-1)' }} /> non-saturating −log D</li>
        {showLs && axis === 'logit' && <li><span className="dashed" style={{ borderColor: 'var(--series-4)' }} /> least squares ½(a − 1)²</li>}
        <li><span style={{ background: 'var(--series-5)', width: '0.6rem', height: '0.6rem', borderRadius: '50%' }} /> marker (drag it on either plot)</li>
      </ul>
      {showLs && axis === 'probability' && (
        <p className="widget-note">The least-squares loss reads a as an unbounded score, not a logit, so it is drawn only against a: switch the x-axis to the logit.</p>
      )}
      <div className="formula"><Tex tex={formula} display /></div>
      <div className="gan-check">
        <Readout
          label="largest |autodiff − closed form| over the curves"
          value={gap === null ? '…' : gap.toExponential(1).replace('-', '−')}
          testId="gl-check"
          title="tf.grad of the float32 losses against −σ(a), −(1 − σ(a)) and a − 1 in float64, at all 401 points and the marker (least squares relative to its size)."
        />
        <p className="widget-note">
          Every curve is computed with TensorFlow.js from the logit (log(1 − σ(a)) = −softplus(a), −log σ(a) = softplus(−a)); the gradients are tfjs autodiff, checked against the closed forms.
        </p>
      </div>
    </div>
  );
}
