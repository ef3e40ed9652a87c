import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  fitDiagonalGaussian, memorisingKde, MemorisingKde, mixtureLikelihoods, PIXEL_STD, ringTemplate, sampleImageData, sampleQ2,
} from '../../src/core/metrics/likelihood';
import { pointSet } from '../../src/core/metrics/common';
import { diagGaussianLogDensityRef, kdeLogLikelihoodRef, logQ2Ref } from '../../src/core/ref/metrics';

async function expectNoLeak<T>(f: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const r = await f();
  expect(tf.memory().numTensors).toBe(before);
  return r;
}

describe('the data and q₀', () => {
  it('the template lies in [0.2, 0.8] and the fitted q₀ recovers it and the pixel noise', () => {
    const m = ringTemplate(8);
    expect(Math.min(...m)).toBeGreaterThanOrEqual(0.2);
    expect(Math.max(...m)).toBeLessThanOrEqual(0.8);
    const q0 = fitDiagonalGaussian(sampleImageData(8, 4000, 1));
    expect(q0.warning).toBeNull();
    q0.mean.forEach((v, j) => expect(Math.abs(v - m[j])).toBeLessThan(4 * PIXEL_STD / Math.sqrt(4000)));
    q0.logVar.forEach((lv) => expect(Math.abs(Math.exp(0.5 * lv) - PIXEL_STD)).toBeLessThan(0.004));
  });

  it('a single training image has no spread: variances are floored at one 8-bit level, with a message', () => {
    const q0 = fitDiagonalGaussian(sampleImageData(4, 1, 1));
    expect(q0.warning).toMatch(/16 pixel variances.*single training image/);
    q0.logVar.forEach((lv) => expect(Math.exp(lv)).toBeCloseTo(1 / (12 * 256 * 256), 12));
  });
});

describe('likelihood versus sample quality: q₂ = α q₀ + (1 − α) noise', () => {
  const side = 8, D = 64;
  const q0 = fitDiagonalGaussian(sampleImageData(side, 500, 1));
  const test = sampleImageData(side, 300, 2);

  it('log q₀ and log q₂ match the float64 densities', async () => {
    for (const alpha of [1, 0.5, 0.01]) {
      const r = await expectNoLeak(() => mixtureLikelihoods(test, q0, alpha));
      const ref0 = diagGaussianLogDensityRef(test, q0.mean, q0.logVar);
      for (let i = 0; i < test.n; i++) {
        // log q₀ is ~+90 nats here: float32 keeps ~1e-6 of its terms.
        expect(Math.abs(r.logQ0[i] - ref0[i])).toBeLessThan(1e-3);
        let inCube = true;
        for (let j = 0; j < D; j++) inCube &&= test.data[i * D + j] >= 0 && test.data[i * D + j] <= 1;
        expect(Math.abs(r.logQ2[i] - logQ2Ref(ref0[i], inCube ? 0 : -Infinity, alpha))).toBeLessThan(1e-3);
      }
    }
  });

  it('the bound log q₂ ≥ log q₀ + log α holds on test data and on q₂’s own (mostly noise) samples', async () => {
    const alpha = 0.01;
    const samples = sampleQ2(q0, alpha, 400, 3);
    const fromQ0 = samples.fromQ0.reduce((s, v) => s + v, 0);
    expect(fromQ0).toBeLessThan(15); // ~1% of 400
    for (const x of [test, samples.images]) {
      const r = await mixtureLikelihoods(x, q0, alpha);
      expect(r.minSlack).toBeGreaterThanOrEqual(0);
      // and in float64 up to float32 rounding of the ~100-nat log-likelihoods:
      r.logQ2.forEach((v, i) => expect(v - (r.logQ0[i] + Math.log(alpha))).toBeGreaterThan(-1e-5));
      // In bits/dim q₂ loses at most log₂(1/α)/D against q₀.
      expect(r.bitsPerDimQ2 - r.bitsPerDimQ0).toBeLessThanOrEqual(r.boundBitsPerDim + 1e-6);
      expect(r.boundBitsPerDim).toBeCloseTo(Math.log2(100) / D, 12);
    }
    // On test data q₀ ≫ noise, so the bound is nearly tight while q₂'s samples are 99% noise.
    const t = await mixtureLikelihoods(test, q0, alpha);
    expect(t.bitsPerDimQ2 - t.bitsPerDimQ0).toBeGreaterThan(0.99 * t.boundBitsPerDim);
  });

  it('the penalty per dimension vanishes as D grows', async () => {
    const gaps: number[] = [];
    for (const s of [2, 4, 16]) {
      const q = fitDiagonalGaussian(sampleImageData(s, 300, 1));
      const r = await mixtureLikelihoods(sampleImageData(s, 100, 2), q, 0.01);
      gaps.push(r.bitsPerDimQ2 - r.bitsPerDimQ0);
    }
    expect(gaps[0]).toBeGreaterThan(gaps[1]);
    expect(gaps[1]).toBeGreaterThan(gaps[2]);
    expect(gaps[2]).toBeLessThan(0.03);
  });

  it('white noise scores 8 bits/dim under the noise model and α = 1 gives q₂ = q₀', async () => {
    // Pure noise images inside the cube, and a q₀ so broad that it is negligible there:
    const broad = { mean: new Float64Array(D).fill(0.5), logVar: new Float64Array(D).fill(Math.log(1e6)) };
    const noise = sampleQ2(broad, 1e-12, 50, 4).images;
    const r = await mixtureLikelihoods(noise, broad, 1e-12);
    expect(r.bitsPerDimQ2).toBeCloseTo(8, 6);
    const same = await mixtureLikelihoods(test, q0, 1);
    same.logQ2.forEach((v, i) => expect(v).toBe(same.logQ0[i]));
  });

  it('degenerate input: messages, never NaN', async () => {
    await expect(mixtureLikelihoods(test, q0, 0)).rejects.toThrow(/α must lie in \(0, 1\]/);
    await expect(mixtureLikelihoods(test, q0, 1.5)).rejects.toThrow(/α must lie/);
    await expect(mixtureLikelihoods(sampleImageData(4, 3, 1), q0, 0.5)).rejects.toThrow(/16 pixels but q₀ has 64/);
    await expect(mixtureLikelihoods(pointSet(new Float64Array(0), D), q0, 0.5)).rejects.toThrow(/test set is empty/);
    expect(() => sampleQ2(q0, 0, 5, 1)).toThrow(/α must lie/);
  });
});

describe('the memorising KDE', () => {
  const train = sampleImageData(4, 120, 1), test = sampleImageData(4, 80, 2);
  const hs = [0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001];

  it('matches the float64 log-sum-exp at every bandwidth', async () => {
    const r = await expectNoLeak(() => memorisingKde(train, test, hs));
    hs.forEach((h, i) => {
      const tr = kdeLogLikelihoodRef(train, train, h), te = kdeLogLikelihoodRef(train, test, h);
      expect(Math.abs(r.trainLogLik[i] - tr)).toBeLessThan(1e-4 * Math.abs(tr) + 1e-3);
      expect(Math.abs(r.testLogLik[i] - te)).toBeLessThan(1e-4 * Math.abs(te) + 1e-3);
    });
  });

  it('as h shrinks, train log-likelihood rises without bound and test log-likelihood falls', async () => {
    const r = await memorisingKde(train, test, hs);
    for (let i = 1; i < hs.length; i++) expect(r.trainLogLik[i]).toBeGreaterThan(r.trainLogLik[i - 1]);
    // Test log-likelihood peaks at a moderate h (near the pixel noise s = 0.05, well below the
    // typical distance between images, √(2D) s ≈ 0.28) and falls steadily below it.
    const best = r.testLogLik.indexOf(Math.max(...r.testLogLik));
    expect(best).toBeGreaterThan(0);
    expect(best).toBeLessThan(hs.length - 3);
    for (let i = best + 1; i < hs.length; i++) expect(r.testLogLik[i]).toBeLessThan(r.testLogLik[i - 1]);
    expect(r.testLogLik[hs.length - 1]).toBeLessThan(r.testLogLik[best] - 1000);
    // At tiny h each training image is explained by its own kernel alone.
    const h = hs[hs.length - 1], D = 16;
    expect(r.trainLogLik[hs.length - 1]).toBeCloseTo(-Math.log(120) - 0.5 * D * Math.log(2 * Math.PI * h * h), 3);
    expect(r.warning).toMatch(/below 0/);
    r.trainBitsPerDim.forEach((b, i) => expect(b).toBeCloseTo(-r.trainLogLik[i] / (D * Math.LN2) + 8, 9));
  });

  it('an evaluator that keeps its distances gives the same curve for any bandwidths and frees them', async () => {
    const before = tf.memory().numTensors;
    const kde = new MemorisingKde(train, test);
    const whole = await kde.curve(hs);
    const afterBuild = tf.memory().numTensors;
    for (let i = 0; i < hs.length; i++) {
      const one = await kde.curve([hs[i]]);
      expect(one.trainLogLik[0]).toBeCloseTo(whole.trainLogLik[i], 3);
      expect(one.testLogLik[0]).toBeCloseTo(whole.testLogLik[i], 3);
    }
    expect(tf.memory().numTensors).toBe(afterBuild);
    const once = await memorisingKde(train, test, hs);
    expect(Array.from(once.testLogLik)).toEqual(Array.from(whole.testLogLik));
    expect(kde.disposed).toBe(false);
    kde.dispose();
    expect(kde.disposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    await expect(kde.curve([0.1])).rejects.toThrow(/disposed/);
  });

  it('degenerate input: messages, never NaN', async () => {
    await expect(memorisingKde(train, test, [])).rejects.toThrow(/at least one bandwidth/);
    await expect(memorisingKde(train, test, [0.1, 0])).rejects.toThrow(/must be positive/);
    await expect(memorisingKde(train, sampleImageData(3, 5, 1), [0.1])).rejects.toThrow(/different dimensions/);
    const one = await memorisingKde(sampleImageData(4, 1, 1), test, [0.1]);
    expect(Number.isFinite(one.trainLogLik[0])).toBe(true);
  });
});
