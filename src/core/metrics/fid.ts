/**
 * Fréchet distance between Gaussians and FID from two sample sets (Heusel et al. 2017).
 *
 *   FD(N(μ₁, Σ₁), N(μ₂, Σ₂)) = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½),
 *
 * the squared 2-Wasserstein distance between the two Gaussians; FID is this distance between
 * Gaussians fitted (sample mean, unbiased sample covariance) to real and generated features.
 * Here the "features" are the points themselves. Units: squared feature units.
 *
 * tr (Σ₁Σ₂)^½ (the sum of √λ over the eigenvalues of Σ₁^½ Σ₂ Σ₁^½) is computed exactly for d = 2
 * by the closed form in `linalg.ts`, and for any d in float32 on the device by Newton–Schulz
 * square roots of Σ₁ and Σ₂ and a Newton–Schulz polar iteration (`traceSqrtProduct`). The general
 * method adds a ridge ε I to both covariances, ε = ρ (‖Σ₁‖_F + ‖Σ₂‖_F)/2 with ρ = 1e-6 by default,
 * because the square-root iteration diverges on the slightly negative eigenvalues that float32
 * rounding gives a singular covariance. The ridge leaves FD(Σ, Σ) = 0 exactly; otherwise it
 * shifts FD by about ε per dimension for well-conditioned covariances (ε Σ (√a − √b)²/√(ab) for
 * commuting ones) and by up to 2√(ε λ) per zero eigenvalue of a singular one. The result says
 * when it matters (a covariance with an eigenvalue within ten ridges of zero).
 *
 * Exports:
 * - `frechetDistance2x2(mu1, s1, mu2, s2)`: exact FD for d = 2 in plain float64 numbers.
 * - `frechetDistance(mu1, s1, mu2, s2, options)`: async FD between given Gaussians (tfjs).
 * - `fid(real, generated, options)`: async FID from two point sets (tfjs), one readback.
 * - `FidOptions`, `FrechetResult`, `FrechetMethod`: options and result types.
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '../tf';
import { joinWarnings, requirePoints, requireSameDim, toTensor2D, type MetricResult, type PointSet } from './common';
import { det2x2, meanAndCovariance, NS_ITERATIONS, trace, traceSqrtProduct, traceSqrtProduct2x2 } from './linalg';

/** How tr (Σ₁Σ₂)^½ is computed. `auto` is exact for d = 2 and Newton–Schulz otherwise. */
export type FrechetMethod = 'auto' | 'exact2x2' | 'newtonSchulz';

export interface FidOptions {
  method?: FrechetMethod;
  /** Newton–Schulz iterations (default `NS_ITERATIONS`). */
  iterations?: number;
  /** Relative ridge ρ for the general method: ε = ρ (‖Σ₁‖_F + ‖Σ₂‖_F)/2. Default 1e-6. */
  ridge?: number;
}

export interface FrechetResult extends MetricResult {
  /** The Fréchet distance (FID), ≥ 0, squared feature units. */
  readonly fid: number;
  /** ‖μ₁ − μ₂‖², the part due to the means. */
  readonly meanTerm: number;
  /** tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½) ≥ 0, the part due to the covariances. */
  readonly covTerm: number;
  readonly method: 'exact2x2' | 'newtonSchulz';
  /** The ridge ε added to both covariances (0 for the exact 2 × 2 method). */
  readonly ridge: number;
}

/**
 * The default relative ridge: ten times float32 rounding in a covariance (about 1e-7 of its
 * largest eigenvalue, and ‖Σ‖_F ≥ λ_max), so that the square-root iteration never meets a
 * negative eigenvalue, yet small enough that its bias stays near float32 error.
 */
const DEFAULT_RIDGE = 1e-6;

/**
 * Warn when an eigenvalue lies within this many ridges of zero: there the ridge, not the data,
 * sets the square root. The test uses 1/tr(A⁻¹), which lies between λ_min/d and λ_min.
 */
const RIDGE_MATTERS = 10;

/**
 * A 2 × 2 covariance whose determinant is below this fraction of tr² is reported as singular:
 * det/tr² = λ₁λ₂/(λ₁ + λ₂)², so this flags an axis ratio below about 1 : 1000, where float32 sample
 * moments can no longer tell a thin ellipse from a line.
 */
const SINGULAR_2X2 = 1e-6;

/**
 * Exact Fréchet distance between two 2-D Gaussians, in float64:
 * FD = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 √(tr(Σ₁Σ₂) + 2√(det Σ₁ det Σ₂)).
 *
 * @param mu1, mu2 means, length 2. @param s1, s2 row-major 2 × 2 covariances (PSD).
 * @returns FD ≥ 0 in squared units (a covariance part rounded below 0 is clamped).
 */
export function frechetDistance2x2(mu1: ArrayLike<number>, s1: ArrayLike<number>, mu2: ArrayLike<number>, s2: ArrayLike<number>): number {
  const { meanTerm, covTerm } = parts2x2(mu1, s1, mu2, s2);
  return meanTerm + covTerm;
}

function parts2x2(mu1: ArrayLike<number>, s1: ArrayLike<number>, mu2: ArrayLike<number>, s2: ArrayLike<number>): { meanTerm: number; covTerm: number } {
  const dx = mu1[0] - mu2[0], dy = mu1[1] - mu2[1];
  const covTerm = trace(s1, 2) + trace(s2, 2) - 2 * traceSqrtProduct2x2(s1, s2);
  // The covariance part is itself a squared distance (between centred Gaussians), so a
  // negative value can only be rounding.
  return { meanTerm: dx * dx + dy * dy, covTerm: Math.max(0, covTerm) };
}

function singular2x2Warning(s: ArrayLike<number>, which: string): string | null {
  const tr = trace(s, 2);
  if (det2x2(s) > SINGULAR_2X2 * tr * tr) return null;
  return `The ${which} covariance is singular (the points lie on a line or a point); the 2 × 2 formula is still exact, so no regularisation was needed.`;
}

/**
 * The general method on the device. Returns a [7] tensor:
 * [‖Δμ‖², tr A₁, tr A₂, tr (A₁A₂)^½, 1/tr(A₁⁻¹), 1/tr(A₂⁻¹), ε] with Aᵢ = Σᵢ + εI.
 */
function frechetOnDevice(mu1: Tensor1D, s1: Tensor2D, mu2: Tensor1D, s2: Tensor2D, rho: number, iterations: number): Tensor1D {
  const d = s1.shape[0];
  const sym = (s: Tensor2D) => tf.mul(tf.add(s, tf.transpose(s)), 0.5) as Tensor2D;
  const tr = (s: Tensor) => tf.sum(tf.mul(s, tf.eye(d)));
  const meanTerm = tf.sum(tf.square(tf.sub(mu1, mu2)));
  const eps = tf.mul(tf.add(tf.norm(s1), tf.norm(s2)), rho / 2);
  const ridgeI = tf.mul(tf.eye(d), eps);
  const a1 = tf.add(sym(s1), ridgeI) as Tensor2D;
  const a2 = tf.add(sym(s2), ridgeI) as Tensor2D;
  const t = traceSqrtProduct(a1, a2, iterations);
  // tr(A⁻¹) = ‖A^−½‖²_F for symmetric A; 1/tr(A⁻¹) lies between λ_min/d and λ_min.
  const lam1 = tf.reciprocal(tf.sum(tf.square(t.invSqrt1)));
  const lam2 = tf.reciprocal(tf.sum(tf.square(t.invSqrt2)));
  return tf.stack([meanTerm, tr(a1), tr(a2), t.trace, lam1, lam2, eps]) as Tensor1D;
}

function resultFromDevice(v: ArrayLike<number>, which: [string, string]): FrechetResult {
  const [meanTerm, tr1, tr2, trSqrt, lam1, lam2, eps] = Array.from(v);
  if (eps === 0 && Number.isFinite(meanTerm)) {
    // Both covariances are exactly zero (every point of each set is the same point): the
    // covariance part is 0 and there is nothing to square-root.
    return {
      fid: meanTerm, meanTerm, covTerm: 0, method: 'newtonSchulz', ridge: 0,
      warning: `Both sets have zero spread (each is a single repeated point), so FID is only the squared distance between them.`,
    };
  }
  const covTerm = Math.max(0, tr1 + tr2 - 2 * trSqrt);
  const notes: string[] = [];
  if (lam1 < RIDGE_MATTERS * eps) notes.push(which[0]);
  if (lam2 < RIDGE_MATTERS * eps) notes.push(which[1]);
  const warning = notes.length
    ? `The ${notes.join(' and ')} covariance${notes.length > 1 ? 's are' : ' is'} singular or nearly so; a ridge ε = ${eps.toPrecision(2)} was added to both covariances, so this FID is approximate.`
    : null;
  if (![meanTerm, covTerm, eps].every(Number.isFinite)) {
    throw new Error('The Newton–Schulz square root did not converge (non-finite result); the covariances may not be positive semi-definite.');
  }
  return { fid: meanTerm + covTerm, meanTerm, covTerm, method: 'newtonSchulz', ridge: eps, warning };
}

function checkGaussian(mu: ArrayLike<number>, s: ArrayLike<number>, which: string): number {
  const d = mu.length;
  if (d === 0) throw new Error(`The ${which} mean is empty.`);
  if (s.length !== d * d) throw new Error(`The ${which} covariance has ${s.length} entries; a ${d} × ${d} matrix needs ${d * d}.`);
  for (let i = 0; i < d; i++) {
    if (!(s[i * d + i] >= 0)) throw new Error(`The ${which} covariance has a negative or invalid variance on its diagonal.`);
    for (let j = 0; j < i; j++) {
      const a = s[i * d + j], b = s[j * d + i];
      // 1e-6 relative: matrices that went through float32 differ from symmetric by ~1e-7.
      if (!(Math.abs(a - b) <= 1e-6 * (Math.abs(a) + Math.abs(b) + 1e-30))) throw new Error(`The ${which} covariance is not symmetric.`);
    }
  }
  for (let i = 0; i < d; i++) if (!Number.isFinite(mu[i])) throw new Error(`The ${which} mean is not finite.`);
  return d;
}

function resolveMethod(method: FrechetMethod, d: number): 'exact2x2' | 'newtonSchulz' {
  if (method === 'exact2x2' && d !== 2) throw new Error(`The exact 2 × 2 formula needs d = 2 (got d = ${d}).`);
  if (method === 'auto') return d === 2 ? 'exact2x2' : 'newtonSchulz';
  return method;
}

/**
 * Fréchet distance between two given Gaussians N(μ₁, Σ₁) and N(μ₂, Σ₂) in d dimensions.
 *
 * @param mu1, mu2 means, length d. @param s1, s2 row-major d × d symmetric PSD covariances.
 * @returns FD with its mean and covariance parts, the method used, the ridge and a warning.
 *   Runs on the device for d ≠ 2 (or `method: 'newtonSchulz'`), reading back once.
 */
export async function frechetDistance(
  mu1: ArrayLike<number>, s1: ArrayLike<number>, mu2: ArrayLike<number>, s2: ArrayLike<number>, options: FidOptions = {},
): Promise<FrechetResult> {
  const d = checkGaussian(mu1, s1, 'first');
  if (checkGaussian(mu2, s2, 'second') !== d) throw new Error('The two Gaussians have different dimensions.');
  const method = resolveMethod(options.method ?? 'auto', d);
  if (method === 'exact2x2') {
    const { meanTerm, covTerm } = parts2x2(mu1, s1, mu2, s2);
    return {
      fid: meanTerm + covTerm, meanTerm, covTerm, method, ridge: 0,
      warning: joinWarnings(singular2x2Warning(s1, 'first'), singular2x2Warning(s2, 'second')),
    };
  }
  const out = tf.tidy(() => frechetOnDevice(
    tf.tensor1d(Array.from(mu1)), tf.tensor2d(Array.from(s1), [d, d]),
    tf.tensor1d(Array.from(mu2)), tf.tensor2d(Array.from(s2), [d, d]),
    options.ridge ?? DEFAULT_RIDGE, options.iterations ?? NS_ITERATIONS));
  try {
    return resultFromDevice(await out.data(), ['first', 'second']);
  } finally {
    out.dispose();
  }
}

/**
 * FID between two point sets: fit a Gaussian to each (sample mean, unbiased covariance) and
 * take their Fréchet distance. Biased upwards for finite n (the sample covariances are noisy);
 * compare FIDs only at equal sample sizes.
 *
 * @param real n₁ × d points; @param generated n₂ × d points; both need at least 2 points.
 * @returns FD parts and a warning when a set has no more points than dimensions (its covariance
 *   is then singular) or a covariance is otherwise (nearly) singular.
 */
export async function fid(real: PointSet, generated: PointSet, options: FidOptions = {}): Promise<FrechetResult> {
  requirePoints(real, 'real', 2);
  requirePoints(generated, 'generated', 2);
  requireSameDim(real, generated);
  const d = real.d;
  const method = resolveMethod(options.method ?? 'auto', d);
  const fewer = (p: PointSet, which: string) => p.n <= d
    ? `The ${which} set has ${p.n} points in ${d} dimensions (no more points than dimensions), so its covariance is singular and FID is far from its large-sample value.`
    : null;
  const fewerReal = fewer(real, 'real'), fewerGenerated = fewer(generated, 'generated');
  const countWarning = joinWarnings(fewerReal, fewerGenerated);

  const out = tf.tidy(() => {
    const a = meanAndCovariance(toTensor2D(real));
    const b = meanAndCovariance(toTensor2D(generated));
    if (method === 'exact2x2') return tf.concat([a.mean, tf.reshape(a.cov, [-1]), b.mean, tf.reshape(b.cov, [-1])]);
    return frechetOnDevice(a.mean, a.cov, b.mean, b.cov, options.ridge ?? DEFAULT_RIDGE, options.iterations ?? NS_ITERATIONS);
  });
  let v: Float32Array;
  try {
    v = (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
  if (method === 'exact2x2') {
    const mu1 = v.subarray(0, 2), s1 = v.subarray(2, 6), mu2 = v.subarray(6, 8), s2 = v.subarray(8, 12);
    const { meanTerm, covTerm } = parts2x2(mu1, s1, mu2, s2);
    return {
      fid: meanTerm + covTerm, meanTerm, covTerm, method, ridge: 0,
      warning: joinWarnings(
        fewerReal ?? singular2x2Warning(s1, 'real'),
        fewerGenerated ?? singular2x2Warning(s2, 'generated')),
    };
  }
  const r = resultFromDevice(v, ['real', 'generated']);
  return { ...r, warning: joinWarnings(countWarning, r.warning) };
}
