/**
 * The reparameterisation trick in one dimension: two unbiased-looking ways to estimate
 *   g(μ) = ∇_μ E_{z∼N(μ,σ²)}[f(z)]
 * from n draws, compared over many independent repetitions.
 *
 * - Score function (REINFORCE): g ≈ (1/n) Σ_i f(z_i) ∇_μ log N(z_i; μ, σ²) = (1/n) Σ_i f(z_i) (z_i − μ)/σ².
 * - Pathwise (reparameterised): write z = μ + σε with ε ∼ N(0, 1), so g = E_ε[f′(μ + σε)]
 *   ≈ (1/n) Σ_i f′(μ + σε_i). Here f′ comes from tfjs's automatic differentiation, exactly as in a VAE.
 *
 * For smooth f and moderate σ the pathwise estimator usually has much the lower variance, but not
 * always: for sin z under a wide q (μ = −1.3, σ = 1.7) the score function's is lower (`perDrawVariance`).
 *
 * The pathwise estimator needs f differentiable. For the step f(z) = 1[z > 0] the derivative is 0
 * wherever it exists, so the pathwise estimate is 0 for almost every draw: biased, although the
 * exact gradient is φ(μ/σ)/σ. `estimateGradients` returns that honestly, with a warning.
 *
 * API
 * - `TEST_FUNCTIONS`, `TestFunction`: 'quadratic' (z²), 'sine' (sin z), 'step' (1[z > 0]).
 * - `testFunctionValue(f, z)`: f(z).
 * - `exactExpectation(f, mu, sigma)`: E[f(z)], closed form.
 * - `exactGradient(f, mu, sigma)`: ∇_μ E[f(z)], closed form.
 * - `perDrawVariance(f, mu, sigma)`: exact variance of one draw's score and pathwise terms (divide by n for an n-draw estimate).
 * - `standardNormalCdf(x)`: Φ(x).
 * - `standardNormalDraws(count, seed)`: seeded N(0, 1) draws as a Float32Array.
 * - `gradientEstimatesTensor(f, mu, sigma, eps)`: tfjs, eps [replicates, n] → { score, pathwise } [replicates].
 * - `estimateGradients(options)`: async; the estimates, their means and variances, the exact values, a warning.
 * - `histogram(values, bins, range?)`: counts over equal bins, for drawing the two histograms on one axis.
 */
import { tf } from '../tf';
import { mulberry32, normalSampler } from '../random';

/** The functions f whose expectation's gradient is estimated. */
export const TEST_FUNCTIONS = ['quadratic', 'sine', 'step'] as const;
export type TestFunction = (typeof TEST_FUNCTIONS)[number];

/** Largest replicates·samples accepted: 4 million float32 draws is 16 MB, enough for any slider. */
export const MAX_DRAWS = 4_000_000;

const SQRT_2PI = Math.sqrt(2 * Math.PI);

function standardNormalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Φ(x), the standard normal CDF, by Marsaglia's series Φ(x) = ½ + φ(x) Σ_k x^{2k+1}/(1·3·…·(2k+1))
 * (absolute error below 1e-15). Beyond |x| = 8 it returns 0 or 1 (Φ(−8) ≈ 6·10⁻¹⁶).
 */
export function standardNormalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -8) return 0;
  if (x > 8) return 1;
  let term = x, sum = x;
  const x2 = x * x;
  for (let k = 1; k < 1000 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
    term *= x2 / (2 * k + 1);
    sum += term;
  }
  return 0.5 + standardNormalPdf(x) * sum;
}

/** f(z) for one of the test functions. */
export function testFunctionValue(f: TestFunction, z: number): number {
  switch (f) {
    case 'quadratic': return z * z;
    case 'sine': return Math.sin(z);
    case 'step': return z > 0 ? 1 : 0;
  }
}

function checkMuSigma(mu: number, sigma: number): void {
  if (!Number.isFinite(mu)) throw new Error(`μ must be a finite number, not ${mu}.`);
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new Error(`σ must be positive and finite, not ${sigma}.`);
}

/**
 * E_{z∼N(μ,σ²)}[f(z)] in closed form: μ² + σ² (quadratic), sin(μ) e^{−σ²/2} (sine), Φ(μ/σ) (step).
 */
export function exactExpectation(f: TestFunction, mu: number, sigma: number): number {
  checkMuSigma(mu, sigma);
  switch (f) {
    case 'quadratic': return mu * mu + sigma * sigma;
    case 'sine': return Math.sin(mu) * Math.exp(-0.5 * sigma * sigma);
    case 'step': return standardNormalCdf(mu / sigma);
  }
}

/**
 * ∇_μ E_{z∼N(μ,σ²)}[f(z)] in closed form: 2μ (quadratic), cos(μ) e^{−σ²/2} (sine), φ(μ/σ)/σ (step).
 */
export function exactGradient(f: TestFunction, mu: number, sigma: number): number {
  checkMuSigma(mu, sigma);
  switch (f) {
    case 'quadratic': return 2 * mu;
    case 'sine': return Math.cos(mu) * Math.exp(-0.5 * sigma * sigma);
    case 'step': return standardNormalPdf(mu / sigma) / sigma;
  }
}

/**
 * Exact variance of a single draw's contribution (n = 1), with z = μ + σε:
 * score term s = f(z) ε/σ and pathwise term p = f′(z). An n-draw estimate has variance v/n.
 * - quadratic: Var s = μ⁴/σ² + 14μ² + 15σ², Var p = 4σ².
 * - sine: E s² = [1 − cos(2μ)(1 − 4σ²) e^{−2σ²}]/(2σ²), E p² = [1 + cos(2μ) e^{−2σ²}]/2,
 *   minus the squared mean cos²(μ) e^{−σ²} from each.
 * - step: E s² = [Φ(m) − m φ(m)]/σ² with m = μ/σ, minus (φ(m)/σ)²; p = 0 almost surely, variance 0.
 */
export function perDrawVariance(f: TestFunction, mu: number, sigma: number): { score: number; pathwise: number } {
  checkMuSigma(mu, sigma);
  const s2 = sigma * sigma;
  switch (f) {
    case 'quadratic':
      return { score: (mu ** 4) / s2 + 14 * mu * mu + 15 * s2, pathwise: 4 * s2 };
    case 'sine': {
      const g = Math.cos(mu) * Math.exp(-0.5 * s2);
      const c = Math.cos(2 * mu) * Math.exp(-2 * s2);
      return { score: (1 - c * (1 - 4 * s2)) / (2 * s2) - g * g, pathwise: (1 + c) / 2 - g * g };
    }
    case 'step': {
      const m = mu / sigma;
      const g = standardNormalPdf(m) / sigma;
      // Clamp: for |m| ≫ 1 both terms are ~1e-16 and rounding could leave a tiny negative number.
      return { score: Math.max(0, (standardNormalCdf(m) - m * standardNormalPdf(m)) / s2 - g * g), pathwise: 0 };
    }
  }
}

/** `count` seeded standard normal draws (Box–Muller over mulberry32), as float32 for tfjs. */
export function standardNormalDraws(count: number, seed: number): Float32Array {
  const normal = normalSampler(mulberry32(seed));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = normal();
  return out;
}

function applyTf(f: TestFunction, z: tf.Tensor): tf.Tensor {
  switch (f) {
    case 'quadratic': return tf.square(z);
    case 'sine': return tf.sin(z);
    // tfjs's step has gradient 0 everywhere, as the true derivative has wherever it exists.
    case 'step': return tf.step(z);
  }
}

/**
 * Both estimators on tfjs, for all replicates at once.
 * `eps` [replicates, n] holds standard normal draws; row r gives one n-draw estimate of each kind.
 * Returns { score, pathwise }, each [replicates]; the caller owns (and disposes) both.
 * The pathwise column is the autodiff gradient of (1/n) Σ_i f(μ_r + σ ε_ri) with respect to μ_r.
 */
export function gradientEstimatesTensor(f: TestFunction, mu: number, sigma: number, eps: tf.Tensor2D): { score: tf.Tensor1D; pathwise: tf.Tensor1D } {
  checkMuSigma(mu, sigma);
  const [replicates] = eps.shape;
  return tf.tidy(() => {
    const muColumn = tf.fill([replicates, 1], mu);
    const sigmaEps = tf.mul(eps, sigma);
    // Summing the per-replicate means makes ∂/∂μ_r of the sum equal replicate r's own estimate.
    const objective = (m: tf.Tensor) => tf.sum(tf.mean(applyTf(f, tf.add(m, sigmaEps)), 1));
    const pathwise = tf.reshape(tf.grad(objective)(muColumn), [replicates]) as tf.Tensor1D;
    const fz = applyTf(f, tf.add(sigmaEps, mu));
    const score = tf.div(tf.mean(tf.mul(fz, eps), 1), sigma) as tf.Tensor1D;
    return { score, pathwise };
  });
}

/** One estimator's results over all replicates. */
export interface EstimatorSummary {
  /** One n-draw estimate per replicate. */
  readonly estimates: Float32Array;
  /** Mean of the estimates (float64). */
  readonly mean: number;
  /** Unbiased sample variance of the estimates (float64). */
  readonly variance: number;
  /** The exact variance of an n-draw estimate, perDrawVariance / n. */
  readonly exactVariance: number;
}

export interface GradientEstimates {
  readonly f: TestFunction;
  readonly mu: number;
  readonly sigma: number;
  /** Draws per estimate (n). */
  readonly samples: number;
  readonly replicates: number;
  /** ∇_μ E[f(z)], closed form. */
  readonly exact: number;
  readonly score: EstimatorSummary;
  readonly pathwise: EstimatorSummary;
  /** A plain-English note for the reader (the step's biased pathwise estimate), or undefined. */
  readonly warning?: string;
}

export interface EstimateOptions {
  f: TestFunction;
  mu: number;
  sigma: number;
  /** Draws per estimate, n ≥ 1. */
  samples: number;
  /** Independent estimates to histogram, ≥ 2 (default 1000). */
  replicates?: number;
  seed?: number;
}

function summarise(values: Float32Array): { mean: number; variance: number } {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, variance: ss / (values.length - 1) };
}

/**
 * Draw replicates·samples seeded normals, run both estimators on tfjs and read the estimates back
 * asynchronously. Throws with a plain message on σ ≤ 0, non-integer or too few samples/replicates,
 * or more than MAX_DRAWS draws in all.
 */
export async function estimateGradients(options: EstimateOptions): Promise<GradientEstimates> {
  const { f, mu, sigma, samples, replicates = 1000, seed = 1 } = options;
  checkMuSigma(mu, sigma);
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`Each estimate needs a whole number of draws, at least 1 (got ${samples}).`);
  if (!Number.isInteger(replicates) || replicates < 2) throw new Error(`A variance needs at least 2 replicates (got ${replicates}).`);
  if (samples * replicates > MAX_DRAWS) {
    throw new Error(`${samples} draws × ${replicates} replicates is more than the ${MAX_DRAWS.toLocaleString('en')} draws allowed; lower one of them.`);
  }
  const eps = standardNormalDraws(samples * replicates, seed);
  const { score, pathwise } = tf.tidy(() => gradientEstimatesTensor(f, mu, sigma, tf.tensor2d(eps, [replicates, samples])));
  let scoreValues: Float32Array, pathwiseValues: Float32Array;
  try {
    [scoreValues, pathwiseValues] = (await Promise.all([score.data(), pathwise.data()])) as [Float32Array, Float32Array];
  } finally {
    score.dispose();
    pathwise.dispose();
  }
  const exactPerDraw = perDrawVariance(f, mu, sigma);
  return {
    f, mu, sigma, samples, replicates,
    exact: exactGradient(f, mu, sigma),
    score: { estimates: scoreValues, ...summarise(scoreValues), exactVariance: exactPerDraw.score / samples },
    pathwise: { estimates: pathwiseValues, ...summarise(pathwiseValues), exactVariance: exactPerDraw.pathwise / samples },
    warning: f === 'step'
      ? 'The step has derivative 0 wherever it has one, so the pathwise estimate is 0 for almost every draw: it is biased. The true gradient, φ(μ/σ)/σ, comes from the jump at 0, which only the score-function estimator sees.'
      : undefined,
  };
}

/** Counts of values in `bins` equal bins over [lo, hi]; values outside the range are counted apart. */
export interface Histogram {
  readonly counts: Uint32Array;
  readonly lo: number;
  readonly hi: number;
  /** Width of one bin, (hi − lo)/bins. */
  readonly binWidth: number;
  /** Values below lo or above hi (or not finite), not in any bin. */
  readonly outside: number;
}

/**
 * Histogram over [lo, hi] (default: the values' min and max); the last bin includes hi.
 * Use the same range for both estimators so their histograms share an axis.
 * A zero-width range (all values equal) is widened by ½ on each side so the values land in a bin.
 */
export function histogram(values: ArrayLike<number>, bins: number, range?: readonly [number, number]): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`A histogram needs a whole number of bins, at least 1 (got ${bins}).`);
  let lo = range?.[0] ?? Infinity, hi = range?.[1] ?? -Infinity;
  if (!range) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
    if (lo > hi) { lo = 0; hi = 1; }
  }
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || lo > hi) throw new Error(`The histogram range [${lo}, ${hi}] is not a finite interval.`);
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  const counts = new Uint32Array(bins);
  const binWidth = (hi - lo) / bins;
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) { outside++; continue; }
    counts[Math.min(bins - 1, Math.floor((v - lo) / binWidth))]++;
  }
  return { counts, lo, hi, binWidth, outside };
}
