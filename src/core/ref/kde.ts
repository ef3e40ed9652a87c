/**
 * Float64 references for kernel density estimation: the oracle the tfjs code is tested against.
 *
 * p̂(x) = (1/(n h)) Σᵢ K((x − xᵢ)/h), with K a density on ℝ (∫K = 1), so p̂ integrates to 1 for every
 * h > 0. (Note 003's slide drops the 1/h; without it p̂ integrates to h, not 1.)
 */

export const KERNELS = ['gaussian', 'uniform', 'epanechnikov', 'triangular'] as const;
export type Kernel = (typeof KERNELS)[number];

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Kernel densities on ℝ, each integrating to 1. u is dimensionless. */
export function kernelRef(kernel: Kernel, u: number): number {
  const a = Math.abs(u);
  switch (kernel) {
    case 'gaussian': return INV_SQRT_2PI * Math.exp(-0.5 * u * u);
    case 'uniform': return a <= 1 ? 0.5 : 0;
    case 'epanechnikov': return a <= 1 ? 0.75 * (1 - u * u) : 0;
    case 'triangular': return a <= 1 ? 1 - a : 0;
  }
}

/** p̂(x) at one point, float64. data: n observations; h > 0 in the data's units; result per unit x. */
export function kdeAtRef(data: ArrayLike<number>, x: number, h: number, kernel: Kernel): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += kernelRef(kernel, (x - data[i]) / h);
  return s / (data.length * h);
}

/** p̂ on a grid of points. */
export function kdeGridRef(data: ArrayLike<number>, grid: ArrayLike<number>, h: number, kernel: Kernel): Float64Array {
  const out = new Float64Array(grid.length);
  for (let j = 0; j < grid.length; j++) out[j] = kdeAtRef(data, grid[j], h, kernel);
  return out;
}

/**
 * Mean held-out log-likelihood (nats per point) of `test` under the KDE fitted to `train`;
 * −∞ when some test point gets zero density (possible with compactly supported kernels).
 */
export function heldOutLogLikRef(train: ArrayLike<number>, test: ArrayLike<number>, h: number, kernel: Kernel): number {
  let s = 0;
  for (let j = 0; j < test.length; j++) s += Math.log(kdeAtRef(train, test[j], h, kernel));
  return s / test.length;
}

/** Leave-one-out log-likelihood (nats per point): each xᵢ scored by the KDE of the other n − 1 points. */
export function looLogLikRef(data: ArrayLike<number>, h: number, kernel: Kernel): number {
  const n = data.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let j = 0; j < n; j++) if (j !== i) k += kernelRef(kernel, (data[i] - data[j]) / h);
    s += Math.log(k / ((n - 1) * h));
  }
  return s / n;
}

/*
 * The binned estimator (Silverman 1982; Wand 1994), float64. For large n the widget draws this
 * instead of the exact sum; the tfjs version in ../kde is tested against it.
 *
 * Bins sit at the multiples g_k = k·δ of δ = h/S (S = binSteps(kernel): 16 for the Gaussian, 64
 * for the compact kernels, whose windows are short). Linear binning gives each observation
 * xᵢ = (k + w)·δ (0 ≤ w < 1) weight 1 − w at g_k and w at g_{k+1}: the total weight is n and the
 * mean is preserved. Then, at each evaluation point x,
 *
 *   p̃(x) = (1/(n h c)) Σ_k c_k K((x − g_k)/(h c)),   over the 2M + 2 nodes nearest x,
 *
 * i.e. the kernel is evaluated exactly at x against the bin nodes (no interpolation between nodes).
 * The cost per point is those 2M + 2 kernel evaluations, whatever n is.
 *
 * - Gaussian: M = ⌈reach·S⌉ (truncated at `reach` bandwidths, see GAUSS_REACH_*) and
 *   c = √(1 − 1/(6S²)). Linear binning adds variance w(1 − w)δ² to a point's bump, δ²/6 on
 *   average; a Gaussian narrower by exactly that variance cancels the bias to leading order. What
 *   is left is ≈ (w(1 − w) − 1/6)(δ/h)² (u² − 1)/2 relative, ≤ (u² − 1)/3072 for a lone bump at
 *   u bandwidths, and averages out where bumps overlap.
 * - Epanechnikov, triangular: M = S, c = 1, and p̃ = 0 wherever no observation lies within h of x,
 *   exactly as p̂ (binning alone would leak a bump ~2δ past its edge). Their kinks (K′ jumps at ±1,
 *   and at 0 for the triangle) make the binning error first order near a kink, ≲ |ΔK′|·δ/(4h) of a
 *   bump's height, hence the finer bins.
 * - Uniform: no binning at all. Its jumps would be smeared over a bin (errors of a few % of the
 *   peak); instead p̂(x) = #{i : |x − xᵢ| ≤ h} / (2 n h) is counted exactly in a sorted copy of the
 *   data, O(log n) per point.
 */

/** Bins per bandwidth, S: δ = h/S. */
export function binSteps(kernel: Kernel): number {
  return kernel === 'gaussian' ? 16 : 64;
}
/**
 * Truncation of the binned Gaussian, in bandwidths, for drawing: φ(8.5)/φ(0) ≈ 2e-16, so the
 * dropped tail is below float32 resolution next to any bump that is visible at all.
 */
export const GAUSS_REACH_DRAW = 8.5;
/**
 * Truncation for scoring held-out points: float32 exp(−u²/2) underflows to 0 near u ≈ 14.4, where
 * a test point that far from every training point gets log p̂ = −∞ on the exact path too. Up to
 * there a lone test point keeps a finite (very negative) log-density, as with the exact sum.
 */
export const GAUSS_REACH_SCORE = 14.5;
/** Width factor c of the binned Gaussian (see above). */
export const BINNED_GAUSS_SCALE = Math.sqrt(1 - 1 / (6 * binSteps('gaussian') ** 2));

/** Half-width M of the node window, in bins: nodes k − M … k + M + 1 around x ∈ [g_k, g_{k+1}). */
export function binnedReach(kernel: Kernel, gaussReach: number): number {
  return kernel === 'gaussian' ? Math.ceil(gaussReach * binSteps(kernel)) : binSteps(kernel);
}

/** The binned estimate p̃ at each point, float64 (see above). */
export function binnedKdeRef(data: ArrayLike<number>, points: ArrayLike<number>, h: number, kernel: Kernel, gaussReach = GAUSS_REACH_DRAW): Float64Array {
  if (kernel === 'uniform') return kdeGridRef(data, points, h, kernel);
  const n = data.length;
  const step = h / binSteps(kernel);
  const bins = new Map<number, number>();
  const add = (k: number, w: number) => bins.set(k, (bins.get(k) ?? 0) + w);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(data[i] / step);
    const w = data[i] / step - k;
    add(k, 1 - w);
    add(k + 1, w);
  }
  const c = kernel === 'gaussian' ? BINNED_GAUSS_SCALE : 1;
  const M = binnedReach(kernel, gaussReach);
  const out = new Float64Array(points.length);
  for (let j = 0; j < points.length; j++) {
    const x = points[j];
    if (kernel !== 'gaussian') {
      let inside = false;
      for (let i = 0; i < n && !inside; i++) inside = Math.abs(x - data[i]) < h;
      if (!inside) continue;
    }
    const k0 = Math.floor(x / step);
    let s = 0;
    for (let k = k0 - M; k <= k0 + M + 1; k++) {
      const w = bins.get(k);
      if (w) s += w * kernelRef(kernel, (x - k * step) / (h * c));
    }
    out[j] = s / (n * h * c);
  }
  return out;
}

/** Mean held-out log-likelihood under the binned estimate of `train` (Gaussian reach for scoring). */
export function binnedHeldOutLogLikRef(train: ArrayLike<number>, test: ArrayLike<number>, h: number, kernel: Kernel): number {
  const p = binnedKdeRef(train, test, h, kernel, GAUSS_REACH_SCORE);
  let s = 0;
  for (let j = 0; j < p.length; j++) s += Math.log(p[j]);
  return s / p.length;
}
