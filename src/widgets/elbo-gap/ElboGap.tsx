import { useCallback, useMemo } from 'react';
import * as Plot from '@observablehq/plot';
import { useParam, useWidget } from '../../ui/widget-context';
import { ParamControl, Readout } from '../../ui/controls';
import { PlotView } from '../../ui/PlotView';
import { Tex } from '../../ui/Tex';
import { elboGap, normalDensity } from '../../core/vae/elboGap';
import { klNormal } from '../../core/vae/kl';
import { elboGapSpec } from './spec';

const Z_DOMAIN: [number, number] = [-4, 4];
const Z_POINTS = 321;
/** Contours of the gap KL(q ‖ p(z|x)) in the (mean, std) plane, nats. */
const GAP_LEVELS = [0.05, 0.25, 1, 2, 4, 8, 16];
/** q's mean and standard deviation as far as the sliders go; the plane spans the same square. */
const meanRange = [elboGapSpec.params.qMean.min, elboGapSpec.params.qMean.max] as const;
const stdRange = [elboGapSpec.params.qStd.min, elboGapSpec.params.qStd.max] as const;

export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return v < 0 ? '−∞' : '∞';
  // −0.000 reads as a sign error next to a gap of exactly 0.
  const s = Math.abs(v) < 0.5 * 10 ** -digits ? (0).toFixed(digits) : v.toFixed(digits);
  return s.replace('-', '−');
}

type SvgWithScales = SVGSVGElement & { scale: (n: string) => { invert: (v: number) => number } };

/** Plot coordinates of a pointer event, through the plot's own scales. */
function pointerToData(svg: SvgWithScales, width: number, height: number, e: PointerEvent): { x: number; y: number } {
  const rect = svg.getBoundingClientRect();
  return {
    x: svg.scale('x').invert(((e.clientX - rect.left) * width) / rect.width),
    y: svg.scale('y').invert(((e.clientY - rect.top) * height) / rect.height),
  };
}

/** Pointer dragging on a plot: calls `onMove` on press and while the button is held. */
function draggable(svg: SvgWithScales, width: number, height: number, onMove: (p: { x: number; y: number }) => void) {
  let down = false;
  svg.style.cursor = 'crosshair';
  svg.style.touchAction = 'none';
  svg.addEventListener('pointerdown', (e) => {
    down = true;
    svg.setPointerCapture(e.pointerId);
    onMove(pointerToData(svg, width, height, e));
  });
  svg.addEventListener('pointermove', (e) => down && onMove(pointerToData(svg, width, height, e)));
  const up = () => { down = false; };
  svg.addEventListener('pointerup', up);
  svg.addEventListener('pointercancel', up);
}

export default function ElboGap() {
  const { store, present } = useWidget();
  const qMean = useParam<number>('qMean');
  const qStd = useParam<number>('qStd');
  const x = useParam<number>('x');
  const w = useParam<number>('w');
  const b = useParam<number>('b');
  const s = useParam<number>('s');
  const model = useMemo(() => ({ w, b, s }), [w, b, s]);
  const r = useMemo(() => elboGap(model, x, qMean, qStd), [model, x, qMean, qStd]);
  const post = r.posterior;
  const k = present ? 2 : 1;
  const fontSize = present ? '17px' : '12px';
  const postInRange = post.mean >= meanRange[0] && post.mean <= meanRange[1] && post.std >= stdRange[0] && post.std <= stdRange[1];

  /** Dragging rounds to the sliders' precision; the posterior button sets q exactly. */
  const setQ = useCallback((patch: { qMean?: number; qStd?: number }, exact = false) => {
    const round = (v: number, d: number) => (exact ? v : Number(v.toFixed(d)));
    const next: Record<string, number> = {};
    if (patch.qMean !== undefined) next.qMean = round(patch.qMean, 2);
    if (patch.qStd !== undefined) next.qStd = round(patch.qStd, 3);
    store.getState().setParams(next);
  }, [store]);

  const renderDensities = useCallback((width: number) => {
    const height = present ? 300 : 190;
    const zs = Array.from({ length: Z_POINTS }, (_, i) => Z_DOMAIN[0] + ((Z_DOMAIN[1] - Z_DOMAIN[0]) * i) / (Z_POINTS - 1));
    const rows = zs.map((z) => ({ z, prior: normalDensity(z, 0, 1), post: normalDensity(z, post.mean, post.std), q: normalDensity(z, qMean, qStd) }));
    const yMax = Math.min(3, Math.max(...rows.map((row) => Math.max(row.post, row.q, row.prior)))) * 1.05;
    const plot = Plot.plot({
      width, height, marginLeft: 44, style: { fontSize, background: 'transparent' },
      x: { domain: Z_DOMAIN, label: 'z' },
      y: { domain: [0, yMax], label: 'density', grid: true },
      marks: [
        Plot.areaY(rows, { x: 'z', y: 'q', fill: 'var(--series-2)', fillOpacity: 0.2, clip: true }),
        Plot.line(rows, { x: 'z', y: 'prior', stroke: 'var(--text-soft)', strokeDasharray: '5 4', strokeWidth: k }),
        Plot.line(rows, { x: 'z', y: 'post', stroke: 'var(--series-3)', strokeWidth: 2.5 * k, clip: true }),
        Plot.line(rows, { x: 'z', y: 'q', stroke: 'var(--series-2)', strokeWidth: 2.5 * k, clip: true }),
        Plot.ruleX([qMean], { stroke: 'var(--series-2)', strokeDasharray: '3 3', strokeWidth: k }),
        Plot.ruleY([0]),
      ],
    }) as unknown as SvgWithScales;
    draggable(plot, width, height, (p) => setQ({ qMean: clamp(p.x, meanRange[0], meanRange[1]) }));
    return plot;
  }, [post, qMean, qStd, present, fontSize, k, setQ]);

  const renderPlane = useCallback((width: number) => {
    const size = Math.min(width, present ? 460 : 300);
    const plot = Plot.plot({
      width: size, height: size, marginLeft: 48, style: { fontSize, background: 'transparent' },
      x: { domain: [meanRange[0], meanRange[1]], label: 'mean of q', grid: true },
      y: { type: 'log', domain: [stdRange[0], stdRange[1]], label: 'standard deviation of q (log scale)', grid: true, ticks: [0.05, 0.1, 0.2, 0.5, 1, 2], tickFormat: (d: number) => String(d) },
      marks: [
        Plot.contour({
          x1: meanRange[0], x2: meanRange[1], y1: stdRange[0], y2: stdRange[1],
          value: (m: number, sd: number) => klNormal(m, sd * sd, post.mean, post.std * post.std),
          thresholds: GAP_LEVELS, stroke: 'var(--text-soft)', strokeWidth: k, fill: 'none',
        }),
        Plot.dot([{ m: post.mean, sd: post.std }], { x: 'm', y: 'sd', r: 7 * k, symbol: 'star', fill: 'var(--series-3)', clip: true }),
        Plot.dot([{ m: qMean, sd: qStd }], { x: 'm', y: 'sd', r: 6 * k, fill: 'var(--series-2)', stroke: 'var(--bg-raised)', strokeWidth: 1.5 }),
      ],
    }) as unknown as SvgWithScales;
    draggable(plot, size, size, (p) => setQ({ qMean: clamp(p.x, meanRange[0], meanRange[1]), qStd: clamp(p.y, stdRange[0], stdRange[1]) }));
    return plot;
  }, [post, qMean, qStd, present, fontSize, k, setQ]);

  const renderBars = useCallback((width: number) => {
    const floor = Math.min(Math.floor(r.logEvidence) - 8, Math.floor(r.elbo - 0.5));
    const top = Math.ceil(r.logEvidence + 0.5);
    const segs = [
      { bar: 'log p(x)', x1: floor, x2: r.logEvidence, part: 'log p(x)', fill: 'var(--series-3)' },
      { bar: 'ELBO + gap', x1: floor, x2: r.elbo, part: 'ELBO', fill: 'var(--series-1)' },
      { bar: 'ELBO + gap', x1: r.elbo, x2: r.logEvidence, part: 'gap', fill: 'var(--series-2)' },
    ];
    const plot = Plot.plot({
      width, height: present ? 200 : 130, marginLeft: 90, marginRight: 12, style: { fontSize, background: 'transparent' },
      x: { domain: [floor, top], label: 'nats', grid: true },
      y: { domain: ['log p(x)', 'ELBO + gap'], label: null },
      marks: [
        ...segs.map((sg) => Plot.barX([sg], { x1: 'x1', x2: 'x2', y: 'bar', fill: sg.fill, fillOpacity: sg.part === 'gap' ? 0.85 : 0.7, insetTop: 4, insetBottom: 4 })),
        Plot.ruleX([r.logEvidence], { stroke: 'var(--text)', strokeWidth: 1.5 * k, strokeDasharray: '4 3' }),
        Plot.text([{ x: (floor + r.elbo) / 2, y: 'ELBO + gap', t: `ELBO ${fmt(r.elbo)}` }], { x: 'x', y: 'y', text: 't', fill: 'var(--text)' }),
        r.gap > 0.15 * (top - floor) ? Plot.text([{ x: (r.elbo + r.logEvidence) / 2, y: 'ELBO + gap', t: `gap ${fmt(r.gap)}` }], { x: 'x', y: 'y', text: 't', fill: 'var(--text)' }) : null,
        Plot.text([{ x: (floor + r.logEvidence) / 2, y: 'log p(x)', t: `log p(x) ${fmt(r.logEvidence)}` }], { x: 'x', y: 'y', text: 't', fill: 'var(--text)' }),
      ],
    });
    plot.setAttribute('data-floor', String(floor));
    return plot;
  }, [r, present, fontSize, k]);

  const live = `\\log p(x) = ${fmt(r.logEvidence)} = \\underbrace{${fmt(r.elbo)}}_{\\ELBO} + \\underbrace{${fmt(r.gap)}}_{\\KL(q \\,\\Vert\\, p(z \\mid x))}`;
  const split = `\\ELBO = \\underbrace{${fmt(r.reconstruction)}}_{\\E_q[\\log p(x \\mid z)]} - \\underbrace{${fmt(r.klPrior)}}_{\\KL(q \\,\\Vert\\, p(z))}`;

  return (
    <div className="widget-body with-side elbo-gap">
      <div>
        <div className="formula" aria-live="polite"><Tex tex={live} display /></div>
        <PlotView render={renderBars} className="elbo-bars" minHeight={present ? 200 : 130} label={`log p(x) = ${fmt(r.logEvidence)} nats split into the ELBO ${fmt(r.elbo)} and the gap ${fmt(r.gap)}.`} />
        <ul className="legend" aria-hidden="true">
          <li><span style={{ background: 'var(--series-3)' }} /> log p(x)</li>
          <li><span style={{ background: 'var(--series-1)' }} /> ELBO</li>
          <li><span style={{ background: 'var(--series-2)' }} /> gap = KL(q ‖ p(z|x))</li>
        </ul>
        <div className="readouts">
          <Readout label="log p(x)" value={fmt(r.logEvidence)} testId="eg-logpx" />
          <Readout label="ELBO" value={fmt(r.elbo)} testId="eg-elbo" />
          <Readout label="gap KL(q ‖ p(z|x))" value={fmt(r.gap)} testId="eg-gap" />
          <Readout label="ELBO + gap" value={fmt(r.elbo + r.gap)} testId="eg-sum" />
          <Readout label="E_q[log p(x|z)]" value={fmt(r.reconstruction)} testId="eg-recon" />
          <Readout label="KL(q ‖ p(z))" value={fmt(r.klPrior)} testId="eg-klprior" />
          <Readout label="posterior p(z|x)" value={`N(${fmt(post.mean)}, ${fmt(post.std * post.std)})`} testId="eg-posterior" title="Mean and variance of the exact posterior." />
        </div>
        <div className="formula"><Tex tex={split} display /></div>
        <div className="elbo-views">
          <div>
            <PlotView render={renderDensities} className="elbo-densities" minHeight={present ? 300 : 190} label={`Densities over z: the prior N(0, 1), the posterior N(${fmt(post.mean)}, ${fmt(post.std ** 2)}) and q = N(${fmt(qMean, 2)}, ${fmt(qStd ** 2)}). Drag to move q's mean.`} />
            <ul className="legend" aria-hidden="true">
              <li><span className="dashed" style={{ borderColor: 'var(--text-soft)' }} /> prior p(z)</li>
              <li><span style={{ background: 'var(--series-3)' }} /> posterior p(z|x)</li>
              <li><span style={{ background: 'var(--series-2)' }} /> q(z|x)</li>
            </ul>
          </div>
          <div>
            <PlotView render={renderPlane} className="elbo-plane" minHeight={present ? 460 : 300} label={`Contours of the gap over q's mean and standard deviation, zero at the posterior (the star). q is at mean ${fmt(qMean, 2)}, standard deviation ${fmt(qStd)}. Click or drag to move q.`} />
            <p className="widget-note">Contours of the gap at {GAP_LEVELS.join(', ')} nats; the star is the posterior. Click or drag to move q.</p>
          </div>
        </div>
      </div>
      <div className="controls">
        <ParamControl name="qMean" />
        <ParamControl name="qStd" />
        <div className="rule-buttons">
          <button type="button" onClick={() => setQ({ qMean: post.mean, qStd: post.std }, true)} disabled={!postInRange}>
            Set q to the posterior
          </button>
          <button type="button" onClick={() => setQ({ qMean: 0, qStd: 1 })}>Set q to the prior</button>
        </div>
        {!postInRange && <p className="widget-note">The posterior lies outside the sliders’ range for this model.</p>}
        <ParamControl name="x" />
        <ParamControl name="w" />
        <ParamControl name="b" />
        <ParamControl name="s" />
        <p className="widget-note">
          Model: z ∼ N(0, 1), x | z ∼ N(wz + b, s²). Everything is in closed form: log p(x) = log N(x; b, w² + s²), and the posterior is N(w(x − b)/(w² + s²), s²/(w² + s²)).
        </p>
      </div>
    </div>
  );
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
