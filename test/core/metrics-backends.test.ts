// The metrics run on whatever backend the browser picks. The wasm backend (the fallback without
// a usable GPU) has kernels of its own, and one of them, oneHot, ignores its dtype and on-value
// arguments; this file runs every metric on wasm in Node and compares it with the cpu backend.
// (WebGL cannot run in Node; its code path, the 'mask' k-NN selection, is run here on both.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { fid } from '../../src/core/metrics/fid';
import { kid } from '../../src/core/metrics/kid';
import { kthNeighbourSqDistances, memorisationRatio, precisionRecall } from '../../src/core/metrics/precisionRecall';
import { mmdPermutationTest } from '../../src/core/metrics/mmdTest';
import { sampleGaussian, toyControlsForPreset, toyData, toyInceptionScore, TOY_DEFAULTS } from '../../src/core/metrics/toyGaussians';
import { fitDiagonalGaussian, memorisingKde, mixtureLikelihoods, sampleImageData } from '../../src/core/metrics/likelihood';

async function onBoth<T>(f: () => Promise<T>): Promise<[T, T]> {
  await tf.setBackend('cpu');
  const cpu = await f();
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const wasm = await f();
  expect(tf.memory().numTensors).toBe(before);
  await tf.setBackend('cpu');
  return [cpu, wasm];
}

describe('cpu and wasm backends agree', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const data = toyData(toyControlsForPreset('blurry', { ...TOY_DEFAULTS, nReal: 300, nGenerated: 300 }));

  it('FID (exact 2-D and Newton–Schulz in 12-D) and KID', async () => {
    const [a, b] = await onBoth(() => fid(data.real, data.generated));
    expect(Math.abs(a.fid - b.fid)).toBeLessThan(1e-5);
    const x = sampleGaussian(200, 12, 1), y = sampleGaussian(200, 12, 2, 0.1);
    const [c, d] = await onBoth(() => fid(x, y));
    expect(Math.abs(c.fid - d.fid)).toBeLessThan(1e-4 * c.fid);
    const [e, f] = await onBoth(() => kid(data.real, data.generated, { subsets: 4 }));
    expect(Math.abs(e.kid - f.kid)).toBeLessThan(1e-5);
  });

  it('both k-NN selections give the same radii on wasm as on cpu', async () => {
    const x = sampleGaussian(300, 2, 5);
    for (const selection of ['mask', 'topk'] as const) {
      const [a, b] = await onBoth(async () => {
        const t = tf.tidy(() => kthNeighbourSqDistances(tf.tensor2d(Float32Array.from(x.data), [300, 2]), 3, selection));
        const v = await t.data();
        t.dispose();
        return v;
      });
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-6 * (1 + v)));
    }
  });

  it('precision, recall, memorisation ratio, IS and the MMD test', async () => {
    const [a, b] = await onBoth(() => precisionRecall(data.real, data.generated));
    expect(Math.abs(a.precision - b.precision)).toBeLessThanOrEqual(1 / 300);
    expect(Math.abs(a.recall - b.recall)).toBeLessThanOrEqual(1 / 300);
    expect(a.precision).toBeLessThan(0.8); // blur is detected on both
    const [c, d] = await onBoth(() => memorisationRatio(data.real, data.heldOut, data.generated));
    expect(Math.abs(c.ratio - d.ratio)).toBeLessThan(1e-4 * c.ratio);
    const [e, f] = await onBoth(() => toyInceptionScore(data.generated, data.realMixture));
    expect(Math.abs(e.is - f.is)).toBeLessThan(1e-4);
    const [g, h] = await onBoth(() => mmdPermutationTest(data.real, data.generated, { permutations: 50 }));
    expect(Math.abs(g.mmd2 - h.mmd2)).toBeLessThan(1e-5);
    expect(Math.abs(g.pValue - h.pValue)).toBeLessThanOrEqual(1 / 51);
  });

  it('q₀/q₂ log-likelihoods and the memorising KDE', async () => {
    const q0 = fitDiagonalGaussian(sampleImageData(6, 200, 1));
    const test = sampleImageData(6, 50, 2);
    const [a, b] = await onBoth(() => mixtureLikelihoods(test, q0, 0.05));
    expect(Math.abs(a.meanLogQ2 - b.meanLogQ2)).toBeLessThan(1e-3);
    expect(b.minSlack).toBeGreaterThanOrEqual(0);
    const [c, d] = await onBoth(() => memorisingKde(sampleImageData(6, 60, 3), test, [0.1, 0.01]));
    c.trainLogLik.forEach((v, i) => expect(Math.abs(v - d.trainLogLik[i])).toBeLessThan(1e-4 * Math.abs(v) + 1e-3));
    c.testLogLik.forEach((v, i) => expect(Math.abs(v - d.testLogLik[i])).toBeLessThan(1e-4 * Math.abs(v) + 1e-3));
  });
});
