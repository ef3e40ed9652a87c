import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { cubicFeatureCount, cubicFeatures, cubicKernel, defaultSubsetSize, kid, kidSubsets } from '../../src/core/metrics/kid';
import { createMetricCache, pointSet } from '../../src/core/metrics/common';
import { sampleGaussian, toyControlsForPreset, toyData, TOY_DEFAULTS, TOY_PRESET_NAMES } from '../../src/core/metrics/toyGaussians';
import { cubicKernelRef, fidRef, kidRef, mmd2UnbiasedRef } from '../../src/core/ref/metrics';

describe('KID (cubic-kernel unbiased MMD²)', () => {
  it('the device kernel equals (xᵀy/d + 1)³', () => {
    const a = sampleGaussian(6, 5, 1), b = sampleGaussian(4, 5, 2);
    const k = tf.tidy(() => cubicKernel(tf.tensor2d(Float32Array.from(a.data), [6, 5]), tf.tensor2d(Float32Array.from(b.data), [4, 5])).dataSync());
    for (let i = 0; i < 6; i++) for (let j = 0; j < 4; j++) {
      const ref = cubicKernelRef(a, i, b, j);
      expect(Math.abs(k[i * 4 + j] - ref)).toBeLessThan(1e-5 * (1 + Math.abs(ref)));
    }
  });

  it('the explicit feature map reproduces the kernel: φ(x)ᵀφ(y) = (xᵀy/d + 1)³', () => {
    for (const d of [1, 2, 3, 5]) {
      const a = sampleGaussian(4, d, d), b = sampleGaussian(3, d, d + 10);
      expect(cubicFeatureCount(d)).toBe([4, 10, 20, 56][[1, 2, 3, 5].indexOf(d)]);
      const k = tf.tidy(() => tf.matMul(cubicFeatures(tf.tensor2d(Float32Array.from(a.data), [4, d])), cubicFeatures(tf.tensor2d(Float32Array.from(b.data), [3, d])), false, true).dataSync());
      for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) {
        const ref = cubicKernelRef(a, i, b, j);
        expect(Math.abs(k[i * 3 + j] - ref)).toBeLessThan(1e-5 * (1 + Math.abs(ref)));
      }
    }
  });

  it('the feature-map and kernel-matrix paths agree (d = 3: 20 features, subsets of 19 and 21)', async () => {
    const a = sampleGaussian(60, 3, 1), b = sampleGaussian(50, 3, 2, 0.3);
    for (const m of [19, 21]) {
      const r = await kid(a, b, { subsetSize: m, subsets: 5, seed: 2 });
      const ref = kidRef(a, b, kidSubsets(60, 50, m, 5, 2));
      r.values.forEach((v, s) => expect(Math.abs(v - ref.values[s])).toBeLessThan(1e-5));
    }
  });

  it('matches the float64 reference on the same subsets, for every toy preset and in 8-D (abs 1e-5)', async () => {
    const base = { ...TOY_DEFAULTS, nReal: 300, nGenerated: 250 };
    for (const name of TOY_PRESET_NAMES) {
      const data = toyData(toyControlsForPreset(name, base));
      const before = tf.memory().numTensors;
      const r = await kid(data.real, data.generated, { seed: 4, subsets: 6 });
      expect(tf.memory().numTensors).toBe(before);
      const ref = kidRef(data.real, data.generated, kidSubsets(300, 250, r.subsetSize, 6, 4));
      expect(r.subsetSize).toBe(125);
      r.values.forEach((v, s) => expect(Math.abs(v - ref.values[s])).toBeLessThan(1e-5));
      expect(Math.abs(r.kid - ref.kid)).toBeLessThan(1e-5);
      expect(Math.abs(r.std - ref.std)).toBeLessThan(1e-5);
    }
    const a = sampleGaussian(700, 8, 1), b = sampleGaussian(650, 8, 2, 0.1);
    // 8-D has 165 features: subsets of 600 use them; subsets of 150 use the kernel matrix in two
    // tiles of 512 rows (700 rows).
    for (const subsetSize of [600, 150]) {
      const r = await kid(a, b, { seed: 1, subsets: 3, subsetSize });
      const ref = kidRef(a, b, kidSubsets(700, 650, subsetSize, 3, 1));
      expect(Math.abs(r.kid - ref.kid)).toBeLessThan(1e-5);
    }
  });

  it('the unbiased estimate of one subset is the textbook formula', () => {
    // A hand-sized check of the reference itself: 3 points against 2, d = 1.
    const x = pointSet(new Float64Array([0, 1, 2]), 1), y = pointSet(new Float64Array([1, -1]), 1);
    const k = (u: number, v: number) => (u * v + 1) ** 3;
    const xx = (k(0, 1) + k(0, 2) + k(1, 2)) * 2 / 6, yy = (k(1, -1) * 2) / 2;
    let xy = 0;
    for (const u of [0, 1, 2]) for (const v of [1, -1]) xy += k(u, v);
    expect(mmd2UnbiasedRef(x, [0, 1, 2], y, [0, 1])).toBeCloseTo(xx + yy - (2 * xy) / 6, 12);
  });

  it('has expectation 0 for two samples of one distribution, while FID is biased upwards', () => {
    // 40 independent pairs in float64: KID's mean is within 3 standard errors of 0; FID's is
    // many standard errors above 0.
    const kids: number[] = [], fids: number[] = [];
    for (let s = 0; s < 40; s++) {
      const a = sampleGaussian(60, 4, 2 * s + 1), b = sampleGaussian(60, 4, 2 * s + 2);
      kids.push(kidRef(a, b, kidSubsets(60, 60, 60, 1, s)).kid);
      fids.push(fidRef(a, b).fid);
    }
    const meanSe = (v: number[]) => {
      const m = v.reduce((p, c) => p + c, 0) / v.length;
      const sd = Math.sqrt(v.reduce((p, c) => p + (c - m) ** 2, 0) / (v.length - 1));
      return [m, sd / Math.sqrt(v.length)];
    };
    const [km, kse] = meanSe(kids), [fm, fse] = meanSe(fids);
    expect(Math.abs(km)).toBeLessThan(3 * kse);
    expect(fm).toBeGreaterThan(10 * fse);
    expect(kids.some((v) => v < 0)).toBe(true);
  });

  it('grows with a mean shift', async () => {
    const a = sampleGaussian(400, 3, 1);
    const small = await kid(a, sampleGaussian(400, 3, 2, 0.2), { seed: 2 });
    const large = await kid(a, sampleGaussian(400, 3, 2, 0.6), { seed: 2 });
    expect(small.kid).toBeGreaterThan(small.std);
    expect(large.kid).toBeGreaterThan(4 * small.kid);
  });

  it('reuses the real-real sums from a cache only for the same real array', async () => {
    const data = toyData({ ...TOY_DEFAULTS, nReal: 200, nGenerated: 200 });
    const other = toyData(toyControlsForPreset('blurry', { ...TOY_DEFAULTS, nReal: 200, nGenerated: 200 }));
    const cache = createMetricCache();
    const fresh = await kid(data.real, other.generated, { seed: 3 });
    const first = await kid(data.real, data.generated, { seed: 3, cache });
    const cached = await kid(data.real, other.generated, { seed: 3, cache });
    expect(cache.entries.size).toBe(1);
    expect(Math.abs(cached.kid - fresh.kid)).toBeLessThan(1e-6);
    expect(first.kid).not.toBe(cached.kid);
    // A new real array of the same size is not mistaken for the cached one.
    const copy = { ...data.real, data: data.real.data.map((v) => v + 0.5) };
    const shifted = await kid(copy, other.generated, { seed: 3, cache });
    const shiftedFresh = await kid(copy, other.generated, { seed: 3 });
    expect(Math.abs(shifted.kid - shiftedFresh.kid)).toBeLessThan(1e-6);
  });

  it('default subset size is half the smaller set, capped at 1000, at least 2', () => {
    expect(defaultSubsetSize(2000, 5000)).toBe(1000);
    expect(defaultSubsetSize(300, 250)).toBe(125);
    expect(defaultSubsetSize(3, 3)).toBe(2);
  });

  it('degenerate input: messages, never NaN', async () => {
    const ok = sampleGaussian(10, 2, 1);
    await expect(kid(pointSet(new Float64Array(0), 2), ok)).rejects.toThrow(/real set is empty/);
    await expect(kid(ok, pointSet(new Float64Array([1, 1]), 2))).rejects.toThrow(/at least 2/);
    await expect(kid(ok, sampleGaussian(10, 3, 1))).rejects.toThrow(/different dimensions/);
    await expect(kid(ok, ok, { subsetSize: 11 })).rejects.toThrow(/larger than a set/);
    await expect(kid(ok, ok, { subsetSize: 1 })).rejects.toThrow(/at least 2 points/);
    await expect(kid(ok, ok, { subsets: 0 })).rejects.toThrow(/at least one subset/);
    const whole = await kid(ok, sampleGaussian(10, 2, 2), { subsetSize: 10, subsets: 3 });
    expect(whole.std).toBe(0);
    expect(whole.warning).toMatch(/whole of both sets/);
    const single = await kid(ok, sampleGaussian(10, 2, 2), { subsets: 1 });
    expect(single.warning).toMatch(/single subset/);
    expect(Number.isFinite(single.kid)).toBe(true);
  });
});
