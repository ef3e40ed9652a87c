/**
 * The ELBO gap on a model small enough to solve exactly: a one-dimensional linear-Gaussian latent
 * variable model
 *   p(z) = N(z; 0, 1),   p_θ(x|z) = N(x; w z + b, s²),
 * for which the evidence and the posterior are Gaussian in closed form:
 *   p_θ(x) = N(x; b, w² + s²),   p_θ(z|x) = N(z; w(x − b)/(w² + s²), s²/(w² + s²)).
 * For any q(z|x) = N(z; μ_q, σ_q²),
 *   log p_θ(x) = ELBO(q) + D_KL(q(z|x) ‖ p_θ(z|x)),
 *   ELBO(q) = E_q[log p_θ(x|z)] − D_KL(q(z|x) ‖ p(z)),
 *   E_q[log p_θ(x|z)] = −½ log(2πs²) − [(x − b − wμ_q)² + w²σ_q²]/(2s²),
 * so the gap is the KL to the true posterior and closes exactly when q equals it. All in nats.
 *
 * API
 * - `LinearGaussianModel`: { w, b, s } (s is the decoder's noise standard deviation).
 * - `posterior(model, x)`: { mean, std } of p_θ(z|x).
 * - `logEvidence(model, x)`: log p_θ(x).
 * - `elboGap(model, x, qMean, qStd)`: { logEvidence, elbo, reconstruction, klPrior, gap, posterior }.
 * - `normalDensity(z, mean, std)`: N(z; mean, std²), for drawing q and the posterior.
 */
import { klNormal } from './kl';

/** The linear-Gaussian decoder p_θ(x|z) = N(x; w z + b, s²) with prior p(z) = N(0, 1). */
export interface LinearGaussianModel {
  /** Weight w of the decoder mean. */
  readonly w: number;
  /** Bias b of the decoder mean. */
  readonly b: number;
  /** Noise standard deviation s > 0 of the decoder. */
  readonly s: number;
}

/** A one-dimensional Gaussian by its mean and standard deviation. */
export interface Normal1D {
  readonly mean: number;
  readonly std: number;
}

export interface ElboGap {
  /** log p_θ(x), nats. */
  readonly logEvidence: number;
  /** ELBO(q) = reconstruction − klPrior, nats. */
  readonly elbo: number;
  /** E_q[log p_θ(x|z)], nats. */
  readonly reconstruction: number;
  /** D_KL(q(z|x) ‖ p(z)), nats. */
  readonly klPrior: number;
  /** D_KL(q(z|x) ‖ p_θ(z|x)) = log p_θ(x) − ELBO ≥ 0, nats. */
  readonly gap: number;
  /** The exact posterior p_θ(z|x). */
  readonly posterior: Normal1D;
}

function checkModel(m: LinearGaussianModel, x: number): void {
  if (!Number.isFinite(m.w) || !Number.isFinite(m.b)) throw new Error(`The decoder's weight and bias must be finite (got w = ${m.w}, b = ${m.b}).`);
  if (!(m.s > 0) || !Number.isFinite(m.s)) throw new Error(`The decoder's noise standard deviation s must be positive (got ${m.s}).`);
  if (!Number.isFinite(x)) throw new Error(`The observation x must be a finite number (got ${x}).`);
}

/** p_θ(z|x) = N(w(x − b)/(w² + s²), s²/(w² + s²)), returned as mean and standard deviation. */
export function posterior(model: LinearGaussianModel, x: number): Normal1D {
  checkModel(model, x);
  const { w, b, s } = model;
  const total = w * w + s * s;
  return { mean: (w * (x - b)) / total, std: s / Math.sqrt(total) };
}

/** log p_θ(x) = log N(x; b, w² + s²), nats. */
export function logEvidence(model: LinearGaussianModel, x: number): number {
  checkModel(model, x);
  const v = model.w * model.w + model.s * model.s;
  const d = x - model.b;
  return -0.5 * (Math.log(2 * Math.PI * v) + (d * d) / v);
}

/**
 * Split log p_θ(x) into ELBO(q) and the gap D_KL(q ‖ p_θ(z|x)) for q = N(qMean, qStd²).
 * Throws with a plain message when qStd ≤ 0 (q would be a point mass: its KL terms are infinite).
 */
export function elboGap(model: LinearGaussianModel, x: number, qMean: number, qStd: number): ElboGap {
  checkModel(model, x);
  if (!Number.isFinite(qMean)) throw new Error(`q's mean must be a finite number (got ${qMean}).`);
  if (!(qStd > 0) || !Number.isFinite(qStd)) {
    throw new Error(`q's standard deviation must be positive (got ${qStd}): at 0, q is a point and both KL terms are infinite.`);
  }
  const { w, b, s } = model;
  const qVar = qStd * qStd, s2 = s * s;
  const residual = x - b - w * qMean;
  const reconstruction = -0.5 * Math.log(2 * Math.PI * s2) - (residual * residual + w * w * qVar) / (2 * s2);
  const klPrior = klNormal(qMean, qVar, 0, 1);
  const post = posterior(model, x);
  const gap = klNormal(qMean, qVar, post.mean, post.std * post.std);
  return { logEvidence: logEvidence(model, x), elbo: reconstruction - klPrior, reconstruction, klPrior, gap, posterior: post };
}

/** N(z; mean, std²) = exp(−(z − mean)²/(2 std²)) / (std √(2π)). */
export function normalDensity(z: number, mean: number, std: number): number {
  if (!(std > 0)) throw new Error(`A density needs a positive standard deviation (got ${std}).`);
  const u = (z - mean) / std;
  return Math.exp(-0.5 * u * u) / (std * Math.sqrt(2 * Math.PI));
}
