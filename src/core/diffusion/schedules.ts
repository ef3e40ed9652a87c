/**
 * Noise schedules of the forward process: the tables β_t, α_t, ᾱ_t and every coefficient derived
 * from them, computed once in float64.
 *
 * API
 * - `SCHEDULE_KINDS`, `ScheduleKind`: 'linear' | 'cosine' | 'sigmoid' | 'quadratic'.
 * - `makeSchedule(options): Schedule`: the tables for t = 0 … T (index = t), plus a `warning`.
 * - `scheduleAt(schedule, t): ScheduleReadout`: every value at one t (the widget's t marker).
 * - `MAX_T`, `MAX_BETA`: limits, with their reasons below.
 *
 * Conventions (the notebook's): t = 0 is data and t = T is noise; β_t is the variance added at
 * step t, α_t = 1 − β_t, ᾱ_t = ∏_{s=1}^t α_s, and x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε. Every table has
 * length T + 1 and is indexed by t; entry 0 describes the data itself (β_0 = 0, ᾱ_0 = 1).
 *
 * Numerics: ᾱ_t is accumulated as log ᾱ_t = Σ log1p(−β_s) and 1 − ᾱ_t as −expm1(log ᾱ_t), so
 * near t = 0, where ᾱ_t = 1 − 10⁻⁴, the noise variance keeps its full precision instead of
 * losing four digits to cancellation.
 */

/** The schedule families the widgets offer. */
export const SCHEDULE_KINDS = ['linear', 'cosine', 'sigmoid', 'quadratic'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

/** The largest T the widgets offer (the DDPM paper's T); larger tables only cost memory. */
export const MAX_T = 1000;

/**
 * Cap on β_t for the schedules defined through ᾱ (cosine, sigmoid). Their ᾱ reaches exactly 0 at
 * t = T, which would make β_T = 1 and every later division by ᾱ_T infinite; Nichol & Dhariwal
 * (2021) clip at 0.999 for this reason.
 */
export const MAX_BETA = 0.999;

/**
 * Above this ᾱ_T the sampler's start N(0, I) is visibly not the law of x_T: √ᾱ_T = 0.1, so x_T
 * still carries a tenth of the data's amplitude.
 */
const ALPHABAR_T_WARN = 0.01;

export interface ScheduleOptions {
  kind: ScheduleKind;
  /** Number of diffusion steps, an integer in [1, MAX_T]. */
  T: number;
  /** β_1 for 'linear' and 'quadratic' (default 1e-4, Ho et al. 2020). */
  betaStart?: number;
  /** β_T for 'linear' and 'quadratic' (default 0.02, Ho et al. 2020). */
  betaEnd?: number;
  /** Offset s of the cosine schedule (default 0.008, Nichol & Dhariwal 2021). */
  cosineS?: number;
  /** Range [start, end] of the sigmoid's argument (default [−3, 3], Chen 2023). */
  sigmoidRange?: readonly [number, number];
  /** Temperature τ of the sigmoid schedule (default 1; larger is closer to linear in t). */
  sigmoidTau?: number;
  /**
   * Multiply betaStart and betaEnd by 1000 / T (default false), so that a linear or quadratic
   * schedule with fewer steps adds the same total noise Σ β_t as with T = 1000. Without it a short
   * linear schedule ends far from noise (T = 100 leaves ᾱ_T ≈ 0.35); the widgets show both.
   */
  scaleWithT?: boolean;
}

/** All tables have length T + 1, indexed by t (t = 0 is the data). */
export interface Schedule {
  readonly kind: ScheduleKind;
  readonly T: number;
  /** The options it was built from, with defaults filled in (for serialisation). */
  readonly options: Required<ScheduleOptions>;
  /** β_t, the variance of the noise added at step t (β_0 = 0). */
  readonly beta: Float64Array;
  /** α_t = 1 − β_t. */
  readonly alpha: Float64Array;
  /** ᾱ_t = ∏_{s≤t} α_s, strictly decreasing from ᾱ_0 = 1. */
  readonly alphaBar: Float64Array;
  /** 1 − ᾱ_t, the variance of x_t given x₀ (computed without cancellation). */
  readonly oneMinusAlphaBar: Float64Array;
  /** √ᾱ_t, the signal coefficient of x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε. */
  readonly sqrtAlphaBar: Float64Array;
  /** √(1 − ᾱ_t), the noise coefficient. */
  readonly sqrtOneMinusAlphaBar: Float64Array;
  /** log SNR(t) = log(ᾱ_t / (1 − ᾱ_t)) in nats; +Infinity at t = 0 (no noise yet). */
  readonly logSnr: Float64Array;
  /**
   * β̃_t = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t, the variance of the posterior q(x_{t−1} | x_t, x₀);
   * β̃_1 = 0 (given x₁ and x₀, x₀ is known) and β̃_0 = 0 by convention (no step from t = 0).
   */
  readonly posteriorVariance: Float64Array;
  /** Coefficient of x₀ in the posterior mean: √ᾱ_{t−1} β_t / (1 − ᾱ_t) (0 at t = 0). */
  readonly posteriorMeanCoefX0: Float64Array;
  /** Coefficient of x_t in the posterior mean: √α_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t) (0 at t = 0). */
  readonly posteriorMeanCoefXt: Float64Array;
  /** A plain-English note when the schedule does not end near N(0, I); otherwise undefined. */
  readonly warning?: string;
}

/** Every value of a schedule at one t. */
export interface ScheduleReadout {
  t: number;
  beta: number;
  alpha: number;
  alphaBar: number;
  sqrtAlphaBar: number;
  sqrtOneMinusAlphaBar: number;
  /** log SNR in nats; +Infinity at t = 0 (then `warning` says why). */
  logSnr: number;
  posteriorVariance: number;
  warning?: string;
}

function withDefaults(o: ScheduleOptions): Required<ScheduleOptions> {
  return {
    kind: o.kind,
    T: o.T,
    betaStart: o.betaStart ?? 1e-4,
    betaEnd: o.betaEnd ?? 0.02,
    cosineS: o.cosineS ?? 0.008,
    sigmoidRange: o.sigmoidRange ?? [-3, 3],
    sigmoidTau: o.sigmoidTau ?? 1,
    scaleWithT: o.scaleWithT ?? false,
  };
}

function logistic(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** β_1 … β_T (index t − 1) for schedules defined directly in β. */
function betasDirect(o: Required<ScheduleOptions>): Float64Array {
  const { T } = o;
  const scale = o.scaleWithT ? MAX_T / T : 1;
  const b0 = o.betaStart * scale, b1 = o.betaEnd * scale;
  const out = new Float64Array(T);
  for (let i = 0; i < T; i++) {
    const u = T === 1 ? 1 : i / (T - 1);
    if (o.kind === 'linear') out[i] = b0 + (b1 - b0) * u;
    else {
      // 'quadratic' (Ho et al.'s "quad"): √β_t is linear in t.
      const r = Math.sqrt(b0) + (Math.sqrt(b1) - Math.sqrt(b0)) * u;
      out[i] = r * r;
    }
  }
  return out;
}

/** β_t = 1 − ᾱ(t)/ᾱ(t−1) for schedules defined by a continuous ᾱ(u), u = t/T, clipped at MAX_BETA. */
function betasFromAlphaBar(T: number, abar: (u: number) => number): Float64Array {
  const out = new Float64Array(T);
  let prev = abar(0);
  for (let t = 1; t <= T; t++) {
    const cur = abar(t / T);
    out[t - 1] = Math.min(1 - cur / prev, MAX_BETA);
    prev = cur;
  }
  return out;
}

/**
 * Build the tables of a noise schedule.
 *
 * - linear: β_t rises linearly from betaStart (t = 1) to betaEnd (t = T).
 * - quadratic: √β_t rises linearly between √betaStart and √betaEnd.
 * - cosine: ᾱ(t) = f(t)/f(0), f(t) = cos²(((t/T + s)/(1 + s)) · π/2) (Nichol & Dhariwal 2021).
 * - sigmoid: ᾱ(t) = (σ(e/τ) − σ((t/T·(e − b) + b)/τ)) / (σ(e/τ) − σ(b/τ)) for range [b, e] and
 *   temperature τ (Chen 2023, "On the importance of noise scheduling").
 * For cosine and sigmoid, β_t = 1 − ᾱ(t)/ᾱ(t − 1), capped at MAX_BETA, and ᾱ_t is then recomputed
 * from the capped β so that every table is consistent.
 *
 * Throws on a T that is not an integer in [1, MAX_T] or on β outside (0, 1).
 */
export function makeSchedule(options: ScheduleOptions): Schedule {
  const o = withDefaults(options);
  const { T, kind } = o;
  if (!Number.isInteger(T) || T < 1 || T > MAX_T) {
    throw new Error(`The number of steps T must be a whole number from 1 to ${MAX_T} (got ${T}).`);
  }
  if (!(SCHEDULE_KINDS as readonly string[]).includes(kind)) throw new Error(`Unknown schedule "${kind}".`);

  let betas: Float64Array;
  if (kind === 'linear' || kind === 'quadratic') {
    const scale = o.scaleWithT ? MAX_T / T : 1;
    for (const [name, b] of [['betaStart', o.betaStart * scale], ['betaEnd', o.betaEnd * scale]] as const) {
      if (!(b > 0 && b < 1)) {
        throw new Error(`${name} must lie strictly between 0 and 1${o.scaleWithT ? ' after scaling by 1000/T' : ''} (got ${b}).`);
      }
    }
    betas = betasDirect(o);
  } else if (kind === 'cosine') {
    const s = o.cosineS;
    if (!(s > 0 && s < 1)) throw new Error(`The cosine offset s must lie between 0 and 1 (got ${s}).`);
    const f = (u: number) => Math.cos(((u + s) / (1 + s)) * (Math.PI / 2)) ** 2;
    const f0 = f(0);
    betas = betasFromAlphaBar(T, (u) => f(u) / f0);
  } else {
    const [b, e] = o.sigmoidRange;
    const tau = o.sigmoidTau;
    if (!(e > b) || !(tau > 0)) throw new Error('The sigmoid schedule needs start < end and a positive temperature.');
    const vb = logistic(b / tau), ve = logistic(e / tau);
    betas = betasFromAlphaBar(T, (u) => (ve - logistic((u * (e - b) + b) / tau)) / (ve - vb));
  }

  const n = T + 1;
  const beta = new Float64Array(n), alpha = new Float64Array(n), alphaBar = new Float64Array(n);
  const oneMinusAlphaBar = new Float64Array(n), sqrtAlphaBar = new Float64Array(n);
  const sqrtOneMinusAlphaBar = new Float64Array(n), logSnr = new Float64Array(n);
  const posteriorVariance = new Float64Array(n), posteriorMeanCoefX0 = new Float64Array(n);
  const posteriorMeanCoefXt = new Float64Array(n);

  alpha[0] = 1;
  alphaBar[0] = 1;
  sqrtAlphaBar[0] = 1;
  logSnr[0] = Infinity;
  let logAlphaBar = 0;
  for (let t = 1; t <= T; t++) {
    const b = betas[t - 1];
    beta[t] = b;
    alpha[t] = 1 - b;
    logAlphaBar += Math.log1p(-b);
    alphaBar[t] = Math.exp(logAlphaBar);
    oneMinusAlphaBar[t] = -Math.expm1(logAlphaBar);
    sqrtAlphaBar[t] = Math.sqrt(alphaBar[t]);
    sqrtOneMinusAlphaBar[t] = Math.sqrt(oneMinusAlphaBar[t]);
    logSnr[t] = logAlphaBar - Math.log(oneMinusAlphaBar[t]);
    posteriorVariance[t] = (oneMinusAlphaBar[t - 1] / oneMinusAlphaBar[t]) * b;
    posteriorMeanCoefX0[t] = (sqrtAlphaBar[t - 1] * b) / oneMinusAlphaBar[t];
    posteriorMeanCoefXt[t] = (Math.sqrt(alpha[t]) * oneMinusAlphaBar[t - 1]) / oneMinusAlphaBar[t];
  }
  for (let t = 1; t <= T; t++) {
    if (!(beta[t] > 0 && beta[t] < 1)) {
      throw new Error(`This schedule gives β_${t} = ${beta[t]}, outside (0, 1); choose other parameters.`);
    }
  }

  const warning = alphaBar[T] > ALPHABAR_T_WARN
    ? `At t = T the data still has weight √ᾱ_T = ${sqrtAlphaBar[T].toFixed(2)}, so x_T is not yet pure noise; ` +
      'sampling from N(0, I) will start from the wrong distribution. Use more steps, larger β, or scale β with T.'
    : undefined;

  return {
    kind, T, options: o, beta, alpha, alphaBar, oneMinusAlphaBar, sqrtAlphaBar, sqrtOneMinusAlphaBar,
    logSnr, posteriorVariance, posteriorMeanCoefX0, posteriorMeanCoefXt, warning,
  };
}

/**
 * Every value of the schedule at step t (an integer in [0, T]); throws outside that range.
 * At t = 0 the log SNR is +Infinity, and `warning` says so in words.
 */
export function scheduleAt(s: Schedule, t: number): ScheduleReadout {
  if (!Number.isInteger(t) || t < 0 || t > s.T) {
    throw new Error(`t must be a whole number from 0 to ${s.T} (got ${t}).`);
  }
  return {
    t,
    beta: s.beta[t],
    alpha: s.alpha[t],
    alphaBar: s.alphaBar[t],
    sqrtAlphaBar: s.sqrtAlphaBar[t],
    sqrtOneMinusAlphaBar: s.sqrtOneMinusAlphaBar[t],
    logSnr: s.logSnr[t],
    posteriorVariance: s.posteriorVariance[t],
    warning: t === 0 ? 'At t = 0 there is no noise yet: the signal-to-noise ratio is infinite.' : undefined,
  };
}
