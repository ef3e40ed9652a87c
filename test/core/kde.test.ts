import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  CANONICAL_RATIO, KERNELS, KdeEvaluator, MAX_BINS, SIX_POINTS, bimodalDensity, histogramDensity, logSpace,
  sampleBimodal, scottBandwidth, silvermanBandwidth,
} from '../../src/core/kde';
import {
  binnedHeldOutLogLikRef, binnedKdeRef, heldOutLogLikRef, kdeAtRef, kdeGridRef, kernelRef, looLogLikRef,
} from '../../src/core/ref/kde';

/** Equal within tol, or the same infinity. */
function near(got: number, want: number, tol: number) {
  if (!Number.isFinite(want)) expect(got).toBe(want);
  else expect(Math.abs(got - want)).toBeLessThan(tol);
}

const grid = (lo: number, hi: number, m: number) => Array.from({ length: m }, (_, i) => lo + ((hi - lo) * i) / (m - 1));

/** Midpoint-rule integral of f over [lo, hi]. */
function integrate(f: (x: number) => number, lo: number, hi: number, steps = 20000): number {
  const dx = (hi - lo) / steps;
  let s = 0;
  for (let i = 0; i < steps; i++) s += f(lo + (i + 0.5) * dx);
  return s * dx;
}

describe('kernels and normalisation', () => {
  it('each kernel is a density: integrates to 1', () => {
    for (const k of KERNELS) expect(integrate((u) => kernelRef(k, u), -8, 8)).toBeCloseTo(1, 6);
  });

  it('p̂ integrates to 1 for every kernel and bandwidth (the 1/h factor)', () => {
    for (const k of KERNELS) {
      for (const h of [0.05, 0.4, 3]) {
        const area = integrate((x) => kdeAtRef(SIX_POINTS, x, h, k), -20, 26, 400000);
        expect(area).toBeCloseTo(1, 3);
      }
    }
  });

  it('without the 1/h of note 003 the area would be h, not 1', () => {
    const h = 0.5;
    const area = integrate((x) => h * kdeAtRef(SIX_POINTS, x, h, 'gaussian'), -20, 26, 100000);
    expect(area).toBeCloseTo(h, 4);
  });

  it('the tfjs density integrates to 1 on a fine grid', async () => {
    const kde = new KdeEvaluator(SIX_POINTS);
    const g = grid(-15, 21, 16001);
    for (const k of KERNELS) {
      const p = await kde.density(g, 0.7, k);
      const dx = g[1] - g[0];
      const area = p.reduce((s, v) => s + v, 0) * dx;
      expect(area).toBeCloseTo(1, 3);
    }
    kde.dispose();
  });
});

describe('the lecture question: what is p(−0.5)?', () => {
  it('matches the hand computation for a Gaussian kernel at h = 1', async () => {
    const phi = (u: number) => Math.exp(-u * u / 2) / Math.sqrt(2 * Math.PI);
    const byHand = SIX_POINTS.reduce((s, xi) => s + phi(-0.5 - xi), 0) / 6;
    expect(kdeAtRef(SIX_POINTS, -0.5, 1, 'gaussian')).toBeCloseTo(byHand, 14);
    expect(byHand).toBeCloseTo(0.1367, 4);
    const kde = new KdeEvaluator(SIX_POINTS);
    const [p] = await kde.density([-0.5], 1, 'gaussian');
    kde.dispose();
    expect(Math.abs(p - byHand)).toBeLessThan(1e-6);
  });
});

describe('tfjs against the float64 reference', () => {
  const data = sampleBimodal(3000, 11);
  const g = grid(-5, 7, 512);

  it('density on a grid, every kernel: relative error < 1e-4', async () => {
    const kde = new KdeEvaluator(data);
    for (const k of KERNELS) {
      const got = await kde.density(g, 0.3, k);
      const want = kdeGridRef(data, g, 0.3, k);
      let worst = 0;
      for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(want[i], 1e-3));
      expect(worst).toBeLessThan(1e-4);
    }
    kde.dispose();
  });

  it('held-out and leave-one-out log-likelihood match within 1e-4 nats', async () => {
    const train = data.slice(0, 800), test = data.slice(800, 1000);
    const kde = new KdeEvaluator(train);
    const hs = [0.1, 0.3, 1];
    const got = await kde.logLikelihood(hs, 'gaussian', test);
    hs.forEach((h, i) => near(got[i], heldOutLogLikRef(train, test, h, 'gaussian'), 1e-4));
    const loo = await kde.logLikelihood(hs, 'epanechnikov');
    hs.forEach((h, i) => near(loo[i], looLogLikRef(train, h, 'epanechnikov'), 1e-4));
    expect(loo[0]).toBe(-Infinity); // h = 0.1 leaves some point with no neighbour
    kde.dispose();
  });

  it('compact kernels give −∞ when a held-out point has no neighbour within h', async () => {
    const kde = new KdeEvaluator(SIX_POINTS);
    const [ll] = await kde.logLikelihood([0.2], 'uniform');
    expect(ll).toBe(-Infinity);
    expect(looLogLikRef(SIX_POINTS, 0.2, 'uniform')).toBe(-Infinity);
    kde.dispose();
  });

  it('held-out likelihood peaks at a moderate h: under- and over-smoothing both lose', async () => {
    const train = data.slice(0, 1500), test = data.slice(1500, 2000);
    const kde = new KdeEvaluator(train);
    const hs = logSpace(0.01, 5, 25);
    const ll = await kde.logLikelihood(hs, 'gaussian', test);
    const best = ll.indexOf(Math.max(...ll));
    expect(best).toBeGreaterThan(0);
    expect(best).toBeLessThan(hs.length - 1);
    expect(hs[best]).toBeGreaterThan(0.1);
    expect(hs[best]).toBeLessThan(1);
    kde.dispose();
  });
});

describe('bandwidth rules', () => {
  const data = [1, 2, 3, 4, 10];
  const n = 5, mean = 4, sd = Math.sqrt(((1 - mean) ** 2 + (2 - mean) ** 2 + (3 - mean) ** 2 + 0 + 36) / 4);

  it("Scott's rule is (4/3)^(1/5) σ̂ n^(−1/5) ≈ 1.06 σ̂ n^(−1/5)", () => {
    expect(scottBandwidth(data)).toBeCloseTo(1.0592 * sd * Math.pow(n, -0.2), 3);
  });

  it("Silverman's rule is 0.9 min(σ̂, IQR/1.34) n^(−1/5)", () => {
    const iqr = 4 - 2; // quartiles of 1,2,3,4,10 by linear interpolation
    expect(silvermanBandwidth(data)).toBeCloseTo(0.9 * Math.min(sd, iqr / 1.34) * Math.pow(n, -0.2), 10);
  });

  it('converts between kernels by the canonical bandwidth ratios (Marron & Nolan)', () => {
    expect(CANONICAL_RATIO.epanechnikov).toBeCloseTo(2.214, 3);
    expect(CANONICAL_RATIO.uniform).toBeCloseTo(1.740, 3);
    expect(CANONICAL_RATIO.triangular).toBeCloseTo(2.432, 3);
    expect(scottBandwidth(data, 'epanechnikov') / scottBandwidth(data)).toBeCloseTo(2.214, 3);
  });

  it('refuses data without spread', () => {
    expect(() => scottBandwidth([1, 1, 1])).toThrow(/two distinct points/);
    expect(() => silvermanBandwidth([2])).toThrow(/two distinct points/);
  });
});

describe('histogram, truth and inputs', () => {
  it('histogram bars have total area 1', () => {
    const data = sampleBimodal(1000, 3);
    const { edges, density } = histogramDensity(data, -10, 12, 37);
    let area = 0;
    for (let i = 0; i < density.length; i++) area += density[i] * (edges[i + 1] - edges[i]);
    expect(area).toBeCloseTo(1, 10);
  });

  it('the true bimodal density integrates to 1 and the sample follows it', () => {
    expect(integrate(bimodalDensity, -15, 15)).toBeCloseTo(1, 8);
    const s = sampleBimodal(20000, 5);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    expect(mean).toBeCloseTo(0.4 * -1.5 + 0.6 * 2, 1);
  });

  it('rejects empty data and bad bandwidths with a message', async () => {
    expect(() => new KdeEvaluator([])).toThrow(/at least one data point/);
    const kde = new KdeEvaluator([0, 1]);
    await expect(kde.density([0], 0, 'gaussian')).rejects.toThrow(/positive number/);
    await expect(kde.density([0], Number.NaN, 'gaussian')).rejects.toThrow(/positive number/);
    kde.dispose();
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const kde = new KdeEvaluator(sampleBimodal(500, 1));
    await kde.density(grid(-3, 3, 100), 0.5, 'triangular');
    await kde.logLikelihood([0.2, 0.5], 'gaussian');
    await kde.logLikelihood([0.2, 0.5], 'gaussian', [0, 1, 2]);
    kde.dispose();
    kde.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the numbers chapter 2 quotes for the six points', () => {
  it('p̂(−0.5) at h = 1 for each kernel, and the bandwidth rules', async () => {
    const kde = new KdeEvaluator(SIX_POINTS);
    const want = { gaussian: 0.1367, uniform: 0.1667, epanechnikov: 0.1688, triangular: 0.1833 } as const;
    for (const k of KERNELS) {
      const [p] = await kde.density([-0.5], 1, k);
      expect(p).toBeCloseTo(want[k], 4);
    }
    const [p03] = await kde.density([-0.5], 0.3, 'gaussian');
    const [p2] = await kde.density([-0.5], 2, 'gaussian');
    expect(p03).toBeCloseTo(0.216, 3);
    expect(p2).toBeCloseTo(0.105, 3);
    expect(scottBandwidth(SIX_POINTS)).toBeCloseTo(2.56, 2);
    expect(silvermanBandwidth(SIX_POINTS)).toBeCloseTo(2.17, 2);
    kde.dispose();
  });

  it('leave-one-out log-likelihood (summed) and its maximum near h = 2.13', async () => {
    const table: [number, number][] = [[0.5, -30.05], [1, -18.58], [2, -16.87], [4, -17.19]];
    for (const [h, ll] of table) expect(6 * looLogLikRef(SIX_POINTS, h, 'gaussian')).toBeCloseTo(ll, 2);
    const hs = logSpace(1, 4, 301);
    const lls = hs.map((h) => looLogLikRef(SIX_POINTS, h, 'gaussian'));
    expect(hs[lls.indexOf(Math.max(...lls))]).toBeCloseTo(2.13, 1);
  });
});

/*
 * The binned estimate the widget draws for n > 2,000 (definition and error analysis in
 * src/core/ref/kde.ts). Stated tolerances, against the exact float64 p̂, for every kernel and h in
 * the slider's range [0.02, 5], on the widget's 512-point grid over [−6, 9]:
 *
 *   Gaussian:                  |p̃ − p̂| ≤ 1e-4 · max p̂ everywhere, and ≤ 2e-3 · p̂ wherever
 *                              p̂ > 1e-3 · max p̂ (measured: 4e-5 and 7e-4). The residual binning
 *                              error of a lone bump at u bandwidths is ≤ (u² − 1)/3072 relative;
 *                              at the 1e-3 · max cut-off u² ≲ 7 for n ≥ 2,000, hence ≈ 2e-3.
 *   Epanechnikov, triangular:  |p̃ − p̂| ≤ 1e-3 · max p̂ (measured 4e-4: first order in δ = h/64
 *                              at the kernels' kinks), and p̃ = 0 exactly where p̂ = 0.
 *   Uniform:                   counted, not binned: exact up to float32 rounding of a point lying
 *                              on a box edge (one point's 1/(2nh)).
 *
 * 1e-3 of the maximum is 0.3 px on the widget's 300 px plot.
 */
describe('binned estimate (large n)', () => {
  const G = grid(-6, 9, 512);
  const HS = logSpace(0.02, 5, 7);
  const big = sampleBimodal(10000, 1);
  const sparse = sampleBimodal(2001, 1);
  const maxOf = (a: ArrayLike<number>) => {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, a[i]);
    return m;
  };

  it('tfjs matches the float64 binned reference, every kernel and bandwidth', async () => {
    const kde = new KdeEvaluator(big);
    for (const k of KERNELS) {
      for (const h of HS) {
        const got = await kde.density(G, h, k, 'binned');
        const want = binnedKdeRef(big, G, h, k);
        const mx = maxOf(want);
        // A box edge can land either side of a point in float32: one point's worth, 1/(2nh).
        const tol = 1e-6 * mx + (k === 'uniform' ? 1.01 / (2 * big.length * h) : 0);
        for (let i = 0; i < G.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(tol);
      }
    }
    kde.dispose();
  });

  it('binned against exact within the stated tolerance, every kernel and h in [0.02, 5]', async () => {
    for (const data of [big, sparse]) {
      const kde = new KdeEvaluator(data);
      for (const k of KERNELS) {
        for (const h of HS) {
          const got = await kde.density(G, h, k, 'binned');
          const exact = kdeGridRef(data, G, h, k);
          const mx = maxOf(exact);
          for (let i = 0; i < G.length; i++) {
            const err = Math.abs(got[i] - exact[i]);
            if (k === 'gaussian') {
              expect(err).toBeLessThan(1e-4 * mx);
              if (exact[i] > 1e-3 * mx) expect(err).toBeLessThan(2e-3 * exact[i]);
            } else if (k === 'uniform') {
              expect(err).toBeLessThan(1e-6 * mx + 1.01 / (2 * data.length * h));
            } else {
              expect(err).toBeLessThan(1e-3 * mx);
              if (exact[i] === 0) expect(got[i]).toBe(0);
            }
          }
        }
      }
      kde.dispose();
    }
  });

  it('the binned density integrates to 1', async () => {
    const kde = new KdeEvaluator(big);
    const g = grid(-15, 21, 6001);
    for (const k of KERNELS) {
      for (const h of [0.05, 0.7]) {
        const p = await kde.density(g, h, k, 'binned');
        const area = p.reduce((s, v) => s + v, 0) * (g[1] - g[0]);
        expect(area).toBeCloseTo(1, 3);
      }
    }
    kde.dispose();
  });

  it('held-out log-likelihood, binned: matches its reference, the exact value, and the exact path\'s −∞', async () => {
    const train = big.slice(0, 2000), test = big.slice(8000, 8500);
    const kde = new KdeEvaluator(train);
    const hs = logSpace(0.02, 5, 7);
    for (const k of KERNELS) {
      const got = await kde.logLikelihood(hs, k, test, 'binned');
      const exactTf = await kde.logLikelihood(hs, k, test);
      hs.forEach((h, i) => {
        near(got[i], binnedHeldOutLogLikRef(train, test, h, k), 1e-5);
        // −∞ exactly where the exact float32 path gives −∞ (compact kernels: a test point with no
        // training point within h; Gaussian: none within ~14 h, where float32 exp underflows).
        expect(Number.isFinite(got[i])).toBe(Number.isFinite(exactTf[i]));
        if (Number.isFinite(got[i])) near(got[i], heldOutLogLikRef(train, test, h, k), 1e-3);
      });
      expect(got.some((v) => Number.isFinite(v))).toBe(true);
    }
    kde.dispose();
  });

  it('falls back to the exact sum when the bins would exceed MAX_BINS', async () => {
    const kde = new KdeEvaluator(big);
    const h = 0.02;
    const wide = grid(-6, -6 + (MAX_BINS + 10) * (h / 16), 300); // more Gaussian bins than allowed
    const binned = await kde.density(wide, h, 'gaussian', 'binned');
    const exact = await kde.density(wide, h, 'gaussian');
    expect(Array.from(binned)).toEqual(Array.from(exact));
    kde.dispose();
  });

  it('leaks no tensors on the binned paths', async () => {
    const before = tf.memory().numTensors;
    const kde = new KdeEvaluator(sampleBimodal(3000, 2));
    for (const k of KERNELS) {
      await kde.density(G, 0.3, k, 'binned');
      await kde.logLikelihood([0.1, 0.5], k, [0, 1, 2], 'binned');
    }
    kde.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('degenerate inputs keep their messages on the binned paths', async () => {
    const kde = new KdeEvaluator([0, 1]);
    await expect(kde.density([0], 0, 'gaussian', 'binned')).rejects.toThrow(/positive number/);
    await expect(kde.density([0], Number.POSITIVE_INFINITY, 'epanechnikov', 'binned')).rejects.toThrow(/positive number/);
    await expect(kde.logLikelihood([0.5], 'gaussian', [], 'binned')).rejects.toThrow(/held-out set is empty/);
    await expect(kde.logLikelihood([-1], 'uniform', [0], 'binned')).rejects.toThrow(/positive number/);
    expect(await kde.density([], 0.5, 'gaussian', 'binned')).toHaveLength(0);
    kde.dispose();
    await expect(kde.density([0], 0.5, 'triangular', 'binned')).rejects.toThrow(/disposed/);
  });
});
