/**
 * The trainer widget's plots, one pure function each: data in, an Observable Plot element out.
 * Colours only through CSS variables; `present` enlarges type and thickens lines.
 */
import * as Plot from '@observablehq/plot';
import type { ArrowField } from '../../core/diffusion/views';
import { lean, placeholder, plotStyle, tagged, withCanvasDots } from '../diffusion-common/plots';

/** Every view of the trainer shares this square (the data sets lie within ±2). */
export const VIEW_DOMAIN: [number, number] = [-3, 3];
/** Grey background points drawn (the first ones of i.i.d. sets): enough for the shape, cheap to redraw. */
const BACKGROUND_POINTS = 600;

export interface LossPoint {
  step: number;
  loss: number;
}

export interface Trajectories {
  /** Flat [frames × trackCount × 2], from x_T to x₀. */
  xy: Float32Array;
  trackCount: number;
}

function squarePlot(width: number, present: boolean, marks: Plot.Markish[]) {
  const size = Math.min(width, present ? 620 : 400);
  return lean(Plot.plot({
    width: size,
    height: size,
    marginLeft: 34,
    marginBottom: 32,
    marginTop: 20,
    marginRight: 10,
    style: plotStyle(present),
    x: { domain: VIEW_DOMAIN, label: 'x₁' },
    y: { domain: VIEW_DOMAIN, label: 'x₂' },
    marks: [Plot.frame({ stroke: 'var(--text-soft)', strokeOpacity: 0.4 }), ...marks],
  }));
}

/** Samples over the data, and the paths of the tracked points from noise (hollow) to data (filled). */
export function renderSamples(width: number, o: { data: ArrayLike<number> | null; samples: ArrayLike<number> | null; paths: Trajectories | null; present: boolean; meta: Record<string, string | number> }): Element {
  if (!o.data) return placeholder('No data yet.');
  const k = o.present ? 2 : 1;
  const marks: Plot.Markish[] = [];
  if (o.paths && o.paths.trackCount > 0) {
    const { xy, trackCount } = o.paths;
    const frames = xy.length / (2 * trackCount);
    const rows: { x: number; y: number; id: number }[] = [];
    for (let f = 0; f < frames; f++) {
      for (let j = 0; j < trackCount; j++) rows.push({ x: xy[2 * (f * trackCount + j)], y: xy[2 * (f * trackCount + j) + 1], id: j });
    }
    const first = rows.slice(0, trackCount), last = rows.slice((frames - 1) * trackCount);
    marks.push(
      Plot.line(rows, { x: 'x', y: 'y', z: 'id', stroke: 'var(--series-4)', strokeOpacity: 0.6, strokeWidth: 1.2 * k, clip: true }),
      Plot.dot(first, { x: 'x', y: 'y', r: 3 * k, stroke: 'var(--series-4)', fill: 'var(--bg-raised)', strokeWidth: 1.2 * k, clip: true }),
      Plot.dot(last, { x: 'x', y: 'y', r: 3 * k, fill: 'var(--series-4)', stroke: 'var(--bg-raised)', clip: true }),
    );
  }
  const plot = tagged(squarePlot(width, o.present, marks), o.meta);
  // Clouds on a canvas under the paths: cheap to redraw while the samples move.
  return withCanvasDots(plot, [
    { points: o.data, max: BACKGROUND_POINTS, fill: 'var(--text-soft)', r: 1.3 * k, opacity: 0.3 },
    ...(o.samples ? [{ points: o.samples, fill: 'var(--series-2)', r: 1.6 * k, opacity: 0.8 }] : []),
  ]);
}

/** The learned field as arrows, over the data noised to the same t. */
export function renderField(width: number, o: { noised: ArrayLike<number> | null; field: ArrowField | null; present: boolean; meta: Record<string, string | number> }): Element {
  if (!o.field) return placeholder('The field appears once the network exists.');
  const k = o.present ? 2 : 1;
  const marks: Plot.Markish[] = [Plot.arrow(o.field.arrows, { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: 'var(--series-1)', strokeWidth: 1.3 * k, headLength: 5 * k, clip: true })];
  const plot = tagged(squarePlot(width, o.present, marks), o.meta);
  return o.noised ? withCanvasDots(plot, [{ points: o.noised, max: BACKGROUND_POINTS, fill: 'var(--text-soft)', r: 1.2 * k, opacity: 0.3 }]) : plot;
}

/** Loss per read (the mean over the steps since the previous read) against the step. */
export function renderLoss(width: number, points: LossPoint[], present: boolean): Element {
  if (points.length === 0) return placeholder('Press Play or Step to train; the loss appears here.');
  const k = present ? 2 : 1;
  const hi = Math.max(...points.map((p) => p.loss));
  return lean(Plot.plot({
    width,
    height: present ? 300 : 200,
    marginLeft: 44,
    marginTop: present ? 30 : 20,
    marginBottom: 32,
    style: plotStyle(present),
    x: { label: 'training step', domain: [0, Math.max(10, points[points.length - 1].step)] },
    y: { label: '‖ε − ε_θ‖² (batch mean)', domain: [0, Math.max(0.5, hi) * 1.05], grid: true, ticks: 5 },
    marks: [Plot.line(points, { x: 'step', y: 'loss', stroke: 'var(--series-1)', strokeWidth: 1.5 * k }), Plot.ruleY([0])],
  }));
}

export interface QualityPoint {
  steps: number;
  mmd: number;
}

/** MMD² between samples and held-out data against the number of DDIM steps, with DDPM and the noise floor. */
export function renderQuality(width: number, o: { points: QualityPoint[]; ddpm: QualityPoint | null; floor: number | null; T: number; eta: number; present: boolean }): Element {
  if (o.points.length === 0 && !o.ddpm) return placeholder('Press “Measure quality against steps” after some training.');
  const k = o.present ? 2 : 1;
  const all = [...o.points.map((p) => p.mmd), ...(o.ddpm ? [o.ddpm.mmd] : []), ...(o.floor !== null ? [o.floor] : [])];
  const hi = Math.max(0.005, ...all.filter(Number.isFinite));
  const lo = Math.min(0, ...all.filter(Number.isFinite));
  const plot = lean(Plot.plot({
    width,
    height: o.present ? 300 : 200,
    marginLeft: 48,
    marginTop: o.present ? 30 : 20,
    marginBottom: 32,
    style: plotStyle(o.present),
    x: { type: 'log', domain: [1, o.T], label: 'sampling steps (log scale)' },
    y: { domain: [lo, hi * 1.08], label: 'MMD² to held-out data', grid: true, ticks: 5 },
    marks: [
      o.floor !== null ? Plot.ruleY([o.floor], { stroke: 'var(--text-soft)', strokeDasharray: '4 3', strokeWidth: k }) : null,
      Plot.line(o.points, { x: 'steps', y: 'mmd', stroke: 'var(--series-1)', strokeWidth: 1.5 * k }),
      Plot.dot(o.points, { x: 'steps', y: 'mmd', r: 3 * k, fill: 'var(--series-1)' }),
      o.ddpm ? Plot.dot([o.ddpm], { x: 'steps', y: 'mmd', r: 5 * k, symbol: 'diamond', fill: 'var(--series-2)' }) : null,
    ],
  }));
  return tagged(plot, { steps: o.points.map((p) => p.steps).join(','), mmd2: o.points.map((p) => p.mmd).join(',') });
}
