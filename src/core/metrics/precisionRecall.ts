/**
 * Improved precision and recall with k nearest neighbours (Kynkäänniemi et al. 2019).
 *
 * Each set Φ is turned into a manifold estimate: the union of closed balls around its points,
 * the ball of φ′ having radius ‖φ′ − NN_k(φ′, Φ)‖, the distance to its k-th nearest other point.
 *
 *   f_k(φ, Φ) = 1 if ∃ φ′ ∈ Φ with ‖φ − φ′‖² ≤ ‖φ′ − NN_k(φ′, Φ)‖², else 0,
 *   precision = (1/|Φ_gen|) Σ_{φ ∈ Φ_gen} f_k(φ, Φ_real)   (how much of what is generated is realistic)
 *   recall    = (1/|Φ_real|) Σ_{φ ∈ Φ_real} f_k(φ, Φ_gen)  (how much of the real data is covered)
 *
 * Both are fractions in [0, 1]. The N² distances are computed on the device in row tiles of at
 * most `TILE_ELEMENTS` entries (one tile up to N ≈ 2,000), and the k-th neighbour distance of each
 * row is selected there too (see `kthNeighbourSqDistances`).
 *
 * Exports:
 * - `kthNeighbourSqDistances(x, k, selection)`: squared k-NN radius of every row of x (tfjs, in a tidy).
 * - `precisionRecall(real, generated, options)`: async precision and recall, one readback.
 * - `memorisationRatio(train, heldOut, generated, options)`: async nearest-training-point distance ratio.
 * - `PrecisionRecallOptions`, `PrecisionRecallResult`, `MemorisationOptions`, `MemorisationResult`.
 */
import { tf, type Tensor1D, type Tensor2D } from '../tf';
import { cacheGet, cachePut, requirePoints, requireSameDim, rowTiles, tileRowsFor, toTensor2D, type MetricCache, type MetricResult, type PointSet } from './common';
import { offsetSquaredDistances, squaredDistances } from './linalg';

/**
 * Added to a masked distance so that it is never the minimum again. Any value far above every
 * squared distance works; 1e30 stays finite in float32 even when added twice.
 */
const MASKED = 1e30;

/**
 * Squared distance from every row of x to its k-th nearest other row (duplicates count as
 * neighbours at distance 0).
 *
 * Two equivalent selections, picked by backend: on WebGL, k − 1 rounds of "mask out the row
 * minimum" with the point itself masked by index, because WebGL's `tf.topk` reads rows shorter
 * than 100,000 back to the CPU and sorts them there; elsewhere (wasm, cpu) `tf.topk`, whose
 * kernel is native or a selection algorithm and 2–3× faster, taking the (k + 1)-th smallest with
 * the point itself (at distance 0) included.
 *
 * @param x [n, d] (centre it first for accuracy); @param k 1 ≤ k < n.
 * @param selection 'topk' or 'mask' (default: by backend as above). @returns [n].
 */
export function kthNeighbourSqDistances(x: Tensor2D, k: number, selection: 'topk' | 'mask' = tf.getBackend() === 'webgl' ? 'mask' : 'topk'): Tensor1D {
  const n = x.shape[0];
  const useTopk = selection === 'topk';
  const parts: Tensor1D[] = [];
  for (const [start, size] of rowTiles(n, tileRowsFor(n))) {
    parts.push(tf.tidy(() => {
      const rows = start === 0 && size === n ? x : tf.slice(x, [start, 0], [size, -1]) as Tensor2D;
      if (useTopk) {
        // −D straight from the product: the k + 1 largest of −D are the k + 1 smallest of D.
        const negDist = offsetSquaredDistances(rows, x, null, null, -1);
        return tf.relu(tf.neg(tf.reshape(tf.slice(tf.topk(negDist, k + 1).values, [0, k], [size, 1]), [-1]))) as Tensor1D;
      }
      const dist = squaredDistances(rows, x);
      // oneHot's own on-value and dtype arguments are ignored by the wasm backend (it always
      // writes int32), so masks are built as int32 0/1 and scaled.
      const mask = (idx: tf.Tensor1D) => tf.mul(tf.oneHot(idx, n), MASKED);
      let masked = tf.add(dist, mask(tf.range(start, start + size, 1, 'int32') as tf.Tensor1D));
      for (let j = 1; j < k; j++) masked = tf.add(masked, mask(tf.argMin(masked, 1) as tf.Tensor1D));
      return tf.min(masked, 1) as Tensor1D;
    }));
  }
  const out = tf.concat(parts) as Tensor1D;
  parts.forEach((p) => p.dispose());
  return out;
}

export interface PrecisionRecallOptions {
  /** Neighbour index for the radii (default 3, the paper's choice); needs k < n for both sets. */
  k?: number;
  /** Keeps the real set's k-NN radii between calls (half the work) while the real set is unchanged. */
  cache?: MetricCache;
}

export interface PrecisionRecallResult extends MetricResult {
  /** Fraction of generated points inside the real manifold estimate, in [0, 1]. */
  readonly precision: number;
  /** Fraction of real points inside the generated manifold estimate, in [0, 1]. */
  readonly recall: number;
  readonly k: number;
}

/**
 * Precision and recall of a generated set against a real set. Throws on empty sets, differing
 * dimensions, or k outside 1 ≤ k < n (each set needs more than k points for a k-th neighbour).
 */
export async function precisionRecall(real: PointSet, generated: PointSet, options: PrecisionRecallOptions = {}): Promise<PrecisionRecallResult> {
  const k = options.k ?? 3;
  requirePoints(real, 'real');
  requirePoints(generated, 'generated');
  requireSameDim(real, generated);
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a whole number of at least 1 (got ${k}).`);
  if (k >= real.n || k >= generated.n) {
    throw new Error(`k = ${k} needs more than k points in each set (real: ${real.n}, generated: ${generated.n}); choose k < n.`);
  }
  const cacheKey = `pr-radii:k=${k}`;
  const cachedRadii = cacheGet(options.cache, cacheKey, real.data);
  const out = tf.tidy(() => {
    // Centre both sets on the real mean: the distance expansion loses accuracy with ‖x‖².
    const r0 = toTensor2D(real), g0 = toTensor2D(generated);
    const centre = tf.mean(r0, 0);
    const r = tf.sub(r0, centre) as Tensor2D, g = tf.sub(g0, centre) as Tensor2D;
    const radiusReal = cachedRadii ? tf.tensor1d(cachedRadii) : kthNeighbourSqDistances(r, k);
    const negRadiusReal = tf.neg(radiusReal) as Tensor1D;
    const negRadiusGen = tf.neg(kthNeighbourSqDistances(g, k)) as Tensor1D;
    // g is inside real ball j iff ‖g − r_j‖² − R_j ≤ 0, i.e. iff the row minimum of that is ≤ 0;
    // real point j is inside generated ball g iff ‖g − r_j‖² − R_g ≤ 0 (a column minimum). Both
    // come from ONE distance block per tile, offset by a row and by a column of radii: a second
    // distance product would cost more than the two broadcast additions.
    let precisionHits = tf.scalar(0);
    let recallSlack = tf.fill([real.n], Infinity);
    for (const [start, size] of rowTiles(generated.n, tileRowsFor(real.n))) {
      const [p, c] = tf.tidy(() => {
        const whole = start === 0 && size === generated.n;
        const gTile = whole ? g : tf.slice(g, [start, 0], [size, -1]) as Tensor2D;
        const dist = offsetSquaredDistances(gTile, r);
        const toRealBalls = tf.add(dist, negRadiusReal);
        const toGenBalls = tf.add(dist, tf.reshape(whole ? negRadiusGen : tf.slice(negRadiusGen, [start], [size]), [-1, 1]));
        const inReal = tf.lessEqual(tf.min(toRealBalls, 1), 0);
        return [tf.add(precisionHits, tf.sum(tf.cast(inReal, 'float32'))), tf.minimum(recallSlack, tf.min(toGenBalls, 0))];
      });
      precisionHits.dispose();
      recallSlack.dispose();
      precisionHits = p;
      recallSlack = c;
    }
    const scores = tf.stack([tf.div(precisionHits, generated.n), tf.mean(tf.cast(tf.lessEqual(recallSlack, 0), 'float32'))]);
    // Fresh radii ride along in the single readback so that the cache can keep them.
    return cachedRadii || !options.cache ? scores : tf.concat([scores, radiusReal]);
  });
  let v: Float32Array;
  try {
    v = (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
  if (v.length > 2) cachePut(options.cache, cacheKey, real.data, v.slice(2));
  return { precision: v[0], recall: v[1], k, warning: null };
}

/**
 * Mean distance from each query row to its nearest row of `train` (tiles), as a scalar tensor.
 * The expansion only picks the neighbour; its distance is then recomputed from the difference,
 * because near-copies sit closer than the expansion's float32 rounding (√(1e-7 ‖x‖²)) resolves.
 */
function meanNearestDistance(query: Tensor2D, train: Tensor2D): tf.Scalar {
  let total = tf.scalar(0);
  for (const [start, size] of rowTiles(query.shape[0], tileRowsFor(train.shape[0]))) {
    const next = tf.tidy(() => {
      const q = start === 0 && size === query.shape[0] ? query : tf.slice(query, [start, 0], [size, -1]) as Tensor2D;
      const nearest = tf.gather(train, tf.argMin(offsetSquaredDistances(q, train), 1));
      return tf.add(total, tf.sum(tf.sqrt(tf.sum(tf.square(tf.sub(q, nearest)), 1))));
    });
    total.dispose();
    total = next as tf.Scalar;
  }
  const mean = tf.div(total, query.shape[0]) as tf.Scalar;
  total.dispose();
  return mean;
}

export interface MemorisationOptions {
  /**
   * Keeps the held-out points' mean distance to the training set (half the work) while the
   * training and held-out arrays are unchanged.
   */
  cache?: MetricCache;
}

export interface MemorisationResult extends MetricResult {
  /**
   * Mean distance from generated points to their nearest training point divided by the same
   * for held-out real points. About 1 for a model that generalises; near 0 for one that
   * returns (slightly perturbed) training points.
   */
  readonly ratio: number;
  /** The two mean nearest-neighbour distances (data units). */
  readonly generatedToTrain: number;
  readonly heldOutToTrain: number;
}

/**
 * A memorisation check that the sample metrics above cannot make: how close generated points sit
 * to the training set, relative to how close fresh real points sit to it. FID, KID, precision and
 * recall all score copies of the training set as perfect; this ratio drops towards 0 for them.
 *
 * @param train the training set the model saw; @param heldOut real points it did not see;
 * @param generated model samples. All in the same dimension. @param options a cache (see
 *   `MemorisationOptions`).
 */
export async function memorisationRatio(train: PointSet, heldOut: PointSet, generated: PointSet, options: MemorisationOptions = {}): Promise<MemorisationResult> {
  requirePoints(train, 'training');
  requirePoints(heldOut, 'held-out');
  requirePoints(generated, 'generated');
  requireSameDim(train, heldOut);
  requireSameDim(train, generated);
  const cacheKey = 'memorisation-held-out';
  const sources = [train.data, heldOut.data];
  const cachedHeldOut = cacheGet(options.cache, cacheKey, sources);
  const out = tf.tidy(() => {
    const t0 = toTensor2D(train);
    const centre = tf.mean(t0, 0);
    const t = tf.sub(t0, centre) as Tensor2D;
    const g = tf.sub(toTensor2D(generated), centre) as Tensor2D;
    const held = cachedHeldOut ? tf.scalar(cachedHeldOut[0]) : meanNearestDistance(tf.sub(toTensor2D(heldOut), centre) as Tensor2D, t);
    return tf.stack([meanNearestDistance(g, t), held]);
  });
  let v: Float32Array;
  try {
    v = (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
  if (!cachedHeldOut) cachePut(options.cache, cacheKey, sources, v.slice(1, 2));
  const [generatedToTrain, heldOutToTrain] = v;
  if (heldOutToTrain === 0) {
    throw new Error('Every held-out point coincides with a training point, so the ratio is undefined; hold out points the model was not trained on.');
  }
  return { ratio: generatedToTrain / heldOutToTrain, generatedToTrain, heldOutToTrain, warning: null };
}
