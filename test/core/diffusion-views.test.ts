import { describe, expect, it } from 'vitest';
import { makeSchedule } from '../../src/core/diffusion/schedules';
import { iterateForward, noiseAt } from '../../src/core/diffusion/forward';
import {
  ForwardChain, arrowSegments, closedFormMoments, cloudMoments, datasetPoints, qualityStepCounts,
} from '../../src/core/diffusion/views';
import { forwardMomentsRef } from '../../src/core/ref/diffusion';
import { sampleDataset } from '../../src/core/data2d';

describe('diffusion widget views', () => {
  it('datasetPoints gives the shared seeded sets and resamples drawn points near where they were drawn', () => {
    expect(Array.from(datasetPoints('moons', 50, 3))).toEqual(Array.from(sampleDataset('moons', 50, 3).xy));
    expect(Array.from(datasetPoints('ring', 40, 2))).toEqual(Array.from(sampleDataset('ring', 40, 2).xy));
    const drawn: [number, number][] = [[1, 1], [-1, 0.5]];
    const xy = datasetPoints('drawn', 400, 7, drawn);
    expect(xy.length).toBe(800);
    for (let i = 0; i < 400; i++) {
      const d = Math.min(...drawn.map(([a, b]) => Math.hypot(xy[2 * i] - a, xy[2 * i + 1] - b)));
      expect(d).toBeLessThan(0.4); // 8 jitter standard deviations (0.05 each way)
    }
    expect(() => datasetPoints('drawn', 10, 1, [])).toThrow(/Draw some points/);
    expect(() => datasetPoints('moons', 0, 1)).toThrow(/positive whole number/);
  });

  it('cloud moments are the 1/n mean and variance; the closed form matches the float64 reference', () => {
    const m = cloudMoments([1, 2, 3, 6]);
    expect(m.mean).toEqual([2, 4]);
    expect(m.variance).toEqual([1, 4]);
    for (const kind of ['linear', 'cosine'] as const) {
      const s = makeSchedule({ kind, T: 1000 });
      for (const t of [0, 1, 250, 1000]) {
        const c = closedFormMoments(s, t, { mean: [1.3, -0.4], variance: [0.2, 0.9] });
        for (const [k, mean0, var0] of [[0, 1.3, 0.2], [1, -0.4, 0.9]] as const) {
          const r = forwardMomentsRef(s, t, mean0, var0);
          expect(c.mean[k]).toBeCloseTo(r.mean, 12);
          expect(c.variance[k]).toBeCloseTo(r.variance, 12);
        }
      }
    }
    expect(() => closedFormMoments(makeSchedule({ kind: 'linear', T: 10 }), 11, m)).toThrow(/0 to 10/);
  });

  it('the noised cloud’s moments approach the closed form (2,000 points, 5 standard errors)', () => {
    const s = makeSchedule({ kind: 'linear', T: 1000 });
    const x0 = datasetPoints('swissroll', 2000, 1);
    const m0 = cloudMoments(x0);
    for (const t of [50, 250, 700]) {
      const m = cloudMoments(noiseAt(x0, s, t, 9).xt);
      const c = closedFormMoments(s, t, m0);
      for (const k of [0, 1]) {
        // the ε part has variance (1 − ᾱ)/n around the mean and (1 − ᾱ)²·2/n around the variance
        expect(Math.abs(m.mean[k] - c.mean[k])).toBeLessThan(5 * Math.sqrt(s.oneMinusAlphaBar[t] / 2000));
        expect(Math.abs(m.variance[k] - c.variance[k])).toBeLessThan(5 * c.variance[k] * Math.sqrt(2 / 2000) + 0.01);
      }
    }
  });

  it('ForwardChain reaches exactly iterateForward’s x_t, forwards, in jumps and backwards', () => {
    const s = makeSchedule({ kind: 'cosine', T: 200 });
    const x0 = datasetPoints('moons', 30, 2);
    const chain = new ForwardChain(x0, s, 17);
    for (const t of [0, 1, 5, 5, 80, 200, 40, 41, 0, 120]) {
      expect(Array.from(chain.advanceTo(t))).toEqual(Array.from(iterateForward(x0, s, t, 17)));
      expect(chain.t).toBe(t);
    }
    expect(() => chain.advanceTo(201)).toThrow(/0 to 200/);
  });

  it('quality step counts run from 1 to T and end at T', () => {
    expect(qualityStepCounts(1000)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    expect(qualityStepCounts(300)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 300]);
    expect(qualityStepCounts(1)).toEqual([1]);
  });

  it('arrows share one scale (the 90th-percentile arrow has the given length) and long ones are capped', () => {
    const pts = new Float64Array(20), vec = new Float64Array(20);
    for (let i = 0; i < 10; i++) {
      pts[2 * i] = i;
      vec[2 * i] = i + 1; // lengths 1 … 10
    }
    vec[19] = NaN;
    const { arrows, scale } = arrowSegments(pts, vec, 0.5);
    expect(arrows).toHaveLength(9);
    // 90th percentile of the nine finite lengths 1 … 9 (index floor(0.9 · 8) = 7): 8
    expect(scale).toBeCloseTo(0.5 / 8, 12);
    expect(arrows[0].x2 - arrows[0].x1).toBeCloseTo(0.5 / 8, 12);
    expect(arrows[8].x2 - arrows[8].x1).toBeCloseTo(9 * scale, 12);
    const big = arrowSegments([0, 0, 1, 1, 2, 2], [1, 0, 1, 0, 100, 0], 0.5);
    expect(big.arrows[2].x2 - big.arrows[2].x1).toBeCloseTo(0.75, 12);
    expect(big.arrows[2].norm).toBe(100);
    expect(() => arrowSegments([0, 0], [1], 1)).toThrow(/same length/);
  });
});
