/**
 * Plain float64 references for the VAE chapter: the oracle the tests compare the tfjs code and the
 * closed forms with. Written independently of src/core/vae (different algebra where possible).
 *
 * API
 * - `refKlNormal(mu1, sd1, mu2, sd2)`: D_KL as cross-entropy minus entropy.
 * - `refKlStdNormalPerDim(mu, logVar)`: the same per dimension against N(0, 1).
 * - `refKlMonteCarlo(mu, logVar, samples, seed)`: E_q[log q(z) − log p(z)] by sampling, with its standard error.
 * - `simpson(fn, a, b, n)`, `gaussianExpectation(g, mu, sigma, breaks?)`: quadrature.
 * - `refGradientEstimates(f, mu, sigma, eps, replicates, samples)`: the two estimators with analytic f′.
 * - `refLogEvidence(model, x)`, `refElbo(model, x, qMean, qStd)`: the linear-Gaussian model by quadrature.
 * - `refMlpForward(layers, activation, x, rows)`: an MLP forward pass.
 * - `refVaeTerms(params, x, eps, rows)`: recon, klPerDim and kl of a VAE batch.
 */
import { mulberry32, normalSampler } from '../random';

const LOG_2PI = Math.log(2 * Math.PI);

function logNormal(z: number, mean: number, sd: number): number {
  const u = (z - mean) / sd;
  return -0.5 * (LOG_2PI + u * u) - Math.log(sd);
}

/**
 * D_KL(N(mu1, sd1²) ‖ N(mu2, sd2²)) = H(q, p) − H(q), with cross-entropy
 * H(q, p) = ½ log(2π sd2²) + (sd1² + (mu1 − mu2)²)/(2 sd2²) and entropy H(q) = ½ log(2πe sd1²).
 * Standard deviations, not variances.
 */
export function refKlNormal(mu1: number, sd1: number, mu2: number, sd2: number): number {
  const crossEntropy = 0.5 * (LOG_2PI + 2 * Math.log(sd2)) + (sd1 * sd1 + (mu1 - mu2) ** 2) / (2 * sd2 * sd2);
  const entropy = 0.5 * (LOG_2PI + 1 + 2 * Math.log(sd1));
  return crossEntropy - entropy;
}

/** Per-dimension D_KL(N(μ_j, exp(logVar_j)) ‖ N(0, 1)) via refKlNormal. */
export function refKlStdNormalPerDim(mu: ArrayLike<number>, logVar: ArrayLike<number>): Float64Array {
  const out = new Float64Array(mu.length);
  for (let j = 0; j < mu.length; j++) out[j] = refKlNormal(mu[j], Math.exp(0.5 * logVar[j]), 0, 1);
  return out;
}

/**
 * Monte Carlo D_KL(q ‖ N(0, I)) for q = N(μ, diag exp(logVar)): the mean over `samples` draws
 * z ∼ q of log q(z) − log p(z), and the standard error of that mean.
 */
export function refKlMonteCarlo(mu: ArrayLike<number>, logVar: ArrayLike<number>, samples: number, seed: number): { estimate: number; standardError: number } {
  const normal = normalSampler(mulberry32(seed));
  let sum = 0, sumSq = 0;
  for (let s = 0; s < samples; s++) {
    let v = 0;
    for (let j = 0; j < mu.length; j++) {
      const sd = Math.exp(0.5 * logVar[j]);
      const z = mu[j] + sd * normal();
      v += logNormal(z, mu[j], sd) - logNormal(z, 0, 1);
    }
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / samples;
  const variance = (sumSq - samples * mean * mean) / (samples - 1);
  return { estimate: mean, standardError: Math.sqrt(Math.max(0, variance) / samples) };
}

/** Composite Simpson's rule for ∫_a^b fn with n (made even) intervals. */
export function simpson(fn: (x: number) => number, a: number, b: number, n: number): number {
  const m = n % 2 === 0 ? n : n + 1;
  const h = (b - a) / m;
  let s = fn(a) + fn(b);
  for (let i = 1; i < m; i++) s += (i % 2 === 1 ? 4 : 2) * fn(a + i * h);
  return (s * h) / 3;
}

/**
 * E_{z∼N(mu, sigma²)}[g(z)] by Simpson over mu ± 12σ, split at `breaks` (where g jumps) so each
 * piece is smooth.
 */
export function gaussianExpectation(g: (z: number) => number, mu: number, sigma: number, breaks: readonly number[] = [], n = 4000): number {
  const lo = mu - 12 * sigma, hi = mu + 12 * sigma;
  const points = [lo, ...breaks.filter((b) => b > lo && b < hi).sort((a, b) => a - b), hi];
  let total = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    // Evaluate a hair inside each piece so an endpoint at a jump takes that piece's one-sided limit.
    const delta = 1e-9 * (b - a);
    const inside = (z: number) => Math.min(b - delta, Math.max(a + delta, z));
    total += simpson((z) => g(inside(z)) * Math.exp(logNormal(z, mu, sigma)), a, b, n);
  }
  return total;
}

type RefTestFunction = 'quadratic' | 'sine' | 'step';

function refF(f: RefTestFunction, z: number): number {
  return f === 'quadratic' ? z * z : f === 'sine' ? Math.sin(z) : z > 0 ? 1 : 0;
}

/** f′(z) where it exists: 2z, cos z, and 0 for the step (its derivative away from 0). */
function refFPrime(f: RefTestFunction, z: number): number {
  return f === 'quadratic' ? 2 * z : f === 'sine' ? Math.cos(z) : 0;
}

/**
 * Score-function and pathwise estimates of ∇_μ E[f(z)], one per replicate, from eps laid out
 * row-major [replicates, samples]: score_r = mean_i f(z_ri)(z_ri − μ)/σ², pathwise_r = mean_i f′(z_ri),
 * with z_ri = μ + σ eps_ri.
 */
export function refGradientEstimates(f: RefTestFunction, mu: number, sigma: number, eps: ArrayLike<number>, replicates: number, samples: number): { score: Float64Array; pathwise: Float64Array } {
  const score = new Float64Array(replicates), pathwise = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    let s = 0, p = 0;
    for (let i = 0; i < samples; i++) {
      const z = mu + sigma * eps[r * samples + i];
      s += (refF(f, z) * (z - mu)) / (sigma * sigma);
      p += refFPrime(f, z);
    }
    score[r] = s / samples;
    pathwise[r] = p / samples;
  }
  return { score, pathwise };
}

/** The 1-D linear-Gaussian model: z ∼ N(0, 1), x|z ∼ N(w z + b, s²). */
export interface RefLinearGaussian {
  w: number;
  b: number;
  s: number;
}

/** log p(x) = log ∫ N(x; w z + b, s²) N(z; 0, 1) dz by quadrature (the integrand scaled to avoid underflow). */
export function refLogEvidence(m: RefLinearGaussian, x: number): number {
  const logJoint = (z: number) => logNormal(x, m.w * z + m.b, m.s) + logNormal(z, 0, 1);
  // Locate the integrand's peak on a coarse grid, then integrate exp(logJoint − peak) around it.
  let peak = -Infinity, zPeak = 0;
  for (let z = -20; z <= 20; z += 0.001) {
    const v = logJoint(z);
    if (v > peak) { peak = v; zPeak = z; }
  }
  return peak + Math.log(simpson((z) => Math.exp(logJoint(z) - peak), zPeak - 15, zPeak + 15, 20000));
}

/** ELBO(q) = E_q[log p(x|z) + log p(z) − log q(z)] for q = N(qMean, qStd²), by quadrature. */
export function refElbo(m: RefLinearGaussian, x: number, qMean: number, qStd: number): number {
  return gaussianExpectation((z) => logNormal(x, m.w * z + m.b, m.s) + logNormal(z, 0, 1) - logNormal(z, qMean, qStd), qMean, qStd);
}

/** One dense layer's weights, row-major [in·out] (tfjs's matMul(h, W) layout), and bias [out]. */
export interface RefLayer {
  w: ArrayLike<number>;
  b: ArrayLike<number>;
  inSize: number;
  outSize: number;
}

export type RefActivation = 'relu' | 'leakyRelu' | 'tanh' | 'elu' | 'linear' | 'swish';

function act(a: RefActivation, v: number): number {
  switch (a) {
    case 'relu': return v > 0 ? v : 0;
    case 'leakyRelu': return v > 0 ? v : 0.2 * v;
    case 'tanh': return Math.tanh(v);
    case 'elu': return v > 0 ? v : Math.expm1(v);
    case 'swish': return v / (1 + Math.exp(-v));
    case 'linear': return v;
  }
}

/** MLP forward in float64: activation between layers, the last layer linear. x [rows·in] → [rows·out]. */
export function refMlpForward(layers: readonly RefLayer[], activation: RefActivation, x: ArrayLike<number>, rows: number): Float64Array {
  let h = Float64Array.from(x);
  layers.forEach((layer, l) => {
    const out = new Float64Array(rows * layer.outSize);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < layer.outSize; o++) {
        let s = layer.b[o];
        for (let i = 0; i < layer.inSize; i++) s += h[r * layer.inSize + i] * layer.w[i * layer.outSize + o];
        out[r * layer.outSize + o] = l < layers.length - 1 ? act(activation, s) : s;
      }
    }
    h = out;
  });
  return h;
}

export interface RefVaeParams {
  encoder: RefLayer[];
  decoder: RefLayer[];
  activation: RefActivation;
  likelihood: 'bernoulli' | 'gaussian';
  /** s of the Gaussian decoder. */
  decoderStd: number;
  inputDim: number;
  latentDim: number;
}

/** log(1 + e^l) without overflow: max(l, 0) + log1p(e^{−|l|}). */
function softplus(l: number): number {
  return Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));
}

/**
 * The VAE's batch terms with the given noise: recon = mean over rows of −log p(x|z) with
 * z = μ + exp(½ logVar) ε; klPerDim = mean over rows of the per-dimension KL to N(0, 1); kl = Σ klPerDim.
 * Bernoulli: −log p(x|z) = Σ_d [softplus(l_d) − x_d l_d]; Gaussian: Σ_d log N(x_d; m_d, s²) negated.
 */
export function refVaeTerms(p: RefVaeParams, x: ArrayLike<number>, eps: ArrayLike<number>, rows: number): { recon: number; klPerDim: Float64Array; kl: number } {
  const dz = p.latentDim, D = p.inputDim;
  const enc = refMlpForward(p.encoder, p.activation, x, rows);
  const z = new Float64Array(rows * dz);
  const klPerDim = new Float64Array(dz);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dz; j++) {
      const mu = enc[r * 2 * dz + j], logVar = enc[r * 2 * dz + dz + j];
      z[r * dz + j] = mu + Math.exp(0.5 * logVar) * eps[r * dz + j];
      klPerDim[j] += refKlNormal(mu, Math.exp(0.5 * logVar), 0, 1) / rows;
    }
  }
  const out = refMlpForward(p.decoder, p.activation, z, rows);
  let recon = 0;
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < D; d++) {
      const xv = x[r * D + d], o = out[r * D + d];
      recon -= p.likelihood === 'bernoulli' ? xv * o - softplus(o) : logNormal(xv, o, p.decoderStd);
    }
  }
  return { recon: recon / rows, klPerDim, kl: klPerDim.reduce((s, v) => s + v, 0) };
}
