import { describe, expect, it } from 'vitest';
import { RateDistortionLog, ThinnedSeries, ellipsePoints, ema, evenlySpaced, firstOfEachClass, latentAxes, quantiles } from '../../src/core/vae/views';

describe('ThinnedSeries', () => {
  it('keeps every point until full, then evenly spaced ones, always ending at the latest', () => {
    const s = new ThinnedSeries<number>(8);
    for (let i = 0; i < 7; i++) s.push(i);
    expect(s.points).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(s.stride).toBe(1);
    s.push(7); // full: thinned to the even indices, stride 2
    expect(s.stride).toBe(2);
    expect(s.points).toEqual([0, 2, 4, 6, 7]);
    for (let i = 8; i < 1000; i++) s.push(i);
    const pts = s.points;
    expect(pts.length).toBeLessThanOrEqual(9);
    expect(pts[0]).toBe(0);
    expect(pts[pts.length - 1]).toBe(999);
    // Kept points are multiples of the stride: evenly spaced.
    for (const p of pts.slice(0, -1)) expect(p % s.stride).toBe(0);
    expect(s.size).toBe(1000);
    s.clear();
    expect(s.points).toEqual([]);
    expect(s.size).toBe(0);
  });

  it('rejects a capacity below 2', () => {
    expect(() => new ThinnedSeries(1)).toThrow(/at least 2/);
  });
});

describe('RateDistortionLog', () => {
  const pt = (step: number, beta: number, rate: number, distortion = 100 - rate) => ({ step, beta, rate, distortion });

  it('leaves one mark per β at the latest point, never twice, skipping non-finite points', () => {
    const log = new RateDistortionLog();
    expect(log.leaveMark()).toBeNull();
    log.add(pt(100, 1, 5));
    log.add(pt(200, 1, 6));
    log.add(pt(250, 1, NaN));
    const m = log.leaveMark();
    expect(m).toMatchObject({ step: 200, beta: 1, rate: 6, index: 1 });
    expect(log.leaveMark()).toBeNull();
    log.add(pt(300, 0.1, 12));
    expect(log.leaveMark()).toMatchObject({ beta: 0.1, rate: 12, index: 2 });
    expect(log.marks.map((k) => k.beta)).toEqual([1, 0.1]);
    expect(log.trajectory.map((p) => p.step)).toEqual([100, 200, 300]);
  });

  it('a new run clears the path and keeps the marks; clear() removes both', () => {
    const log = new RateDistortionLog();
    log.add(pt(100, 4, 1));
    log.leaveMark();
    log.newRun();
    expect(log.trajectory).toEqual([]);
    expect(log.marks).toHaveLength(1);
    log.add(pt(10, 4, 1.5));
    log.clear();
    expect(log.trajectory).toEqual([]);
    expect(log.marks).toEqual([]);
  });

  it('caps the number of marks, dropping the oldest', () => {
    const log = new RateDistortionLog(100, 3);
    for (let i = 1; i <= 5; i++) {
      log.add(pt(i * 10, i, i));
      log.leaveMark();
    }
    expect(log.marks.map((m) => m.index)).toEqual([3, 4, 5]);
  });
});

describe('latent-space helpers', () => {
  it('latentAxes picks the two dimensions with the largest KL (ties by index, non-finite last)', () => {
    expect(latentAxes([0.1, 3, 0.2, 2.5])).toEqual([1, 3]);
    expect(latentAxes([1, 1, 1])).toEqual([0, 1]);
    expect(latentAxes([NaN, 0.5, 0.1])).toEqual([1, 2]);
    expect(latentAxes([2])).toEqual([0, -1]);
    expect(() => latentAxes([])).toThrow(/no latent dimension/);
  });

  it('ellipsePoints lie on the ellipse and close the polygon', () => {
    const pts = ellipsePoints(1, -2, 0.5, 2, 16);
    expect(pts).toHaveLength(17);
    expect(pts[0]).toEqual(pts[16]);
    for (const [x, y] of pts) expect(((x - 1) / 0.5) ** 2 + ((y + 2) / 2) ** 2).toBeCloseTo(1, 12);
  });

  it('firstOfEachClass and evenlySpaced pick the rows to show', () => {
    expect(firstOfEachClass([2, 0, 2, 1, 0], 4)).toEqual([1, 3, 0, -1]);
    expect(evenlySpaced(10, 4)).toEqual([0, 2, 5, 7]);
    expect(evenlySpaced(3, 5)).toEqual([0, 1, 2]);
  });
});

describe('ema and quantiles', () => {
  it('ema starts at the first value and follows s = αs + (1 − α)x', () => {
    expect(ema([4, 0, 0], 0.5)).toEqual([4, 2, 1]);
    expect(ema([], 0.8)).toEqual([]);
    expect(() => ema([1], 1)).toThrow(/\[0, 1\)/);
  });

  it('quantiles interpolate between order statistics and ignore non-finite values', () => {
    expect(quantiles([3, 1, 2, NaN, 4], [0, 0.5, 1, 0.25])).toEqual([1, 2.5, 4, 1.75]);
    expect(quantiles([], [0.5])[0]).toBeNaN();
    expect(() => quantiles([1], [1.5])).toThrow(/between 0 and 1/);
  });
});
