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
 * Both are fractions in [0, 1]. The N² distances are computed on the device in 512-row tiles; the
 * k-th neighbour distance of each row is found by k − 1 rounds of "mask out the row minimum"
 * (argMin + oneHot), not `tf.topk`, which on WebGL hands rows shorter than 100,000 to the CPU
 * with a blocking read.
 *
 * Exports:
 * - `kthNeighbourSqDistances(x, k)`: squared k-NN radius of every row of x (tfjs, in a tidy).
 * - `precisionRecall(real, generated, options)`: async precision and recall, one readback.
 * - `memorisationRatio(train, heldOut, generated)`: async nearest-training-point distance ratio.
 * - `PrecisionRecallOptions`, `PrecisionRecallResult`, `MemorisationResult`.
 */
import { tf, type Tensor1D, type Tensor2D } from '../tf';
import { requirePoints, requireSameDim, rowTiles, toTensor2D, type MetricResult, type PointSet } from './common';
import { squaredDistances } from './linalg';

/**
 * Added to a masked distance so that it is never the minimum again. Any value far above every
 * squared distance works; 1e30 stays finite in float32 even when added twice.
 */
const MASKED = 1e30;

/**
 * Squared distance from every row of x to its k-th nearest other row (the point itself excluded
 * by index, so duplicates count as neighbours at distance 0).
 * @param x [n, d] (centre it first for accuracy); @param k 1 ≤ k < n. @returns [n].
 */
export function kthNeighbourSqDistances(x: Tensor2D, k: number): Tensor1D {
  const n = x.shape[0];
  const parts: Tensor1D[] = [];
  for (const [start, size] of rowTiles(n)) {
    parts.push(tf.tidy(() => {
      const self = tf.oneHot(tf.range(start, start + size, 1, 'int32'), n, MASKED, 0, 'float32');
      let dist = tf.add(squaredDistances(tf.slice(x, [start, 0], [size, -1]), x), self);
      for (let j = 1; j < k; j++) dist = tf.add(dist, tf.oneHot(tf.argMin(dist, 1), n, MASKED, 0, 'float32'));
      return tf.min(dist, 1) as Tensor1D;
    }));
  }
  const out = tf.concat(parts) as Tensor1D;
  parts.forEach((p) => p.dispose());
  return out;
}

export interface PrecisionRecallOptions {
  /** Neighbour index for the radii (default 3, the paper's choice); needs k < n for both sets. */
  k?: number;
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
  const out = tf.tidy(() => {
    // Centre both sets on the real mean: the distance expansion loses accuracy with ‖x‖².
    const r0 = toTensor2D(real), g0 = toTensor2D(generated);
    const centre = tf.mean(r0, 0);
    const r = tf.sub(r0, centre) as Tensor2D, g = tf.sub(g0, centre) as Tensor2D;
    const radiusReal = tf.reshape(kthNeighbourSqDistances(r, k), [1, -1]);
    const radiusGen = kthNeighbourSqDistances(g, k);
    let precisionHits = tf.scalar(0);
    let recalled = tf.zeros([real.n], 'bool');
    for (const [start, size] of rowTiles(generated.n)) {
      const [p, c] = tf.tidy(() => {
        const dist = squaredDistances(tf.slice(g, [start, 0], [size, -1]), r);
        const inReal = tf.any(tf.lessEqual(dist, radiusReal), 1);
        const coversReal = tf.any(tf.lessEqual(dist, tf.reshape(tf.slice(radiusGen, [start], [size]), [-1, 1])), 0);
        return [tf.add(precisionHits, tf.sum(tf.cast(inReal, 'float32'))), tf.logicalOr(recalled, coversReal)];
      });
      precisionHits.dispose();
      recalled.dispose();
      precisionHits = p;
      recalled = c;
    }
    return tf.stack([tf.div(precisionHits, generated.n), tf.mean(tf.cast(recalled, 'float32'))]);
  });
  try {
    const [precision, recall] = await out.data();
    return { precision, recall, k, warning: null };
  } finally {
    out.dispose();
  }
}

/** Mean distance from each query row to its nearest row of `train` (tiles), as a scalar tensor. */
function meanNearestDistance(query: Tensor2D, train: Tensor2D): tf.Scalar {
  let total = tf.scalar(0);
  for (const [start, size] of rowTiles(query.shape[0])) {
    const next = tf.tidy(() => tf.add(total, tf.sum(tf.sqrt(tf.min(squaredDistances(tf.slice(query, [start, 0], [size, -1]), train), 1)))));
    total.dispose();
    total = next as tf.Scalar;
  }
  const mean = tf.div(total, query.shape[0]) as tf.Scalar;
  total.dispose();
  return mean;
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
 * @param generated model samples. All in the same dimension.
 */
export async function memorisationRatio(train: PointSet, heldOut: PointSet, generated: PointSet): Promise<MemorisationResult> {
  requirePoints(train, 'training');
  requirePoints(heldOut, 'held-out');
  requirePoints(generated, 'generated');
  requireSameDim(train, heldOut);
  requireSameDim(train, generated);
  const out = tf.tidy(() => {
    const t0 = toTensor2D(train);
    const centre = tf.mean(t0, 0);
    const t = tf.sub(t0, centre) as Tensor2D;
    const g = tf.sub(toTensor2D(generated), centre) as Tensor2D;
    const h = tf.sub(toTensor2D(heldOut), centre) as Tensor2D;
    return tf.stack([meanNearestDistance(g, t), meanNearestDistance(h, t)]);
  });
  let v: Float32Array;
  try {
    v = (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
  const [generatedToTrain, heldOutToTrain] = v;
  if (heldOutToTrain === 0) {
    throw new Error('Every held-out point coincides with a training point, so the ratio is undefined; hold out points the model was not trained on.');
  }
  return { ratio: generatedToTrain / heldOutToTrain, generatedToTrain, heldOutToTrain, warning: null };
}
