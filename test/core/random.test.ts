import { describe, expect, it } from 'vitest';
import { childSeed, mulberry32, normalSampler } from '../../src/core/random';

describe('seeded random numbers', () => {
  it('repeats for the same seed and differs across seeds', () => {
    const a = mulberry32(42), b = mulberry32(42), c = mulberry32(43);
    const xa = [a(), a(), a()], xb = [b(), b(), b()], xc = [c(), c(), c()];
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    for (const x of xa) expect(x >= 0 && x < 1).toBe(true);
  });

  it('gives standard normal moments', () => {
    const n = normalSampler(mulberry32(7));
    let s = 0, s2 = 0;
    const N = 200_000;
    for (let i = 0; i < N; i++) { const x = n(); s += x; s2 += x * x; }
    expect(Math.abs(s / N)).toBeLessThan(0.01);
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.02);
  });

  it('derives distinct child seeds per label', () => {
    expect(childSeed(1, 'data')).not.toBe(childSeed(1, 'init'));
    expect(childSeed(1, 'data')).toBe(childSeed(1, 'data'));
  });
});
