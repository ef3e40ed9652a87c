/**
 * What the diffusion widgets compute outside tfjs, in plain float64: the data sets they offer,
 * the forward chain run one step at a time (so a sweep over t costs one step per unit of t, not t
 * steps per frame), the moments of a noised cloud against the closed form, arrows for a vector
 * field, and the step counts of the quality-versus-steps curve.
 *
 * API
 * - `DIFFUSION_DATASETS`, `DiffusionDataset`: 'swissroll' | 'moons' | 'ring' | 'drawn'.
 * - `datasetPoints(name, n, seed, drawn?): Float64Array`: n points, flat [x0, y0, x1, y1, …].
 * - `cloudMoments(xy): CloudMoments`: mean and (population) variance of each coordinate.
 * - `closedFormMoments(s, t, m0): CloudMoments`: the moments of x_t when x₀ is drawn from a cloud
 *   with moments m0: mean √ᾱ_t m, variance ᾱ_t v + (1 − ᾱ_t).
 * - `class ForwardChain`: the Markov chain q(x_t | x_{t−1}) advanced incrementally; its state at t
 *   equals `iterateForward(x0, s, t, seed)` exactly.
 * - `qualityStepCounts(T): number[]`: DDIM step counts for the quality curve.
 * - `arrowSegments(points, vectors, maxLength): ArrowField`: arrows scaled for drawing.
 */
import { resampleDrawn, sampleDataset } from '../data2d';
import { mulberry32, normalSampler } from '../random';
import { forwardStep } from './forward';
import type { Schedule } from './schedules';

/** The 2-D data sets of the diffusion widgets; 'drawn' is the reader's own points. */
export const DIFFUSION_DATASETS = ['swissroll', 'moons', 'ring', 'drawn'] as const;
export type DiffusionDataset = (typeof DIFFUSION_DATASETS)[number];

/** Jitter around each drawn point, in data units: enough to make a cloud, small next to the frame. */
export const DRAWN_JITTER = 0.05;

/**
 * n points of a data set (seeded). 'ring' is the ring of eight Gaussians; 'drawn' resamples the
 * reader's points with a little jitter and throws a plain message when there are none.
 */
export function datasetPoints(name: DiffusionDataset, n: number, seed: number, drawn: ReadonlyArray<readonly [number, number]> = []): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new Error(`The number of points must be a positive whole number (got ${n}).`);
  if (name === 'drawn') {
    if (drawn.length === 0) throw new Error('Draw some points first: click or drag on the plot, or use the buttons.');
    return resampleDrawn(drawn, n, seed, DRAWN_JITTER).xy;
  }
  if (!(DIFFUSION_DATASETS as readonly string[]).includes(name)) throw new Error(`Unknown data set "${String(name)}".`);
  return sampleDataset(name, n, seed).xy;
}

/** Mean and variance (1/n, the cloud's own) of each coordinate of a 2-D cloud. */
export interface CloudMoments {
  mean: [number, number];
  variance: [number, number];
}

/** Moments of a flat 2-D cloud (at least one point). */
export function cloudMoments(xy: ArrayLike<number>): CloudMoments {
  const n = Math.floor(xy.length / 2);
  if (n < 1) throw new Error('There are no points.');
  const mean: [number, number] = [0, 0];
  for (let i = 0; i < n; i++) {
    mean[0] += xy[2 * i];
    mean[1] += xy[2 * i + 1];
  }
  mean[0] /= n;
  mean[1] /= n;
  const variance: [number, number] = [0, 0];
  for (let i = 0; i < n; i++) {
    variance[0] += (xy[2 * i] - mean[0]) ** 2;
    variance[1] += (xy[2 * i + 1] - mean[1]) ** 2;
  }
  variance[0] /= n;
  variance[1] /= n;
  return { mean, variance };
}

/**
 * Moments of x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε when x₀ is a uniformly chosen point of a cloud with
 * moments m0 and ε ~ N(0, I): E x_t = √ᾱ_t m and Var x_t = ᾱ_t v + (1 − ᾱ_t), per coordinate.
 */
export function closedFormMoments(s: Schedule, t: number, m0: CloudMoments): CloudMoments {
  if (!Number.isInteger(t) || t < 0 || t > s.T) throw new Error(`t must be a whole number from 0 to ${s.T} (got ${t}).`);
  const a = s.sqrtAlphaBar[t], ab = s.alphaBar[t], noise = s.oneMinusAlphaBar[t];
  return {
    mean: [a * m0.mean[0], a * m0.mean[1]],
    variance: [ab * m0.variance[0] + noise, ab * m0.variance[1] + noise],
  };
}

/**
 * The forward Markov chain, advanced one step of q(x_t | x_{t−1}) at a time. It reads one seeded
 * stream of normals in the same order as `iterateForward`, so its state at t is exactly
 * `iterateForward(x0, s, t, seed)` however it got there. Going back in t restarts from x₀.
 */
export class ForwardChain {
  private x: Float64Array;
  private at = 0;
  private normal: () => number;

  constructor(private readonly x0: ArrayLike<number>, private readonly schedule: Schedule, private readonly seed: number) {
    this.x = Float64Array.from(x0);
    this.normal = normalSampler(mulberry32(seed));
  }

  /** The step the chain is at. */
  get t(): number {
    return this.at;
  }

  /** Run the chain to step t (in [0, T]) and return x_t (the chain's own array: copy to keep it). */
  advanceTo(t: number): Float64Array {
    const s = this.schedule;
    if (!Number.isInteger(t) || t < 0 || t > s.T) throw new Error(`t must be a whole number from 0 to ${s.T} (got ${t}).`);
    if (t < this.at) {
      this.x = Float64Array.from(this.x0);
      this.at = 0;
      this.normal = normalSampler(mulberry32(this.seed));
    }
    while (this.at < t) {
      this.at++;
      this.x = forwardStep(this.x, s, this.at, this.normal);
    }
    return this.x;
  }
}

/** DDIM step counts for the quality curve: 1, 2, 5, 10, 20, 50, … up to T, and T itself. */
export function qualityStepCounts(T: number): number[] {
  if (!Number.isInteger(T) || T < 1) throw new Error(`T must be a positive whole number (got ${T}).`);
  const out = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((k) => k < T);
  out.push(T);
  return out;
}

/** Arrows from each point along its vector, scaled for drawing. */
export interface ArrowField {
  /** One arrow per point: tail (x1, y1), head (x2, y2), and the vector's length before scaling. */
  arrows: { x1: number; y1: number; x2: number; y2: number; norm: number }[];
  /** Drawn length per unit of vector length. */
  scale: number;
}

/**
 * Arrows for a vector field on flat 2-D points: every vector is multiplied by one scale, chosen so
 * that the 90th-percentile arrow is `maxLength` long (a few huge vectors, as the score has near the
 * data at small t, would otherwise shrink all the others to dots); longer ones are capped at
 * 1.5 · maxLength so they stay inside their neighbourhood. Lengths are kept in `norm`.
 */
export function arrowSegments(points: ArrayLike<number>, vectors: ArrayLike<number>, maxLength: number): ArrowField {
  if (points.length !== vectors.length || points.length % 2 !== 0) throw new Error('Points and vectors must be flat (x, y) lists of the same length.');
  if (!(maxLength > 0)) throw new Error('The arrow length must be positive.');
  const n = points.length / 2;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = Math.hypot(vectors[2 * i], vectors[2 * i + 1]);
  const finite = Array.from(norms).filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const ref = finite.length ? finite[Math.min(finite.length - 1, Math.floor(0.9 * (finite.length - 1)))] : 0;
  const scale = ref > 0 ? maxLength / ref : 0;
  const arrows: ArrowField['arrows'] = [];
  for (let i = 0; i < n; i++) {
    const norm = norms[i];
    if (!Number.isFinite(norm)) continue;
    const cap = norm * scale > 1.5 * maxLength ? (1.5 * maxLength) / (norm * scale) : 1;
    const x1 = points[2 * i], y1 = points[2 * i + 1];
    arrows.push({ x1, y1, x2: x1 + vectors[2 * i] * scale * cap, y2: y1 + vectors[2 * i + 1] * scale * cap, norm });
  }
  return { arrows, scale };
}
