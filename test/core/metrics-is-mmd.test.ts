import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { inceptionScore } from '../../src/core/metrics/inceptionScore';
import { mmdPermutationTest, MULTISCALE_FACTORS, permutationLabels } from '../../src/core/metrics/mmdTest';
import { pointSet, type PointSet } from '../../src/core/metrics/common';
import { mixturePosterior, realMixture, sampleGaussian, toyControlsForPreset, toyData, toyInceptionScore, TOY_DEFAULTS } from '../../src/core/metrics/toyGaussians';
import { inceptionScoreRef, meanSqPairDistanceRef, mixturePosteriorRef, mmdStatisticRef } from '../../src/core/ref/metrics';
import { mulberry32 } from '../../src/core/random';

async function expectNoLeak<T>(f: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const r = await f();
  expect(tf.memory().numTensors).toBe(before);
  return r;
}

/** n random rows over K classes, some with exact zeros. */
function randomProbs(n: number, K: number, seed: number): Float64Array {
  const rng = mulberry32(seed);
  const p = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < K; c++) {
      const v = rng() < 0.3 ? 0 : rng() ** 3;
      p[i * K + c] = v;
      s += v;
    }
    if (s === 0) { p[i * K] = 1; s = 1; }
    for (let c = 0; c < K; c++) p[i * K + c] /= s;
  }
  return p;
}

describe('Inception Score', () => {
  it('is K for one-hot predictions spread evenly over the classes', async () => {
    for (const K of [2, 8, 25]) {
      const p = new Float32Array(4 * K * K);
      for (let i = 0; i < 4 * K; i++) p[i * K + (i % K)] = 1;
      const r = await expectNoLeak(() => inceptionScore(p, K));
      expect(r.is).toBeCloseTo(K, 4);
      expect(r.sharpness).toBeCloseTo(1, 6);
      expect(r.diversity).toBeCloseTo(K, 4);
    }
  });

  it('is 1 when every prediction is the same, however confident', async () => {
    for (const row of [[1, 0, 0], [0.2, 0.5, 0.3], [1 / 3, 1 / 3, 1 / 3]]) {
      const r = await inceptionScore(Float64Array.from({ length: 30 }, (_, i) => row[i % 3]), 3);
      expect(r.is).toBeCloseTo(1, 6);
    }
  });

  it('matches the float64 reference (0 log 0 = 0), equals diversity × sharpness, lies in [1, K]', async () => {
    for (const [n, K] of [[50, 3], [400, 10], [1000, 25]]) {
      const p = randomProbs(n, K, n + K);
      const r = await inceptionScore(p, K);
      const ref = inceptionScoreRef(p, n, K);
      expect(Math.abs(r.is - ref.is)).toBeLessThan(1e-5 * ref.is);
      expect(Math.abs(r.marginalEntropy - ref.marginalEntropy)).toBeLessThan(1e-5);
      expect(Math.abs(r.meanConditionalEntropy - ref.meanConditionalEntropy)).toBeLessThan(1e-5);
      expect(r.is).toBeCloseTo(r.diversity * r.sharpness, 5);
      expect(r.is).toBeGreaterThanOrEqual(1);
      expect(r.is).toBeLessThanOrEqual(K);
    }
  });

  it('degenerate input: messages, never NaN', async () => {
    await expect(inceptionScore(new Float32Array(0), 3)).rejects.toThrow(/empty/);
    await expect(inceptionScore(new Float32Array([0.5, 0.5, 0.5]), 2)).rejects.toThrow(/do not split/);
    await expect(inceptionScore(new Float32Array([0.5, 0.2]), 2)).rejects.toThrow(/sum to 0.7000/);
    await expect(inceptionScore(new Float32Array([1.5, -0.5]), 2)).rejects.toThrow(/outside \[0, 1\]/);
    await expect(inceptionScore(new Float32Array([1]), 0)).rejects.toThrow(/positive integer/);
    const one = await inceptionScore(new Float32Array([1, 1]), 1);
    expect(one.is).toBe(1);
    expect(one.warning).toMatch(/single class/);
  });
});

describe('the toy classifier (Bayes posterior of the real mixture)', () => {
  it('matches the float64 posterior and gives IS in [1, K]: about K on real data, about 4 with half the modes', async () => {
    const base = { ...TOY_DEFAULTS, nReal: 400, nGenerated: 400 };
    const data = toyData(base);
    const post = await expectNoLeak(() => mixturePosterior(data.real, data.realMixture));
    const ref = mixturePosteriorRef(data.real, data.realMixture);
    post.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-5));
    const real = await toyInceptionScore(data.real, data.realMixture);
    expect(Math.abs(real.is - inceptionScoreRef(ref, 400, 8).is)).toBeLessThan(1e-4);
    expect(real.is).toBeGreaterThan(7.5);
    expect(real.is).toBeLessThanOrEqual(8);
    const dropped = toyData(toyControlsForPreset('droppedModes', base));
    const d = await toyInceptionScore(dropped.generated, dropped.realMixture);
    expect(Math.abs(d.is - 4)).toBeLessThan(0.3);
    // Points at the ring's centre are equally far from all modes: every prediction is uniform,
    // so sharpness is 1/K and IS is 1.
    const centre = sampleGaussian(300, 2, 3, 0, 1e-4);
    const c = await toyInceptionScore(centre, realMixture('ring8'));
    expect(c.sharpness).toBeCloseTo(1 / 8, 3);
    expect(c.is).toBeCloseTo(1, 3);
  });
});

describe('MMD two-sample permutation test', () => {
  it('permutation labels: column 0 is the true split, every column labels n points real', () => {
    const w = permutationLabels(5, 3, 10, 1);
    for (let c = 0; c < 11; c++) {
      let ones = 0;
      for (let i = 0; i < 8; i++) {
        expect([0, 1]).toContain(w[i * 11 + c]);
        ones += w[i * 11 + c];
      }
      expect(ones).toBe(5);
    }
    for (let i = 0; i < 8; i++) expect(w[i * 11]).toBe(i < 5 ? 1 : 0);
    expect(permutationLabels(5, 3, 10, 1)).toEqual(w);
    expect(permutationLabels(5, 3, 10, 2)).not.toEqual(w);
  });

  it('statistics match the float64 MMD²_u of every labelling for each kernel; p-value from them', async () => {
    const x = sampleGaussian(60, 2, 1), y = sampleGaussian(50, 2, 2, 0.2);
    const pooled: PointSet = pointSet(Float64Array.from([...x.data, ...y.data]), 2);
    const w = permutationLabels(60, 50, 30, 5);
    for (const kernel of ['gaussian', 'multiscale', 'cubic'] as const) {
      const r = await expectNoLeak(() => mmdPermutationTest(x, y, { permutations: 30, seed: 5, kernel, bandwidth: kernel === 'cubic' ? undefined : 0.7 }));
      const spec = kernel === 'cubic' ? 'cubic' as const : { sigma: 0.7, factors: kernel === 'gaussian' ? [1] : MULTISCALE_FACTORS };
      const ref = mmdStatisticRef(pooled, w, 31, spec);
      // Gaussian kernels are ≤ 1; cubic kernel values here reach ~30 (float32 relative 1e-6).
      const scale = kernel === 'cubic' ? 1e-4 : 1e-5;
      expect(Math.abs(r.mmd2 - ref[0])).toBeLessThan(scale);
      r.nullStats.forEach((t, b) => expect(Math.abs(t - ref[b + 1])).toBeLessThan(scale));
      const atLeast = Array.from(ref.subarray(1)).filter((t) => t >= ref[0]).length;
      expect(r.pValue).toBeCloseTo((1 + atLeast) / 31, 12);
    }
  });

  it('the default bandwidth is √(½ mean pairwise squared distance) of the pooled points', async () => {
    const x = sampleGaussian(40, 3, 1), y = sampleGaussian(30, 3, 2, 1, 2);
    const r = await mmdPermutationTest(x, y, { permutations: 5 });
    const pooled = pointSet(Float64Array.from([...x.data, ...y.data]), 3);
    expect(r.bandwidth).not.toBeNull();
    expect(Math.abs(r.bandwidth! - Math.sqrt(meanSqPairDistanceRef(pooled) / 2))).toBeLessThan(1e-5 * r.bandwidth!);
  });

  it('the multiscale default rejects every toy failure but memorisation, and not the perfect model', async () => {
    const base = { ...TOY_DEFAULTS, nReal: 300, nGenerated: 300 };
    for (const [name, reject] of [['perfect', false], ['shifted', true], ['blurry', true], ['modeCollapse', true], ['droppedModes', true], ['memorised', false]] as const) {
      const data = toyData(toyControlsForPreset(name, base));
      const r = await mmdPermutationTest(data.real, data.generated, { permutations: 99, seed: 1 });
      expect(r.pValue <= 0.05, name).toBe(reject);
    }
  });

  it('rarely rejects under H₀ and always rejects a clear shift', async () => {
    let rejections = 0;
    for (let s = 0; s < 20; s++) {
      const r = await mmdPermutationTest(sampleGaussian(60, 2, 2 * s + 1), sampleGaussian(60, 2, 2 * s + 2), { permutations: 99, seed: s });
      if (r.pValue <= 0.05) rejections++;
    }
    // Binomial(20, 0.05): P(more than 4 rejections) ≈ 0.003 for a valid test.
    expect(rejections).toBeLessThanOrEqual(4);
    const shifted = await mmdPermutationTest(sampleGaussian(100, 2, 1), sampleGaussian(100, 2, 2, 0.8), { permutations: 99 });
    expect(shifted.pValue).toBe(shifted.pValueFloor);
    expect(shifted.pValueFloor).toBeCloseTo(0.01, 12);
  });

  it('subsamples large sets to maxPerSet points', async () => {
    const r = await mmdPermutationTest(sampleGaussian(300, 2, 1), sampleGaussian(120, 2, 2), { permutations: 10, maxPerSet: 100 });
    expect(r.nReal).toBe(100);
    expect(r.nGenerated).toBe(100);
    expect(r.nullStats.length).toBe(10);
  });

  it('degenerate input: messages, never NaN', async () => {
    const a = sampleGaussian(10, 2, 1);
    await expect(mmdPermutationTest(pointSet(new Float64Array(0), 2), a)).rejects.toThrow(/real set is empty/);
    await expect(mmdPermutationTest(a, pointSet(new Float64Array([0, 0]), 2))).rejects.toThrow(/at least 2/);
    await expect(mmdPermutationTest(a, a, { permutations: 0 })).rejects.toThrow(/at least one permutation/);
    await expect(mmdPermutationTest(a, a, { bandwidth: 0 })).rejects.toThrow(/must be positive/);
    const same = pointSet(new Float64Array(20).fill(0.5), 2);
    const r = await mmdPermutationTest(same, same, { permutations: 20 });
    expect(Math.abs(r.mmd2)).toBeLessThan(1e-6);
    expect(r.pValue).toBe(1);
    expect(r.warning).toMatch(/identical/);
  });
});
