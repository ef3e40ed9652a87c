/**
 * The forward posterior q(x_{t−1} | x_t, x₀), the ε-parameterisation that turns a noise
 * prediction into a mean, and the per-step coefficients of the DDPM and DDIM samplers. Plain
 * float64 on small arrays: the samplers upload these coefficients once.
 *
 * API
 * - `posteriorMean(s, t, x0, xt): Float64Array`: μ̃_t(x_t, x₀).
 * - `posteriorVariance(s, t): number`: β̃_t.
 * - `x0FromEps(s, t, xt, eps): Float64Array`: x̂₀ = (x_t − √(1 − ᾱ_t) ε) / √ᾱ_t.
 * - `meanFromEps(s, t, xt, eps): Float64Array`: μ_θ = (x_t − β_t/√(1 − ᾱ_t) ε) / √α_t.
 * - `scoreFromEps(s, t, eps): Float64Array`: ∇ log q(x_t) ≈ −ε / √(1 − ᾱ_t).
 * - `ddimTimesteps(T, steps): Int32Array`: the visited t, from T down to the last before 0.
 * - `reverseCoefficients(s, options): ReverseCoefficients`: c1, c2, σ per step, so that each
 *   sampler step is x ← c1·x − c2·ε_θ(x, t) + σ·z (and p, q for the same step written through
 *   x̂₀, x ← p·x̂₀ + q·x + σ·z, which the samplers use when x̂₀ is clipped).
 *
 * Arrays are flat (any shape, e.g. [x0, y0, x1, y1, …]); x0, xt and eps have equal lengths.
 */
import type { Schedule } from './schedules';

function checkT(s: Schedule, t: number, from = 1): void {
  if (!Number.isInteger(t) || t < from || t > s.T) {
    throw new Error(`t must be a whole number from ${from} to ${s.T} (got ${t}).`);
  }
}

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`Arrays differ in length (${a.length} and ${b.length}).`);
}

/**
 * Posterior mean μ̃_t(x_t, x₀) = √ᾱ_{t−1} β_t/(1 − ᾱ_t) · x₀ + √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t) · x_t,
 * for t in [1, T]. Elementwise over flat arrays of equal length.
 */
export function posteriorMean(s: Schedule, t: number, x0: ArrayLike<number>, xt: ArrayLike<number>): Float64Array {
  checkT(s, t);
  checkSameLength(x0, xt);
  const a = s.posteriorMeanCoefX0[t], b = s.posteriorMeanCoefXt[t];
  const out = new Float64Array(x0.length);
  for (let i = 0; i < out.length; i++) out[i] = a * x0[i] + b * xt[i];
  return out;
}

/** Posterior variance β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t (per coordinate), for t in [1, T]. */
export function posteriorVariance(s: Schedule, t: number): number {
  checkT(s, t);
  return s.posteriorVariance[t];
}

/** The x₀ implied by a noise value: x̂₀ = (x_t − √(1 − ᾱ_t) ε) / √ᾱ_t, for t in [0, T]. */
export function x0FromEps(s: Schedule, t: number, xt: ArrayLike<number>, eps: ArrayLike<number>): Float64Array {
  checkT(s, t, 0);
  checkSameLength(xt, eps);
  const a = s.sqrtAlphaBar[t], b = s.sqrtOneMinusAlphaBar[t];
  const out = new Float64Array(xt.length);
  for (let i = 0; i < out.length; i++) out[i] = (xt[i] - b * eps[i]) / a;
  return out;
}

/**
 * The reverse-step mean in the ε-parameterisation (Ho et al. 2020, eq. 11):
 * μ_θ(x_t, t) = (x_t − β_t/√(1 − ᾱ_t) · ε_θ) / √α_t, for t in [1, T]. It equals
 * μ̃_t(x_t, x̂₀(x_t, ε_θ)).
 */
export function meanFromEps(s: Schedule, t: number, xt: ArrayLike<number>, eps: ArrayLike<number>): Float64Array {
  checkT(s, t);
  checkSameLength(xt, eps);
  const c = s.beta[t] / s.sqrtOneMinusAlphaBar[t], d = 1 / Math.sqrt(s.alpha[t]);
  const out = new Float64Array(xt.length);
  for (let i = 0; i < out.length; i++) out[i] = d * (xt[i] - c * eps[i]);
  return out;
}

/**
 * The score of the noised marginal implied by a noise prediction:
 * ∇_x log q_t(x) ≈ −ε_θ(x, t) / √(1 − ᾱ_t), for t in [1, T] (units: 1/length).
 */
export function scoreFromEps(s: Schedule, t: number, eps: ArrayLike<number>): Float64Array {
  checkT(s, t);
  const c = -1 / s.sqrtOneMinusAlphaBar[t];
  const out = new Float64Array(eps.length);
  for (let i = 0; i < out.length; i++) out[i] = c * eps[i];
  return out;
}

/**
 * The timesteps a sampler with `steps` steps visits, in the order visited: τ_i = round(i·T/steps)
 * for i = steps … 1, so τ starts at T, every τ_i ≥ 1, all are distinct for steps ≤ T, and
 * steps = T gives T, T−1, …, 1. The step from τ_1 goes to t = 0 (ᾱ_0 = 1).
 */
export function ddimTimesteps(T: number, steps: number): Int32Array {
  if (!Number.isInteger(steps) || steps < 1 || steps > T) {
    throw new Error(`The number of sampling steps must be a whole number from 1 to T = ${T} (got ${steps}).`);
  }
  const out = new Int32Array(steps);
  for (let i = steps; i >= 1; i--) out[steps - i] = Math.round((i * T) / steps);
  return out;
}

export interface ReverseOptions {
  method: 'ddpm' | 'ddim';
  /** DDIM only: number of steps (≤ T); DDPM always takes all T. */
  steps?: number;
  /** DDIM only: η in [0, 1]; 0 is deterministic, 1 gives DDPM's posterior variance. */
  eta?: number;
  /**
   * DDPM only: σ_t² = β̃_t ('posterior', the default: exact when x₀ is a point) or β_t ('beta':
   * exact when x₀ ~ N(0, I)); Ho et al. found both give similar samples.
   */
  variance?: 'posterior' | 'beta';
  /**
   * Clamp the predicted x̂₀ to [−clipX0, clipX0] before each step (Ho et al.'s "clip_denoised",
   * also used with DDIM; ε is then recomputed from the clipped x̂₀). Off by default. It matters
   * when ᾱ_T is tiny (cosine: ≈ 2·10⁻⁹ at T = 1000): the first step divides ε_θ's error by √ᾱ_T.
   */
  clipX0?: number;
}

/** Per-step coefficients, in the order the sampler applies them. */
export interface ReverseCoefficients {
  /** The t whose ε_θ(x, t) each step evaluates. */
  readonly t: Int32Array;
  /** The t each step lands on (0 after the last step). */
  readonly tPrev: Int32Array;
  /** Coefficient of x. */
  readonly c1: Float64Array;
  /** Coefficient of −ε_θ. */
  readonly c2: Float64Array;
  /** Standard deviation of the fresh noise z ~ N(0, I) added at each step. */
  readonly sigma: Float64Array;
  /**
   * The same step in the x̂₀ form x_{t'} = p·x̂₀ + q·x_t + σ·z, with x̂₀ = (x_t − √(1 − ᾱ_t) ε_θ)/√ᾱ_t,
   * used when x̂₀ is clipped: c1 = p/√ᾱ_t + q and c2 = p·√(1 − ᾱ_t)/√ᾱ_t.
   */
  readonly p: Float64Array;
  readonly q: Float64Array;
}

/**
 * Coefficients of x_{t'} = c1·x_t − c2·ε_θ(x_t, t) + σ·z for each step t → t'.
 *
 * DDPM (t' = t − 1): c1 = 1/√α_t, c2 = β_t/(√α_t √(1 − ᾱ_t)), σ² = β̃_t (or β_t).
 *
 * DDIM (Song et al. 2021, eq. 12), with x̂₀ = (x_t − √(1 − ᾱ_t) ε_θ)/√ᾱ_t:
 * x_{t'} = √ᾱ_{t'} x̂₀ + √(1 − ᾱ_{t'} − σ²) ε_θ + σ z,
 * σ = η √((1 − ᾱ_{t'})/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_{t'}), hence
 * c1 = √ᾱ_{t'}/√ᾱ_t and c2 = √ᾱ_{t'} √(1 − ᾱ_t)/√ᾱ_t − √(1 − ᾱ_{t'} − σ²).
 * With η = 1 and every step, σ² = β̃_t and the coefficients equal DDPM's.
 *
 * In the x̂₀ form, DDPM's mean is the posterior mean μ̃_t(x_t, x̂₀): p = √ᾱ_{t−1} β_t/(1 − ᾱ_t),
 * q = √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t); DDIM's, with ε recomputed from x̂₀, has
 * p = √ᾱ_{t'} − d √ᾱ_t/√(1 − ᾱ_t) and q = d/√(1 − ᾱ_t), d = √(1 − ᾱ_{t'} − σ²).
 */
export function reverseCoefficients(s: Schedule, options: ReverseOptions): ReverseCoefficients {
  const { T } = s;
  if (options.method === 'ddpm') {
    const t = new Int32Array(T), tPrev = new Int32Array(T);
    const c1 = new Float64Array(T), c2 = new Float64Array(T), sigma = new Float64Array(T);
    const p = new Float64Array(T), q = new Float64Array(T);
    const useBeta = options.variance === 'beta';
    for (let i = 0; i < T; i++) {
      const tt = T - i;
      t[i] = tt;
      tPrev[i] = tt - 1;
      const ra = Math.sqrt(s.alpha[tt]);
      c1[i] = 1 / ra;
      c2[i] = s.beta[tt] / (ra * s.sqrtOneMinusAlphaBar[tt]);
      // No noise is added on the last step: x₀ is the output, not a draw around it.
      sigma[i] = tt === 1 ? 0 : Math.sqrt(useBeta ? s.beta[tt] : s.posteriorVariance[tt]);
      p[i] = s.posteriorMeanCoefX0[tt];
      q[i] = s.posteriorMeanCoefXt[tt];
    }
    return { t, tPrev, c1, c2, sigma, p, q };
  }
  if (options.method !== 'ddim') throw new Error(`Unknown sampler "${String(options.method)}".`);
  const eta = options.eta ?? 0;
  if (!(eta >= 0 && eta <= 1)) throw new Error(`η must lie between 0 and 1 (got ${eta}).`);
  const t = ddimTimesteps(T, options.steps ?? T);
  const n = t.length;
  const tPrev = new Int32Array(n), c1 = new Float64Array(n), c2 = new Float64Array(n), sigma = new Float64Array(n);
  const p = new Float64Array(n), q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const tt = t[i], tp = i + 1 < n ? t[i + 1] : 0;
    tPrev[i] = tp;
    const ab = s.alphaBar[tt], abPrev = s.alphaBar[tp];
    // 1 − ᾱ_t/ᾱ_{t'} = 1 − ∏_{t'<r≤t} α_r, computed from the accurate 1 − ᾱ tables:
    // (ᾱ_{t'} − ᾱ_t)/ᾱ_{t'} = ((1 − ᾱ_t) − (1 − ᾱ_{t'}))/ᾱ_{t'}.
    const oneMinusRatio = (s.oneMinusAlphaBar[tt] - s.oneMinusAlphaBar[tp]) / abPrev;
    const sig = eta * Math.sqrt((s.oneMinusAlphaBar[tp] / s.oneMinusAlphaBar[tt]) * oneMinusRatio);
    sigma[i] = sig;
    c1[i] = Math.sqrt(abPrev / ab);
    const dir = Math.sqrt(Math.max(0, s.oneMinusAlphaBar[tp] - sig * sig));
    c2[i] = Math.sqrt(abPrev / ab) * s.sqrtOneMinusAlphaBar[tt] - dir;
    p[i] = s.sqrtAlphaBar[tp] - (dir * s.sqrtAlphaBar[tt]) / s.sqrtOneMinusAlphaBar[tt];
    q[i] = dir / s.sqrtOneMinusAlphaBar[tt];
  }
  return { t, tPrev, c1, c2, sigma, p, q };
}
