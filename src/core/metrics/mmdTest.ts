/**
 * The kernel two-sample test (Gretton et al. 2012) with a permutation p-value.
 *
 * H₀: real and generated points come from the same distribution. The statistic is the unbiased
 * squared maximum mean discrepancy (the same estimator as KID's, with another kernel):
 *
 *   T = MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(rᵢ, rⱼ) + 1/(n(n−1)) Σ_{i≠j} k(gᵢ, gⱼ) − 2/(mn) Σ_{i,j} k(rᵢ, gⱼ)
 *
 * for m real points r and n generated points g (the chapter's notation). Under H₀ the labels are
 * exchangeable, so relabelling the pooled points z = (r₁ … r_m, g₁ … g_n) at random draws T from
 * its null distribution:
 *
 *   p = (1 + #{b : T_b ≥ T}) / (1 + B)   for B random relabellings (valid at every B).
 *
 * Every labelling is a 0/1 vector a over the pooled points (1 = "real"). With K_ij = k(zᵢ, zⱼ),
 * q = aᵀKa, s = aᵀK1, t = 1ᵀK1 and the diagonal sums D_r = aᵀdiag K, D = 1ᵀdiag K:
 *
 *   Σ_{i≠j real} = q − D_r,  Σ_{real, generated} = s − q,  Σ_{i≠j generated} = t − 2s + q − (D − D_r),
 *
 * so all B + 1 statistics come from one pass over K (in 512-row tiles on the device) multiplied by
 * the matrix of labellings [N, B + 1] and a column of ones: no per-permutation work on K.
 *
 * Kernels: Gaussian, k(z, z′) = exp(−‖z − z′‖² / (2σ²)); multiscale (the default), the average of
 * Gaussians with bandwidths σ, σ/2, …, σ/16; or KID's cubic polynomial (not characteristic: it
 * only compares moments up to the third). σ defaults to √(½ × the mean squared distance between
 * pooled points), which equals √ of the trace of their (unbiased) covariance: the "mean" version
 * of the usual median heuristic, computed in O(N d) without sorting.
 *
 * Exports:
 * - `gaussianKernel(sigma)`: a Gaussian `KernelFn` with bandwidth σ (a scalar tensor or number).
 * - `multiscaleKernel(sigma)`: the average of Gaussians at σ × `MULTISCALE_FACTORS`.
 * - `meanHeuristicBandwidth(z)`: σ = √tr Cov(z) as a scalar tensor.
 * - `permutationLabels(m, n, permutations, seed)`: the labellings as a Float32Array [N × (B + 1)].
 * - `mmdPermutationTest(real, generated, options)`: async test, one readback.
 * - `MmdTestOptions`, `MmdTestResult`, `MmdKernel`, `MULTISCALE_FACTORS`.
 */
import { tf, type Scalar, type Tensor2D } from '../tf';
import { childSeed, mulberry32 } from '../random';
import { requirePoints, requireSameDim, rowTiles, sampleWithoutReplacement, type MetricResult, type PointSet } from './common';
import { cubicKernel, type KernelFn } from './kid';
import { offsetSquaredDistances } from './linalg';

export type MmdKernel = 'multiscale' | 'gaussian' | 'cubic';

/**
 * Bandwidths of the multiscale kernel as fractions of σ: one bandwidth sees differences at one
 * length scale only (the mean heuristic's σ spans the whole data set and is blind to a blur of
 * each mode, while a small σ misses large shifts), so the default averages five octaves.
 */
export const MULTISCALE_FACTORS = [1, 1 / 2, 1 / 4, 1 / 8, 1 / 16] as const;

export interface MmdTestOptions {
  /**
   * Random relabellings B (default 100: the smallest p-value is then 1/101, enough to read
   * p < 0.01, and the cost, N² (B + 1) multiply-adds, stays small enough for live updates).
   */
  permutations?: number;
  /**
   * Use at most this many points per set, drawn at random (default 500). The test stays valid on
   * a subsample; it only loses power. Cost grows with the square of the pooled size.
   */
  maxPerSet?: number;
  /** Kernel (default 'multiscale'). */
  kernel?: MmdKernel;
  /** Gaussian bandwidth σ in data units (default: the mean heuristic); the largest multiscale one. */
  bandwidth?: number;
  seed?: number;
}

export interface MmdTestResult extends MetricResult {
  /** The observed statistic MMD²_u (kernel units; can be slightly negative). */
  readonly mmd2: number;
  /** Permutation p-value, in [1/(B + 1), 1]. */
  readonly pValue: number;
  /** The smallest p-value B permutations can give, 1/(B + 1). */
  readonly pValueFloor: number;
  /** The B statistics under random relabelling (for a histogram of the null distribution). */
  readonly nullStats: Float64Array;
  /** σ of the Gaussian kernel, the largest multiscale bandwidth (data units), or null for cubic. */
  readonly bandwidth: number | null;
  /** Points used from each set (after subsampling). */
  readonly nReal: number;
  readonly nGenerated: number;
  readonly permutations: number;
}

/** exp(−‖a − b‖² / (2σ²)) for all pairs of rows. */
export function gaussianKernel(sigma: Scalar | number): KernelFn {
  // −1/(2σ²) rides in the distance product: one product, one exp over the [na, nb] block.
  return (a: Tensor2D, b: Tensor2D) => tf.exp(offsetSquaredDistances(a, b, null, null, tf.div(-0.5, tf.square(sigma)))) as Tensor2D;
}

/** (1/5) Σ_f exp(−‖a − b‖² / (2 (fσ)²)) over f in MULTISCALE_FACTORS, for all pairs of rows. */
export function multiscaleKernel(sigma: Scalar | number): KernelFn {
  return (a: Tensor2D, b: Tensor2D) => {
    // −‖a − b‖²/(2σ²), computed once and reused at every scale.
    const d = offsetSquaredDistances(a, b, null, null, tf.div(-0.5, tf.square(sigma)));
    const terms = MULTISCALE_FACTORS.map((f) => tf.exp(f === 1 ? d : tf.mul(d, 1 / (f * f))));
    return tf.div(tf.addN(terms), MULTISCALE_FACTORS.length) as Tensor2D;
  };
}

/** σ = √tr Cov(z) = √(½ mean over pairs of ‖zᵢ − zⱼ‖²), for z [N, d], N ≥ 2. */
export function meanHeuristicBandwidth(z: Tensor2D): Scalar {
  const n = z.shape[0];
  const zc = tf.sub(z, tf.mean(z, 0));
  return tf.sqrt(tf.div(tf.sum(tf.square(zc)), n - 1)) as Scalar;
}

/**
 * The labellings: column 0 marks the first m pooled points real (1) and the last n generated (0);
 * columns 1…B are seeded random relabellings (Fisher–Yates), each with m ones.
 * @returns row-major [(m + n) × (B + 1)].
 */
export function permutationLabels(m: number, n: number, permutations: number, seed: number): Float32Array {
  const N = m + n, cols = permutations + 1;
  const base = new Float32Array(N);
  base.fill(1, 0, m);
  const w = new Float32Array(N * cols);
  const rng = mulberry32(childSeed(seed, 'mmd-permutations'));
  const perm = base.slice();
  for (let c = 0; c < cols; c++) {
    if (c > 0) {
      perm.set(base);
      for (let i = N - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
    }
    for (let i = 0; i < N; i++) w[i * cols + c] = perm[i];
  }
  return w;
}

/**
 * MMD²_u for every labelling (column of `labels`), from one tiled pass over the kernel matrix.
 * @param z pooled points [N, d]; @param labels [N, C] of 0/1 with m ones per column (m real, n generated);
 * @param diag k(zᵢ, zᵢ) for every point [N]. @returns [C]. Synchronous; run it inside a `tf.tidy`.
 */
function unbiasedStatistics(z: Tensor2D, labels: Tensor2D, diag: tf.Tensor1D, kernel: KernelFn, m: number, n: number): tf.Tensor1D {
  const N = z.shape[0], C = labels.shape[1];
  const withOnes = tf.concat([labels, tf.ones([N, 1])], 1) as Tensor2D;
  let q = tf.zeros([C]) as tf.Tensor1D;
  const rowSums: tf.Tensor[] = [];
  for (const [start, size] of rowTiles(N)) {
    const [next, sums] = tf.tidy(() => {
      const kw = tf.matMul(kernel(tf.slice(z, [start, 0], [size, -1]) as Tensor2D, z), withOnes);
      const a = tf.slice(labels, [start, 0], [size, -1]);
      return [tf.add(q, tf.sum(tf.mul(a, tf.slice(kw, [0, 0], [size, C])), 0)), tf.slice(kw, [0, C], [size, 1])];
    });
    q.dispose();
    q = next as tf.Tensor1D;
    rowSums.push(sums);
  }
  const k1 = tf.concat(rowSums) as Tensor2D;
  rowSums.forEach((t) => t.dispose());
  const s = tf.reshape(tf.matMul(labels, k1, true, false), [-1]);
  const t = tf.sum(k1);
  const dReal = tf.reshape(tf.matMul(labels, tf.reshape(diag, [-1, 1]), true, false), [-1]);
  const dAll = tf.sum(diag);
  const rr = tf.sub(q, dReal);
  const gg = tf.add(tf.sub(tf.sub(t, tf.mul(s, 2)), dAll), tf.add(q, dReal));
  const rg = tf.sub(s, q);
  return tf.sub(tf.add(tf.div(rr, m * (m - 1)), tf.div(gg, n * (n - 1))), tf.mul(rg, 2 / (m * n))) as tf.Tensor1D;
}

function subsample(p: PointSet, max: number, seed: number, label: string): Float32Array {
  if (p.n <= max) return p.data instanceof Float32Array ? p.data : Float32Array.from(p.data);
  const idx = sampleWithoutReplacement(p.n, max, mulberry32(childSeed(seed, label)));
  const out = new Float32Array(max * p.d);
  idx.forEach((row, r) => { for (let c = 0; c < p.d; c++) out[r * p.d + c] = p.data[row * p.d + c]; });
  return out;
}

/**
 * The MMD two-sample test between real and generated points. Throws on sets with fewer than 2
 * points, differing dimensions, fewer than 1 permutation or a non-positive bandwidth; warns when
 * the pooled points are all identical (every statistic is then 0 and the test has no power).
 */
export async function mmdPermutationTest(real: PointSet, generated: PointSet, options: MmdTestOptions = {}): Promise<MmdTestResult> {
  requirePoints(real, 'real', 2);
  requirePoints(generated, 'generated', 2);
  requireSameDim(real, generated);
  const B = options.permutations ?? 100;
  const maxPerSet = options.maxPerSet ?? 500;
  const kernel = options.kernel ?? 'multiscale';
  const seed = options.seed ?? 0;
  if (!Number.isInteger(B) || B < 1) throw new Error(`The test needs at least one permutation (got ${B}).`);
  if (!Number.isInteger(maxPerSet) || maxPerSet < 2) throw new Error(`maxPerSet must be at least 2 (got ${maxPerSet}).`);
  if (options.bandwidth !== undefined && !(options.bandwidth > 0)) throw new Error(`The kernel bandwidth must be positive (got ${options.bandwidth}).`);
  const x = subsample(real, maxPerSet, seed, 'mmd-real');
  const y = subsample(generated, maxPerSet, seed, 'mmd-generated');
  const m = x.length / real.d, n = y.length / real.d, N = m + n;
  const labels = permutationLabels(m, n, B, seed);

  const out = tf.tidy(() => {
    const pooled = tf.concat([tf.tensor2d(x, [m, real.d]), tf.tensor2d(y, [n, real.d])]) as Tensor2D;
    const z = tf.sub(pooled, tf.mean(pooled, 0)) as Tensor2D;
    const sigma = kernel === 'cubic' ? tf.scalar(0)
      : options.bandwidth !== undefined ? tf.scalar(options.bandwidth) : meanHeuristicBandwidth(z);
    // Identical points give σ = 0; any positive σ then gives the same (zero) statistic.
    const safeSigma = tf.where(tf.greater(sigma, 0), sigma, tf.onesLike(sigma)) as Scalar;
    // The cubic kernel is not shift-invariant: it must see the points as given.
    const kfn = kernel === 'cubic' ? cubicKernel : kernel === 'gaussian' ? gaussianKernel(safeSigma) : multiscaleKernel(safeSigma);
    const data = kernel === 'cubic' ? pooled : z;
    // k(z, z): 1 for the Gaussian kernels, (‖z‖²/d + 1)³ for the cubic one.
    const diag = kernel === 'cubic'
      ? tf.pow(tf.add(tf.div(tf.sum(tf.square(pooled), 1), real.d), 1), 3) as tf.Tensor1D
      : tf.ones([N]) as tf.Tensor1D;
    const stats = unbiasedStatistics(data, tf.tensor2d(labels, [N, B + 1]), diag, kfn, m, n);
    return tf.concat([stats, tf.reshape(sigma, [1])]);
  });
  let v: Float32Array;
  try {
    v = (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
  const mmd2 = v[0];
  const nullStats = Float64Array.from(v.subarray(1, B + 1));
  let atLeast = 0;
  for (const t of nullStats) if (t >= mmd2) atLeast++;
  const sigma = v[B + 1];
  return {
    mmd2, pValue: (1 + atLeast) / (1 + B), pValueFloor: 1 / (1 + B), nullStats,
    bandwidth: kernel === 'cubic' ? null : sigma, nReal: m, nGenerated: n, permutations: B,
    warning: kernel !== 'cubic' && sigma === 0 ? 'All pooled points are identical, so the test cannot tell the sets apart.' : null,
  };
}
