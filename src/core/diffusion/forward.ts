/**
 * The forward (noising) process on small plain arrays: a 2-D point cloud or a digit image.
 * These are a few thousand numbers, cheaper in plain float64 than as tensors.
 *
 * API
 * - `standardNormals(n, seed): Float64Array`: n seeded N(0, 1) draws (the ε every widget shares).
 * - `noiseAt(x0, s, t, seed | eps): NoisedSample`: x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε in one step.
 * - `forwardStep(x, s, t, normal): Float64Array`: one step of q(x_t | x_{t−1}).
 * - `iterateForward(x0, s, t, seed): Float64Array`: t steps of q(x_t | x_{t−1}) in a row.
 * - `noiseImage(pixels, s, t, seed): NoisedImage`: a [0, 1] image scaled to [−1, 1] and noised.
 * - `coordinateHistogram(xy, coord, options): CoordinateHistogram`: density histogram of one
 *   coordinate of x_t beside the N(0, 1) density it tends to.
 *
 * Arrays are flat; a 2-D cloud is [x0, y0, x1, y1, …].
 */
import { mulberry32, normalSampler } from '../random';
import type { Schedule } from './schedules';

/** n independent N(0, 1) draws from a seed (mulberry32 + Box–Muller). */
export function standardNormals(n: number, seed: number): Float64Array {
  const normal = normalSampler(mulberry32(seed));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = normal();
  return out;
}

export interface NoisedSample {
  /** x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε, same length as x₀. */
  xt: Float64Array;
  /** The ε used (so two schedules can share one draw, and a widget can show the target). */
  eps: Float64Array;
}

function checkT(s: Schedule, t: number, from: number): void {
  if (!Number.isInteger(t) || t < from || t > s.T) {
    throw new Error(`t must be a whole number from ${from} to ${s.T} (got ${t}).`);
  }
}

/**
 * Sample q(x_t | x₀) = N(√ᾱ_t x₀, (1 − ᾱ_t) I) in one step, t in [0, T]. `noise` is either a
 * seed or the ε to use (same length as x₀); passing the same seed to two schedules noises the
 * data with the same ε, so only the schedule differs between the two pictures.
 */
export function noiseAt(x0: ArrayLike<number>, s: Schedule, t: number, noise: number | ArrayLike<number>): NoisedSample {
  checkT(s, t, 0);
  const eps = typeof noise === 'number' ? standardNormals(x0.length, noise) : Float64Array.from(noise);
  if (eps.length !== x0.length) throw new Error(`ε has ${eps.length} values but x₀ has ${x0.length}.`);
  const a = s.sqrtAlphaBar[t], b = s.sqrtOneMinusAlphaBar[t];
  const xt = new Float64Array(x0.length);
  for (let i = 0; i < xt.length; i++) xt[i] = a * x0[i] + b * eps[i];
  return { xt, eps };
}

/** One forward step x_t = √α_t x_{t−1} + √β_t z, z ~ N(0, I), t in [1, T]. */
export function forwardStep(x: ArrayLike<number>, s: Schedule, t: number, normal: () => number): Float64Array {
  checkT(s, t, 1);
  const a = Math.sqrt(s.alpha[t]), b = Math.sqrt(s.beta[t]);
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = a * x[i] + b * normal();
  return out;
}

/**
 * Run the Markov chain q(x_t | x_{t−1}) for t steps from x₀ (seeded). In distribution this
 * equals `noiseAt`; the widgets use it to show that the closed form is a shortcut, not a
 * different process.
 */
export function iterateForward(x0: ArrayLike<number>, s: Schedule, t: number, seed: number): Float64Array {
  checkT(s, t, 0);
  const normal = normalSampler(mulberry32(seed));
  let x: Float64Array = Float64Array.from(x0);
  for (let r = 1; r <= t; r++) x = forwardStep(x, s, r, normal);
  return x;
}

export interface NoisedImage {
  /** x_t in model units: pixels mapped to [−1, 1] (x₀ = 2p − 1), then noised; unbounded. */
  xt: Float64Array;
  /** The same image mapped back with p = (x + 1)/2 and clipped to [0, 1], for display only. */
  display: Float32Array;
}

/**
 * Noise an image whose pixels lie in [0, 1]. It is first mapped to [−1, 1], as DDPM does, so
 * that the data and the noise have comparable scales; t in [0, T].
 */
export function noiseImage(pixels: ArrayLike<number>, s: Schedule, t: number, seed: number): NoisedImage {
  const x0 = new Float64Array(pixels.length);
  for (let i = 0; i < x0.length; i++) {
    const p = pixels[i];
    if (!(p >= 0 && p <= 1)) throw new Error(`Pixel ${i} is ${p}; pixels must lie in [0, 1].`);
    x0[i] = 2 * p - 1;
  }
  const { xt } = noiseAt(x0, s, t, seed);
  const display = new Float32Array(xt.length);
  for (let i = 0; i < xt.length; i++) display[i] = Math.min(1, Math.max(0, (xt[i] + 1) / 2));
  return { xt, display };
}

export interface HistogramOptions {
  /** Number of bins (default 40). */
  bins?: number;
  /** Range covered (default [−4, 4]: ±4 standard deviations of N(0, 1)). */
  range?: readonly [number, number];
  /** Number of coordinates per point (default 2). */
  dim?: number;
}

export interface CoordinateHistogram {
  /** Bin centres. */
  centres: Float64Array;
  /** Density estimate per bin: count / (n · width), so it integrates to the fraction inside the range. */
  density: Float64Array;
  /** N(centre; 0, 1) at each centre, the limit as t → T. */
  normal: Float64Array;
  /** Fraction of points outside the range (not drawn). */
  outside: number;
}

/** Histogram of coordinate `coord` of a flat point array, as a density, beside N(0, 1). */
export function coordinateHistogram(xy: ArrayLike<number>, coord: number, options: HistogramOptions = {}): CoordinateHistogram {
  const bins = options.bins ?? 40, [lo, hi] = options.range ?? [-4, 4], dim = options.dim ?? 2;
  if (!Number.isInteger(bins) || bins < 1) throw new Error('The number of bins must be a positive whole number.');
  if (!(hi > lo)) throw new Error('The histogram range must have its upper end above its lower end.');
  if (!Number.isInteger(coord) || coord < 0 || coord >= dim) throw new Error(`coord must be from 0 to ${dim - 1}.`);
  const n = Math.floor(xy.length / dim);
  if (n === 0) throw new Error('There are no points to histogram.');
  const width = (hi - lo) / bins;
  const counts = new Float64Array(bins);
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const v = xy[i * dim + coord];
    const k = Math.floor((v - lo) / width);
    if (k >= 0 && k < bins) counts[k]++;
    else outside++;
  }
  const centres = new Float64Array(bins), density = new Float64Array(bins), normal = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    const c = lo + (k + 0.5) * width;
    centres[k] = c;
    density[k] = counts[k] / (n * width);
    normal[k] = Math.exp(-0.5 * c * c) / Math.sqrt(2 * Math.PI);
  }
  return { centres, density, normal, outside: outside / n };
}
