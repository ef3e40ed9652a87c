/**
 * Inception Score (Salimans et al. 2016) from a matrix of class probabilities p(y | xᵢ), one row
 * per generated sample, and its split into sharpness and diversity:
 *
 *   IS = exp( (1/n) Σᵢ KL(p(y | xᵢ) ‖ p̄(y)) ),  p̄(y) = (1/n) Σᵢ p(y | xᵢ),
 *      = exp( H(p̄) − (1/n) Σᵢ H(p(y | xᵢ)) )
 *      = diversity × sharpness,  diversity = exp H(p̄),  sharpness = exp(−E H(p(y | x))).
 *
 * The exponent is the mutual information I(x; y) between a sample and its predicted class, so
 * 1 ≤ IS ≤ K for K classes: I ≥ 0, and I ≤ H(p̄) ≤ log K. IS = K exactly when every prediction is
 * one-hot and the classes are used equally often; IS = 1 when every prediction is the same.
 * Entropies in nats, with 0 log 0 = 0.
 *
 * Exports:
 * - `entropiesOnDevice(probs)`: [H(p̄), E H(p(y|x))] as a [2] tensor (tfjs, inside a tidy).
 * - `inceptionResult(hMarginal, hConditional, K)`: the result object from the two entropies.
 * - `checkProbabilities(probs, K)`: throws a plain message unless each row is a distribution.
 * - `inceptionScore(probs, K)`: async IS with its split (one readback).
 * - `InceptionScoreResult`.
 */
import { tf, type Tensor1D, type Tensor2D } from '../tf';
import type { MetricResult } from './common';

/**
 * p log p is evaluated as p · log(max(p, TINY)): for p = 0 the product is exactly 0 (the limit),
 * and any p below 1e-30 contributes less than 1e-28 nats, far below float32 resolution.
 */
const TINY = 1e-30;

/** A row's sum may differ from 1 by this much (float32 softmax outputs are good to ~1e-6). */
const ROW_SUM_TOLERANCE = 1e-3;

export interface InceptionScoreResult extends MetricResult {
  /** exp(H(p̄) − E H(p(y|x))), in [1, K]. */
  readonly is: number;
  /** H(p̄), the entropy of the average prediction (nats); high when classes are used evenly. */
  readonly marginalEntropy: number;
  /** (1/n) Σᵢ H(p(y|xᵢ)) (nats); low when each sample is classified confidently. */
  readonly meanConditionalEntropy: number;
  /** exp H(p̄) ∈ [1, K]: the effective number of classes generated. */
  readonly diversity: number;
  /** exp(−E H(p(y|x))) ∈ [1/K, 1]: 1 when every prediction is one-hot. */
  readonly sharpness: number;
  readonly numClasses: number;
}

/**
 * The two entropies of the Inception Score on the device.
 * @param probs [n, K] rows of class probabilities. @returns [2]: [H(p̄), E H(p(y|x))] in nats.
 */
export function entropiesOnDevice(probs: Tensor2D): Tensor1D {
  const plogp = (p: tf.Tensor) => tf.mul(p, tf.log(tf.maximum(p, TINY)));
  const pbar = tf.mean(probs, 0);
  const hMarginal = tf.neg(tf.sum(plogp(pbar)));
  const hConditional = tf.neg(tf.div(tf.sum(plogp(probs)), probs.shape[0]));
  return tf.stack([hMarginal, hConditional]) as Tensor1D;
}

/**
 * Assemble the result from the two entropies. The exponent, a mutual information, is clamped to
 * [0, log K]: float32 rounding can push it a hair outside when IS is at either end.
 */
export function inceptionResult(hMarginal: number, hConditional: number, numClasses: number): InceptionScoreResult {
  const info = Math.min(Math.log(numClasses), Math.max(0, hMarginal - hConditional));
  return {
    is: Math.exp(info),
    marginalEntropy: hMarginal,
    meanConditionalEntropy: hConditional,
    diversity: Math.exp(hMarginal),
    sharpness: Math.exp(-hConditional),
    numClasses,
    warning: numClasses === 1 ? 'With a single class the Inception Score is always 1.' : null,
  };
}

/** Throw a plain message unless probs is n ≥ 1 rows of K non-negative numbers summing to 1. */
export function checkProbabilities(probs: ArrayLike<number>, numClasses: number): number {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`The number of classes must be a positive integer (got ${numClasses}).`);
  if (probs.length === 0) throw new Error('There are no predictions: the set of samples is empty.');
  if (probs.length % numClasses !== 0) throw new Error(`${probs.length} probabilities do not split into rows of ${numClasses} classes.`);
  const n = probs.length / numClasses;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < numClasses; c++) {
      const p = probs[i * numClasses + c];
      if (!(p >= 0 && p <= 1)) throw new Error(`Sample ${i} has a class probability ${p} outside [0, 1].`);
      s += p;
    }
    if (Math.abs(s - 1) > ROW_SUM_TOLERANCE) throw new Error(`The probabilities of sample ${i} sum to ${s.toFixed(4)}, not 1.`);
  }
  return n;
}

/**
 * Inception Score of n samples from their class probabilities.
 * @param probs [n × K] row-major, each row a distribution over the K classes.
 * @param numClasses K.
 */
export async function inceptionScore(probs: Float32Array | Float64Array, numClasses: number): Promise<InceptionScoreResult> {
  const n = checkProbabilities(probs, numClasses);
  const out = tf.tidy(() => entropiesOnDevice(tf.tensor2d(probs instanceof Float32Array ? probs : Float32Array.from(probs), [n, numClasses])));
  try {
    const [hm, hc] = await out.data();
    return inceptionResult(hm, hc, numClasses);
  } finally {
    out.dispose();
  }
}
