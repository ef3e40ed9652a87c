/**
 * Mode coverage of generated samples against a 2-D Gaussian mixture (ring of 8, grid of 25).
 *
 * The rule: each sample is assigned to its nearest mixture mean and is "high quality" when it
 * lies within 3σ of that mean (a 2-D isotropic Gaussian puts 1 − e^{−9/2} ≈ 98.9% of its mass
 * there). Mode k is covered when its high-quality samples number at least
 * `minFraction` × wₖ × n, a quarter (by default) of the share the data would give it. A fixed
 * count would call a mode covered by a handful of strays in a big batch; a share scales with n.
 *
 * API:
 * - `ModeCoverageOptions`, `DEFAULT_MIN_FRACTION`, `DEFAULT_RADIUS_STDS`.
 * - `modeCoverage(xy, mixture, options?)`: covered count, per-mode counts and flags,
 *   the high-quality fraction and the threshold used.
 */
import type { Mixture2D } from '../data2d';

/** A mode needs a quarter of its expected share of samples: lenient enough for small batches. */
export const DEFAULT_MIN_FRACTION = 0.25;
/** Radius of a mode, in component standard deviations. */
export const DEFAULT_RADIUS_STDS = 3;

export interface ModeCoverageOptions {
  minFraction?: number;
  radiusStds?: number;
}

export interface ModeCoverage {
  /** Number of covered modes. */
  covered: number;
  /** Number of modes in the mixture. */
  total: number;
  /** High-quality samples per mode (within radiusStds·σ of the nearest mean). */
  counts: Int32Array;
  /** 1 where the mode is covered, else 0. */
  isCovered: Uint8Array;
  /** Fraction of all samples that are high quality, in [0, 1]. */
  highQuality: number;
  /** Samples mode k needed: minFraction · wₖ · n. */
  thresholds: Float64Array;
}

/** Apply the coverage rule above to samples xy = [x0, y0, x1, y1, …] (non-finite points count as misses). */
export function modeCoverage(xy: ArrayLike<number>, mixture: Mixture2D, options: ModeCoverageOptions = {}): ModeCoverage {
  const minFraction = options.minFraction ?? DEFAULT_MIN_FRACTION;
  const radiusStds = options.radiusStds ?? DEFAULT_RADIUS_STDS;
  if (!(minFraction > 0 && minFraction <= 1)) throw new Error(`The fraction a mode needs must lie in (0, 1] (got ${minFraction}).`);
  if (!(radiusStds > 0)) throw new Error(`The mode radius must be a positive number of standard deviations (got ${radiusStds}).`);
  const n = Math.floor(xy.length / 2);
  if (n === 0 || xy.length % 2 !== 0) throw new Error('Give the samples as [x0, y0, x1, y1, …] with at least one sample.');
  const k = mixture.means.length;
  const counts = new Int32Array(k);
  const r2 = (radiusStds * mixture.std) ** 2;
  let good = 0;
  for (let s = 0; s < n; s++) {
    const x = xy[2 * s], y = xy[2 * s + 1];
    let best = -1, bestD2 = Infinity;
    for (let m = 0; m < k; m++) {
      const dx = x - mixture.means[m][0], dy = y - mixture.means[m][1];
      const d2 = dx * dx + dy * dy;
      if (d2 < bestD2) {
        bestD2 = d2;
        best = m;
      }
    }
    // a NaN point never gets a nearest mean (every comparison is false)
    if (best >= 0 && bestD2 <= r2) {
      counts[best]++;
      good++;
    }
  }
  const thresholds = new Float64Array(k);
  const isCovered = new Uint8Array(k);
  let covered = 0;
  for (let m = 0; m < k; m++) {
    thresholds[m] = minFraction * mixture.weights[m] * n;
    if (counts[m] > 0 && counts[m] >= thresholds[m]) {
      isCovered[m] = 1;
      covered++;
    }
  }
  return { covered, total: k, counts, isCovered, highQuality: good / n, thresholds };
}
