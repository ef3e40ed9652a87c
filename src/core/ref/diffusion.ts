/**
 * Float64 references for the diffusion modules: the oracles the tests compare against. Written
 * the plain, textbook way (loops, no tfjs, no folded coefficients), so that agreement with the
 * fast code means something.
 *
 * API
 * - `forwardMomentsRef(s, t, mean0, var0)`: mean and variance of x_t by iterating q(x_t | x_{t−1}).
 * - `posteriorByBayesRef(s, t, x0, xt)`: q(x_{t−1} | x_t, x₀) as a product of two Gaussians.
 * - `posteriorByQuadratureRef(s, t, x0, xt, points)`: the same moments by numerical integration.
 * - `MlpRef`, `mlpForwardRef`, `simpleLossAndGradsRef`, `adamStepRef`: the ε-network, its loss,
 *   gradients and one Adam step.
 * - `gaussianEpsOracleRef(s, mu, s2)`: the exact E[ε | x_t] when x₀ ~ N(mu, s² I).
 * - `reverseSampleRef(s, epsFn, options)`: DDPM/DDIM in their textbook form, same noise streams as
 *   the tfjs sampler.
 * - `mmd2Ref(x, y, h, dim)`, `mmd2ToStandardNormalRef(x, h, dim)`: the MMD estimators.
 */
import { childSeed, mulberry32, normalSampler } from '../random';
import type { Schedule } from '../diffusion/schedules';

/** Mean and variance of one coordinate of x_t when x₀ has the given mean and variance. */
export function forwardMomentsRef(s: Schedule, t: number, mean0: number, var0: number): { mean: number; variance: number } {
  let mean = mean0, variance = var0;
  for (let r = 1; r <= t; r++) {
    // x_r = √(1 − β_r) x_{r−1} + √β_r z
    mean = Math.sqrt(1 - s.beta[r]) * mean;
    variance = (1 - s.beta[r]) * variance + s.beta[r];
  }
  return { mean, variance };
}

/** ᾱ_t as the product of (1 − β_r), recomputed here rather than read from the table. */
function alphaBarRef(s: Schedule, t: number): number {
  let p = 1;
  for (let r = 1; r <= t; r++) p *= 1 - s.beta[r];
  return p;
}

/**
 * q(x_{t−1} | x_t, x₀) ∝ N(x_t; √α_t x_{t−1}, β_t) · N(x_{t−1}; √ᾱ_{t−1} x₀, 1 − ᾱ_{t−1}), one
 * coordinate. Completing the square: precision = α_t/β_t + 1/(1 − ᾱ_{t−1}),
 * mean = (√α_t x_t/β_t + √ᾱ_{t−1} x₀/(1 − ᾱ_{t−1})) / precision. Needs t ≥ 2 (at t = 1 the
 * second factor is a point mass).
 */
export function posteriorByBayesRef(s: Schedule, t: number, x0: number, xt: number): { mean: number; variance: number } {
  const alpha = 1 - s.beta[t], beta = s.beta[t];
  const abPrev = alphaBarRef(s, t - 1);
  const precision = alpha / beta + 1 / (1 - abPrev);
  const mean = ((Math.sqrt(alpha) * xt) / beta + (Math.sqrt(abPrev) * x0) / (1 - abPrev)) / precision;
  return { mean, variance: 1 / precision };
}

/**
 * The posterior moments by brute force: the unnormalised density of x_{t−1} evaluated on a fine
 * grid over [centre − 12w, centre + 12w] and integrated with the midpoint rule.
 */
export function posteriorByQuadratureRef(s: Schedule, t: number, x0: number, xt: number, centre: number, width: number, points = 20001): { mean: number; variance: number } {
  const alpha = 1 - s.beta[t], beta = s.beta[t];
  const abPrev = alphaBarRef(s, t - 1);
  const lo = centre - 12 * width, h = (24 * width) / points;
  const logW = new Float64Array(points);
  let maxLogW = -Infinity;
  for (let i = 0; i < points; i++) {
    const y = lo + (i + 0.5) * h;
    const a = xt - Math.sqrt(alpha) * y, b = y - Math.sqrt(abPrev) * x0;
    logW[i] = -(a * a) / (2 * beta) - (b * b) / (2 * (1 - abPrev));
    maxLogW = Math.max(maxLogW, logW[i]);
  }
  // Weights relative to the largest: the two factors can disagree so much that every raw weight underflows.
  let z = 0, m1 = 0, m2 = 0;
  for (let i = 0; i < points; i++) {
    const y = lo + (i + 0.5) * h;
    const w = Math.exp(logW[i] - maxLogW);
    z += w;
    m1 += w * y;
    m2 += w * y * y;
  }
  const mean = m1 / z;
  return { mean, variance: m2 / z - mean * mean };
}

/** A ReLU MLP in float64: W[l] is row-major [sizes[l], sizes[l+1]], b[l] has sizes[l+1] entries. */
export interface MlpRef {
  sizes: number[];
  W: Float64Array[];
  b: Float64Array[];
}

/** All layer outputs for n rows of input (row-major [n, sizes[0]]); ReLU between layers, linear last. */
function forwardAll(p: MlpRef, input: ArrayLike<number>, n: number): Float64Array[] {
  const acts: Float64Array[] = [Float64Array.from(input)];
  const L = p.W.length;
  for (let l = 0; l < L; l++) {
    const din = p.sizes[l], dout = p.sizes[l + 1];
    const a = acts[l], out = new Float64Array(n * dout);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dout; j++) {
        let z = p.b[l][j];
        for (let k = 0; k < din; k++) z += a[i * din + k] * p.W[l][k * dout + j];
        out[i * dout + j] = l < L - 1 ? Math.max(0, z) : z;
      }
    }
    acts.push(out);
  }
  return acts;
}

/** The MLP's output for n rows of input, row-major [n, sizes.at(-1)]. */
export function mlpForwardRef(p: MlpRef, input: ArrayLike<number>, n: number): Float64Array {
  const acts = forwardAll(p, input, n);
  return acts[acts.length - 1];
}

/**
 * L = (1/B) Σ_i ‖ε_i − f(input_i)‖² and its gradients by the chain rule, in float64.
 * Gradients come in the layout of the parameters.
 */
export function simpleLossAndGradsRef(p: MlpRef, input: ArrayLike<number>, eps: ArrayLike<number>, B: number): { loss: number; gW: Float64Array[]; gb: Float64Array[] } {
  const acts = forwardAll(p, input, B);
  const L = p.W.length;
  const out = acts[L], dOut = p.sizes[L];
  let loss = 0;
  let g = new Float64Array(B * dOut);
  for (let i = 0; i < B * dOut; i++) {
    const r = out[i] - eps[i];
    loss += r * r;
    g[i] = (2 * r) / B;
  }
  const gW: Float64Array[] = new Array(L), gb: Float64Array[] = new Array(L);
  for (let l = L - 1; l >= 0; l--) {
    const din = p.sizes[l], dout = p.sizes[l + 1], a = acts[l];
    const w = new Float64Array(din * dout), bb = new Float64Array(dout);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < dout; j++) {
        const gij = g[i * dout + j];
        bb[j] += gij;
        for (let k = 0; k < din; k++) w[k * dout + j] += a[i * din + k] * gij;
      }
    }
    gW[l] = w;
    gb[l] = bb;
    if (l > 0) {
      const prev = new Float64Array(B * din);
      for (let i = 0; i < B; i++) {
        for (let k = 0; k < din; k++) {
          if (a[i * din + k] <= 0) continue; // ReLU'(z) = 0 where the unit is off
          let s = 0;
          for (let j = 0; j < dout; j++) s += g[i * dout + j] * p.W[l][k * dout + j];
          prev[i * din + k] = s;
        }
      }
      g = prev;
    }
  }
  return { loss: loss / B, gW, gb };
}

/**
 * One Adam step (Kingma & Ba 2015, Algorithm 1) in place on flat arrays: m ← β₁m + (1 − β₁)g,
 * v ← β₂v + (1 − β₂)g², θ ← θ − lr·m̂/(√v̂ + ε) with m̂ = m/(1 − β₁ᵏ), v̂ = v/(1 − β₂ᵏ); k ≥ 1.
 */
export function adamStepRef(theta: Float64Array, m: Float64Array, v: Float64Array, g: ArrayLike<number>, k: number, lr: number, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8): void {
  for (let i = 0; i < theta.length; i++) {
    m[i] = beta1 * m[i] + (1 - beta1) * g[i];
    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
    const mHat = m[i] / (1 - beta1 ** k), vHat = v[i] / (1 - beta2 ** k);
    theta[i] -= (lr * mHat) / (Math.sqrt(vHat) + epsilon);
  }
}

/** ε as a function of flat points [n × 2] and t. */
export type EpsFnRef = (x: Float64Array, t: number) => Float64Array;

/**
 * The best possible ε-prediction when x₀ ~ N(mu, s2·I) in 2-D: E[ε | x_t] =
 * √(1 − ᾱ_t)(x_t − √ᾱ_t mu)/(ᾱ_t s2 + 1 − ᾱ_t), since x_t and ε are jointly Gaussian with
 * Cov(ε, x_t) = √(1 − ᾱ_t) and Var(x_t) = ᾱ_t s2 + 1 − ᾱ_t.
 */
export function gaussianEpsOracleRef(s: Schedule, mu: readonly [number, number], s2: number): EpsFnRef {
  return (x, t) => {
    const ab = alphaBarRef(s, t);
    const k = Math.sqrt(1 - ab) / (ab * s2 + 1 - ab);
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = k * (x[i] - Math.sqrt(ab) * mu[i % 2]);
    return out;
  };
}

export interface ReverseSampleRefOptions {
  method: 'ddpm' | 'ddim';
  steps?: number;
  eta?: number;
  variance?: 'posterior' | 'beta';
  clipX0?: number;
  n: number;
  seed: number;
}

/**
 * Sample by DDPM or DDIM in float64, written as in the papers:
 * DDPM: x_{t−1} = (x_t − β_t/√(1 − ᾱ_t) ε)/√α_t + σ_t z, σ_t² = β̃_t (or β_t), no noise at t = 1.
 * DDIM: x̂₀ = (x_t − √(1 − ᾱ_t) ε)/√ᾱ_t, x_{t'} = √ᾱ_{t'} x̂₀ + √(1 − ᾱ_{t'} − σ²) ε + σ z with
 * σ = η √((1 − ᾱ_{t'})/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_{t'}), on the steps τ_i = round(i·T/S).
 * With clipX0, x̂₀ is clamped to [−clipX0, clipX0]; DDPM then steps to the posterior mean
 * μ̃_t(x_t, x̂₀) and DDIM recomputes ε = (x_t − √ᾱ_t x̂₀)/√(1 − ᾱ_t) from the clamped x̂₀.
 * x_T and z are drawn in the same order from the same child seeds as the tfjs sampler.
 */
export function reverseSampleRef(s: Schedule, epsFn: EpsFnRef, o: ReverseSampleRefOptions): Float64Array {
  const T = s.T, n2 = 2 * o.n;
  const start = normalSampler(mulberry32(childSeed(o.seed, 'xT')));
  const noise = normalSampler(mulberry32(childSeed(o.seed, 'z')));
  let x = new Float64Array(n2);
  for (let i = 0; i < n2; i++) x[i] = start();
  const ab = (t: number) => alphaBarRef(s, t);
  if (o.method === 'ddpm') {
    for (let t = T; t >= 1; t--) {
      const e = epsFn(x, t);
      const beta = s.beta[t], alpha = 1 - beta;
      const varPost = ((1 - ab(t - 1)) / (1 - ab(t))) * beta;
      const sigma = t === 1 ? 0 : Math.sqrt(o.variance === 'beta' ? beta : varPost);
      const next = new Float64Array(n2);
      for (let i = 0; i < n2; i++) {
        if (o.clipX0 === undefined) {
          next[i] = (x[i] - (beta / Math.sqrt(1 - ab(t))) * e[i]) / Math.sqrt(alpha);
        } else {
          const x0hat = clamp((x[i] - Math.sqrt(1 - ab(t)) * e[i]) / Math.sqrt(ab(t)), o.clipX0);
          next[i] = ((Math.sqrt(ab(t - 1)) * beta) / (1 - ab(t))) * x0hat + ((Math.sqrt(alpha) * (1 - ab(t - 1))) / (1 - ab(t))) * x[i];
        }
      }
      if (sigma > 0) for (let i = 0; i < n2; i++) next[i] += sigma * noise();
      x = next;
    }
    return x;
  }
  const S = o.steps ?? T, eta = o.eta ?? 0;
  const taus: number[] = [];
  for (let i = S; i >= 1; i--) taus.push(Math.round((i * T) / S));
  taus.push(0);
  for (let k = 0; k + 1 < taus.length; k++) {
    const t = taus[k], tp = taus[k + 1];
    const e = epsFn(x, t);
    const a = ab(t), ap = ab(tp);
    const sigma = eta * Math.sqrt((1 - ap) / (1 - a)) * Math.sqrt(1 - a / ap);
    const dir = Math.sqrt(Math.max(0, 1 - ap - sigma * sigma));
    const next = new Float64Array(n2);
    for (let i = 0; i < n2; i++) {
      let x0hat = (x[i] - Math.sqrt(1 - a) * e[i]) / Math.sqrt(a);
      let ei = e[i];
      if (o.clipX0 !== undefined) {
        x0hat = clamp(x0hat, o.clipX0);
        ei = (x[i] - Math.sqrt(a) * x0hat) / Math.sqrt(1 - a);
      }
      next[i] = Math.sqrt(ap) * x0hat + dir * ei;
    }
    if (sigma > 0) for (let i = 0; i < n2; i++) next[i] += sigma * noise();
    x = next;
  }
  return x;
}

function clamp(v: number, c: number): number {
  return Math.min(c, Math.max(-c, v));
}

/** k(a_i, b_j) = exp(−‖a_i − b_j‖²/(2h²)) summed over pairs, skipping i = j when `skipDiagonal`. */
function kernelSumRef(a: ArrayLike<number>, b: ArrayLike<number>, h: number, dim: number, skipDiagonal: boolean): number {
  const n = a.length / dim, m = b.length / dim;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (skipDiagonal && i === j) continue;
      let d2 = 0;
      for (let k = 0; k < dim; k++) {
        const d = a[i * dim + k] - b[j * dim + k];
        d2 += d * d;
      }
      s += Math.exp(-d2 / (2 * h * h));
    }
  }
  return s;
}

/** Unbiased two-sample MMD² with a Gaussian kernel of bandwidth h. */
export function mmd2Ref(x: ArrayLike<number>, y: ArrayLike<number>, h = 1, dim = 2): number {
  const n = x.length / dim, m = y.length / dim;
  return kernelSumRef(x, x, h, dim, true) / (n * (n - 1)) + kernelSumRef(y, y, h, dim, true) / (m * (m - 1))
    - (2 * kernelSumRef(x, y, h, dim, false)) / (n * m);
}

/**
 * MMD² between a sample and N(0, I) with the Gaussian expectations in closed form (the kernel
 * is (2πh²)^{d/2} times a Gaussian density, so E_y k(x, y) is a Gaussian convolution).
 */
export function mmd2ToStandardNormalRef(x: ArrayLike<number>, h = 1, dim = 2): number {
  const n = x.length / dim, h2 = h * h;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    let r2 = 0;
    for (let k = 0; k < dim; k++) r2 += x[i * dim + k] ** 2;
    cross += (h2 / (h2 + 1)) ** (dim / 2) * Math.exp(-r2 / (2 * (h2 + 1)));
  }
  return kernelSumRef(x, x, h, dim, true) / (n * (n - 1)) - (2 * cross) / n + (h2 / (h2 + 2)) ** (dim / 2);
}
