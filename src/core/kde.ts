/**
 * Kernel density estimation in 1-D, computed with tfjs; float64 references in ./ref/kde.
 *
 * API: `KdeEvaluator` (owns the data tensor: density on a grid, at a point, held-out or
 * leave-one-out log-likelihood over many bandwidths), `scottBandwidth`, `silvermanBandwidth`,
 * `histogramDensity`, `bimodalMixture` (the widget's known true density) and `sampleBimodal`.
 */
import { tf } from './tf';
import { mulberry32, normalSampler } from './random';
import type { Kernel } from './ref/kde';

export { KERNELS, type Kernel } from './ref/kde';

/**
 * Canonical-bandwidth ratio δ_K / δ_Gaussian (Marron & Nolan 1988): multiply a bandwidth chosen for
 * the Gaussian kernel by this to get the equivalent amount of smoothing with kernel K.
 * δ_K = (R(K) / μ₂(K)²)^(1/5), with R(K) = ∫K² and μ₂(K) = ∫u²K.
 */
export const CANONICAL_RATIO: Record<Kernel, number> = (() => {
  const delta = (R: number, mu2: number) => Math.pow(R / (mu2 * mu2), 0.2);
  const g = delta(1 / (2 * Math.sqrt(Math.PI)), 1);
  return {
    gaussian: 1,
    uniform: delta(1 / 2, 1 / 3) / g,
    epanechnikov: delta(3 / 5, 1 / 5) / g,
    triangular: delta(2 / 3, 1 / 6) / g,
  };
})();

function moments(data: ArrayLike<number>): { n: number; sd: number; iqr: number } {
  const n = data.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += data[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (data[i] - m) ** 2;
  const sd = Math.sqrt(v / Math.max(1, n - 1));
  const sorted = Array.from(data).sort((a, b) => a - b);
  const q = (p: number) => {
    // Linear interpolation between order statistics (type 7, the common default).
    const pos = (n - 1) * p;
    const lo = Math.floor(pos), hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  };
  return { n, sd, iqr: q(0.75) - q(0.25) };
}

/**
 * Scott's rule for a Gaussian kernel, h = (4/3)^(1/5) σ̂ n^(−1/5) ≈ 1.06 σ̂ n^(−1/5), converted to
 * `kernel` by its canonical ratio. σ̂ is the sample standard deviation. Needs n ≥ 2 and σ̂ > 0.
 */
export function scottBandwidth(data: ArrayLike<number>, kernel: Kernel = 'gaussian'): number {
  const { n, sd } = moments(data);
  if (n < 2 || !(sd > 0)) throw new Error('A bandwidth rule needs at least two distinct points.');
  return Math.pow(4 / 3, 0.2) * sd * Math.pow(n, -0.2) * CANONICAL_RATIO[kernel];
}

/**
 * Silverman's rule of thumb for a Gaussian kernel, h = 0.9 min(σ̂, IQR/1.34) n^(−1/5), converted to
 * `kernel` by its canonical ratio. Robust to a heavy tail or two modes through the IQR.
 */
export function silvermanBandwidth(data: ArrayLike<number>, kernel: Kernel = 'gaussian'): number {
  const { n, sd, iqr } = moments(data);
  if (n < 2 || !(sd > 0)) throw new Error('A bandwidth rule needs at least two distinct points.');
  const spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
  return 0.9 * spread * Math.pow(n, -0.2) * CANONICAL_RATIO[kernel];
}

/** K(u) as tfjs ops; u is any shape, result the same shape. */
function kernelTf(kernel: Kernel, u: tf.Tensor): tf.Tensor {
  switch (kernel) {
    case 'gaussian': return tf.mul(tf.exp(tf.mul(tf.square(u), -0.5)), 1 / Math.sqrt(2 * Math.PI));
    case 'uniform': return tf.mul(tf.lessEqual(tf.abs(u), 1).toFloat(), 0.5);
    case 'epanechnikov': return tf.mul(tf.relu(tf.sub(1, tf.square(u))), 0.75);
    case 'triangular': return tf.relu(tf.sub(1, tf.abs(u)));
  }
}

/** Rows of the [m, n] difference matrix processed at once: bounds memory at ~4M floats. */
const MAX_CELLS = 4_000_000;
/** Leave-one-out builds an [n, n] matrix; beyond this a held-out split is the sensible tool. */
const MAX_LOO = 2000;

/**
 * Owns a data set on the device and evaluates its KDE. Create one per data set; `dispose()` frees it.
 */
export class KdeEvaluator {
  readonly n: number;
  private data: tf.Tensor2D; // [1, n]
  private disposed = false;

  constructor(data: ArrayLike<number>) {
    if (data.length === 0) throw new Error('A kernel density estimate needs at least one data point.');
    this.n = data.length;
    this.data = tf.tensor2d(Float32Array.from(data), [1, data.length]);
  }

  /** Σᵢ K((x − xᵢ)/h)/(n h) for each x, as a [m] tensor (caller owns it). */
  private densityTensor(points: tf.Tensor2D, h: number, kernel: Kernel): tf.Tensor1D {
    return tf.tidy(() => {
      const u = tf.div(tf.sub(points, this.data), h); // [m, n]
      return tf.div(kernelTf(kernel, u).sum(1), this.n * h) as tf.Tensor1D;
    });
  }

  /**
   * Leave-one-out densities p̂₋ᵢ(xᵢ) = Σ_{j≠i} K((xᵢ − xⱼ)/h)/((n − 1) h). The diagonal is masked
   * out rather than K(0) subtracted: subtraction cancels catastrophically in float32 and can go
   * negative, which would turn log p̂ into NaN.
   */
  private looDensityTensor(h: number, kernel: Kernel): tf.Tensor1D {
    return tf.tidy(() => {
      const col = this.data.reshape([this.n, 1]);
      const k = tf.mul(kernelTf(kernel, tf.div(tf.sub(col, this.data), h)), tf.sub(1, tf.eye(this.n)));
      return tf.div(k.sum(1), (this.n - 1) * h) as tf.Tensor1D;
    });
  }

  /**
   * p̂ at every grid point (float32), in units of 1/x. `h` > 0, same units as the data.
   * Reads back once, asynchronously.
   */
  async density(grid: ArrayLike<number>, h: number, kernel: Kernel): Promise<Float32Array> {
    this.check(h);
    const rows = Math.max(1, Math.floor(MAX_CELLS / this.n));
    const out = new Float32Array(grid.length);
    for (let start = 0; start < grid.length; start += rows) {
      const chunk = Float32Array.from(Array.prototype.slice.call(grid, start, start + rows) as number[]);
      const t = tf.tidy(() => this.densityTensor(tf.tensor2d(chunk, [chunk.length, 1]), h, kernel));
      out.set(await t.data(), start);
      t.dispose();
    }
    return out;
  }

  /**
   * Mean log p̂(test) (nats per point) for each bandwidth in `hs`; −Infinity where a test point has
   * zero density. With `test` omitted, the leave-one-out version on the data itself.
   */
  async logLikelihood(hs: readonly number[], kernel: Kernel, test?: ArrayLike<number>): Promise<Float64Array> {
    const loo = test === undefined;
    if (loo && this.n < 2) throw new Error('Leave-one-out needs at least two points.');
    if (loo && this.n > MAX_LOO) throw new Error(`Leave-one-out is limited to ${MAX_LOO} points here; score a held-out set instead.`);
    if (!loo && test.length === 0) throw new Error('The held-out set is empty.');
    const pts = loo ? null : tf.tensor2d(Float32Array.from(test), [test.length, 1]);
    const out = new Float64Array(hs.length);
    try {
      for (let i = 0; i < hs.length; i++) {
        this.check(hs[i]);
        const t = tf.tidy(() => tf.mean(tf.log(pts ? this.densityTensor(pts, hs[i], kernel) : this.looDensityTensor(hs[i], kernel))));
        out[i] = (await t.data())[0];
        t.dispose();
      }
    } finally {
      pts?.dispose();
    }
    return out;
  }

  private check(h: number) {
    if (this.disposed) throw new Error('This KDE has been disposed.');
    if (!(h > 0) || !Number.isFinite(h)) throw new Error('The bandwidth h must be a positive number.');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.data.dispose();
  }
}

/**
 * Histogram as a density: bin heights count/(n · width), so the bars' total area is 1.
 * Bins span [lo, hi] in `bins` equal parts; points outside are counted in no bin (and the area is
 * then the fraction inside).
 */
export function histogramDensity(data: ArrayLike<number>, lo: number, hi: number, bins: number): { edges: Float64Array; density: Float64Array } {
  const width = (hi - lo) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = lo + i * width;
  const counts = new Float64Array(bins);
  for (let i = 0; i < data.length; i++) {
    const b = Math.floor((data[i] - lo) / width);
    if (b >= 0 && b < bins) counts[b] += 1;
    else if (data[i] === hi) counts[bins - 1] += 1;
  }
  for (let i = 0; i < bins; i++) counts[i] /= data.length * width;
  return { edges, density: counts };
}

/** The widget's known bimodal truth: 0.4·N(−1.5, 0.6²) + 0.6·N(2, 1.1²). */
export const bimodalMixture = [
  { weight: 0.4, mean: -1.5, sd: 0.6 },
  { weight: 0.6, mean: 2, sd: 1.1 },
] as const;

export function bimodalDensity(x: number): number {
  let p = 0;
  for (const c of bimodalMixture) p += (c.weight / (c.sd * Math.sqrt(2 * Math.PI))) * Math.exp(-0.5 * ((x - c.mean) / c.sd) ** 2);
  return p;
}

/** n seeded draws from the bimodal mixture. */
export function sampleBimodal(n: number, seed: number): Float64Array {
  const rng = mulberry32(seed);
  const normal = normalSampler(rng);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng() < bimodalMixture[0].weight ? bimodalMixture[0] : bimodalMixture[1];
    out[i] = c.mean + c.sd * normal();
  }
  return out;
}

/** The lecture's six points (note 003). */
export const SIX_POINTS = [-2.1, -1.3, -0.4, 1.9, 5.1, 6.2] as const;

/** n log-spaced values from lo to hi inclusive. */
export function logSpace(lo: number, hi: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(lo * Math.pow(hi / lo, i / (n - 1)));
  return out;
}
