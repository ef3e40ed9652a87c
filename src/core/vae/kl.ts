/**
 * Kullback–Leibler divergences between Gaussians, in nats.
 *
 * API
 * - `klNormal(mu1, var1, mu2, var2)`: D_KL(N(mu1, var1) ‖ N(mu2, var2)) for scalars.
 * - `klStdNormalPerDim(mu, logVar)`: per-dimension D_KL(N(μ_j, σ_j²) ‖ N(0, 1)) for plain arrays.
 * - `klStdNormal(mu, logVar)`: its sum, D_KL(N(μ, diag σ²) ‖ N(0, I)).
 * - `klStdNormalTensor(mu, logVar)`: the same per element on tfjs tensors, as the VAE's loss uses it.
 *
 * For the VAE, q_φ(z|x) = N(μ_φ(x), diag σ²_φ(x)) and p(z) = N(0, I), so the KL term is
 *   D_KL(q_φ(z|x) ‖ p(z)) = ½ Σ_j (σ_j² + μ_j² − log σ_j² − 1),
 * a sum of one term per latent dimension; each term is ≥ 0 and is 0 only at μ_j = 0, σ_j = 1, which
 * is what makes "KL per dimension" a measure of which latent units carry information.
 */
import { tf } from '../tf';

/**
 * D_KL(N(mu1, var1) ‖ N(mu2, var2)) = ½ [log(var2/var1) + (var1 + (mu1 − mu2)²)/var2 − 1], in nats.
 * Variances, not standard deviations. Throws when a variance is not positive and finite.
 */
export function klNormal(mu1: number, var1: number, mu2: number, var2: number): number {
  if (!(var1 > 0 && Number.isFinite(var1)) || !(var2 > 0 && Number.isFinite(var2))) {
    throw new Error(`A Gaussian's variance must be positive and finite (got ${var1} and ${var2}).`);
  }
  const d = mu1 - mu2;
  return 0.5 * (Math.log(var2 / var1) + (var1 + d * d) / var2 - 1);
}

function checkPair(mu: ArrayLike<number>, logVar: ArrayLike<number>): void {
  if (mu.length !== logVar.length) throw new Error(`μ has ${mu.length} entries but log σ² has ${logVar.length}.`);
}

/**
 * Per-dimension KL to the standard normal, ½ (exp(logVar_j) + μ_j² − logVar_j − 1), in nats.
 * `mu` and `logVar` have the same length d_z (or any flat shape, element by element).
 */
export function klStdNormalPerDim(mu: ArrayLike<number>, logVar: ArrayLike<number>): Float64Array {
  checkPair(mu, logVar);
  const out = new Float64Array(mu.length);
  for (let j = 0; j < mu.length; j++) out[j] = 0.5 * (Math.exp(logVar[j]) + mu[j] * mu[j] - logVar[j] - 1);
  return out;
}

/** D_KL(N(μ, diag exp(logVar)) ‖ N(0, I)) = ½ Σ_j (σ_j² + μ_j² − log σ_j² − 1), in nats. */
export function klStdNormal(mu: ArrayLike<number>, logVar: ArrayLike<number>): number {
  return klStdNormalPerDim(mu, logVar).reduce((s, v) => s + v, 0);
}

/**
 * Element-wise ½ (exp(logVar) + μ² − logVar − 1) on tensors of the same shape (e.g. [batch, d_z]);
 * sum over the last axis for the KL of each example, average over the batch for "KL per dimension".
 * Pass `variance = exp(logVar)` when the caller already has it, to save an op.
 */
export function klStdNormalTensor(mu: tf.Tensor, logVar: tf.Tensor, variance?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const v = variance ?? tf.exp(logVar);
    return tf.mul(tf.sub(tf.add(v, tf.square(mu)), tf.add(logVar, 1)), 0.5);
  });
}
