import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { gaussianKernelMmd2, mmd2ToStandardNormal } from '../../src/core/diffusion/mmd';
import { noiseAt, standardNormals } from '../../src/core/diffusion/forward';
import { makeSchedule } from '../../src/core/diffusion/schedules';
import { sampleDataset } from '../../src/core/data2d';
import { mmd2Ref, mmd2ToStandardNormalRef } from '../../src/core/ref/diffusion';
import { mulberry32, normalSampler } from '../../src/core/random';

describe('MMD with a Gaussian kernel', () => {
  it('tfjs two-sample MMD² matches the float64 reference', async () => {
    const x = sampleDataset('moons', 300, 1).xy, y = sampleDataset('ring', 200, 2).xy;
    for (const h of [0.2, 1]) {
      const r = await gaussianKernelMmd2(x, y, { h });
      const ref = mmd2Ref(x, y, h);
      expect(ref).toBeGreaterThan(0.01);
      expect(Math.abs(r.mmd2 - ref)).toBeLessThan(1e-4 * ref);
      expect(r.mmd).toBeCloseTo(Math.sqrt(r.mmd2), 12);
    }
    // same law: the unbiased estimate sits near 0 (here within 0.002), and tfjs still matches
    const a = sampleDataset('moons', 300, 3).xy;
    const same = await gaussianKernelMmd2(x, a, { h: 0.5 });
    expect(Math.abs(same.mmd2)).toBeLessThan(2e-3);
    expect(Math.abs(same.mmd2 - mmd2Ref(x, a, 0.5))).toBeLessThan(2e-6);
  });

  it('MMD² to N(0, I) in closed form matches its reference, and the closed-form expectations are right', async () => {
    const x = sampleDataset('swissroll', 400, 5).xy;
    const r = await mmd2ToStandardNormal(x, { h: 1 });
    const ref = mmd2ToStandardNormalRef(x, 1);
    expect(Math.abs(r.mmd2 - ref)).toBeLessThan(1e-4 * ref);
    // E_{y~N(0,I)} k(x, y) and E k(y, y') against Monte Carlo (200,000 draws, 5 standard errors)
    const normal = normalSampler(mulberry32(8));
    const h = 0.7, h2 = h * h, n = 200000;
    const p = [0.9, -1.4];
    let s = 0, s2 = 0, t = 0, t2 = 0;
    for (let i = 0; i < n; i++) {
      const y0 = normal(), y1 = normal(), z0 = normal(), z1 = normal();
      const k = Math.exp(-((p[0] - y0) ** 2 + (p[1] - y1) ** 2) / (2 * h2));
      const kk = Math.exp(-((z0 - y0) ** 2 + (z1 - y1) ** 2) / (2 * h2));
      s += k;
      s2 += k * k;
      t += kk;
      t2 += kk * kk;
    }
    const se = (a: number, b: number) => Math.sqrt((b / n - (a / n) ** 2) / n);
    const cross = (h2 / (h2 + 1)) * Math.exp(-(p[0] ** 2 + p[1] ** 2) / (2 * (h2 + 1)));
    expect(Math.abs(s / n - cross)).toBeLessThan(5 * se(s, s2));
    expect(Math.abs(t / n - h2 / (h2 + 2))).toBeLessThan(5 * se(t, t2));
    // the closed form agrees with a two-sample estimate against a large normal sample
    const big = standardNormals(2 * 3000, 9);
    expect(Math.abs(mmd2ToStandardNormalRef(x, h) - mmd2Ref(x, big, h))).toBeLessThan(3e-3);
  });

  it('the forward process drives MMD² to N(0, I) from large to near 0', async () => {
    const s = makeSchedule({ kind: 'cosine', T: 100 });
    const x0 = sampleDataset('ring', 500, 4).xy;
    const values: number[] = [];
    for (const t of [0, 30, 60, 100]) values.push((await mmd2ToStandardNormal(noiseAt(x0, s, t, 6).xt)).mmd2);
    expect(values[1]).toBeLessThan(values[0]);
    expect(values[2]).toBeLessThan(values[1]);
    expect(values[0]).toBeGreaterThan(0.02);
    // at t = T the points are N(0, I) draws up to ᾱ_T ≈ 0: only sampling noise of order 1/n is left
    expect(Math.abs(values[3])).toBeLessThan(2e-3);
  });

  it('uses at most maxPoints points of each sample, the first ones', async () => {
    const x = sampleDataset('moons', 300, 1).xy, y = sampleDataset('ring', 200, 2).xy;
    const capped = await gaussianKernelMmd2(x, y, { h: 0.5, maxPoints: 120 });
    const ref = mmd2Ref(x.subarray(0, 240), y.subarray(0, 240), 0.5);
    expect(Math.abs(capped.mmd2 - ref)).toBeLessThan(1e-4 * ref);
    const toNormal = await mmd2ToStandardNormal(x, { maxPoints: 50 });
    const refN = mmd2ToStandardNormalRef(x.subarray(0, 100), 1);
    expect(Math.abs(toNormal.mmd2 - refN)).toBeLessThan(1e-4 * refN);
    await expect(mmd2ToStandardNormal(x, { maxPoints: 1 })).rejects.toThrow(/maxPoints/);
  });

  it('rejects degenerate input with plain messages and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    await expect(gaussianKernelMmd2([1, 2], [1, 2, 3, 4])).rejects.toThrow(/at least two points/);
    await expect(gaussianKernelMmd2([1, 2, 3], [1, 2, 3, 4])).rejects.toThrow(/multiple of dim/);
    await expect(gaussianKernelMmd2([1, 2, NaN, 4], [1, 2, 3, 4])).rejects.toThrow(/finite/);
    await expect(mmd2ToStandardNormal([1, 2, 3, 4], { h: 0 })).rejects.toThrow(/bandwidth/);
    await gaussianKernelMmd2([0, 0, 1, 1, 2, 2], [0, 1, 1, 0], { h: 0.5 });
    await mmd2ToStandardNormal([0, 0, 1, 1, 2, 2]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
