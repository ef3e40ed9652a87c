/**
 * What the live 2-D GAN widget shows beside its plots, computed from a `GanSnapshot` and the
 * training set in plain float64 JavaScript (no tensors): the grid divergences, the modes covered
 * (for the mixture data sets), the mean D(G(z)) and the mean length of the generator's gradient
 * arrows; plus the widget's training sets and a capped history for its curves.
 *
 * API:
 * - `GAN_DATASETS`, `GanDataset`: the data sets the widget offers ('drawn' = the reader's points).
 * - `GAN_DATA_POINTS`: training-set size.
 * - `ganTrainingData(name, seed, drawn?)`: the training set [x0, y0, …] and its mixture (ring, grid).
 * - `mean(values)`, `meanNorm2D(vectors)`: the two averages the readouts use.
 * - `GanReadouts`, `ganReadouts(real, snapshot, mixture, realHistogram?)`.
 * - `CappedHistory`: a series that keeps at most `capacity` points by dropping every other one.
 */
import { gridMixture, resampleDrawn, ringMixture, sampleDataset, type Mixture2D } from '../data2d';
import { DEFAULT_GRID, discreteJSD, discreteKL, histogram2D, KL_SMOOTHING, type GridSpec } from './gridDivergence';
import { modeCoverage } from './modes';
import type { GanSnapshot } from './trainer';

/** The live widget's data sets, in the order of its menu; 'drawn' resamples the reader's points. */
export const GAN_DATASETS = ['ring', 'grid', 'moons', 'spiral', 'line', 'drawn'] as const;
export type GanDataset = (typeof GAN_DATASETS)[number];

/** Points in each training set: enough that a batch of 512 rarely repeats a point. */
export const GAN_DATA_POINTS = 2000;

/** A training set and, for the Gaussian mixtures, the mixture (for the modes-covered count). */
export interface GanTrainingData {
  xy: Float64Array;
  mixture: Mixture2D | null;
}

/**
 * The training set for a data set name and seed: `GAN_DATA_POINTS` draws; for 'drawn', that many
 * points resampled from `drawn` with a little jitter (throws if nothing has been drawn).
 */
export function ganTrainingData(name: GanDataset, seed: number, drawn: ReadonlyArray<readonly [number, number]> = []): GanTrainingData {
  switch (name) {
    case 'drawn': return { xy: resampleDrawn(drawn, GAN_DATA_POINTS, seed).xy, mixture: null };
    case 'ring': return { xy: sampleDataset('ring', GAN_DATA_POINTS, seed).xy, mixture: ringMixture() };
    case 'grid': return { xy: sampleDataset('grid', GAN_DATA_POINTS, seed).xy, mixture: gridMixture() };
    default: return { xy: sampleDataset(name, GAN_DATA_POINTS, seed).xy, mixture: null };
  }
}

/** The arithmetic mean; NaN for no values. */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** The mean Euclidean length of 2-D vectors [u0, v0, u1, v1, …]; NaN for none. */
export function meanNorm2D(vectors: ArrayLike<number>): number {
  const n = Math.floor(vectors.length / 2);
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.hypot(vectors[2 * i], vectors[2 * i + 1]);
  return s / n;
}

/** The numbers beside one run's plot; divergences in nats. */
export interface GanReadouts {
  /** JSD between the data's and the samples' grid histograms, in [0, log 2]. */
  jsd: number;
  /** KL(data ‖ model) on the grid (smoothed): large when modes are missed. */
  klDataModel: number;
  /** KL(model ‖ data) on the grid (smoothed): large when samples land where there is no data. */
  klModelData: number;
  /** Modes covered (`modeCoverage`), or null for a data set that is not a Gaussian mixture. */
  covered: number | null;
  total: number | null;
  /** Per mode of the mixture, 1 where covered (`modeCoverage`), or null. */
  isCovered: Uint8Array | null;
  /** Mean D(G(z)) over the view samples: how real the discriminator finds the fakes. */
  meanD: number;
  /** Mean ‖∂ℓ/∂x‖ over the view samples: how hard the generator loss pushes them. */
  gradNorm: number;
  /** The histogram of the generated samples (length R² + 1, sums to 1). */
  pModel: Float64Array;
}

/**
 * The readouts of one run from its snapshot. `realHistogram` (the data's `histogram2D` on
 * `grid`) may be passed to avoid rebinning the fixed training set at every redraw.
 */
export function ganReadouts(real: ArrayLike<number>, snapshot: GanSnapshot, mixture: Mixture2D | null, realHistogram?: Float64Array, grid: GridSpec = DEFAULT_GRID): GanReadouts {
  const pData = realHistogram ?? histogram2D(real, grid);
  const pModel = histogram2D(snapshot.samples, grid);
  if (pData.length !== pModel.length) throw new Error('The data histogram was binned on a different grid.');
  const coverage = mixture ? modeCoverage(snapshot.samples, mixture) : null;
  return {
    jsd: discreteJSD(pData, pModel),
    klDataModel: discreteKL(pData, pModel, KL_SMOOTHING),
    klModelData: discreteKL(pModel, pData, KL_SMOOTHING),
    covered: coverage ? coverage.covered : null,
    total: coverage ? coverage.total : null,
    isCovered: coverage ? coverage.isCovered : null,
    meanD: mean(snapshot.dAtSamples),
    gradNorm: meanNorm2D(snapshot.grad),
    pModel,
  };
}

/**
 * A series of points for a curve over training that never holds more than `capacity` points:
 * when full, every other point is dropped and points are then kept at twice the spacing, so the
 * whole run stays drawn at an even density and memory stays bounded.
 */
export class CappedHistory<T> {
  private items: T[] = [];
  private stride = 1;
  private seen = 0;

  constructor(readonly capacity = 400) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new Error(`The history needs room for at least 2 points (got ${capacity}).`);
  }

  /** Offer a point; it is kept if it falls on the current spacing. */
  push(item: T): void {
    if (this.seen++ % this.stride !== 0) return;
    this.items.push(item);
    if (this.items.length >= this.capacity) {
      this.items = this.items.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  get points(): readonly T[] {
    return this.items;
  }

  clear(): void {
    this.items = [];
    this.stride = 1;
    this.seen = 0;
  }
}
