/**
 * GAN losses, always computed from the discriminator's logit a (D = σ(a)), never as log(σ(a)).
 *
 * API:
 * - `GENERATOR_LOSSES`, `GeneratorLossKind`: 'saturating' | 'nonSaturating' | 'leastSquares'.
 * - `generatorLossPerSample(fakeLogits, kind, c?)`: ℓ(a) per generated sample.
 * - `generatorLoss(fakeLogits, kind, c?)`: the batch generator loss, mean of ℓ (a scalar tensor).
 * - `discriminatorLoss(realLogits, fakeLogits, kind)`: the batch discriminator loss.
 * - `LossConstants`, `createLossConstants(batchSize)`: owned constant tensors for the stacked form.
 * - `discriminatorLossStacked(logits, kind, c)`: the same D loss on [real; fake] stacked logits
 *   (one discriminator pass per step instead of two).
 * - `lossCurves(xs, axis)`: the loss-curve widget: the three generator losses and their
 *   derivatives with respect to the logit, by tfjs autodiff, at many points.
 * - `lossesAt(x, axis)`: the same for one point (the draggable marker).
 */
import { tf, type Scalar, type Tensor } from '../tf';
import { logit } from '../ref/gan';
import type { GeneratorLossKind } from '../ref/gan';

export type { GeneratorLossKind } from '../ref/gan';

/** Every generator loss, in the order the widgets list them. */
export const GENERATOR_LOSSES: readonly GeneratorLossKind[] = ['saturating', 'nonSaturating', 'leastSquares'];

/**
 * Per-sample generator loss ℓ(a) for fake logits a = a(G(z)) (any shape; same shape out):
 * - saturating: ℓ = log(1 − D) = −softplus(a), which G minimises; dℓ/da = −σ(a) vanishes when
 *   D rejects the fakes (a ≪ 0): the "early stall".
 * - nonSaturating: ℓ = −log D = softplus(−a); dℓ/da = −(1 − σ(a)), about −1 when a ≪ 0.
 * - leastSquares: ℓ = ½ (a − 1)², reading a as the least-squares GAN's raw score.
 * Units: nats (least squares: squared score units). `c` supplies the constants 1 and ½ without
 * an upload (the trainer passes its own); without it they are made on the spot.
 */
export function generatorLossPerSample(fakeLogits: Tensor, kind: GeneratorLossKind, c?: LossConstants): Tensor {
  switch (kind) {
    case 'saturating': return tf.neg(tf.softplus(fakeLogits));
    case 'nonSaturating': return tf.softplus(tf.neg(fakeLogits));
    case 'leastSquares': return tf.mul(tf.squaredDifference(fakeLogits, c?.one ?? tf.scalar(1)), c?.half ?? tf.scalar(0.5));
  }
}

/** The batch generator loss: the mean of `generatorLossPerSample` over every element (a scalar). */
export function generatorLoss(fakeLogits: Tensor, kind: GeneratorLossKind, c?: LossConstants): Scalar {
  return tf.mean(generatorLossPerSample(fakeLogits, kind, c));
}

/**
 * Discriminator loss on separate real and fake logits (D minimises it):
 * - saturating / nonSaturating (the D loss is the same for both):
 *   mean softplus(−a_real) + mean softplus(a_fake) = −mean log D(x) − mean log(1 − D(G(z))),
 *   i.e. −V̂(D, G); its minimum over D is 2 log 2 ≈ 1.386 nats when p_g = p_data.
 * - leastSquares: ½ mean (a_real − 1)² + ½ mean a_fake².
 */
export function discriminatorLoss(realLogits: Tensor, fakeLogits: Tensor, kind: GeneratorLossKind): Scalar {
  if (kind === 'leastSquares') {
    return tf.mul(tf.add(tf.mean(tf.squaredDifference(realLogits, tf.scalar(1))), tf.mean(tf.square(fakeLogits))), tf.scalar(0.5));
  }
  return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits)));
}

/**
 * Constant tensors for `discriminatorLossStacked`, made once per trainer so that a training step
 * uploads no constants. The owner calls `dispose()`.
 */
export interface LossConstants {
  readonly batchSize: number;
  /** [2B, 1]: −1 for the B real rows, +1 for the B fake rows (softplus(sign·a) is the BCE term). */
  readonly sign: Tensor;
  /** [2B, 1]: least-squares targets, 1 for real rows, 0 for fake rows. */
  readonly target: Tensor;
  /** The scalar 2: the mean over 2B rows times 2 is the sum of the two batch means. */
  readonly two: Scalar;
  /** The scalar 1, the least-squares generator's target. */
  readonly one: Scalar;
  /** The scalar ½ of the least-squares losses. */
  readonly half: Scalar;
  dispose(): void;
}

/** Make the constants for stacked batches of B real then B fake rows. */
export function createLossConstants(batchSize: number): LossConstants {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`The batch size must be a whole number of at least 1 (got ${batchSize}).`);
  const sign = new Float32Array(2 * batchSize), target = new Float32Array(2 * batchSize);
  for (let i = 0; i < batchSize; i++) {
    sign[i] = -1;
    sign[batchSize + i] = 1;
    target[i] = 1;
  }
  const c = {
    batchSize,
    sign: tf.tensor2d(sign, [2 * batchSize, 1]),
    target: tf.tensor2d(target, [2 * batchSize, 1]),
    two: tf.scalar(2),
    one: tf.scalar(1),
    half: tf.scalar(0.5),
    dispose() {
      for (const t of [c.sign, c.target, c.two, c.one, c.half]) t.dispose();
    },
  };
  return c;
}

/**
 * `discriminatorLoss` on stacked logits [2B, 1]: rows 0..B−1 real, rows B..2B−1 fake. Equal batch
 * halves make the sum of the two means equal to 2 × (mean over all 2B rows):
 * - BCE: 2 · mean softplus(sign ⊙ a); least squares: mean (a − target)² (the ½ cancels the 2).
 */
export function discriminatorLossStacked(logits: Tensor, kind: GeneratorLossKind, c: LossConstants): Scalar {
  if (kind === 'leastSquares') return tf.mean(tf.squaredDifference(logits, c.target));
  return tf.mul(tf.mean(tf.softplus(tf.mul(logits, c.sign))), c.two);
}

/** The x-axis of the loss-curve widget: the probability D(G(z)) or the logit a. */
export type LossAxis = 'probability' | 'logit';

/** The loss-curve widget's data: one entry per input point, all Float32Array of equal length. */
export interface LossCurves {
  /** The logit a at each point (a = logit(D) on the probability axis). */
  logit: Float32Array;
  /** D = σ(a) at each point. */
  probability: Float32Array;
  /** log(1 − D) = −softplus(a). */
  saturating: Float32Array;
  /** −log D = softplus(−a). */
  nonSaturating: Float32Array;
  /** ½ (a − 1)², with a read as the least-squares GAN's raw score; draw it against the logit. */
  leastSquares: Float32Array;
  /** d/da log(1 − σ(a)) = −σ(a), by autodiff. */
  gradSaturating: Float32Array;
  /** d/da (−log σ(a)) = −(1 − σ(a)), by autodiff. */
  gradNonSaturating: Float32Array;
  /** d/da ½ (a − 1)² = a − 1, by autodiff. */
  gradLeastSquares: Float32Array;
  /** Set when some inputs had to be moved (D of exactly 0 or 1 has an infinite logit). */
  warning?: string;
}

/**
 * The smallest distance from 0 and 1 kept on the probability axis. At D = 1e-7 the logit is
 * about −16.1, still exact in float32; D = 0 or 1 exactly would make the logit infinite.
 */
export const PROBABILITY_CLAMP = 1e-7;

/**
 * The three generator losses and their derivatives with respect to the logit at each point of
 * `xs`, computed by tfjs autodiff (`tf.grad` of the summed per-point losses, whose gradient is
 * the per-point derivative because point i's loss depends only on a_i).
 * On the probability axis xs are D(G(z)) ∈ [0, 1]; 0 and 1 are moved in by `PROBABILITY_CLAMP`
 * (with a `warning`); values outside [0, 1] or non-finite values throw. On the logit axis xs are
 * logits (any finite numbers). Reads back synchronously: a one-off for drawing, not for loops.
 */
export function lossCurves(xs: ArrayLike<number>, axis: LossAxis): LossCurves {
  const n = xs.length;
  if (n === 0) throw new Error('Give at least one point to evaluate the losses at.');
  const a64 = new Float64Array(n);
  let clamped = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    if (!Number.isFinite(x)) throw new Error(`The ${axis === 'logit' ? 'logit' : 'probability D(G(z))'} must be a finite number (got ${x}).`);
    if (axis === 'logit') {
      a64[i] = x;
      continue;
    }
    if (x < 0 || x > 1) throw new Error(`D(G(z)) is a probability and must lie between 0 and 1 (got ${x}).`);
    const p = Math.min(Math.max(x, PROBABILITY_CLAMP), 1 - PROBABILITY_CLAMP);
    if (p !== x) clamped++;
    a64[i] = logit(p);
  }
  const out = tf.tidy(() => {
    const a = tf.tensor1d(Float32Array.from(a64));
    // The gradient of Σᵢ ℓ(aᵢ) with respect to aᵢ is ℓ'(aᵢ): point i's term depends on aᵢ alone.
    const grad = (kind: GeneratorLossKind) => tf.grad((t: Tensor) => tf.sum(generatorLossPerSample(t, kind)))(a);
    const results = [
      a,
      tf.sigmoid(a),
      generatorLossPerSample(a, 'saturating'),
      generatorLossPerSample(a, 'nonSaturating'),
      generatorLossPerSample(a, 'leastSquares'),
      grad('saturating'),
      grad('nonSaturating'),
      grad('leastSquares'),
    ];
    return results.map((t) => t.dataSync() as Float32Array);
  });
  const result: LossCurves = {
    logit: out[0], probability: out[1],
    saturating: out[2], nonSaturating: out[3], leastSquares: out[4],
    gradSaturating: out[5], gradNonSaturating: out[6], gradLeastSquares: out[7],
  };
  if (clamped > 0) {
    result.warning = `D(G(z)) = 0 or 1 exactly has an infinite logit; ${clamped === 1 ? 'that point is' : `${clamped} points are`} shown at ${PROBABILITY_CLAMP} from the edge instead.`;
  }
  return result;
}

/** The marker readout: every field of `LossCurves` at one point, as numbers. */
export interface LossesAtPoint {
  logit: number;
  probability: number;
  saturating: number;
  nonSaturating: number;
  leastSquares: number;
  gradSaturating: number;
  gradNonSaturating: number;
  gradLeastSquares: number;
  warning?: string;
}

/** `lossCurves` at a single point x (a probability or a logit, per `axis`). */
export function lossesAt(x: number, axis: LossAxis): LossesAtPoint {
  const c = lossCurves([x], axis);
  const r: LossesAtPoint = {
    logit: c.logit[0], probability: c.probability[0],
    saturating: c.saturating[0], nonSaturating: c.nonSaturating[0], leastSquares: c.leastSquares[0],
    gradSaturating: c.gradSaturating[0], gradNonSaturating: c.gradNonSaturating[0], gradLeastSquares: c.gradLeastSquares[0],
  };
  if (c.warning) r.warning = c.warning;
  return r;
}
