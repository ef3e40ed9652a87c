/**
 * Reverse-process samplers (DDPM and DDIM) for the 2-D ε-prediction model.
 *
 * API
 * - `class ReverseSampler`: an incremental sampler a per-frame loop drives:
 *   `new ReverseSampler(model, options)`, `advance(maxSteps)`, `stepsDone`, `totalSteps`, `done`,
 *   `readPoints()` (current x, any time), `result()` (once done), `dispose()`.
 * - `sample(model, options): Promise<SampleResult>`: run every step and read back once.
 * - `qualityVsSteps(model, data, stepCounts, options)`: MMD between DDIM samples and the data as
 *   the number of steps falls.
 *
 * Each step is x ← c1·x − c2·ε_θ(x, t) + σ·z with the float64 coefficients of
 * `reverseCoefficients` (posterior.ts), or, with `clipX0`, x ← p·clip(x̂₀) + q·x + σ·z. x stays on the device; the per-step tensors live inside a
 * tf.tidy per step; the only readbacks are the final points and the tracked trajectories (a few
 * points recorded every few steps, kept on the device and read back with the points).
 *
 * Randomness: x_T and every z are seeded JS draws (mulberry32 + Box–Muller, child seeds 'xT' and
 * 'z'), uploaded per step; x_T takes 2n draws, then each step with σ > 0 takes the next 2n. The
 * float64 reference sampler in ref/diffusion.ts reads the same streams, so the two can be
 * compared point by point.
 */
import { tf, type Tensor2D } from '../tf';
import { childSeed, mulberry32, normalSampler } from '../random';
import { reverseCoefficients, type ReverseCoefficients, type ReverseOptions } from './posterior';
import { gaussianKernelMmd2, type MmdResult } from './mmd';
import type { DiffusionModel } from './model';
import { biasRows } from './tensors';

const DIM = 2;

/** Default number of trajectory frames: enough for a smooth path, few enough to read back at once. */
const DEFAULT_FRAMES = 100;

export interface SampleOptions extends ReverseOptions {
  /** Number of points to draw (≥ 1). */
  n: number;
  /** Seed of x_T and of the noise added along the way. */
  seed: number;
  /** How many of the points (the first ones) to record along the way (default 0). */
  trackCount?: number;
  /** Record the tracked points every this many steps (default: about 100 frames in all). */
  trackEvery?: number;
}

export interface SampleResult {
  /** The samples x₀, flat [n × 2]. */
  points: Float32Array;
  /** Tracked points, flat [frames × trackCount × 2], from x_T (first frame) to x₀ (last). */
  trajectories: Float32Array;
  /** The t of each frame: T first, 0 last. */
  frameT: Int32Array;
  trackCount: number;
  /** Network evaluations taken (T for DDPM, `steps` for DDIM). */
  steps: number;
  /** Set when some sample is not a finite number (the model has diverged). */
  warning?: string;
}

/** An incremental DDPM/DDIM sampler; owns its tensors until `dispose()`. */
export class ReverseSampler {
  readonly n: number;
  readonly trackCount: number;
  readonly totalSteps: number;
  private readonly coefs: ReverseCoefficients;
  private readonly trackEvery: number;
  private readonly clipX0: number | null;
  private readonly normal: () => number;
  private readonly model: DiffusionModel;
  private x: Tensor2D | null;
  private readonly frames: tf.Tensor[] = [];
  private readonly frameT: number[] = [];
  private done_ = 0;

  constructor(model: DiffusionModel, options: SampleOptions) {
    const { n, seed } = options;
    if (!Number.isInteger(n) || n < 1) throw new Error(`The number of samples must be a positive whole number (got ${n}).`);
    const trackCount = options.trackCount ?? 0;
    if (!Number.isInteger(trackCount) || trackCount < 0 || trackCount > n) {
      throw new Error(`The number of tracked points must be a whole number from 0 to n = ${n}.`);
    }
    const clip = options.clipX0;
    if (clip !== undefined && !(clip > 0 && Number.isFinite(clip))) throw new Error(`clipX0 must be a positive number (got ${clip}).`);
    this.clipX0 = clip ?? null;
    this.coefs = reverseCoefficients(model.schedule, options);
    this.totalSteps = this.coefs.t.length;
    const every = options.trackEvery ?? Math.max(1, Math.ceil(this.totalSteps / DEFAULT_FRAMES));
    if (!Number.isInteger(every) || every < 1) throw new Error('trackEvery must be a positive whole number.');
    this.model = model;
    this.n = n;
    this.trackCount = trackCount;
    this.trackEvery = every;
    const start = normalSampler(mulberry32(childSeed(seed, 'xT')));
    const xT = new Float32Array(n * DIM);
    for (let i = 0; i < xT.length; i++) xT[i] = start();
    this.normal = normalSampler(mulberry32(childSeed(seed, 'z')));
    this.x = tf.tensor2d(xT, [n, DIM]);
    this.record(model.schedule.T);
  }

  get stepsDone(): number {
    return this.done_;
  }

  get done(): boolean {
    return this.done_ >= this.totalSteps;
  }

  private live(): Tensor2D {
    if (this.x === null) throw new Error('This sampler has been disposed.');
    return this.x;
  }

  private record(t: number): void {
    if (this.trackCount === 0) return;
    const x = this.live();
    this.frames.push(tf.slice(x, [0, 0], [this.trackCount, DIM]));
    this.frameT.push(t);
  }

  /**
   * Take up to `maxSteps` steps (all remaining by default) and return how many were taken.
   * The weights are read as they are now, so training between calls is allowed.
   */
  advance(maxSteps = Infinity): number {
    let x = this.live();
    const from = this.done_;
    const to = Math.min(this.totalSteps, from + Math.max(0, Math.floor(maxSteps)));
    if (to <= from) return 0;
    const { t, tPrev, c1, c2, sigma, p, q } = this.coefs;
    const { weights, biases } = this.model.mlp;
    const last = weights.length - 1;
    const count = to - from;
    const clip = this.clipX0;
    const schedule = this.model.schedule;
    // Per-chunk constants: the x part of layer 1, its time bias per step, and one scalar tensor per
    // step for each coefficient: k1 = c1, k2 = c2, or with clipping k1 = 1/√ᾱ_t and k2 = √(1 − ᾱ_t)
    // (which give x̂₀), then p and q; sd = σ.
    const perStep = (f: (i: number) => number) => {
      const v = new Float32Array(count);
      for (let k = 0; k < count; k++) v[k] = f(from + k);
      return tf.unstack(tf.tensor1d(v));
    };
    const chunk = tf.tidy(() => {
      const { w1x, timeBias } = this.model.firstLayerParts(t.subarray(from, to));
      return {
        w1x,
        rows: biasRows(timeBias),
        k1: clip === null ? perStep((i) => c1[i]) : perStep((i) => 1 / schedule.sqrtAlphaBar[t[i]]),
        k2: clip === null ? perStep((i) => c2[i]) : perStep((i) => schedule.sqrtOneMinusAlphaBar[t[i]]),
        p: clip === null ? [] : perStep((i) => p[i]),
        q: clip === null ? [] : perStep((i) => q[i]),
        sd: perStep((i) => sigma[i]),
      };
    });
    try {
      for (let k = 0; k < count; k++) {
        const i = from + k;
        let z: Float32Array | null = null;
        if (sigma[i] > 0) {
          z = new Float32Array(this.n * DIM);
          for (let j = 0; j < z.length; j++) z[j] = this.normal();
        }
        const xPrev = x;
        const next = tf.tidy(() => {
          let h = tf.fused.matMul({ a: xPrev, b: chunk.w1x, bias: chunk.rows[k], activation: 'relu' });
          for (let l = 1; l <= last; l++) {
            h = tf.fused.matMul({ a: h, b: weights[l], bias: biases[l], activation: l < last ? 'relu' : 'linear' });
          }
          let y: tf.Tensor;
          if (clip === null) y = tf.sub(tf.mul(xPrev, chunk.k1[k]), tf.mul(h, chunk.k2[k]));
          else {
            const x0hat = tf.clipByValue(tf.mul(tf.sub(xPrev, tf.mul(h, chunk.k2[k])), chunk.k1[k]), -clip, clip);
            y = tf.add(tf.mul(x0hat, chunk.p[k]), tf.mul(xPrev, chunk.q[k]));
          }
          if (z !== null) y = tf.add(y, tf.mul(tf.tensor2d(z, [this.n, DIM]), chunk.sd[k]));
          return y as Tensor2D;
        });
        xPrev.dispose();
        x = next;
        this.x = x;
        this.done_ = i + 1;
        if (this.done_ === this.totalSteps || this.done_ % this.trackEvery === 0) this.record(tPrev[i]);
      }
    } finally {
      tf.dispose([chunk.w1x, ...chunk.rows, ...chunk.k1, ...chunk.k2, ...chunk.p, ...chunk.q, ...chunk.sd]);
    }
    return count;
  }

  /** The current points x (flat [n × 2]), read asynchronously; usable mid-way for animation. */
  async readPoints(): Promise<Float32Array> {
    const copy = tf.clone(this.live());
    try {
      return (await copy.data()) as Float32Array;
    } finally {
      copy.dispose();
    }
  }

  /** Final samples and trajectories; throws unless every step has been taken. */
  async result(): Promise<SampleResult> {
    if (!this.done) throw new Error(`Sampling is not finished: ${this.done_} of ${this.totalSteps} steps taken.`);
    const points = await this.readPoints();
    let trajectories: Float32Array = new Float32Array(0);
    if (this.trackCount > 0) {
      const stacked = tf.stack(this.frames);
      try {
        trajectories = (await stacked.data()) as Float32Array;
      } finally {
        stacked.dispose();
      }
    }
    const finite = points.every(Number.isFinite);
    return {
      points,
      trajectories,
      frameT: Int32Array.from(this.frameT),
      trackCount: this.trackCount,
      steps: this.totalSteps,
      warning: finite ? undefined : 'Some samples are not finite numbers: the model has diverged. Reset and train again.',
    };
  }

  /** Free x and the recorded frames. Safe to call twice. */
  dispose(): void {
    if (this.x !== null) this.x.dispose();
    this.x = null;
    tf.dispose(this.frames);
    this.frames.length = 0;
  }
}

/**
 * Draw n samples with DDPM (all T steps, σ_t² = β̃_t by default) or DDIM (`steps` ≤ T, η in
 * [0, 1]), returning the points and the trajectories of the first `trackCount` points.
 */
export async function sample(model: DiffusionModel, options: SampleOptions): Promise<SampleResult> {
  const sampler = new ReverseSampler(model, options);
  try {
    sampler.advance();
    return await sampler.result();
  } finally {
    sampler.dispose();
  }
}

export interface QualityOptions {
  /** Number of samples per step count (default 500). */
  n?: number;
  /** Sampler seed (default 0); the same x_T for every step count. */
  seed?: number;
  /** DDIM η (default 0). */
  eta?: number;
  /** MMD kernel bandwidth (default 0.2: finer than the data's spread, so blurred modes count). */
  h?: number;
}

export interface QualityPoint extends MmdResult {
  steps: number;
}

/**
 * Sample quality against the real data as the number of DDIM steps changes: for each step count,
 * the MMD² between n samples (same seed throughout) and the data (flat [m × 2], m ≥ 2).
 */
export async function qualityVsSteps(model: DiffusionModel, data: ArrayLike<number>, stepCounts: readonly number[], options: QualityOptions = {}): Promise<QualityPoint[]> {
  const out: QualityPoint[] = [];
  for (const steps of stepCounts) {
    const r = await sample(model, { method: 'ddim', steps, eta: options.eta ?? 0, n: options.n ?? 500, seed: options.seed ?? 0 });
    if (r.warning) throw new Error(r.warning);
    out.push({ steps, ...(await gaussianKernelMmd2(r.points, data, { h: options.h ?? 0.2 })) });
  }
  return out;
}
