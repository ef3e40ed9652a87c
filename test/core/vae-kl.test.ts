import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { klNormal, klStdNormal, klStdNormalPerDim, klStdNormalTensor } from '../../src/core/vae/kl';
import { refKlMonteCarlo, refKlNormal, refKlStdNormalPerDim } from '../../src/core/ref/vae';
import { mulberry32 } from '../../src/core/random';

describe('Gaussian KL closed forms', () => {
  it('klNormal agrees with cross-entropy − entropy (float64 reference) to 1e-12', () => {
    const cases = [[0, 1, 0, 1], [0.5, 0.3, -1, 2], [-2, 4, 1, 0.5], [3, 0.01, 3, 0.02], [0, 1e-4, 0, 1]];
    for (const [m1, sd1, m2, sd2] of cases) {
      const closed = klNormal(m1, sd1 * sd1, m2, sd2 * sd2);
      expect(closed).toBeCloseTo(refKlNormal(m1, sd1, m2, sd2), 12);
      expect(closed).toBeGreaterThanOrEqual(0);
    }
    expect(klNormal(0.7, 2.5, 0.7, 2.5)).toBe(0);
  });

  it('per-dimension KL to N(0, 1) matches the reference and sums to klStdNormal', () => {
    const mu = [0, 1.5, -0.3, 2], logVar = [0, -1, 0.7, -4];
    const perDim = klStdNormalPerDim(mu, logVar);
    const ref = refKlStdNormalPerDim(mu, logVar);
    perDim.forEach((v, j) => expect(v).toBeCloseTo(ref[j], 12));
    expect(perDim[0]).toBe(0);
    expect(klStdNormal(mu, logVar)).toBeCloseTo(ref.reduce((s, v) => s + v, 0), 12);
  });

  it('matches a Monte Carlo estimate E_q[log q − log p] within 4 standard errors', () => {
    const cases: [number[], number[]][] = [[[0.5], [-0.5]], [[1, -2, 0.3], [0.2, -1.5, 0]], [[0, 0], [-3, 1]]];
    cases.forEach(([mu, logVar], k) => {
      const mc = refKlMonteCarlo(mu, logVar, 200_000, 11 + k);
      // The standard error must be small for the comparison to mean anything.
      expect(mc.standardError).toBeLessThan(0.02);
      expect(Math.abs(klStdNormal(mu, logVar) - mc.estimate)).toBeLessThan(4 * mc.standardError);
    });
  });

  it('tfjs per-element KL matches the float64 reference (float32 tolerance 1e-5 relative)', () => {
    const rng = mulberry32(5);
    const n = 64 * 8;
    const mu = Array.from({ length: n }, () => 4 * rng() - 2);
    const logVar = Array.from({ length: n }, () => 6 * rng() - 4);
    const ref = refKlStdNormalPerDim(mu, logVar);
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => klStdNormalTensor(tf.tensor2d(mu, [64, 8]), tf.tensor2d(logVar, [64, 8])).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThan(1e-5 * (1 + ref[i]));
  });

  it('rejects non-positive variances and mismatched lengths with plain messages', () => {
    expect(() => klNormal(0, 0, 0, 1)).toThrow(/variance must be positive/);
    expect(() => klNormal(0, 1, 0, -1)).toThrow(/variance must be positive/);
    expect(() => klStdNormal([0, 1], [0])).toThrow(/2 entries but log σ² has 1/);
  });
});
