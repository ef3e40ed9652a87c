import { describe, expect, it } from 'vitest';
import { MAX_BETA, SCHEDULE_KINDS, makeSchedule, scheduleAt } from '../../src/core/diffusion/schedules';
import { coordinateHistogram, iterateForward, noiseAt, noiseImage, standardNormals } from '../../src/core/diffusion/forward';
import {
  ddimTimesteps, meanFromEps, posteriorMean, posteriorVariance, reverseCoefficients, scoreFromEps, x0FromEps,
  type ReverseOptions,
} from '../../src/core/diffusion/posterior';
import {
  forwardMomentsRef, gaussianEpsOracleRef, posteriorByBayesRef, posteriorByQuadratureRef, reverseSampleRef,
} from '../../src/core/ref/diffusion';

function moments(xs: ArrayLike<number>, stride = 1, offset = 0): { mean: number; variance: number } {
  let s = 0, s2 = 0, n = 0;
  for (let i = offset; i < xs.length; i += stride) {
    s += xs[i];
    s2 += xs[i] * xs[i];
    n++;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

describe('noise schedules', () => {
  it('ᾱ is strictly decreasing in (0, 1] and every table is consistent, for every kind and several T', () => {
    for (const kind of SCHEDULE_KINDS) {
      for (const T of [1, 10, 100, 1000]) {
        const s = makeSchedule({ kind, T });
        expect(s.alphaBar[0]).toBe(1);
        for (let t = 1; t <= T; t++) {
          expect(s.alphaBar[t]).toBeGreaterThan(0);
          expect(s.alphaBar[t]).toBeLessThan(s.alphaBar[t - 1]);
          expect(s.beta[t]).toBeGreaterThan(0);
          expect(s.beta[t]).toBeLessThanOrEqual(MAX_BETA);
          expect(s.alpha[t]).toBeCloseTo(1 - s.beta[t], 15);
          expect(s.alphaBar[t]).toBeCloseTo(s.alphaBar[t - 1] * s.alpha[t], 14);
          expect(s.oneMinusAlphaBar[t]).toBeCloseTo(1 - s.alphaBar[t], 14);
          expect(s.sqrtAlphaBar[t] ** 2 + s.sqrtOneMinusAlphaBar[t] ** 2).toBeCloseTo(1, 14);
          expect(Math.exp(s.logSnr[t])).toBeCloseTo(s.alphaBar[t] / s.oneMinusAlphaBar[t], 8);
        }
      }
    }
  });

  it('linear and quadratic hit their end points; cosine and sigmoid follow their closed-form ᾱ', () => {
    const lin = makeSchedule({ kind: 'linear', T: 1000 });
    expect(lin.beta[1]).toBeCloseTo(1e-4, 15);
    expect(lin.beta[1000]).toBeCloseTo(0.02, 15);
    expect(lin.beta[500] - lin.beta[499]).toBeCloseTo((0.02 - 1e-4) / 999, 15);
    const quad = makeSchedule({ kind: 'quadratic', T: 1000 });
    expect(quad.beta[1]).toBeCloseTo(1e-4, 15);
    expect(quad.beta[1000]).toBeCloseTo(0.02, 15);
    expect(Math.sqrt(quad.beta[3]) - Math.sqrt(quad.beta[2])).toBeCloseTo(Math.sqrt(quad.beta[601]) - Math.sqrt(quad.beta[600]), 13);

    const T = 1000, s = 0.008;
    const cos = makeSchedule({ kind: 'cosine', T });
    const f = (t: number) => Math.cos(((t / T + s) / (1 + s)) * (Math.PI / 2)) ** 2;
    for (const t of [1, 10, 250, 500, 900, 990]) expect(cos.alphaBar[t]).toBeCloseTo(f(t) / f(0), 12);
    // ᾱ_T is 0 in closed form; the β cap at 0.999 keeps it just above 0.
    expect(cos.alphaBar[T]).toBeLessThan(1e-8);
    expect(cos.beta[T]).toBe(MAX_BETA);
    expect(cos.warning).toBeUndefined();

    const sig = makeSchedule({ kind: 'sigmoid', T });
    const g = (x: number) => 1 / (1 + Math.exp(-x));
    for (const t of [1, 300, 500, 800]) {
      expect(sig.alphaBar[t]).toBeCloseTo((g(3) - g((t / T) * 6 - 3)) / (g(3) - g(-3)), 12);
    }
    expect(sig.alphaBar[T]).toBeLessThan(1e-6);
  });

  it('reproduces the ᾱ_t table of the diffusion chapter (content/07-diffusion.md) to its printed digits', () => {
    // [t, printed ᾱ_t, significant figures printed]
    const table: Record<'linear' | 'cosine' | 'sigmoid', [number, number, number][]> = {
      linear: [[100, 0.897, 3], [250, 0.524, 3], [500, 0.0786, 3], [750, 0.00335, 3], [900, 0.000275, 3], [1000, 0.0000404, 3]],
      cosine: [[100, 0.972, 3], [250, 0.847, 3], [500, 0.494, 3], [750, 0.144, 3], [900, 0.0241, 3], [1000, 0.0000000024, 2]],
      sigmoid: [[100, 0.961, 3], [250, 0.851, 3], [500, 0.5, 3], [750, 0.149, 3], [900, 0.0395, 3]],
    };
    for (const kind of ['linear', 'cosine', 'sigmoid'] as const) {
      const s = makeSchedule({ kind, T: 1000 });
      for (const [t, printed, digits] of table[kind]) {
        const halfUnit = 0.5 * 10 ** (Math.floor(Math.log10(printed)) - (digits - 1));
        expect(Math.abs(s.alphaBar[t] - printed)).toBeLessThanOrEqual(halfUnit * (1 + 1e-9));
      }
    }
    // the linear schedule's SNR falls below 1 at t = 260, as the chapter says
    const lin = makeSchedule({ kind: 'linear', T: 1000 });
    expect(lin.logSnr[259]).toBeGreaterThan(0);
    expect(lin.logSnr[260]).toBeLessThan(0);
  });

  it('the posterior variance β̃_t lies between 0 and β_t, with β̃_1 = 0', () => {
    for (const kind of SCHEDULE_KINDS) {
      const s = makeSchedule({ kind, T: 200 });
      expect(s.posteriorVariance[1]).toBe(0);
      for (let t = 2; t <= 200; t++) {
        expect(s.posteriorVariance[t]).toBeGreaterThan(0);
        expect(s.posteriorVariance[t]).toBeLessThan(s.beta[t]);
      }
    }
  });

  it('warns when x_T is not yet noise, and rejects impossible settings with plain messages', () => {
    expect(makeSchedule({ kind: 'linear', T: 100 }).warning).toMatch(/not yet pure noise/);
    expect(makeSchedule({ kind: 'linear', T: 100, scaleWithT: true }).warning).toBeUndefined();
    expect(makeSchedule({ kind: 'linear', T: 1000 }).warning).toBeUndefined();
    expect(() => makeSchedule({ kind: 'linear', T: 0 })).toThrow(/whole number from 1/);
    expect(() => makeSchedule({ kind: 'linear', T: 2.5 })).toThrow(/whole number/);
    expect(() => makeSchedule({ kind: 'linear', T: 1001 })).toThrow(/1000/);
    expect(() => makeSchedule({ kind: 'linear', T: 10, betaEnd: 1.5 })).toThrow(/betaEnd/);
    expect(() => makeSchedule({ kind: 'linear', T: 10, scaleWithT: true })).toThrow(/after scaling/);
    expect(() => makeSchedule({ kind: 'sigmoid', T: 10, sigmoidTau: 0 })).toThrow(/temperature/);
  });

  it('reads out every value at a t, with a word for t = 0', () => {
    const s = makeSchedule({ kind: 'cosine', T: 50 });
    const r = scheduleAt(s, 20);
    expect(r.alphaBar).toBe(s.alphaBar[20]);
    expect(r.posteriorVariance).toBe(s.posteriorVariance[20]);
    expect(r.warning).toBeUndefined();
    const r0 = scheduleAt(s, 0);
    expect(r0.logSnr).toBe(Infinity);
    expect(r0.warning).toMatch(/infinite/);
    expect(() => scheduleAt(s, 51)).toThrow(/0 to 50/);
  });
});

describe('forward process', () => {
  it('iterating q(x_t | x_{t−1}) has the closed form’s moments exactly (float64 recursion)', () => {
    for (const kind of SCHEDULE_KINDS) {
      const s = makeSchedule({ kind, T: 500 });
      for (const t of [1, 37, 250, 500]) {
        const r = forwardMomentsRef(s, t, 1.3, 0.2);
        expect(r.mean).toBeCloseTo(s.sqrtAlphaBar[t] * 1.3, 12);
        expect(r.variance).toBeCloseTo(s.alphaBar[t] * 0.2 + s.oneMinusAlphaBar[t], 12);
      }
    }
  });

  it('the closed-form sample and the iterated chain agree in distribution (Monte Carlo, 5 standard errors)', () => {
    const s = makeSchedule({ kind: 'linear', T: 200, scaleWithT: true });
    const n = 20000, x0v = [1.5, -0.7];
    const x0 = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      x0[2 * i] = x0v[0];
      x0[2 * i + 1] = x0v[1];
    }
    for (const t of [20, 80]) {
      const direct = noiseAt(x0, s, t, 11).xt;
      const chain = iterateForward(x0, s, t, 12);
      const v = s.oneMinusAlphaBar[t];
      for (const c of [0, 1]) {
        for (const xs of [direct, chain]) {
          const m = moments(xs, 2, c);
          expect(Math.abs(m.mean - s.sqrtAlphaBar[t] * x0v[c])).toBeLessThan(5 * Math.sqrt(v / n));
          expect(Math.abs(m.variance - v)).toBeLessThan(5 * v * Math.sqrt(2 / n));
        }
      }
    }
  });

  it('noiseAt with a shared seed uses the same ε for two schedules, and t = 0 returns the data', () => {
    const a = makeSchedule({ kind: 'linear', T: 100, scaleWithT: true }), b = makeSchedule({ kind: 'cosine', T: 100 });
    const x0 = [0.5, -1, 2, 0.25];
    const na = noiseAt(x0, a, 40, 5), nb = noiseAt(x0, b, 40, 5);
    expect(Array.from(na.eps)).toEqual(Array.from(nb.eps));
    for (let i = 0; i < 4; i++) expect(na.xt[i]).toBeCloseTo(a.sqrtAlphaBar[40] * x0[i] + a.sqrtOneMinusAlphaBar[40] * na.eps[i], 14);
    expect(Array.from(noiseAt(x0, a, 0, 5).xt)).toEqual(x0);
    expect(() => noiseAt(x0, a, 101, 5)).toThrow(/0 to 100/);
  });

  it('noises an image in [−1, 1] units and clips only the display copy', () => {
    const s = makeSchedule({ kind: 'cosine', T: 100 });
    const pixels = new Float64Array(64).map((_, i) => (i % 8) / 7);
    const clean = noiseImage(pixels, s, 0, 1);
    for (let i = 0; i < 64; i++) {
      expect(clean.xt[i]).toBeCloseTo(2 * pixels[i] - 1, 14);
      expect(clean.display[i]).toBeCloseTo(pixels[i], 6);
    }
    const noisy = noiseImage(pixels, s, 100, 1);
    expect(noisy.xt.some((v) => v > 1 || v < -1)).toBe(true);
    for (const v of noisy.display) expect(v >= 0 && v <= 1).toBe(true);
    expect(() => noiseImage([1.5], s, 1, 1)).toThrow(/\[0, 1\]/);
  });

  it('histograms integrate to the fraction inside the range and match N(0, 1) for normal draws', () => {
    const xy = standardNormals(40000, 3);
    const hgm = coordinateHistogram(xy, 1, { bins: 20, range: [-4, 4] });
    const width = 8 / 20;
    const area = hgm.density.reduce((a, b) => a + b, 0) * width;
    expect(area + hgm.outside).toBeCloseTo(1, 12);
    // 20,000 draws: each bin's density is within 5 binomial standard errors of N(0, 1)'s bin mass.
    for (let k = 0; k < 20; k++) {
      const lo = -4 + k * width;
      const p = (cdf(lo + width) - cdf(lo)) / width;
      const se = Math.sqrt((p * width * (1 - p * width)) / 20000) / width;
      expect(Math.abs(hgm.density[k] - p)).toBeLessThan(5 * se + 1e-12);
      expect(hgm.normal[k]).toBeCloseTo(Math.exp(-0.5 * hgm.centres[k] ** 2) / Math.sqrt(2 * Math.PI), 14);
    }
    expect(() => coordinateHistogram([], 0)).toThrow(/no points/);
  });
});

/** Standard normal CDF by Simpson's rule from −8 (the mass below −8 is 6e-16); error ~1e-12 here. */
function cdf(x: number): number {
  const a = -8, n = 4000, h = (x - a) / n;
  const f = (u: number) => Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);
  let s = f(a) + f(x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

describe('posterior q(x_{t−1} | x_t, x₀)', () => {
  it('mean and variance match Bayes’ rule by completing the square and by quadrature', () => {
    for (const kind of SCHEDULE_KINDS) {
      const s = makeSchedule({ kind, T: 1000 });
      for (const t of [2, 10, 500, 999]) {
        const x0 = 0.8, xt = -0.3;
        const mean = posteriorMean(s, t, [x0], [xt])[0], variance = posteriorVariance(s, t);
        const bayes = posteriorByBayesRef(s, t, x0, xt);
        expect(mean).toBeCloseTo(bayes.mean, 10);
        expect(variance / bayes.variance).toBeCloseTo(1, 10);
        const quad = posteriorByQuadratureRef(s, t, x0, xt, bayes.mean, Math.sqrt(bayes.variance));
        expect(Math.abs(mean - quad.mean)).toBeLessThan(1e-6 * Math.sqrt(variance) + 1e-12);
        expect(quad.variance / variance).toBeCloseTo(1, 6);
      }
    }
  });

  it('μ_θ from ε equals the posterior mean at x̂₀, and the score is −ε/√(1 − ᾱ)', () => {
    const s = makeSchedule({ kind: 'linear', T: 1000 });
    const xt = [0.3, -1.2, 2.0], eps = [0.5, 0.1, -0.7];
    for (const t of [1, 2, 300, 1000]) {
      const x0hat = x0FromEps(s, t, xt, eps);
      const viaPosterior = posteriorMean(s, t, x0hat, xt);
      const viaEps = meanFromEps(s, t, xt, eps);
      for (let i = 0; i < 3; i++) expect(viaEps[i]).toBeCloseTo(viaPosterior[i], 10);
      const score = scoreFromEps(s, t, eps);
      for (let i = 0; i < 3; i++) expect(score[i]).toBeCloseTo(-eps[i] / Math.sqrt(1 - s.alphaBar[t]), 8);
    }
    expect(() => posteriorMean(s, 0, [1], [1])).toThrow(/1 to 1000/);
    expect(() => meanFromEps(s, 5, [1, 2], [1])).toThrow(/differ in length/);
  });
});

describe('sampler coefficients', () => {
  it('DDIM with η = 1 and every step reduces to DDPM: σ_t² = β̃_t and the same mean coefficients', () => {
    for (const kind of SCHEDULE_KINDS) {
      const s = makeSchedule({ kind, T: 300 });
      const ddpm = reverseCoefficients(s, { method: 'ddpm' });
      const ddim = reverseCoefficients(s, { method: 'ddim', steps: 300, eta: 1 });
      expect(Array.from(ddim.t)).toEqual(Array.from(ddpm.t));
      for (let i = 0; i < 300; i++) {
        const t = ddim.t[i];
        expect(ddim.tPrev[i]).toBe(t - 1);
        if (t === 1) expect(ddim.sigma[i]).toBe(0); // β̃_1 = 0: the last step is deterministic
        else expect(ddim.sigma[i] ** 2 / s.posteriorVariance[t]).toBeCloseTo(1, 10);
        expect(ddim.c1[i]).toBeCloseTo(ddpm.c1[i], 10);
        expect(ddim.c2[i]).toBeCloseTo(ddpm.c2[i], 8);
        expect(ddpm.c1[i]).toBeCloseTo(1 / Math.sqrt(s.alpha[t]), 12);
      }
    }
  });

  it('DDIM with η = 0 adds no noise; the step list starts at T, ends above 0 and is strictly decreasing', () => {
    const s = makeSchedule({ kind: 'cosine', T: 1000 });
    const c = reverseCoefficients(s, { method: 'ddim', steps: 37, eta: 0 });
    expect(c.sigma.every((v) => v === 0)).toBe(true);
    expect(c.t[0]).toBe(1000);
    expect(c.tPrev[36]).toBe(0);
    for (let i = 1; i < 37; i++) expect(c.t[i]).toBeLessThan(c.t[i - 1]);
    expect(c.t[36]).toBeGreaterThanOrEqual(1);
    expect(Array.from(ddimTimesteps(10, 10))).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(() => ddimTimesteps(10, 11)).toThrow(/1 to T = 10/);
    expect(() => reverseCoefficients(s, { method: 'ddim', steps: 10, eta: 1.5 })).toThrow(/η/);
  });

  it('the x̂₀ form (p, q) is the same step as the ε form (c1, c2)', () => {
    const s = makeSchedule({ kind: 'cosine', T: 300 });
    for (const opts of [{ method: 'ddpm' as const }, { method: 'ddim' as const, steps: 30, eta: 0.3 }, { method: 'ddim' as const, steps: 300, eta: 1 }]) {
      const c = reverseCoefficients(s, opts);
      for (let i = 0; i < c.t.length; i++) {
        const a = s.sqrtAlphaBar[c.t[i]], b = s.sqrtOneMinusAlphaBar[c.t[i]];
        expect((c.p[i] / a + c.q[i]) / c.c1[i]).toBeCloseTo(1, 8);
        expect(Math.abs((c.p[i] * b) / a - c.c2[i])).toBeLessThan(1e-8 * Math.max(1, Math.abs(c.c2[i])));
      }
    }
  });

  it('the folded coefficients reproduce the textbook DDIM update (x̂₀, direction, noise)', () => {
    const s = makeSchedule({ kind: 'sigmoid', T: 500 });
    const c = reverseCoefficients(s, { method: 'ddim', steps: 25, eta: 0.6 });
    const x = 0.7, e = -0.4;
    for (let i = 0; i < 25; i++) {
      const a = s.alphaBar[c.t[i]], ap = s.alphaBar[c.tPrev[i]];
      const sigma = 0.6 * Math.sqrt((1 - ap) / (1 - a)) * Math.sqrt(1 - a / ap);
      const x0hat = (x - Math.sqrt(1 - a) * e) / Math.sqrt(a);
      const textbook = Math.sqrt(ap) * x0hat + Math.sqrt(Math.max(0, 1 - ap - sigma * sigma)) * e;
      expect(c.c1[i] * x - c.c2[i] * e).toBeCloseTo(textbook, 10);
      expect(c.sigma[i]).toBeCloseTo(sigma, 10);
    }
  });

  it('with the exact ε of Gaussian data, DDPM and DDIM recover that Gaussian (recursion and Monte Carlo)', () => {
    const s = makeSchedule({ kind: 'cosine', T: 200 });
    const mu: [number, number] = [0.8, -0.5], s2 = 0.25;
    const oracle = gaussianEpsOracleRef(s, mu, s2);
    /** x' = c1 x − c2 k_t (x − √ᾱ_t μ) + σ z is linear-Gaussian: propagate mean and variance exactly. */
    const exactLaw = (opts: ReverseOptions) => {
      const c = reverseCoefficients(s, opts);
      let m = 0, v = 1;
      for (let i = 0; i < c.t.length; i++) {
        const a = s.alphaBar[c.t[i]], k = Math.sqrt(1 - a) / (a * s2 + 1 - a);
        const gain = c.c1[i] - c.c2[i] * k;
        m = gain * m + c.c2[i] * k * Math.sqrt(a) * mu[0];
        v = gain * gain * v + c.sigma[i] ** 2;
      }
      return { m, v };
    };
    // DDPM with all 200 steps lands within 5% of the data variance with either σ² (β̃ undershoots,
    // β overshoots: the true reverse variance lies between them), and within 1e-3 of the mean.
    for (const variance of ['posterior', 'beta'] as const) {
      const { m, v } = exactLaw({ method: 'ddpm', variance });
      expect(Math.abs(m - mu[0])).toBeLessThan(1e-3);
      expect(Math.abs(v / s2 - 1)).toBeLessThan(0.05);
    }
    // Deterministic DDIM converges as its step count grows.
    const errors = [20, 50, 200].map((steps) => {
      const { m, v } = exactLaw({ method: 'ddim', steps, eta: 0 });
      expect(Math.abs(m - mu[0])).toBeLessThan(1e-3);
      return Math.abs(v / s2 - 1);
    });
    expect(errors[1]).toBeLessThan(errors[0]);
    expect(errors[2]).toBeLessThan(errors[1]);
    expect(errors[2]).toBeLessThan(0.02);
    // The textbook float64 sampler has exactly that law: Monte Carlo moments within 5 standard errors.
    for (const opts of [{ method: 'ddpm' as const }, { method: 'ddim' as const, steps: 50, eta: 0 }, { method: 'ddim' as const, steps: 20, eta: 1 }]) {
      const { m, v } = exactLaw(opts);
      const n = 4000;
      const mc = moments(reverseSampleRef(s, oracle, { ...opts, n, seed: 21 }), 2, 0);
      expect(Math.abs(mc.mean - m)).toBeLessThan(5 * Math.sqrt(v / n));
      expect(Math.abs(mc.variance - v)).toBeLessThan(5 * v * Math.sqrt(2 / n));
    }
  });
});
