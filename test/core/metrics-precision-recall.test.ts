import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { kthNeighbourSqDistances, memorisationRatio, precisionRecall } from '../../src/core/metrics/precisionRecall';
import { createMetricCache, pointSet, tileRowsFor } from '../../src/core/metrics/common';
import { sampleGaussian, toyControlsForPreset, toyData, TOY_DEFAULTS, TOY_PRESET_NAMES } from '../../src/core/metrics/toyGaussians';
import { kthNeighbourSqRef, memorisationRatioRef, precisionRecallRef } from '../../src/core/ref/metrics';

async function expectNoLeak<T>(f: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const r = await f();
  expect(tf.memory().numTensors).toBe(before);
  return r;
}

describe('k-NN radii on the device', () => {
  it('match the float64 k-th neighbour distances, duplicates counting as neighbours', () => {
    const g = sampleGaussian(600, 3, 1);
    // Duplicate a few points: their nearest neighbour is then at distance exactly 0.
    const data = Float64Array.from(g.data);
    for (let i = 0; i < 5; i++) data.set(data.subarray(3 * i, 3 * i + 3), 3 * (100 + i));
    const p = pointSet(data, 3);
    // Both selections: 'mask' is what WebGL runs, 'topk' what wasm and cpu run.
    for (const selection of ['mask', 'topk'] as const) {
      for (const k of [1, 3, 7]) {
        const dev = tf.tidy(() => kthNeighbourSqDistances(tf.tensor2d(Float32Array.from(p.data), [600, 3]), k, selection).dataSync());
        const ref = kthNeighbourSqRef(p, k);
        for (let i = 0; i < 600; i++) expect(Math.abs(dev[i] - ref[i])).toBeLessThan(1e-5 * (1 + ref[i]));
        if (k === 1) expect(dev[100]).toBeLessThan(1e-6);
      }
    }
  });
});

describe('precision and recall (Kynkäänniemi et al. 2019)', () => {
  it('are exactly 1 for identical sets', async () => {
    const a = sampleGaussian(300, 2, 1);
    const r = await expectNoLeak(() => precisionRecall(a, a));
    expect(r.precision).toBe(1);
    expect(r.recall).toBe(1);
  });

  it('are 0 for sets far apart', async () => {
    const r = await precisionRecall(sampleGaussian(200, 2, 1), sampleGaussian(200, 2, 2, 50));
    expect(r.precision).toBe(0);
    expect(r.recall).toBe(0);
  });

  it('match the float64 reference on every toy preset (560 points), k = 1, 3, 5', async () => {
    const base = { ...TOY_DEFAULTS, nReal: 560, nGenerated: 530 };
    for (const name of TOY_PRESET_NAMES) {
      const data = toyData(toyControlsForPreset(name, base));
      for (const k of name === 'perfect' ? [1, 5] : [3]) {
        const r = await expectNoLeak(() => precisionRecall(data.real, data.generated, { k }));
        const ref = precisionRecallRef(data.real, data.generated, k);
        // A point exactly on a ball's boundary could flip under float32 rounding: allow one point.
        expect(Math.abs(r.precision - ref.precision)).toBeLessThanOrEqual(1 / 530 + 1e-7);
        expect(Math.abs(r.recall - ref.recall)).toBeLessThanOrEqual(1 / 560 + 1e-7);
      }
    }
  });

  it('match the float64 reference when the N × N work spans two tiles (N = 2,100 > 2²² / N rows), memorisation ratio too', async () => {
    const base = { ...TOY_DEFAULTS, nReal: 2100, nGenerated: 2100 };
    expect(tileRowsFor(2100)).toBeLessThan(2100);
    const data = toyData(toyControlsForPreset('blurry', base));
    const r = await expectNoLeak(() => precisionRecall(data.real, data.generated));
    const ref = precisionRecallRef(data.real, data.generated, 3);
    expect(Math.abs(r.precision - ref.precision)).toBeLessThanOrEqual(1 / 2100 + 1e-7);
    expect(Math.abs(r.recall - ref.recall)).toBeLessThanOrEqual(1 / 2100 + 1e-7);
    const radii = tf.tidy(() => kthNeighbourSqDistances(tf.tensor2d(Float32Array.from(data.real.data), [2100, 2]), 3).dataSync());
    const radiiRef = kthNeighbourSqRef(data.real, 3);
    for (let i = 0; i < 2100; i++) expect(Math.abs(radii[i] - radiiRef[i])).toBeLessThan(1e-5 * (1 + radiiRef[i]));
    const m = await expectNoLeak(() => memorisationRatio(data.real, data.heldOut, data.generated));
    expect(Math.abs(m.ratio - memorisationRatioRef(data.real, data.heldOut, data.generated))).toBeLessThan(1e-3 * m.ratio);
  });

  it('separate quality from coverage: collapse keeps precision and loses recall, blur the reverse', async () => {
    const base = { ...TOY_DEFAULTS, nReal: 800, nGenerated: 800 };
    const collapsed = toyData({ ...toyControlsForPreset('perfect', base), collapse: 1 });
    const c = await precisionRecall(collapsed.real, collapsed.generated);
    expect(c.precision).toBeGreaterThan(0.9);
    expect(c.recall).toBeLessThan(0.2); // one mode of eight covered
    const blurred = toyData(toyControlsForPreset('blurry', base));
    const b = await precisionRecall(blurred.real, blurred.generated);
    expect(b.precision).toBeLessThan(0.7);
    expect(b.recall).toBeGreaterThan(0.9);
  });

  it('reuses cached real radii only for the same real array', async () => {
    const data = toyData({ ...TOY_DEFAULTS, nReal: 300, nGenerated: 300 });
    const blurred = toyData(toyControlsForPreset('blurry', { ...TOY_DEFAULTS, nReal: 300, nGenerated: 300 }));
    const cache = createMetricCache();
    await precisionRecall(data.real, data.generated, { cache });
    const cached = await expectNoLeak(() => precisionRecall(data.real, blurred.generated, { cache }));
    const fresh = await precisionRecall(data.real, blurred.generated);
    expect(cached.precision).toBe(fresh.precision);
    expect(cached.recall).toBe(fresh.recall);
    await precisionRecall(data.real, data.generated, { cache, k: 5 });
    expect(cache.entries.size).toBe(2);
  });

  it('degenerate input: messages, never NaN', async () => {
    const a = sampleGaussian(5, 2, 1);
    await expect(precisionRecall(pointSet(new Float64Array(0), 2), a)).rejects.toThrow(/real set is empty/);
    await expect(precisionRecall(a, pointSet(new Float64Array(0), 2))).rejects.toThrow(/generated set is empty/);
    await expect(precisionRecall(a, a, { k: 5 })).rejects.toThrow(/k < n/);
    await expect(precisionRecall(a, sampleGaussian(3, 2, 1), { k: 3 })).rejects.toThrow(/generated: 3/);
    await expect(precisionRecall(a, a, { k: 0 })).rejects.toThrow(/at least 1/);
    await expect(precisionRecall(a, sampleGaussian(5, 3, 1))).rejects.toThrow(/different dimensions/);
  });
});

describe('memorisation ratio', () => {
  it('is near 1 for fresh samples, near 0 for copies, and matches the float64 reference', async () => {
    const base = { ...TOY_DEFAULTS, nReal: 600, nGenerated: 500 };
    const fresh = toyData(base);
    const copies = toyData(toyControlsForPreset('memorised', base));
    const f = await expectNoLeak(() => memorisationRatio(fresh.real, fresh.heldOut, fresh.generated));
    const c = await memorisationRatio(copies.real, copies.heldOut, copies.generated);
    expect(f.ratio).toBeGreaterThan(0.8);
    expect(f.ratio).toBeLessThan(1.25);
    expect(c.ratio).toBeLessThan(0.2);
    for (const [r, d] of [[f, fresh], [c, copies]] as const) {
      expect(Math.abs(r.ratio - memorisationRatioRef(d.real, d.heldOut, d.generated))).toBeLessThan(1e-3 * r.ratio);
    }
  });

  it('reuses the cached held-out distances only for the same training and held-out arrays', async () => {
    const base = { ...TOY_DEFAULTS, nReal: 300, nGenerated: 250 };
    const fresh = toyData(base);
    const copies = toyData(toyControlsForPreset('memorised', base));
    const cache = createMetricCache();
    await memorisationRatio(fresh.real, fresh.heldOut, fresh.generated, { cache });
    const cached = await expectNoLeak(() => memorisationRatio(fresh.real, fresh.heldOut, copies.generated, { cache }));
    const uncached = await memorisationRatio(fresh.real, fresh.heldOut, copies.generated);
    expect(cached.ratio).toBe(uncached.ratio);
    expect(cached.heldOutToTrain).toBe(uncached.heldOutToTrain);
    // Another held-out set with the same training set is not served from the cache.
    const other = toyData({ ...base, seed: 2 });
    const mixed = await memorisationRatio(fresh.real, other.heldOut, copies.generated, { cache });
    expect(mixed.heldOutToTrain).toBeCloseTo((await memorisationRatio(fresh.real, other.heldOut, copies.generated)).heldOutToTrain, 6);
    expect(mixed.heldOutToTrain).not.toBe(cached.heldOutToTrain);
  });

  it('refuses held-out points that are the training points', async () => {
    const a = sampleGaussian(20, 2, 1);
    await expect(memorisationRatio(a, a, sampleGaussian(20, 2, 2))).rejects.toThrow(/held-out point coincides/);
  });
});
