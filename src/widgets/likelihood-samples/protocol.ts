/**
 * What the likelihood-vs-samples widget computes, React-free so that the end-to-end test can
 * recompute the numbers the widget shows: which images, how many, which seeds.
 */
import { childSeed, mulberry32, normalSampler } from '../../core/random.ts';
import { logSpace } from '../../core/kde.ts';
import { sampleImageData } from '../../core/metrics/likelihood.ts';
import type { PointSet } from '../../core/metrics/common.ts';

/** Held-out test images: enough for a stable mean, few enough for a quick KDE. */
export const TEST_IMAGES = 200;
/** Samples of q₂ shown in the grid (and of the KDE). */
export const Q2_SAMPLES = 24;
export const KDE_SAMPLES = 8;
/** Image sides of the "penalty vs D" curve (D = side²). */
export const SWEEP_SIDES = [2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 48, 56] as const;
/** Bandwidths of the KDE's likelihood curve: the ε slider's range. */
export const EPS_GRID = logSpace(0.001, 1, 31);

export function trainImages(side: number, n: number, seed: number): PointSet {
  return sampleImageData(side, n, childSeed(seed, 'lq-train'));
}

export function testImages(side: number, seed: number): PointSet {
  return sampleImageData(side, TEST_IMAGES, childSeed(seed, 'lq-test'));
}

export function q2SampleSeed(seed: number): number {
  return childSeed(seed, 'lq-q2-samples');
}

/**
 * Samples of the memorising KDE q_ε: a training image picked uniformly at random plus
 * N(0, ε² I) noise, exactly how the model samples. @returns images and the index of each source.
 */
export function kdeSamples(train: PointSet, eps: number, count: number, seed: number): { images: Float32Array; sources: Int32Array } {
  const rng = mulberry32(childSeed(seed, 'lq-kde-samples'));
  const normal = normalSampler(rng);
  const D = train.d;
  const images = new Float32Array(count * D);
  const sources = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const src = Math.floor(rng() * train.n);
    sources[i] = src;
    for (let j = 0; j < D; j++) images[i * D + j] = train.data[src * D + j] + eps * normal();
  }
  return { images, sources };
}
