/**
 * KID, the Kernel Inception Distance (Bińkowski et al. 2018): the unbiased estimate of the
 * squared maximum mean discrepancy with the cubic polynomial kernel
 *
 *   k(x, y) = (xᵀy / d + 1)³,
 *
 *   MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(rᵢ, rⱼ) + 1/(m(m−1)) Σ_{i≠j} k(gᵢ, gⱼ) − 2/m² Σ_{i,j} k(rᵢ, gⱼ),
 *
 * for real points r and generated points g (the chapter's notation), averaged over random subsets
 * of m real and m generated points (mean ± standard deviation over subsets). Unbiased: its expectation is exactly MMD² (0 when the two distributions are equal), so
 * unlike FID it is not pushed up at small sample sizes, and it can come out slightly negative.
 * Units: the kernel's (squared feature units cubed, scaled by 1/d³); compare KIDs only at equal d.
 *
 * The sum of k over every pair in a subset is 1ᵀK1 restricted to it. With a 0/1 membership matrix
 * P [n, S] (one column per subset) all S sums are the diagonal of PᵀKP, computed on the device in
 * 512-row tiles of K: no subset is ever gathered and K is never held whole. In low dimension the
 * kernel has a short explicit feature map, k(x, y) = φ(x)ᵀφ(y) with C(d + 3, 3) features (10 for
 * d = 2), and then Σ_{i,j ∈ s} k(xᵢ, xⱼ) = ‖Σ_{i ∈ s} φ(xᵢ)‖²: O(n) work instead of O(n²). It is
 * used whenever it has fewer features than the smaller subset.
 *
 * Exports:
 * - `KernelFn`, `cubicKernel(a, b)`: the kernel matrix [na, nb] (tfjs, inside the caller's tidy).
 * - `kernelSubsetSums(a, b, pa, pb, kernel)`: Σᵢⱼ pa_is pb_js k(aᵢ, bⱼ) for every subset s (tfjs).
 * - `cubicFeatureCount(d)`, `cubicFeatures(x)`: the explicit feature map of the cubic kernel (tfjs).
 * - `defaultSubsetSize(nReal, nGenerated)`: min(1000, ⌊min(n)/2⌋), at least 2.
 * - `kidSubsets(nReal, nGenerated, subsetSize, subsets, seed)`: the seeded subset indices.
 * - `kid(real, generated, options)`: async KID mean ± std (one readback).
 * - `KidOptions`, `KidResult`.
 */
import { tf, type Tensor1D, type Tensor2D } from '../tf';
import { childSeed, mulberry32 } from '../random';
import { cacheGet, cachePut, joinWarnings, requirePoints, requireSameDim, rowTiles, sampleWithoutReplacement, toTensor2D, type MetricCache, type MetricResult, type PointSet } from './common';

/** A kernel function on the device: rows of a against rows of b → [na, nb]. */
export type KernelFn = (a: Tensor2D, b: Tensor2D) => Tensor2D;

/**
 * The KID kernel k(x, y) = (xᵀy / d + 1)³ for all pairs of rows.
 * @param a [na, d]; @param b [nb, d]. @returns [na, nb].
 */
export function cubicKernel(a: Tensor2D, b: Tensor2D): Tensor2D {
  const d = a.shape[1];
  // xᵀy/d + 1 as one product of augmented rows [x/d, 1]·[y, 1]: no pass over [na, nb] to add 1.
  // The right factor is transposed explicitly: wasm's matMul with transposeB is several times slower.
  const base = tf.matMul(tf.concat([tf.div(a, d), tf.ones([a.shape[0], 1])], 1), tf.transpose(tf.concat([b, tf.ones([b.shape[0], 1])], 1)));
  return tf.mul(tf.square(base), base) as Tensor2D;
}

/**
 * For each subset s, the kernel sum Σᵢ Σⱼ pa[i, s] · pb[j, s] · k(aᵢ, bⱼ) = (paᵀ K pb)_ss, where
 * K = kernel(a, b), computed in row tiles so that at most 512 × nb kernel values exist at once.
 *
 * @param a [na, d]; @param b [nb, d]; @param pa [na, S]; @param pb [nb, S] subset weights.
 * @returns [S]. Synchronous; run it inside a `tf.tidy`.
 */
export function kernelSubsetSums(a: Tensor2D, b: Tensor2D, pa: Tensor2D, pb: Tensor2D, kernel: KernelFn): Tensor1D {
  let acc = tf.zeros([pa.shape[1]]) as Tensor1D;
  for (const [start, size] of rowTiles(a.shape[0])) {
    const next = tf.tidy(() => {
      const k = kernel(tf.slice(a, [start, 0], [size, -1]), b);
      const w = tf.slice(pa, [start, 0], [size, -1]);
      return tf.add(acc, tf.sum(tf.mul(w, tf.matMul(k, pb)), 0)) as Tensor1D;
    });
    acc.dispose();
    acc = next;
  }
  return acc;
}

/** Number of features of the cubic kernel's explicit map in dimension d: C(d + 3, 3). */
export function cubicFeatureCount(d: number): number {
  return ((d + 3) * (d + 2) * (d + 1)) / 6;
}

/**
 * The explicit feature map of k(x, y) = (xᵀy/d + 1)³ = 1 + 3u + 3u² + u³ with u = xᵀy/d:
 * a constant 1; √(3/d) xₐ; √(3 c)/d · xₐx_b for a ≤ b; √c / d^{3/2} · xₐx_bx_c for a ≤ b ≤ c, where c
 * is the number of distinct orderings of the indices (the multinomial coefficient), so that
 * φ(x)ᵀφ(y) expands exactly to the kernel.
 * @param x [n, d]. @returns [n, C(d + 3, 3)].
 */
export function cubicFeatures(x: Tensor2D): Tensor2D {
  const d = x.shape[1];
  const pairA: number[] = [], pairB: number[] = [], pairScale: number[] = [];
  const triA: number[] = [], triB: number[] = [], triC: number[] = [], triScale: number[] = [];
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      pairA.push(a); pairB.push(b);
      pairScale.push(Math.sqrt(3 * (a === b ? 1 : 2)) / d);
      for (let c = b; c < d; c++) {
        triA.push(a); triB.push(b); triC.push(c);
        const orderings = a === c ? 1 : a === b || b === c ? 3 : 6;
        triScale.push(Math.sqrt(orderings) / d ** 1.5);
      }
    }
  }
  const col = (idx: number[]) => tf.gather(x, tf.tensor1d(idx, 'int32'), 1);
  const pairs = tf.mul(tf.mul(col(pairA), col(pairB)), tf.tensor1d(pairScale));
  const triples = tf.mul(tf.mul(tf.mul(col(triA), col(triB)), col(triC)), tf.tensor1d(triScale));
  return tf.concat([tf.ones([x.shape[0], 1]), tf.mul(x, Math.sqrt(3 / d)), pairs, triples], 1) as Tensor2D;
}

export interface KidOptions {
  /** Points per subset, m (default `defaultSubsetSize`). */
  subsetSize?: number;
  /**
   * Number of subsets S (default 20: the standard deviation over 20 subsets is itself known to
   * about ±16%, 1/√(2(S−1)), and the cost grows linearly with S).
   */
  subsets?: number;
  /** Seed for the subset draws. */
  seed?: number;
  /** Keeps the real-real kernel sums between calls while the real set and subsets are unchanged. */
  cache?: MetricCache;
}

export interface KidResult extends MetricResult {
  /** Mean of MMD²_u over the subsets. */
  readonly kid: number;
  /** Standard deviation of MMD²_u over the subsets (population form, as in common KID code). */
  readonly std: number;
  /** MMD²_u of each subset. */
  readonly values: Float64Array;
  readonly subsetSize: number;
  readonly subsets: number;
}

/** Largest sample of 1,000 per subset (as in the KID paper), else half the smaller set. */
export function defaultSubsetSize(nReal: number, nGenerated: number): number {
  return Math.max(2, Math.min(1000, Math.floor(Math.min(nReal, nGenerated) / 2)));
}

/**
 * The seeded subsets: `subsets` index arrays of `subsetSize` distinct rows for each set. The two
 * sets draw from separate streams, so the real subsets do not depend on the generated set's size.
 */
export function kidSubsets(nReal: number, nGenerated: number, subsetSize: number, subsets: number, seed: number): { real: Int32Array[]; generated: Int32Array[] } {
  const rngReal = mulberry32(childSeed(seed, 'kid-subsets-real'));
  const rngGenerated = mulberry32(childSeed(seed, 'kid-subsets-generated'));
  const real: Int32Array[] = [], generated: Int32Array[] = [];
  for (let s = 0; s < subsets; s++) {
    real.push(sampleWithoutReplacement(nReal, subsetSize, rngReal));
    generated.push(sampleWithoutReplacement(nGenerated, subsetSize, rngGenerated));
  }
  return { real, generated };
}

function membership(n: number, subsets: Int32Array[]): Float32Array {
  const s = subsets.length;
  const p = new Float32Array(n * s);
  subsets.forEach((idx, col) => idx.forEach((i) => { p[i * s + col] = 1; }));
  return p;
}

/**
 * KID between two point sets: mean and standard deviation of the unbiased MMD² (cubic kernel)
 * over `subsets` random subsets of `subsetSize` points from each set.
 *
 * Throws when a set has fewer than 2 points, the dimensions differ, or the subset size does not
 * fit. Warns when the subsets are the whole sets (the spread is then 0 and says nothing) or when
 * there is a single subset.
 */
export async function kid(real: PointSet, generated: PointSet, options: KidOptions = {}): Promise<KidResult> {
  requirePoints(real, 'real', 2);
  requirePoints(generated, 'generated', 2);
  requireSameDim(real, generated);
  const m = options.subsetSize ?? defaultSubsetSize(real.n, generated.n);
  const S = options.subsets ?? 20;
  if (!Number.isInteger(m) || m < 2) throw new Error(`KID needs subsets of at least 2 points (got ${m}).`);
  if (m > Math.min(real.n, generated.n)) throw new Error(`The subset size ${m} is larger than a set (${real.n} real, ${generated.n} generated points).`);
  if (!Number.isInteger(S) || S < 1) throw new Error(`KID needs at least one subset (got ${S}).`);
  const seed = options.seed ?? 0;
  const idx = kidSubsets(real.n, generated.n, m, S, seed);
  const cacheKey = `kid-xx:m=${m}:S=${S}:seed=${seed}`;
  const cachedXX = cacheGet(options.cache, cacheKey, real.data);

  const out = tf.tidy(() => {
    const x = toTensor2D(real), y = toTensor2D(generated);
    const px = tf.tensor2d(membership(real.n, idx.real), [real.n, S]);
    const py = tf.tensor2d(membership(generated.n, idx.generated), [generated.n, S]);
    // Σ_{i≠j} = Σ_{i,j} − Σ_i k(xᵢ, xᵢ): subtract each subset's diagonal.
    const diag = (t: Tensor2D, p: Tensor2D) => {
      const base = tf.add(tf.div(tf.sum(tf.square(t), 1, true), t.shape[1]), 1);
      return tf.sum(tf.mul(p, tf.mul(tf.square(base), base)), 0);
    };
    let xx: tf.Tensor, yy: tf.Tensor, xy: tf.Tensor;
    if (cubicFeatureCount(real.d) < m) {
      // Per-subset feature sums Φᵀp [F, S]; the pair sums are their inner products.
      const phiX = cubicFeatures(x), phiY = cubicFeatures(y);
      const sx = tf.matMul(phiX, px, true, false), sy = tf.matMul(phiY, py, true, false);
      xx = cachedXX ? tf.tensor1d(cachedXX) : tf.sub(tf.sum(tf.square(sx), 0), diag(x, px));
      yy = tf.sub(tf.sum(tf.square(sy), 0), diag(y, py));
      xy = tf.sum(tf.mul(sx, sy), 0);
    } else {
      xx = cachedXX ? tf.tensor1d(cachedXX) : tf.sub(kernelSubsetSums(x, x, px, px, cubicKernel), diag(x, px));
      yy = tf.sub(kernelSubsetSums(y, y, py, py, cubicKernel), diag(y, py));
      xy = kernelSubsetSums(x, y, px, py, cubicKernel);
    }
    const mmd2 = tf.sub(tf.div(tf.add(xx, yy), m * (m - 1)), tf.mul(xy, 2 / (m * m)));
    // Fresh real-real sums ride along in the single readback so that the cache can keep them.
    return cachedXX || !options.cache ? mmd2 : tf.concat([mmd2, xx]);
  });
  let v: Float32Array;
  try {
    v = (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
  if (v.length > S) cachePut(options.cache, cacheKey, real.data, v.slice(S));
  const values = Float64Array.from(v.subarray(0, S));
  let mean = 0;
  for (const x of values) mean += x;
  mean /= S;
  let ss = 0;
  for (const x of values) ss += (x - mean) * (x - mean);
  const std = Math.sqrt(ss / S);
  const whole = m === real.n && m === generated.n;
  return {
    kid: mean, std, values, subsetSize: m, subsets: S,
    warning: joinWarnings(
      whole && S > 1 ? 'Every subset is the whole of both sets, so the standard deviation is 0 and says nothing about the uncertainty; use a smaller subset size.' : null,
      S === 1 ? 'With a single subset there is no standard deviation.' : null),
  };
}
