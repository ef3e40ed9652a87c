import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  TEST_FUNCTIONS, estimateGradients, exactExpectation, exactGradient, gradientEstimatesTensor, histogram,
  perDrawVariance, standardNormalCdf, standardNormalDraws, testFunctionValue, type TestFunction,
} from '../../src/core/vae/reparam';
import { gaussianExpectation, refGradientEstimates, simpson } from '../../src/core/ref/vae';

const SETTINGS: [number, number][] = [[0, 1], [0.8, 0.5], [-1.3, 1.7], [2, 0.3]];

/** Where f jumps, so the quadrature splits there. */
const breaks = (f: TestFunction) => (f === 'step' ? [0] : []);

describe('closed forms for the 1-D estimators', () => {
  it('Φ matches tabulated values and the integral of φ', () => {
    expect(standardNormalCdf(0)).toBe(0.5);
    expect(standardNormalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(standardNormalCdf(-1.96)).toBeCloseTo(0.024997895148220435, 14);
    expect(standardNormalCdf(-3)).toBeCloseTo(0.0013498980316300946, 14);
    for (const x of [-5, -2.5, -0.3, 0.7, 3.2]) {
      const integral = simpson((t) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI), -12, x, 20000);
      expect(standardNormalCdf(x)).toBeCloseTo(integral, 12);
    }
  });

  it('E[f(z)] and its gradient agree with quadrature and central differences of it', () => {
    for (const f of TEST_FUNCTIONS) {
      for (const [mu, sigma] of SETTINGS) {
        const quad = (m: number) => gaussianExpectation((z) => testFunctionValue(f, z), m, sigma, breaks(f));
        expect(exactExpectation(f, mu, sigma)).toBeCloseTo(quad(mu), 9);
        const h = 1e-4;
        expect(exactGradient(f, mu, sigma)).toBeCloseTo((quad(mu + h) - quad(mu - h)) / (2 * h), 6);
      }
    }
  });

  it('per-draw variances agree with quadrature of the squared terms', () => {
    const fPrime = (f: TestFunction, z: number) => (f === 'quadratic' ? 2 * z : f === 'sine' ? Math.cos(z) : 0);
    for (const f of TEST_FUNCTIONS) {
      for (const [mu, sigma] of SETTINGS) {
        const g = exactGradient(f, mu, sigma);
        const scoreSq = gaussianExpectation((z) => ((testFunctionValue(f, z) * (z - mu)) / (sigma * sigma)) ** 2, mu, sigma, breaks(f));
        const pathSq = gaussianExpectation((z) => fPrime(f, z) ** 2, mu, sigma, breaks(f));
        const v = perDrawVariance(f, mu, sigma);
        expect(v.score).toBeCloseTo(scoreSq - g * g, 7);
        expect(v.pathwise).toBeCloseTo(f === 'step' ? 0 : pathSq - g * g, 7);
      }
    }
  });

  it('the pathwise estimator has the lower exact variance for the smooth functions at moderate σ', () => {
    for (const [mu, sigma] of SETTINGS) {
      const v = perDrawVariance('quadratic', mu, sigma);
      // 4σ² against μ⁴/σ² + 14μ² + 15σ²: lower for every μ and σ.
      expect(v.pathwise).toBeLessThan(v.score);
    }
    for (const [mu, sigma] of SETTINGS.filter(([, s]) => s <= 1)) {
      const v = perDrawVariance('sine', mu, sigma);
      expect(v.pathwise).toBeLessThan(v.score);
    }
  });

  it('but not always: for sin z with a wide q the score function can win', () => {
    // A wide q averages sin over several periods: the score term shrinks with e^{−2σ²} while cos² z does not.
    const v = perDrawVariance('sine', -1.3, 1.7);
    expect(v.score).toBeLessThan(v.pathwise);
  });
});

describe('tfjs estimators', () => {
  it('match the float64 reference draw for draw (float32 tolerance)', () => {
    const replicates = 50, samples = 40;
    const eps = standardNormalDraws(replicates * samples, 9);
    for (const f of TEST_FUNCTIONS) {
      const [mu, sigma] = [0.4, 0.9];
      const ref = refGradientEstimates(f, mu, sigma, eps, replicates, samples);
      const { score, pathwise } = tf.tidy(() => {
        const r = gradientEstimatesTensor(f, mu, sigma, tf.tensor2d(eps, [replicates, samples]));
        return { score: r.score.dataSync(), pathwise: r.pathwise.dataSync() };
      });
      for (let r = 0; r < replicates; r++) {
        expect(Math.abs(score[r] - ref.score[r])).toBeLessThan(1e-5 * (1 + Math.abs(ref.score[r])));
        expect(Math.abs(pathwise[r] - ref.pathwise[r])).toBeLessThan(1e-5 * (1 + Math.abs(ref.pathwise[r])));
      }
    }
  });

  it('means converge to the exact gradient (within 4 standard errors) and variances match n-draw closed forms', async () => {
    const samples = 50, replicates = 2000;
    for (const f of TEST_FUNCTIONS) {
      for (const [mu, sigma] of [[0.8, 0.5], [-1.3, 1.7]]) {
        const r = await estimateGradients({ f, mu, sigma, samples, replicates, seed: 21 });
        expect(r.exact).toBe(exactGradient(f, mu, sigma));
        expect(Math.abs(r.score.mean - r.exact)).toBeLessThan(4 * Math.sqrt(r.score.variance / replicates));
        // Sample variance of 2000 near-normal estimates: relative standard error ≈ √(2/2000) ≈ 3%.
        expect(r.score.variance / r.score.exactVariance).toBeGreaterThan(0.85);
        expect(r.score.variance / r.score.exactVariance).toBeLessThan(1.15);
        if (f === 'step') {
          // The pathwise estimate is exactly 0 for every draw: biased, since the exact gradient is not 0.
          expect(r.pathwise.estimates.every((v) => v === 0)).toBe(true);
          expect(r.exact).toBeGreaterThan(0.1);
          expect(r.warning).toMatch(/biased/);
        } else {
          expect(Math.abs(r.pathwise.mean - r.exact)).toBeLessThan(4 * Math.sqrt(r.pathwise.variance / replicates));
          expect(r.pathwise.variance / r.pathwise.exactVariance).toBeGreaterThan(0.85);
          expect(r.pathwise.variance / r.pathwise.exactVariance).toBeLessThan(1.15);
          if (f === 'quadratic' || sigma <= 1) expect(r.pathwise.variance).toBeLessThan(r.score.variance);
          expect(r.warning).toBeUndefined();
        }
      }
    }
  });

  it('variance falls as 1/n with the sample count', async () => {
    const few = await estimateGradients({ f: 'sine', mu: 0.3, sigma: 1, samples: 10, replicates: 2000, seed: 4 });
    const many = await estimateGradients({ f: 'sine', mu: 0.3, sigma: 1, samples: 100, replicates: 2000, seed: 4 });
    const ratio = few.score.variance / many.score.variance;
    expect(ratio).toBeGreaterThan(8);
    expect(ratio).toBeLessThan(12.5);
  });

  it('are seeded and leave no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const a = await estimateGradients({ f: 'quadratic', mu: 1, sigma: 1, samples: 20, replicates: 100, seed: 3 });
    const b = await estimateGradients({ f: 'quadratic', mu: 1, sigma: 1, samples: 20, replicates: 100, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a.score.estimates).toEqual(b.score.estimates);
  });

  it('reject degenerate settings with plain messages', async () => {
    await expect(estimateGradients({ f: 'sine', mu: 0, sigma: 0, samples: 10 })).rejects.toThrow(/σ must be positive/);
    await expect(estimateGradients({ f: 'sine', mu: 0, sigma: 1, samples: 0 })).rejects.toThrow(/at least 1/);
    await expect(estimateGradients({ f: 'sine', mu: 0, sigma: 1, samples: 10, replicates: 1 })).rejects.toThrow(/at least 2 replicates/);
    await expect(estimateGradients({ f: 'sine', mu: 0, sigma: 1, samples: 5000, replicates: 1000 })).rejects.toThrow(/lower one of them/);
    expect(() => exactGradient('step', NaN, 1)).toThrow(/μ must be a finite number/);
  });
});

describe('histogram', () => {
  it('counts every value in range once and the rest apart', () => {
    const values = [0, 0.1, 0.5, 0.99, 1, -1, 2, NaN];
    const h = histogram(values, 4, [0, 1]);
    expect(Array.from(h.counts)).toEqual([2, 0, 1, 2]);
    expect(h.outside).toBe(3);
    expect(h.binWidth).toBe(0.25);
  });

  it('defaults to the data range and widens a zero-width range', () => {
    const h = histogram([3, 3, 3], 5);
    expect(h.lo).toBe(2.5);
    expect(h.hi).toBe(3.5);
    expect(h.counts.reduce((s, c) => s + c, 0)).toBe(3);
    expect(() => histogram([1], 0)).toThrow(/at least 1/);
  });
});
