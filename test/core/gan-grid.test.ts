import { describe, expect, it } from 'vitest';
import {
  cellIndex, DEFAULT_GRID, discreteJSD, discreteKL, gridDivergences, histogram2D, type GridSpec,
} from '../../src/core/gan/gridDivergence';
import { modeCoverage } from '../../src/core/gan/modes';
import { gridMixture, ringMixture, sampleDataset, sampleMixture } from '../../src/core/data2d';

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

describe('histogram2D', () => {
  const grid: GridSpec = { bins: 2, xMin: 0, xMax: 2, yMin: 0, yMax: 2 };

  it('puts known points in known cells, with the outside cell last', () => {
    // cells: (i, j) → j·2 + i; (0.5, 0.5) → 0, (1.5, 0.5) → 1, (0.5, 1.5) → 2, (1.5, 1.5) → 3
    const h = histogram2D([0.5, 0.5, 1.5, 0.5, 1.5, 0.5, 0.5, 1.5, 1.5, 1.5, 5, 5, 2, 1, Number.NaN, 0], grid);
    expect(Array.from(h)).toEqual([1 / 8, 2 / 8, 1 / 8, 1 / 8, 3 / 8]);
    expect(cellIndex(0, 0, grid)).toBe(0);
    expect(cellIndex(2, 0, grid)).toBe(4); // the right edge is outside: half-open cells
  });

  it('sums to 1 on real datasets, whatever leaves the box', () => {
    for (const name of ['ring', 'grid', 'moons', 'spiral'] as const) {
      const h = histogram2D(sampleDataset(name, 3000, 2).xy);
      expect(h.length).toBe(DEFAULT_GRID.bins ** 2 + 1);
      expect(sum(h)).toBeCloseTo(1, 12);
    }
    const small = histogram2D(sampleDataset('ring', 500, 2).xy, { bins: 3, xMin: -0.5, xMax: 0.5, yMin: -0.5, yMax: 0.5 });
    expect(sum(small)).toBeCloseTo(1, 12);
    expect(small[9]).toBeGreaterThan(0.99); // the ring lies outside this small box
  });

  it('rejects malformed input', () => {
    expect(() => histogram2D([], grid)).toThrow(/at least one point/);
    expect(() => histogram2D([1, 2, 3], grid)).toThrow(/\[x0, y0/);
    expect(() => histogram2D([0, 0], { ...grid, bins: 0 })).toThrow(/bins/);
    expect(() => histogram2D([0, 0], { ...grid, xMax: -1 })).toThrow(/xMax > xMin/);
  });
});

describe('discrete KL and JSD on known histograms', () => {
  it('JSD is 0 for equal histograms, log 2 for disjoint ones, and the hand value in between', () => {
    expect(discreteJSD([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
    expect(discreteJSD([1, 0], [0, 1])).toBeCloseTo(Math.LN2, 15);
    // p = (½, ½), q = (1, 0), m = (¾, ¼): ½[½ log(⅔) + ½ log 2] + ½ log(4/3)
    const hand = 0.5 * (0.5 * Math.log(2 / 3) + 0.5 * Math.log(2)) + 0.5 * Math.log(4 / 3);
    expect(discreteJSD([0.5, 0.5], [1, 0])).toBeCloseTo(hand, 15);
    expect(discreteJSD([1, 0], [0.5, 0.5])).toBeCloseTo(hand, 15); // symmetric
  });

  it('KL is the textbook sum without smoothing and finite with it', () => {
    // p = (½, ¼, ¼), q = (¼, ½, ¼): ½ log 2 + ¼ log ½ = ¼ log 2
    expect(discreteKL([0.5, 0.25, 0.25], [0.25, 0.5, 0.25], 0)).toBeCloseTo(0.25 * Math.LN2, 15);
    expect(discreteKL([0.5, 0.5], [1, 0], 0)).toBe(Infinity);
    // with ε: q̃ = (1 − ε)q + ε/2 = (1 − ε/2, ε/2)
    const eps = 0.01;
    const hand = 0.5 * Math.log(0.5 / (1 - eps / 2)) + 0.5 * Math.log(0.5 / (eps / 2));
    expect(discreteKL([0.5, 0.5], [1, 0], eps)).toBeCloseTo(hand, 14);
    expect(discreteKL([0.3, 0.7], [0.3, 0.7], 0)).toBe(0);
    // smoothing costs at most −log(1 − ε) when q = p, since q̃ ≥ (1 − ε)p cell by cell
    const self = discreteKL([0.3, 0.7], [0.3, 0.7]);
    expect(self).toBeGreaterThan(0);
    expect(self).toBeLessThanOrEqual(-Math.log(1 - 0.01));
    expect(() => discreteKL([1], [0.5, 0.5])).toThrow(/same/);
    expect(() => discreteKL([1], [1], 1)).toThrow(/ε/);
  });
});

describe('gridDivergences', () => {
  it('is near 0 for two samples of one distribution and large when the model drops modes', () => {
    const real = sampleMixture(ringMixture(), 4000, 1).xy;
    const same = gridDivergences(real, sampleMixture(ringMixture(), 4000, 2).xy);
    expect(sum(same.pData)).toBeCloseTo(1, 12);
    expect(sum(same.pModel)).toBeCloseTo(1, 12);
    expect(same.jsd).toBeLessThan(0.02);
    // a model on one mode only: the data's 7 other modes are missing
    const m = ringMixture();
    const oneMode = sampleMixture({ ...m, weights: [1, 0, 0, 0, 0, 0, 0, 0] }, 4000, 3).xy;
    const collapsed = gridDivergences(real, oneMode);
    expect(collapsed.klDataModel).toBeGreaterThan(collapsed.klModelData);
    expect(collapsed.jsd).toBeGreaterThan(0.4);
    expect(collapsed.jsd).toBeLessThanOrEqual(Math.LN2);
  });

  it('flags non-finite generated points', () => {
    const r = gridDivergences([0, 0, 1, 1], [0, 0, Number.NaN, 1]);
    expect(r.warning).toMatch(/diverged/);
    expect(Number.isFinite(r.jsd)).toBe(true);
  });
});

describe('modeCoverage', () => {
  const ring = ringMixture();

  it('counts the modes a sample set actually hits', () => {
    // 100 points at each of 5 means, nothing near the other 3
    const xy: number[] = [];
    for (let k = 0; k < 5; k++) for (let i = 0; i < 100; i++) xy.push(ring.means[k][0], ring.means[k][1]);
    const c = modeCoverage(xy, ring);
    expect(c.covered).toBe(5);
    expect(Array.from(c.isCovered)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
    expect(c.highQuality).toBe(1);
  });

  it('applies the 3σ radius and the quarter-share threshold', () => {
    const n = 800; // a share is 100 samples per mode; a quarter is 25
    const xy = new Float64Array(2 * n).fill(0); // the centre is far from every mode
    const put = (k: number, count: number, offsetStds: number, from: number) => {
      for (let i = 0; i < count; i++) {
        xy[2 * (from + i)] = ring.means[k][0] + offsetStds * ring.std;
        xy[2 * (from + i) + 1] = ring.means[k][1];
      }
    };
    put(0, 25, 2.9, 0); // within 3σ, exactly the threshold: covered
    put(1, 24, 0, 25); // one short of the threshold: not covered
    put(2, 300, 3.1, 49); // many, but outside 3σ: not covered
    const c = modeCoverage(xy, ring);
    expect(Array.from(c.counts.slice(0, 3))).toEqual([25, 24, 0]);
    expect(c.covered).toBe(1);
    expect(c.thresholds[0]).toBe(25);
    expect(c.highQuality).toBeCloseTo(49 / n, 15);
  });

  it('gives full coverage for real samples of the ring and the grid of 25', () => {
    expect(modeCoverage(sampleMixture(ring, 2000, 4).xy, ring).covered).toBe(8);
    const grid = gridMixture();
    const c = modeCoverage(sampleMixture(grid, 5000, 4).xy, grid);
    expect(c.covered).toBe(25);
    expect(c.highQuality).toBeGreaterThan(0.97); // 1 − e^{−9/2} ≈ 0.989 of a Gaussian lies within 3σ
  });

  it('rejects bad options and empty input', () => {
    expect(() => modeCoverage([], ring)).toThrow(/at least one sample/);
    expect(() => modeCoverage([0, 0], ring, { minFraction: 0 })).toThrow(/fraction/);
    expect(() => modeCoverage([0, 0], ring, { radiusStds: -1 })).toThrow(/radius/);
  });
});
