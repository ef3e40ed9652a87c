/**
 * Small linear algebra for the metrics, on the device (float32 tfjs) plus the exact 2 × 2 case in
 * plain numbers. Every tensor function here is synchronous and expects to run inside the caller's
 * `tf.tidy`.
 *
 * Exports:
 * - `meanAndCovariance(x)`: sample mean [d] and unbiased covariance [d, d] of x [n, d].
 * - `offsetSquaredDistances(a, b, rowOffset, colOffset, scale)`: scaled ‖a_i − b_j‖² + offsets, one matMul.
 * - `squaredDistances(a, b)`: ‖a_i − b_j‖² as [na, nb], clamped at 0.
 * - `sqrtmNewtonSchulz(a, iterations)`: A^½ and A^−½ of a symmetric positive definite A.
 * - `traceSqrtProduct(a1, a2, iterations)`: tr (A₁A₂)^½ for SPD A₁, A₂ (tfjs), with A₁^−½, A₂^−½.
 * - `NS_ITERATIONS`, `POLAR_ITERATIONS`: the default iteration counts and why.
 * - `traceSqrtProduct2x2(s1, s2)`: tr √(Σ₁Σ₂) for 2 × 2 covariances, exact.
 * - `det2x2(s)`, `trace(s, d)`: determinant and trace of row-major matrices in plain numbers.
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '../tf';

/**
 * Sample mean and unbiased sample covariance of the rows of x.
 *
 * μ = (1/n) Σᵢ xᵢ,  Σ = (1/(n − 1)) Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ.
 *
 * @param x points, shape [n, d], n ≥ 2.
 * @returns mean [d] and covariance [d, d], in the units of x (and units² for Σ).
 */
export function meanAndCovariance(x: Tensor2D): { mean: Tensor1D; cov: Tensor2D } {
  const n = x.shape[0];
  const mean = tf.mean(x, 0) as Tensor1D;
  const xc = tf.sub(x, mean);
  const cov = tf.div(tf.matMul(xc, xc, true, false), n - 1) as Tensor2D;
  return { mean, cov };
}

/**
 * Pairwise squared Euclidean distances plus optional per-row and per-column offsets, times a
 * scale,
 *
 *   D_ij = scale · (‖aᵢ − bⱼ‖² + rowOffsetᵢ + colOffsetⱼ)
 *        = scale · (‖aᵢ‖² + rowOffsetᵢ − 2 aᵢᵀbⱼ + ‖bⱼ‖² + colOffsetⱼ),
 *
 * as ONE matrix product of augmented rows [aᵢ, ‖aᵢ‖² + rowOffsetᵢ, 1] · scale [−2bⱼ, 1, ‖bⱼ‖² + colOffsetⱼ]ᵀ:
 * no elementwise pass over the [na, nb] result, which is what costs time on every backend when
 * nb is in the thousands. Offsets compare a distance with a radius, and the scale negates it or
 * divides it by 2σ², without another pass. Centre both sets on a common point first: the float32
 * rounding error of the expansion scales with ‖a‖² + ‖b‖².
 *
 * @param a [na, d]; @param b [nb, d]; @param rowOffset [na] or null; @param colOffset [nb] or null;
 * @param scale a number or scalar tensor (default 1).
 * @returns [na, nb] in squared data units × scale (a hair off for near-identical points).
 */
export function offsetSquaredDistances(a: Tensor2D, b: Tensor2D, rowOffset: Tensor1D | null = null, colOffset: Tensor1D | null = null, scale: Tensor | number = 1): Tensor2D {
  let an = tf.sum(tf.square(a), 1, true);
  let bn = tf.sum(tf.square(b), 1, true);
  if (rowOffset) an = tf.add(an, tf.reshape(rowOffset, [-1, 1]));
  if (colOffset) bn = tf.add(bn, tf.reshape(colOffset, [-1, 1]));
  const left = tf.concat([a, an, tf.onesLike(an)], 1);
  let right = tf.concat([tf.mul(b, -2), tf.onesLike(bn), bn], 1);
  if (scale !== 1) right = tf.mul(right, scale);
  // Transpose the small [nb, d + 2] factor explicitly rather than asking matMul for transposeB:
  // the wasm backend's product with transposeB is about five times slower at these shapes
  // (2,000 × 4 by 4 × 2,000: 25–40 ms against 5–8 ms in Chromium).
  return tf.matMul(left, tf.transpose(right)) as Tensor2D;
}

/**
 * Pairwise squared Euclidean distances ‖aᵢ − bⱼ‖², clamped at 0 (float32 cancellation can make
 * the expansion slightly negative for near-identical points). See `offsetSquaredDistances`.
 * @param a [na, d]; @param b [nb, d]. @returns [na, nb], squared data units.
 */
export function squaredDistances(a: Tensor2D, b: Tensor2D): Tensor2D {
  return tf.relu(offsetSquaredDistances(a, b)) as Tensor2D;
}

/**
 * Iterations of the Newton–Schulz square root used by default. Each iteration multiplies the
 * smallest scaled eigenvalue's progress by about 9/4 until it converges quadratically, so
 * eigenvalues down to ~1e-9 of the Frobenius norm converge within 30 iterations: below what
 * float32 can resolve, and below the ridge that `frechetDistance` adds.
 */
export const NS_ITERATIONS = 30;

/**
 * Square root and inverse square root of a symmetric positive definite matrix by the coupled
 * Newton–Schulz iteration (Higham 2008, eq. 6.35), which uses only matrix products, so it runs
 * well on a GPU:
 *
 *   c = ‖A‖_F,  Y₀ = A / c,  Z₀ = I,
 *   T_k = ½(3I − Z_k Y_k),  Y_{k+1} = Y_k T_k,  Z_{k+1} = T_k Z_k,
 *   Y_k → (A/c)^½,  Z_k → (A/c)^−½,  so A^½ = √c · Y, A^−½ = Z / √c.
 *
 * Scaling by the Frobenius norm puts the spectrum of A/c in (0, 1], where the iteration
 * converges. It diverges for negative eigenvalues, so callers add a small ridge to matrices
 * that may be singular (float32 rounding can push a zero eigenvalue below zero).
 *
 * @param a symmetric positive definite, shape [d, d].
 * @param iterations fixed count (no readback to test convergence).
 * @returns `sqrt` ≈ A^½ and `invSqrt` ≈ A^−½, both [d, d].
 */
export function sqrtmNewtonSchulz(a: Tensor2D, iterations = NS_ITERATIONS): { sqrt: Tensor2D; invSqrt: Tensor2D } {
  const d = a.shape[0];
  const c = tf.norm(a);
  const eye = tf.eye(d);
  const threeHalvesI = tf.mul(eye, 1.5);
  let y = tf.div(a, c) as Tensor2D;
  let z = eye as Tensor2D;
  for (let k = 0; k < iterations; k++) {
    const t = tf.sub(threeHalvesI, tf.mul(tf.matMul(z, y), 0.5)) as Tensor2D;
    y = tf.matMul(y, t);
    z = tf.matMul(t, z);
  }
  const rootC = tf.sqrt(c);
  return { sqrt: tf.mul(y, rootC) as Tensor2D, invSqrt: tf.div(z, rootC) as Tensor2D };
}

/**
 * Iterations of the Newton–Schulz polar iteration in `traceSqrtProduct`. Small singular values
 * grow by a factor 3/2 per iteration before converging quadratically, so 40 iterations resolve
 * singular values down to ~1e-7 of the Frobenius norm; any smaller one contributes at most its
 * own (negligible) size to the trace.
 */
export const POLAR_ITERATIONS = 40;

/**
 * tr (A₁A₂)^½ for symmetric positive definite A₁, A₂, without ever square-rooting A₁^½A₂A₁^½
 * (whose smallest eigenvalues are products of the two matrices' smallest eigenvalues and sink
 * below float32 rounding, where Newton–Schulz diverges).
 *
 * With B = A₁^½ A₂^½, BBᵀ = A₁^½ A₂ A₁^½ has the eigenvalues of A₁A₂, so tr (A₁A₂)^½ is the sum of
 * the singular values of B, tr(UᵀB) for the polar factor U of B = UH. U comes from the
 * Newton–Schulz polar iteration X₀ = B/‖B‖_F, X_{k+1} = ½ X_k (3I − X_kᵀX_k), which maps every
 * singular value σ ↦ σ(3 − σ²)/2 towards 1 and leaves the singular vectors alone: singular
 * values are never negative, so it cannot diverge.
 *
 * @param a1, a2 symmetric positive definite [d, d] (add a ridge first if they may be singular).
 * @returns the trace (a scalar tensor, units²) and A₁^−½, A₂^−½ for conditioning checks.
 */
export function traceSqrtProduct(a1: Tensor2D, a2: Tensor2D, iterations = NS_ITERATIONS, polarIterations = POLAR_ITERATIONS): { trace: Tensor; invSqrt1: Tensor2D; invSqrt2: Tensor2D } {
  const d = a1.shape[0];
  const r1 = sqrtmNewtonSchulz(a1, iterations);
  const r2 = sqrtmNewtonSchulz(a2, iterations);
  const b = tf.matMul(r1.sqrt, r2.sqrt);
  const threeI = tf.mul(tf.eye(d), 3);
  let x = tf.div(b, tf.norm(b)) as Tensor2D;
  for (let k = 0; k < polarIterations; k++) {
    x = tf.mul(tf.matMul(x, tf.sub(threeI, tf.matMul(x, x, true, false))), 0.5) as Tensor2D;
  }
  return { trace: tf.sum(tf.mul(x, b)), invSqrt1: r1.invSqrt, invSqrt2: r2.invSqrt };
}

/** Trace of a row-major d × d matrix. */
export function trace(s: ArrayLike<number>, d: number): number {
  let t = 0;
  for (let i = 0; i < d; i++) t += s[i * d + i];
  return t;
}

/** Determinant of a row-major 2 × 2 matrix [a, b, c, d]. */
export function det2x2(s: ArrayLike<number>): number {
  return s[0] * s[3] - s[1] * s[2];
}

/**
 * tr √(Σ₁Σ₂) for 2 × 2 covariance matrices, exactly:
 *
 *   tr √(Σ₁Σ₂) = √( tr(Σ₁Σ₂) + 2 √(det Σ₁ · det Σ₂) ).
 *
 * Why: Σ₁Σ₂ is similar to the positive semi-definite Σ₁^½ Σ₂ Σ₁^½, so its eigenvalues λ₁, λ₂ are
 * ≥ 0 and (√λ₁ + √λ₂)² = λ₁ + λ₂ + 2√(λ₁λ₂) = tr(Σ₁Σ₂) + 2√det(Σ₁Σ₂). It holds for singular
 * covariances too, so the 2-D metrics never need a ridge.
 *
 * @param s1, s2 row-major 2 × 2 symmetric positive semi-definite matrices (units²).
 * @returns the trace in units².
 */
export function traceSqrtProduct2x2(s1: ArrayLike<number>, s2: ArrayLike<number>): number {
  const trProd = s1[0] * s2[0] + s1[1] * s2[2] + s1[2] * s2[1] + s1[3] * s2[3];
  // Rounding can make a singular covariance's determinant a hair negative.
  const detProd = Math.max(0, det2x2(s1)) * Math.max(0, det2x2(s2));
  return Math.sqrt(Math.max(0, trProd + 2 * Math.sqrt(detProd)));
}
