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
