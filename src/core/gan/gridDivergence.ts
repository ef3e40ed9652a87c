/**
 * Sample-based divergences between real and generated 2-D point clouds on a grid: both clouds are
 * binned into the same R×R histogram (plus one cell for everything outside the box), each
 * normalised to sum to 1, and compared with the Jensen–Shannon divergence and both KLs. Nats.
 *
 * API:
 * - `GridSpec`, `DEFAULT_GRID`: the binning (R bins per axis over a box).
 * - `cellIndex(x, y, grid)`: the cell a point falls in (R² for "outside or not finite").
 * - `histogram2D(xy, grid)`: normalised histogram, length R² + 1, sums to 1.
 * - `discreteKL(p, q, epsilon?)`: Σ pᵢ log(pᵢ / q̃ᵢ) with q smoothed toward uniform (finite).
 * - `discreteJSD(p, q)`: ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2; in [0, log 2], no smoothing.
 * - `gridDivergences(real, fake, options?)`: the widget's readout: JSD, KL(data ‖ model),
 *   KL(model ‖ data) and both histograms.
 */

/** R bins per axis over the box [xMin, xMax] × [yMin, yMax]. */
export interface GridSpec {
  readonly bins: number;
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

/**
 * 20 × 20 cells over [−2.5, 2.5]²: the shared 2-D datasets lie within about [−2, 2]², and a cell
 * of 0.25 is a few component standard deviations of the ring (0.1), so a mode fills one or
 * two cells and a missed mode shows up as empty cells.
 */
export const DEFAULT_GRID: GridSpec = { bins: 20, xMin: -2.5, xMax: 2.5, yMin: -2.5, yMax: 2.5 };

function checkGrid(g: GridSpec): void {
  if (!Number.isInteger(g.bins) || g.bins < 1) throw new Error(`The grid needs a whole number of bins per axis, at least 1 (got ${g.bins}).`);
  if (!(g.xMax > g.xMin) || !(g.yMax > g.yMin)) throw new Error('The grid box must have xMax > xMin and yMax > yMin.');
}

/**
 * The cell of (x, y): i = ⌊(x − xMin)/Δx⌋ along x, j = ⌊(y − yMin)/Δy⌋ along y, index j·R + i.
 * Cells are half-open, so a point exactly on the box's right or top edge is outside; points
 * outside the box and points with a non-finite coordinate go to the extra cell R².
 */
export function cellIndex(x: number, y: number, grid: GridSpec): number {
  const r = grid.bins;
  const i = Math.floor(((x - grid.xMin) / (grid.xMax - grid.xMin)) * r);
  const j = Math.floor(((y - grid.yMin) / (grid.yMax - grid.yMin)) * r);
  // NaN fails every comparison below, so it lands outside too
  if (i >= 0 && i < r && j >= 0 && j < r) return j * r + i;
  return r * r;
}

/**
 * Normalised 2-D histogram of points xy = [x0, y0, x1, y1, …]: length R² + 1 (cell j·R + i, last
 * entry the mass outside the box), entries count/n, so it sums to 1 (up to rounding).
 */
export function histogram2D(xy: ArrayLike<number>, grid: GridSpec = DEFAULT_GRID): Float64Array {
  checkGrid(grid);
  const n = Math.floor(xy.length / 2);
  if (n === 0 || xy.length % 2 !== 0) throw new Error('Give the points as [x0, y0, x1, y1, …] with at least one point.');
  const h = new Float64Array(grid.bins * grid.bins + 1);
  for (let k = 0; k < n; k++) h[cellIndex(xy[2 * k], xy[2 * k + 1], grid)] += 1;
  for (let c = 0; c < h.length; c++) h[c] /= n;
  return h;
}

/**
 * Default smoothing for `discreteKL`: 1% of the mass spread uniformly. It keeps KL finite when a
 * cell has data but no samples, capping each cell's log-ratio at log(M/ε) for M cells, while
 * moving well-covered cells by only 1%.
 */
export const KL_SMOOTHING = 0.01;

/**
 * D_KL(p ‖ q) = Σᵢ pᵢ log(pᵢ / q̃ᵢ) for histograms p, q of equal length M (each summing to 1),
 * with q̃ = (1 − ε) q + ε/M so that q̃ᵢ > 0 everywhere (ε = 0 gives the raw KL, which is
 * infinite when q misses a cell p has). Terms with pᵢ = 0 contribute 0. Nats.
 */
export function discreteKL(p: ArrayLike<number>, q: ArrayLike<number>, epsilon = KL_SMOOTHING): number {
  if (p.length !== q.length || p.length === 0) throw new Error('The two histograms must have the same, non-zero number of cells.');
  if (!(epsilon >= 0 && epsilon < 1)) throw new Error(`The smoothing ε must lie in [0, 1) (got ${epsilon}).`);
  const m = p.length;
  let kl = 0;
  for (let i = 0; i < m; i++) {
    if (p[i] > 0) kl += p[i] * Math.log(p[i] / ((1 - epsilon) * q[i] + epsilon / m));
  }
  return kl;
}

/**
 * JSD(p ‖ q) = ½ D_KL(p ‖ m) + ½ D_KL(q ‖ m), m = (p + q)/2, for histograms summing to 1. Always
 * finite (m > 0 wherever p or q is), 0 iff p = q, log 2 ≈ 0.693 nats iff they share no cell.
 */
export function discreteJSD(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length || p.length === 0) throw new Error('The two histograms must have the same, non-zero number of cells.');
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const m = 0.5 * (p[i] + q[i]);
    if (p[i] > 0) js += 0.5 * p[i] * Math.log(p[i] / m);
    if (q[i] > 0) js += 0.5 * q[i] * Math.log(q[i] / m);
  }
  return js;
}

/** Options for `gridDivergences`. */
export interface GridDivergenceOptions {
  grid?: GridSpec;
  /** Smoothing ε of the second argument of each KL (default `KL_SMOOTHING`). */
  epsilon?: number;
}

/** The grid readout; divergences in nats, histograms of length R² + 1 summing to 1. */
export interface GridDivergences {
  /** JSD(p_data ‖ p_g) between the raw histograms, in [0, log 2]. */
  jsd: number;
  /** D_KL(p_data ‖ p̃_g): large when the generator misses regions the data has (dropped modes). */
  klDataModel: number;
  /** D_KL(p_g ‖ p̃_data): large when the generator puts mass where there is no data. */
  klModelData: number;
  pData: Float64Array;
  pModel: Float64Array;
  /** Set when generated points are not finite (they are counted in the outside cell). */
  warning?: string;
}

/** Bin real and generated points on one grid and compare them. */
export function gridDivergences(real: ArrayLike<number>, fake: ArrayLike<number>, options: GridDivergenceOptions = {}): GridDivergences {
  const grid = options.grid ?? DEFAULT_GRID;
  const epsilon = options.epsilon ?? KL_SMOOTHING;
  const pData = histogram2D(real, grid), pModel = histogram2D(fake, grid);
  const result: GridDivergences = {
    jsd: discreteJSD(pData, pModel),
    klDataModel: discreteKL(pData, pModel, epsilon),
    klModelData: discreteKL(pModel, pData, epsilon),
    pData,
    pModel,
  };
  let bad = 0;
  for (let i = 0; i < fake.length; i++) if (!Number.isFinite(fake[i])) bad++;
  if (bad > 0) result.warning = 'Some generated points are not finite numbers: training has diverged.';
  return result;
}
