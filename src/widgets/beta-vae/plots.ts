/**
 * The β-VAE widget's plots, one pure function each: data in, an Observable Plot element out.
 * Colours come only from CSS variables (series, text, and the class palette in global.css), so
 * both themes and a projector work. `present` enlarges type and thickens lines.
 */
import * as Plot from '@observablehq/plot';
import { ellipsePoints, evenlySpaced, ema, type RdMark, type RdPoint } from '../../core/vae/views';

export interface LossPoint {
  step: number;
  beta: number;
  negElbo: number;
  recon: number;
  kl: number;
}

export interface Posterior {
  mu: Float32Array;
  sigma: Float32Array;
  labels: Int32Array;
  count: number;
  latentDim: number;
}

/** Smoothing of the per-minibatch curves (each readout is one batch, so they are noisy). */
const SMOOTHING = 0.8;
/** Ellipses drawn in the latent plot: enough to see σ, few enough to see the means. */
const ELLIPSES = 60;
/** The 2-D toy sets lie within this square. */
const TOY_DOMAIN: [number, number] = [-2.6, 2.6];

export const classColor = (c: number) => `var(--vae-class-${((c % 10) + 10) % 10})`;

function style(present: boolean) {
  return { fontSize: present ? '17px' : '12px', background: 'transparent' };
}

export function fmtNats(v: number, digits = 1): string {
  if (!Number.isFinite(v)) return v < 0 ? '−∞' : '∞';
  return v.toFixed(digits).replace('-', '−');
}

export function fmtBeta(b: number): string {
  return Number(b.toPrecision(3)).toString();
}

function tagged(el: Element, data: Record<string, string | number>): Element {
  for (const [k, v] of Object.entries(data)) el.setAttribute(`data-${k}`, String(v));
  return el;
}

/**
 * The loss terms over training: the negative ELBO and the distortion on top, the rate below (it is
 * an order of magnitude smaller on digits), with a rule wherever β changed.
 */
export function renderLoss(width: number, points: LossPoint[], betaChanges: { step: number; beta: number }[], present: boolean): Element {
  const k = present ? 2 : 1;
  const smooth = (key: 'negElbo' | 'recon' | 'kl') => {
    const s = ema(points.map((p) => p[key]), SMOOTHING);
    return points.map((p, i) => ({ step: p.step, v: s[i], raw: p[key] }));
  };
  const negElbo = smooth('negElbo'), recon = smooth('recon'), kl = smooth('kl');
  const last = points[points.length - 1]?.step ?? 1;
  const xDomain: [number, number] = [0, Math.max(10, last)];
  const changes = betaChanges.filter((c) => c.step > 0);
  const rules = (y: 'top' | 'bottom') => [
    Plot.ruleX(changes, { x: 'step', stroke: 'var(--series-4)', strokeDasharray: '4 3', strokeWidth: k }),
    y === 'top' ? Plot.text(changes, { x: 'step', frameAnchor: 'top', dy: 2, dx: 3, textAnchor: 'start', text: (c: { beta: number }) => `β = ${fmtBeta(c.beta)}`, fill: 'var(--series-4)' }) : null,
  ];
  const top = Plot.plot({
    width,
    height: present ? 260 : 170,
    marginLeft: 52,
    style: style(present),
    x: { domain: xDomain, label: null, tickFormat: () => '' },
    y: { label: 'nats per example', grid: true, zero: false },
    marks: [
      Plot.line(negElbo, { x: 'step', y: 'raw', stroke: 'var(--series-1)', strokeOpacity: 0.25, strokeWidth: k }),
      Plot.line(recon, { x: 'step', y: 'raw', stroke: 'var(--series-2)', strokeOpacity: 0.25, strokeWidth: k }),
      Plot.line(negElbo, { x: 'step', y: 'v', stroke: 'var(--series-1)', strokeWidth: 2 * k }),
      Plot.line(recon, { x: 'step', y: 'v', stroke: 'var(--series-2)', strokeWidth: 2 * k, strokeDasharray: '6 3' }),
      ...rules('top'),
    ],
  });
  const bottom = Plot.plot({
    width,
    height: present ? 200 : 130,
    marginLeft: 52,
    style: style(present),
    x: { domain: xDomain, label: 'training step' },
    y: { label: 'KL (rate)', grid: true, zero: true },
    marks: [
      Plot.line(kl, { x: 'step', y: 'raw', stroke: 'var(--series-3)', strokeOpacity: 0.25, strokeWidth: k }),
      Plot.line(kl, { x: 'step', y: 'v', stroke: 'var(--series-3)', strokeWidth: 2 * k }),
      ...rules('bottom'),
      Plot.ruleY([0]),
    ],
  });
  const box = document.createElement('div');
  box.append(top, bottom);
  return tagged(box, { points: points.length, last: last });
}

/**
 * The rate–distortion plane: the run's path (evaluation set), where it is now, the marks earlier β
 * values left, and through the current point the line D + βR = const that this β's objective
 * slides along (slope −β).
 */
export function renderRateDistortion(width: number, trajectory: RdPoint[], marks: RdMark[], beta: number, present: boolean): Element {
  const k = present ? 2 : 1;
  const all = [...trajectory, ...marks];
  const current = trajectory[trajectory.length - 1];
  const rates = all.map((p) => p.rate), dists = all.map((p) => p.distortion);
  const xMax = Math.max(1, ...rates) * 1.1;
  const yLo = all.length ? Math.min(...dists) : 0, yHi = all.length ? Math.max(...dists) : 1;
  const pad = Math.max(0.5, 0.08 * (yHi - yLo));
  const yDomain: [number, number] = [yLo - pad, yHi + pad];
  const iso = current ? [0, xMax].map((x) => ({ x, y: current.distortion + beta * (current.rate - x) })) : [];
  const plot = Plot.plot({
    width,
    height: present ? 380 : 260,
    marginLeft: 52,
    style: style(present),
    x: { domain: [0, xMax], label: 'rate R = KL term (nats)', grid: true },
    y: { domain: yDomain, label: 'distortion D = reconstruction term (nats)', grid: true },
    marks: [
      Plot.line(iso, { x: 'x', y: 'y', stroke: 'var(--series-4)', strokeDasharray: '5 4', strokeWidth: k, clip: true }),
      Plot.line(trajectory, { x: 'rate', y: 'distortion', stroke: 'var(--series-1)', strokeWidth: 1.5 * k, strokeOpacity: 0.8 }),
      Plot.dot(marks, { x: 'rate', y: 'distortion', r: 5 * k, fill: 'var(--series-2)', stroke: 'var(--bg-raised)' }),
      Plot.text(marks, { x: 'rate', y: 'distortion', text: (m: RdMark) => `β = ${fmtBeta(m.beta)}`, dx: 8, textAnchor: 'start', fill: 'var(--text)' }),
      current ? Plot.dot([current], { x: 'rate', y: 'distortion', r: 6 * k, fill: 'var(--series-1)', stroke: 'var(--bg-raised)', strokeWidth: 1.5 }) : null,
    ],
  });
  return tagged(plot, { marks: marks.length, trajectory: trajectory.length });
}

/**
 * Posterior means of the evaluation rows in two latent dimensions (a, b), coloured by class, with
 * 1σ ellipses for some of them and the prior's 1σ and 2σ circles. With one latent dimension the
 * means are drawn against their class, with ±σ bars.
 */
export function renderLatent(width: number, post: Posterior, axes: [number, number], classes: number, present: boolean): Element {
  const k = present ? 2 : 1;
  const dz = post.latentDim;
  const [a, b] = axes;
  const size = Math.min(width, present ? 560 : 380);
  if (b < 0) {
    const rows = Array.from({ length: post.count }, (_, i) => ({ x: post.mu[i * dz + a], s: post.sigma[i * dz + a], c: post.labels[i] ?? 0, y: (post.labels[i] ?? 0) + 0.6 * (((i * 0.618034) % 1) - 0.5) }));
    const lim = Math.max(3.2, ...rows.map((r) => Math.abs(r.x) + 0.2));
    const pick = new Set(evenlySpaced(post.count, ELLIPSES));
    return Plot.plot({
      width, height: present ? 360 : 240, marginLeft: 40, style: style(present),
      x: { domain: [-lim, lim], label: `posterior mean μ_${a + 1}(x)`, grid: true },
      y: { label: 'class', domain: [-0.6, classes - 0.4], ticks: Array.from({ length: classes }, (_, c) => c) },
      marks: [
        Plot.ruleX([-1, 1], { stroke: 'var(--text-soft)', strokeDasharray: '3 3' }),
        ...Array.from({ length: classes }, (_, c) => [
          Plot.link(rows.filter((r, i) => r.c === c && pick.has(i)), { x1: (r: { x: number; s: number }) => r.x - r.s, x2: (r: { x: number; s: number }) => r.x + r.s, y1: 'y', y2: 'y', stroke: classColor(c), strokeOpacity: 0.5, strokeWidth: k }),
          Plot.dot(rows.filter((r) => r.c === c), { x: 'x', y: 'y', r: 2 * k, fill: classColor(c) }),
        ]).flat(),
      ],
    });
  }
  const rows = Array.from({ length: post.count }, (_, i) => ({ x: post.mu[i * dz + a], y: post.mu[i * dz + b], sx: post.sigma[i * dz + a], sy: post.sigma[i * dz + b], c: post.labels[i] ?? 0, i }));
  const extent = rows.map((r) => Math.max(Math.abs(r.x), Math.abs(r.y))).sort((p, q) => p - q);
  const lim = Math.max(3.2, 1.1 * (extent[Math.floor(0.99 * (extent.length - 1))] ?? 0));
  const pick = evenlySpaced(post.count, ELLIPSES);
  const ellipses = pick.flatMap((i) => ellipsePoints(rows[i].x, rows[i].y, rows[i].sx, rows[i].sy).map(([x, y]) => ({ x, y, i, c: rows[i].c })));
  const prior = [1, 2].flatMap((r) => ellipsePoints(0, 0, r, r, 64).map(([x, y]) => ({ x, y, r })));
  return Plot.plot({
    width: size, height: size, marginLeft: 40, style: style(present),
    x: { domain: [-lim, lim], label: `μ_${a + 1}`, grid: true },
    y: { domain: [-lim, lim], label: `μ_${b + 1}`, grid: true },
    marks: [
      Plot.line(prior, { x: 'x', y: 'y', z: 'r', stroke: 'var(--text-soft)', strokeDasharray: '4 4', strokeWidth: k }),
      ...Array.from({ length: classes }, (_, c) => [
        Plot.line(ellipses.filter((e) => e.c === c), { x: 'x', y: 'y', z: 'i', stroke: classColor(c), strokeOpacity: 0.45, strokeWidth: k, clip: true }),
        Plot.dot(rows.filter((r) => r.c === c), { x: 'x', y: 'y', r: 1.8 * k, fill: classColor(c), clip: true }),
      ]).flat(),
    ],
  });
}

/** Background points per data-space panel: enough to show the shape, few enough to draw quickly. */
const BACKGROUND_POINTS = 250;

/** A square data-space frame for the 2-D sets, with some evaluation points in a soft grey. */
function toyFrame(width: number, evalX: Float32Array, marks: Plot.Markish[], present: boolean): Element {
  const size = Math.min(width, present ? 520 : 340);
  const data = evenlySpaced(evalX.length / 2, BACKGROUND_POINTS).map((i) => ({ x: evalX[2 * i], y: evalX[2 * i + 1] }));
  return Plot.plot({
    width: size, height: size, marginLeft: 36, style: style(present),
    x: { domain: TOY_DOMAIN, label: 'x₁', grid: true },
    y: { domain: TOY_DOMAIN, label: 'x₂', grid: true },
    marks: [Plot.dot(data, { x: 'x', y: 'y', r: present ? 2 : 1.3, fill: 'var(--text-soft)', fillOpacity: 0.35 }), ...marks],
  });
}

/** The decoder's means over a grid of z (2-D latent), drawn as the image of the grid's lines. */
export function renderToyGrid(width: number, evalX: Float32Array, grid: { x: Float32Array; steps: number }, present: boolean): Element {
  const k = present ? 2 : 1;
  const n = grid.steps;
  const at = (r: number, c: number) => ({ x: grid.x[2 * (r * n + c)], y: grid.x[2 * (r * n + c) + 1] });
  const lines: { x: number; y: number; line: string }[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) lines.push({ ...at(r, c), line: `r${r}` });
  for (let c = 0; c < n; c++) for (let r = 0; r < n; r++) lines.push({ ...at(r, c), line: `c${c}` });
  return toyFrame(width, evalX, [Plot.line(lines, { x: 'x', y: 'y', z: 'line', stroke: 'var(--series-2)', strokeWidth: k, strokeOpacity: 0.8, clip: true })], present);
}

/** Decoder means at draws from the prior, over the data. */
export function renderToySamples(width: number, evalX: Float32Array, prior: Float32Array, present: boolean): Element {
  const rows = Array.from({ length: prior.length / 2 }, (_, i) => ({ x: prior[2 * i], y: prior[2 * i + 1] }));
  return toyFrame(width, evalX, [Plot.dot(rows, { x: 'x', y: 'y', r: present ? 2.6 : 1.7, fill: 'var(--series-2)', clip: true })], present);
}

/** Chosen inputs and an arrow to each one's reconstruction. */
export function renderToyRecon(width: number, evalX: Float32Array, inputs: Float32Array, recon: Float32Array, present: boolean): Element {
  const k = present ? 2 : 1;
  const rows = Array.from({ length: inputs.length / 2 }, (_, i) => ({ x1: inputs[2 * i], y1: inputs[2 * i + 1], x2: recon[2 * i], y2: recon[2 * i + 1] }));
  return toyFrame(width, evalX, [
    Plot.arrow(rows, { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: 'var(--series-2)', strokeWidth: 1.5 * k, headLength: 6 * k, clip: true }),
    Plot.dot(rows, { x: 'x1', y: 'y1', r: 3.5 * k, fill: 'var(--series-1)' }),
  ], present);
}

/** KL per latent dimension on the evaluation set; active units (Var μ_j > 0.01) in the data colour. */
export function renderKlPerDim(width: number, klPerDim: number[], activeVariance: number[], threshold: number, present: boolean): Element {
  const rows = klPerDim.map((kl, j) => ({ dim: `z${j + 1}`, kl, active: activeVariance[j] > threshold }));
  return tagged(Plot.plot({
    width, height: present ? 260 : 170, marginLeft: 52, style: style(present),
    x: { domain: rows.map((r) => r.dim), label: 'latent dimension', padding: 0.2 },
    y: { label: 'KL per dimension (nats)', grid: true, zero: true },
    marks: [
      Plot.barY(rows.filter((r) => r.active), { x: 'dim', y: 'kl', fill: 'var(--series-1)' }),
      Plot.barY(rows.filter((r) => !r.active), { x: 'dim', y: 'kl', fill: 'var(--text-soft)', fillOpacity: 0.6 }),
      // The values, so a collapsed dimension (a bar of height ≈ 0) is still visibly there.
      Plot.text(rows.filter((r) => r.active), { x: 'dim', y: 'kl', text: (r: { kl: number }) => r.kl.toFixed(2), dy: -7, fill: 'var(--text)', fontSize: present ? 14 : 10 }),
      Plot.text(rows.filter((r) => !r.active), { x: 'dim', y: 'kl', text: (r: { kl: number }) => r.kl.toFixed(2), dy: -7, fill: 'var(--text-soft)', fontSize: present ? 14 : 10 }),
      Plot.ruleY([0]),
    ],
  }), { active: rows.filter((r) => r.active).length });
}
