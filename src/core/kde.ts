/**
 * Kernel density estimation in 1-D, computed with tfjs; float64 references in ./ref/kde.
 *
 * API: `KdeEvaluator` (owns the data tensor: density on a grid, at a point, held-out or
 * leave-one-out log-likelihood over many bandwidths, each either exact or binned),
 * `scottBandwidth`, `silvermanBandwidth`, `histogramDensity`, `bimodalMixture` (the widget's known
 * true density) and `sampleBimodal`.
 *
 * Exact: p̂(x) = Σᵢ K((x − xᵢ)/h)/(n h), m × n kernel evaluations for m points.
 * Binned (for large n): the data are linearly binned at spacing δ = h/16 (h/64 for the compact
 * kernels) and the kernel is summed over the bin nodes near each point, a fixed number of
 * evaluations per point whatever n is (Gaussian: 274 drawing, 466 scoring; the others 130); the
 * uniform kernel is counted exactly instead. Definition, error and why in ./ref/kde
 * (`binnedKdeRef`, the float64 version this one is tested against).
 */
import { tf } from './tf';
import { mulberry32, normalSampler } from './random';
import { BINNED_GAUSS_SCALE, GAUSS_REACH_DRAW, GAUSS_REACH_SCORE, binSteps, binnedReach, type Kernel } from './ref/kde';

export { KERNELS, type Kernel } from './ref/kde';

/** 'exact' sums over every data point; 'binned' approximates from binned data (see above). */
export type KdeMethod = 'exact' | 'binned';

/**
 * Longest bin array the binned path builds (points spread over more than MAX_BINS·δ: 80 units at
 * h = 0.02 for the Gaussian, 20 for the compact kernels); beyond it the exact sum is used instead.
 */
export const MAX_BINS = 1 << 16;

/** Resolves in a new task, so that the browser can handle input and paint between chunks of work. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof MessageChannel === 'undefined') {
      setTimeout(resolve, 0);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

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
  /** The data in float64, for binning. */
  private values: Float64Array;
  /** The data sorted, on the device: counting for the uniform kernel and supports. Made on first use. */
  private sorted: tf.Tensor1D | null = null;
  private disposed = false;

  constructor(data: ArrayLike<number>) {
    if (data.length === 0) throw new Error('A kernel density estimate needs at least one data point.');
    this.n = data.length;
    this.values = Float64Array.from(data);
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

  private sortedTensor(): tf.Tensor1D {
    if (!this.sorted) this.sorted = tf.tensor1d(Float32Array.from(this.values).sort());
    return this.sorted;
  }

  /** For each point, how many data points lie within h: |x − xᵢ| ≤ h (closed) or < h (open). */
  private countWithin(points: ArrayLike<number>, h: number, closed: boolean): tf.Tensor1D {
    const sorted = this.sortedTensor();
    return tf.tidy(() => {
      const lo = tf.tensor1d(Float32Array.from(points, (x) => x - h));
      const hi = tf.tensor1d(Float32Array.from(points, (x) => x + h));
      const above = tf.searchSorted(sorted, hi, closed ? 'right' : 'left');
      const below = tf.searchSorted(sorted, lo, closed ? 'left' : 'right');
      return tf.sub(above, below) as tf.Tensor1D;
    });
  }

  /**
   * The binned estimate p̃ at each point as a [m] tensor (caller owns it), or null when the bins
   * would exceed MAX_BINS. Same definition as `binnedKdeRef`: linear binning at the multiples of
   * δ = h/S (in float64, here in JS: O(n)), then for each point the kernel evaluated exactly
   * against its window of W = 2M + 2 bin nodes. Device shapes depend only on m and W, so WebGL
   * compiles its programs once, not once per bandwidth.
   */
  private binnedTensor(points: ArrayLike<number>, h: number, kernel: Kernel, gaussReach: number): tf.Tensor1D | null {
    const m = points.length;
    if (kernel === 'uniform') {
      const count = this.countWithin(points, h, true);
      const p = tf.tidy(() => tf.div(count.toFloat(), 2 * this.n * h) as tf.Tensor1D);
      count.dispose();
      return p;
    }
    const S = binSteps(kernel);
    const step = h / S;
    const M = binnedReach(kernel, gaussReach);
    const W = 2 * M + 2;
    const node = new Float64Array(m);
    let kMin = Infinity, kMax = -Infinity;
    for (let j = 0; j < m; j++) {
      node[j] = Math.floor(points[j] / step);
      kMin = Math.min(kMin, node[j]);
      kMax = Math.max(kMax, node[j]);
    }
    // Nodes first … last cover every point's window; data binned outside them reach no point.
    const first = kMin - M;
    const length = kMax + M + 2 - first;
    if (!(length <= MAX_BINS)) return null;
    const bins = new Float64Array(length);
    for (let i = 0; i < this.n; i++) {
      const p = this.values[i] / step;
      const k = Math.floor(p);
      const w = p - k;
      const b = k - first;
      if (b >= 0 && b < length) bins[b] += 1 - w;
      if (b + 1 >= 0 && b + 1 < length) bins[b + 1] += w;
    }
    // Node r of point j's window is k_j − M + r, at distance (frac_j + M − r)·δ from it. The
    // windows' bin weights are laid out here (m contiguous copies; a device gather costs ~100 ns
    // per element on the cpu backend), the distances formed on the device as an outer product
    // ([m, 2] × [2, W] matMul, also far faster there than a broadcasting add).
    const c = kernel === 'gaussian' ? BINNED_GAUSS_SCALE : 1;
    const windows = new Float32Array(m * W);
    const left = new Float32Array(2 * m);
    for (let j = 0; j < m; j++) {
      const s0 = node[j] - M - first;
      windows.set(bins.subarray(s0, s0 + W), j * W);
      left[2 * j] = points[j] / step - node[j];
      left[2 * j + 1] = 1;
    }
    const right = new Float32Array(2 * W);
    for (let r = 0; r < W; r++) {
      right[r] = 1 / (S * c);
      right[W + r] = (M - r) / (S * c);
    }
    const support = kernel === 'gaussian' ? null : this.countWithin(points, h, false);
    const p = tf.tidy(() => {
      const u = tf.matMul(tf.tensor2d(left, [m, 2]), tf.tensor2d(right, [2, W]));
      const dens = tf.div(tf.sum(tf.mul(kernelTf(kernel, u), tf.tensor2d(windows, [m, W])), 1), this.n * h * c);
      // Compact kernels: exactly zero where no data point is within h, as the exact estimate.
      return (support ? tf.mul(dens, tf.greater(support, 0).toFloat()) : dens) as tf.Tensor1D;
    });
    support?.dispose();
    return p;
  }

  /**
   * p̂ at every grid point (float32), in units of 1/x. `h` > 0, same units as the data.
   * `method` 'binned' approximates p̂ from binned data (see `binnedKdeRef` for the definition and
   * the error); it falls back to the exact sum when the points are spread too wide for h.
   * Reads back once, asynchronously.
   */
  async density(grid: ArrayLike<number>, h: number, kernel: Kernel, method: KdeMethod = 'exact'): Promise<Float32Array> {
    this.check(h);
    if (method === 'binned' && grid.length > 0) {
      const t = this.binnedTensor(grid, h, kernel, GAUSS_REACH_DRAW);
      if (t) {
        try {
          return (await t.data()) as Float32Array;
        } finally {
          t.dispose();
        }
      }
    }
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
   * zero density. With `test` omitted, the leave-one-out version on the data itself (always exact).
   * `method` 'binned' scores the test points under the binned estimate (Gaussian truncated at
   * GAUSS_REACH_SCORE bandwidths). Yields to the event loop between bandwidths, so a long list
   * does not block the page.
   */
  async logLikelihood(hs: readonly number[], kernel: Kernel, test?: ArrayLike<number>, method: KdeMethod = 'exact'): Promise<Float64Array> {
    const loo = test === undefined;
    if (loo && this.n < 2) throw new Error('Leave-one-out needs at least two points.');
    if (loo && this.n > MAX_LOO) throw new Error(`Leave-one-out is limited to ${MAX_LOO} points here; score a held-out set instead.`);
    if (!loo && test.length === 0) throw new Error('The held-out set is empty.');
    const pts = loo ? null : tf.tensor2d(Float32Array.from(test), [test.length, 1]);
    const out = new Float64Array(hs.length);
    try {
      for (let i = 0; i < hs.length; i++) {
        if (i > 0) await nextTask();
        this.check(hs[i]);
        const binned = pts && method === 'binned' ? this.binnedTensor(test!, hs[i], kernel, GAUSS_REACH_SCORE) : null;
        const t = tf.tidy(() => tf.mean(tf.log(binned ?? (pts ? this.densityTensor(pts, hs[i], kernel) : this.looDensityTensor(hs[i], kernel)))));
        binned?.dispose();
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
    this.sorted?.dispose();
    this.sorted = null;
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
