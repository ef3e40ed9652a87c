/**
 * Seeded 2-D toy datasets shared by the GAN, VAE, diffusion and evaluation widgets.
 * Every generator returns points as a flat Float64Array `[x0, y0, x1, y1, …]` (length 2n) with
 * an integer label per point (the mixture component, moon, arm or ring it came from).
 * Scales are chosen so that every set lies roughly within [-2, 2]² — one plotting frame for all.
 */
import { mulberry32, normalSampler, type Rng } from './random';

/** n points in 2-D, row-major, with a label per point. */
export interface Points2D {
  readonly xy: Float64Array;
  readonly labels: Int32Array;
  /** Number of distinct labels (mixture components, arms, …). */
  readonly classes: number;
}

/** A 2-D Gaussian mixture with isotropic components. */
export interface Mixture2D {
  readonly means: ReadonlyArray<readonly [number, number]>;
  /** Standard deviation of every component. */
  readonly std: number;
  /** Mixture weights, summing to 1. */
  readonly weights: readonly number[];
}

/** K components evenly spaced on a circle of the given radius (the classic "ring of 8"). */
export function ringMixture(k = 8, radius = 1.5, std = 0.1): Mixture2D {
  const means: [number, number][] = [];
  for (let i = 0; i < k; i++) {
    const a = (2 * Math.PI * i) / k;
    means.push([radius * Math.cos(a), radius * Math.sin(a)]);
  }
  return { means, std, weights: new Array(k).fill(1 / k) };
}

/** side × side components on a square grid spanning [-extent, extent]² (the "grid of 25"). */
export function gridMixture(side = 5, extent = 1.6, std = 0.07): Mixture2D {
  const means: [number, number][] = [];
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      means.push([-extent + (2 * extent * i) / (side - 1), -extent + (2 * extent * j) / (side - 1)]);
    }
  }
  return { means, std, weights: new Array(side * side).fill(1 / (side * side)) };
}

/** Pick a component index by its weight. */
function pick(weights: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i];
    if (u < acc) return i;
  }
  return weights.length - 1;
}

/** n draws from a mixture, seeded. */
export function sampleMixture(m: Mixture2D, n: number, seed: number): Points2D {
  const rng = mulberry32(seed);
  const normal = normalSampler(rng);
  const xy = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = pick(m.weights, rng());
    labels[i] = c;
    xy[2 * i] = m.means[c][0] + m.std * normal();
    xy[2 * i + 1] = m.means[c][1] + m.std * normal();
  }
  return { xy, labels, classes: m.means.length };
}

/** Density of the mixture at (x, y). */
export function mixtureDensity(m: Mixture2D, x: number, y: number): number {
  const v = m.std * m.std;
  let p = 0;
  for (let i = 0; i < m.means.length; i++) {
    const dx = x - m.means[i][0], dy = y - m.means[i][1];
    p += m.weights[i] * Math.exp(-(dx * dx + dy * dy) / (2 * v));
  }
  return p / (2 * Math.PI * v);
}

function build(n: number, seed: number, classes: number, draw: (rng: Rng, normal: () => number, i: number) => [number, number, number]): Points2D {
  const rng = mulberry32(seed);
  const normal = normalSampler(rng);
  const xy = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [x, y, c] = draw(rng, normal, i);
    xy[2 * i] = x;
    xy[2 * i + 1] = y;
    labels[i] = c;
  }
  return { xy, labels, classes };
}

/** Two interleaved half-circles with Gaussian jitter. */
export function twoMoons(n: number, seed: number, noise = 0.06): Points2D {
  return build(n, seed, 2, (rng, normal) => {
    const c = rng() < 0.5 ? 0 : 1;
    const a = Math.PI * rng();
    const x = c === 0 ? Math.cos(a) : 1 - Math.cos(a);
    const y = c === 0 ? Math.sin(a) : 0.5 - Math.sin(a);
    // centre and scale the moons into the shared frame
    return [1.2 * (x - 0.5) + noise * normal(), 1.2 * (y - 0.25) + noise * normal(), c];
  });
}

/** A two-armed spiral. */
export function spiral(n: number, seed: number, noise = 0.04): Points2D {
  return build(n, seed, 2, (rng, normal) => {
    const c = rng() < 0.5 ? 0 : 1;
    const r = Math.sqrt(rng());
    const a = 3 * Math.PI * r + c * Math.PI;
    return [1.8 * r * Math.cos(a) + noise * normal(), 1.8 * r * Math.sin(a) + noise * normal(), c];
  });
}

/** The Swiss roll, projected to 2-D. */
export function swissRoll(n: number, seed: number, noise = 0.05): Points2D {
  return build(n, seed, 1, (rng, normal) => {
    const t = 1.5 * Math.PI * (1 + 2 * rng());
    const s = 1 / 7.5; // the roll's radius reaches 3π·1.5 ≈ 14; scale into the shared frame
    return [s * t * Math.cos(t) + noise * normal(), s * t * Math.sin(t) + noise * normal(), 0];
  });
}

/** Points along a diagonal segment from (-1.5, -1) to (1.5, 1), with a little noise. */
export function line(n: number, seed: number, noise = 0.03): Points2D {
  return build(n, seed, 1, (rng, normal) => {
    const u = 2 * rng() - 1;
    return [1.5 * u + noise * normal(), u + noise * normal(), 0];
  });
}

/** The pinwheel: `arms` curved Gaussian blades (Johnson et al. 2016). */
export function pinwheel(n: number, seed: number, arms = 5, radialStd = 0.3, tangentialStd = 0.05, rate = 0.25): Points2D {
  return build(n, seed, arms, (rng, normal) => {
    const c = Math.floor(rng() * arms);
    const r = 1 + radialStd * normal();
    const t = tangentialStd * normal();
    const angle = (2 * Math.PI * c) / arms + rate * Math.exp(r);
    const x = r * Math.cos(angle) - t * Math.sin(angle);
    const y = r * Math.sin(angle) + t * Math.cos(angle);
    return [x, y, c];
  });
}

/** Two concentric rings of radius 0.7 and 1.6. */
export function twoRings(n: number, seed: number, noise = 0.06): Points2D {
  return build(n, seed, 2, (rng, normal) => {
    const c = rng() < 0.5 ? 0 : 1;
    const r = c === 0 ? 0.7 : 1.6;
    const a = 2 * Math.PI * rng();
    return [r * Math.cos(a) + noise * normal(), r * Math.sin(a) + noise * normal(), c];
  });
}

/** Names of the datasets the widgets offer. */
export const DATASETS_2D = ['ring', 'grid', 'moons', 'spiral', 'swissroll', 'line', 'pinwheel', 'rings'] as const;
export type Dataset2D = (typeof DATASETS_2D)[number];

/** Draw n points from a named dataset. */
export function sampleDataset(name: Dataset2D, n: number, seed: number): Points2D {
  switch (name) {
    case 'ring': return sampleMixture(ringMixture(), n, seed);
    case 'grid': return sampleMixture(gridMixture(), n, seed);
    case 'moons': return twoMoons(n, seed);
    case 'spiral': return spiral(n, seed);
    case 'swissroll': return swissRoll(n, seed);
    case 'line': return line(n, seed);
    case 'pinwheel': return pinwheel(n, seed);
    case 'rings': return twoRings(n, seed);
  }
}

/** n points resampled (with replacement) from a user-drawn set, each jittered by `noise`. */
export function resampleDrawn(points: ReadonlyArray<readonly [number, number]>, n: number, seed: number, noise = 0.03): Points2D {
  if (points.length === 0) throw new Error('Draw at least one point first.');
  return build(n, seed, 1, (rng, normal) => {
    const p = points[Math.floor(rng() * points.length)];
    return [p[0] + noise * normal(), p[1] + noise * normal(), 0];
  });
}
