/**
 * The optimal discriminator in 1-D: for fixed densities p_data and p_g,
 * D*(x) = p_data(x) / (p_data(x) + p_g(x)), and at D* the GAN value is
 * V(D*, G) = E_data[log D*(x)] + E_g[log(1 − D*(x))] = −log 4 + 2·JSD(p_data ‖ p_g).
 * Everything is float64 and computed in log space, so tails where both densities underflow
 * still give the right D* (the ratio, not 0/0). Natural logs: values are in nats.
 *
 * API:
 * - `Mixture1D`, `gaussian1D(mean, std)`, `twoComponentMixture(m1, s1, m2, s2, w1)`,
 *   `mixture1D(components)`: densities the widget can adjust (validated; bad input throws).
 * - `logDensity1D(p, x)`, `density1D(p, x)`.
 * - `optimalDiscriminator(pData, pG, xs)`: D*(x) at each x (Float64Array).
 * - `integrationGrid(pData, pG, points?)`: the grid every integral here uses.
 * - `ganValue(pData, pG, logitD, options?)`: V(D, G) for any discriminator given by its logit.
 * - `valueAtOptimum(pData, pG, options?)`: V(D*, G), JSD, −log 4 + 2·JSD and the checks.
 * - `klDivergence1D(p, q, options?)`: D_KL(p ‖ q) by the same quadrature.
 */
import { softplus } from '../ref/gan';

/** One Gaussian component N(x; mean, std²) with its mixture weight. */
export interface Component1D {
  readonly mean: number;
  readonly std: number;
  readonly weight: number;
}

/** A 1-D Gaussian mixture; weights are non-negative and sum to 1. */
export interface Mixture1D {
  readonly components: readonly Component1D[];
}

/** Validate and build a mixture. Throws a plain-English Error on invalid parameters. */
export function mixture1D(components: readonly Component1D[]): Mixture1D {
  if (components.length === 0) throw new Error('A mixture needs at least one component.');
  let total = 0;
  for (const c of components) {
    if (!Number.isFinite(c.mean)) throw new Error(`Each component's mean must be a finite number (got ${c.mean}).`);
    if (!(c.std > 0) || !Number.isFinite(c.std)) throw new Error(`Each component's standard deviation must be a positive number (got ${c.std}).`);
    if (!(c.weight >= 0) || !Number.isFinite(c.weight)) throw new Error(`Each mixture weight must be between 0 and 1 (got ${c.weight}).`);
    total += c.weight;
  }
  // Weights typed on sliders may carry rounding; anything further off is a mistake.
  if (Math.abs(total - 1) > 1e-9) throw new Error(`The mixture weights must sum to 1 (they sum to ${total}).`);
  return { components: components.filter((c) => c.weight > 0) };
}

/** A single Gaussian N(mean, std²). */
export function gaussian1D(mean: number, std: number): Mixture1D {
  return mixture1D([{ mean, std, weight: 1 }]);
}

/** w₁·N(m₁, s₁²) + (1 − w₁)·N(m₂, s₂²), w₁ ∈ [0, 1]. */
export function twoComponentMixture(mean1: number, std1: number, mean2: number, std2: number, weight1: number): Mixture1D {
  if (!(weight1 >= 0 && weight1 <= 1)) throw new Error(`The first component's weight must be between 0 and 1 (got ${weight1}).`);
  return mixture1D([{ mean: mean1, std: std1, weight: weight1 }, { mean: mean2, std: std2, weight: 1 - weight1 }]);
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log(e^x + e^y) without overflow; −∞ when both are −∞. */
function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const m = Math.max(x, y);
  return m + Math.log1p(Math.exp(-Math.abs(x - y)));
}

/** log p(x) = log Σₖ wₖ N(x; μₖ, σₖ²), by log-sum-exp (finite far into the tails). */
export function logDensity1D(p: Mixture1D, x: number): number {
  let acc = -Infinity;
  for (const c of p.components) {
    const z = (x - c.mean) / c.std;
    acc = logAddExp(acc, Math.log(c.weight) - 0.5 * z * z - Math.log(c.std) - LOG_SQRT_2PI);
  }
  return acc;
}

/** p(x), the mixture density (1/length units). */
export function density1D(p: Mixture1D, x: number): number {
  return Math.exp(logDensity1D(p, x));
}

/** D*(x) = p_data / (p_data + p_g) = σ(log p_data(x) − log p_g(x)) at each x; values in [0, 1]. */
export function optimalDiscriminator(pData: Mixture1D, pG: Mixture1D, xs: ArrayLike<number>): Float64Array {
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const d = logDensity1D(pData, xs[i]) - logDensity1D(pG, xs[i]);
    out[i] = d >= 0 ? 1 / (1 + Math.exp(-d)) : Math.exp(d) / (1 + Math.exp(d));
  }
  return out;
}

/** The quadrature grid: equally spaced points and their composite-Simpson weights. */
export interface IntegrationGrid {
  readonly xs: Float64Array;
  /** Simpson weights (h/3 · [1, 4, 2, 4, …, 4, 1]); Σ weights = hi − lo. */
  readonly weights: Float64Array;
}

/** Tails beyond 12 standard deviations carry < 1e-32 of a component's mass: nothing to lose. */
const TAIL_STDS = 12;
/** Points per standard deviation of the narrowest component: Simpson's error is then ~1e-12. */
const POINTS_PER_STD = 20;
const MIN_POINTS = 2001;
const MAX_POINTS = 400001;

/**
 * The grid that covers both mixtures to 12 standard deviations of every component, with at least
 * 20 points per standard deviation of the narrowest one (between 2,001 and 400,001 points; pass
 * `points` to choose). Odd point counts, as composite Simpson needs.
 */
export function integrationGrid(pData: Mixture1D, pG: Mixture1D, points?: number): IntegrationGrid {
  let lo = Infinity, hi = -Infinity, minStd = Infinity;
  for (const c of [...pData.components, ...pG.components]) {
    lo = Math.min(lo, c.mean - TAIL_STDS * c.std);
    hi = Math.max(hi, c.mean + TAIL_STDS * c.std);
    minStd = Math.min(minStd, c.std);
  }
  let n = points ?? Math.min(MAX_POINTS, Math.max(MIN_POINTS, Math.ceil(((hi - lo) / minStd) * POINTS_PER_STD)));
  if (!Number.isInteger(n) || n < 3) throw new Error(`The integration grid needs a whole number of at least 3 points (got ${n}).`);
  if (n % 2 === 0) n += 1;
  const h = (hi - lo) / (n - 1);
  const xs = new Float64Array(n), weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = lo + i * h;
    weights[i] = (h / 3) * (i === 0 || i === n - 1 ? 1 : i % 2 === 1 ? 4 : 2);
  }
  return { xs, weights };
}

/** Options shared by the integrals: the number of grid points (default: see `integrationGrid`). */
export interface IntegrationOptions {
  points?: number;
}

/**
 * V(D, G) = ∫ p_data(x) log D(x) dx + ∫ p_g(x) log(1 − D(x)) dx for a discriminator given by its
 * logit a(x) (D = σ(a)); log D = −softplus(−a) and log(1 − D) = −softplus(a), so a confident
 * wrong discriminator gives a large negative value, never NaN. Nats.
 */
export function ganValue(pData: Mixture1D, pG: Mixture1D, logitD: (x: number) => number, options: IntegrationOptions = {}): number {
  const { xs, weights } = integrationGrid(pData, pG, options.points);
  let v = 0;
  for (let i = 0; i < xs.length; i++) {
    const a = logitD(xs[i]);
    v += weights[i] * (density1D(pData, xs[i]) * -softplus(-a) + density1D(pG, xs[i]) * -softplus(a));
  }
  return v;
}

/** The optimal-discriminator readout; all values in nats. */
export interface OptimalValue {
  /** V(D*, G) by quadrature of p_data log D* + p_g log(1 − D*). */
  value: number;
  /** JSD(p_data ‖ p_g) = ½ KL(p_data ‖ m) + ½ KL(p_g ‖ m), m = (p_data + p_g)/2, by its own quadrature. */
  jsd: number;
  /** −log 4 + 2·JSD: equals `value` (the identity the widget shows). */
  identity: number;
  /** ∫ p_data and ∫ p_g on the grid: both 1 up to quadrature error (a check, shown on request). */
  massData: number;
  massG: number;
  /** Set when the quadrature is visibly off (mass differs from 1 by more than 1e-6). */
  warning?: string;
}

/**
 * V(D*, G) and JSD(p_data ‖ p_g) by composite Simpson quadrature, each from its own integrand
 * (V from log D* and log(1 − D*), JSD from log(p/m)), so their agreement with
 * V = −log 4 + 2·JSD is a check, not an assumption. As p_g → p_data, D* → ½ and V → −log 4.
 */
export function valueAtOptimum(pData: Mixture1D, pG: Mixture1D, options: IntegrationOptions = {}): OptimalValue {
  const { xs, weights } = integrationGrid(pData, pG, options.points);
  let value = 0, klDataM = 0, klGM = 0, massData = 0, massG = 0;
  for (let i = 0; i < xs.length; i++) {
    const lpD = logDensity1D(pData, xs[i]), lpG = logDensity1D(pG, xs[i]);
    const pD = Math.exp(lpD), pGx = Math.exp(lpG);
    const lse = logAddExp(lpD, lpG);
    // log D* = log p_data − log(p_data + p_g); log(1 − D*) = log p_g − log(p_data + p_g)
    value += weights[i] * (pD * (lpD - lse) + pGx * (lpG - lse));
    // log m = log(p_data + p_g) − log 2
    const logM = lse - Math.LN2;
    klDataM += weights[i] * pD * (lpD - logM);
    klGM += weights[i] * pGx * (lpG - logM);
    massData += weights[i] * pD;
    massG += weights[i] * pGx;
  }
  const jsd = 0.5 * klDataM + 0.5 * klGM;
  const result: OptimalValue = { value, jsd, identity: -Math.log(4) + 2 * jsd, massData, massG };
  if (Math.abs(massData - 1) > 1e-6 || Math.abs(massG - 1) > 1e-6) {
    result.warning = 'The integration grid is too coarse for the narrowest component; the values are approximate.';
  }
  return result;
}

/** D_KL(p ‖ q) = ∫ p log(p/q) dx by the same quadrature (nats); infinite only if q underflows where p does not. */
export function klDivergence1D(p: Mixture1D, q: Mixture1D, options: IntegrationOptions = {}): number {
  const { xs, weights } = integrationGrid(p, q, options.points);
  let kl = 0;
  for (let i = 0; i < xs.length; i++) {
    const lp = logDensity1D(p, xs[i]);
    kl += weights[i] * Math.exp(lp) * (lp - logDensity1D(q, xs[i]));
  }
  return kl;
}
