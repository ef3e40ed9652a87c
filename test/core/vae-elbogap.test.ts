import { describe, expect, it } from 'vitest';
import { elboGap, logEvidence, normalDensity, posterior, type LinearGaussianModel } from '../../src/core/vae/elboGap';
import { refElbo, refKlNormal, refLogEvidence, simpson } from '../../src/core/ref/vae';

const MODELS: [LinearGaussianModel, number][] = [
  [{ w: 1, b: 0, s: 1 }, 0.7],
  [{ w: 2.5, b: -0.5, s: 0.4 }, 1.9],
  [{ w: -0.8, b: 1, s: 1.5 }, -2.2],
];

describe('ELBO gap for the linear-Gaussian model', () => {
  it('log p(x) = ELBO + KL(q ‖ p(z|x)) for every q, to 1e-12', () => {
    for (const [m, x] of MODELS) {
      for (const qMean of [-2, -0.3, 0, 0.5, 1.7]) {
        for (const qStd of [0.05, 0.3, 1, 2.5]) {
          const r = elboGap(m, x, qMean, qStd);
          expect(r.elbo + r.gap).toBeCloseTo(r.logEvidence, 12);
          expect(r.elbo).toBeCloseTo(r.reconstruction - r.klPrior, 12);
          expect(r.gap).toBeGreaterThan(0);
        }
      }
    }
  });

  it('log p(x) and the ELBO agree with quadrature (float64 reference)', () => {
    for (const [m, x] of MODELS) {
      expect(logEvidence(m, x)).toBeCloseTo(refLogEvidence(m, x), 9);
      for (const [qMean, qStd] of [[0.2, 0.5], [-1, 1.2]]) {
        const r = elboGap(m, x, qMean, qStd);
        expect(r.elbo).toBeCloseTo(refElbo(m, x, qMean, qStd), 8);
        expect(r.klPrior).toBeCloseTo(refKlNormal(qMean, qStd, 0, 1), 12);
        expect(r.gap).toBeCloseTo(refKlNormal(qMean, qStd, r.posterior.mean, r.posterior.std), 12);
      }
    }
  });

  it('the posterior matches Bayes rule by quadrature, and the gap closes exactly there', () => {
    for (const [m, x] of MODELS) {
      const post = posterior(m, x);
      const joint = (z: number) => normalDensity(x, m.w * z + m.b, m.s) * normalDensity(z, 0, 1);
      const evidence = simpson(joint, -15, 15, 20000);
      const mean = simpson((z) => z * joint(z), -15, 15, 20000) / evidence;
      const second = simpson((z) => z * z * joint(z), -15, 15, 20000) / evidence;
      expect(post.mean).toBeCloseTo(mean, 10);
      expect(post.std).toBeCloseTo(Math.sqrt(second - mean * mean), 9);
      const atPosterior = elboGap(m, x, post.mean, post.std);
      expect(Math.abs(atPosterior.gap)).toBeLessThan(1e-14);
      expect(atPosterior.elbo).toBeCloseTo(atPosterior.logEvidence, 12);
      // Moving q away in either direction opens the gap and lowers the ELBO.
      for (const [dm, ds] of [[0.1, 0], [-0.1, 0], [0, 0.05], [0, -0.05]]) {
        const r = elboGap(m, x, post.mean + dm, post.std + ds);
        expect(r.gap).toBeGreaterThan(1e-4);
        expect(r.elbo).toBeLessThan(atPosterior.elbo);
      }
    }
  });

  it('normalDensity integrates to 1', () => {
    expect(simpson((z) => normalDensity(z, 0.4, 0.7), -10, 10, 4000)).toBeCloseTo(1, 10);
  });

  it('rejects a degenerate q or model with plain messages', () => {
    const m = MODELS[0][0];
    expect(() => elboGap(m, 0, 0, 0)).toThrow(/standard deviation must be positive/);
    expect(() => elboGap(m, 0, NaN, 1)).toThrow(/mean must be a finite number/);
    expect(() => elboGap({ w: 1, b: 0, s: 0 }, 0, 0, 1)).toThrow(/noise standard deviation/);
    expect(() => logEvidence(m, Infinity)).toThrow(/observation x/);
  });
});
