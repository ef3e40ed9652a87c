import { describe, expect, it } from 'vitest';
import {
  density1D, gaussian1D, ganValue, integrationGrid, klDivergence1D, logDensity1D, mixture1D,
  optimalDiscriminator, twoComponentMixture, valueAtOptimum, type Mixture1D,
} from '../../src/core/gan/optimalD';
import { mulberry32, normalSampler } from '../../src/core/random';

const LOG4 = Math.log(4);

/** Draw n points from a 1-D mixture (seeded). */
function sample(p: Mixture1D, n: number, seed: number): Float64Array {
  const rng = mulberry32(seed);
  const normal = normalSampler(rng);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng(), k = 0;
    while (k < p.components.length - 1 && u >= p.components[k].weight) u -= p.components[k++].weight;
    out[i] = p.components[k].mean + p.components[k].std * normal();
  }
  return out;
}

/** Monte Carlo JSD = ½ E_p[log p/m] + ½ E_q[log q/m]: an estimator that shares no code with the quadrature. */
function jsdMonteCarlo(p: Mixture1D, q: Mixture1D, n: number, seed: number): { mean: number; se: number } {
  const term = (x: number, self: Mixture1D) => {
    const pa = density1D(p, x), qa = density1D(q, x);
    return Math.log(density1D(self, x) / (0.5 * (pa + qa)));
  };
  const xs = sample(p, n, seed), ys = sample(q, n, seed + 1);
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = 0.5 * term(xs[i], p) + 0.5 * term(ys[i], q);
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  return { mean, se: Math.sqrt((s2 / n - mean * mean) / n) };
}

const PAIRS: [string, Mixture1D, Mixture1D][] = [
  ['two Gaussians', gaussian1D(0, 1), gaussian1D(1.5, 0.7)],
  ['Gaussian vs mixture', twoComponentMixture(-2, 0.5, 2, 0.5, 0.5), gaussian1D(0, 1.2)],
  ['two mixtures', twoComponentMixture(-1, 0.3, 3, 1, 0.3), twoComponentMixture(0, 2, 4, 0.2, 0.8)],
];

describe('densities', () => {
  it('integrate to 1 on the quadrature grid, and the log density is finite far into the tails', () => {
    for (const [, p, q] of PAIRS) {
      const { xs, weights } = integrationGrid(p, q);
      let mass = 0;
      for (let i = 0; i < xs.length; i++) mass += weights[i] * density1D(p, xs[i]);
      expect(mass).toBeCloseTo(1, 10);
    }
    // N(0, 1) at x = 50: log p = −1250 − log √(2π), although p itself underflows to 0
    expect(logDensity1D(gaussian1D(0, 1), 50)).toBeCloseTo(-1250 - 0.5 * Math.log(2 * Math.PI), 9);
  });

  it('reject invalid parameters with a plain message', () => {
    expect(() => gaussian1D(0, 0)).toThrow(/standard deviation must be a positive/);
    expect(() => gaussian1D(Number.NaN, 1)).toThrow(/mean must be a finite/);
    expect(() => twoComponentMixture(0, 1, 1, 1, 1.5)).toThrow(/between 0 and 1/);
    expect(() => mixture1D([{ mean: 0, std: 1, weight: 0.5 }])).toThrow(/sum to 1/);
    expect(() => mixture1D([])).toThrow(/at least one/);
  });

  it('KL by the same quadrature matches the Gaussian closed form', () => {
    // KL(N(μ₁,σ₁²) ‖ N(μ₂,σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½
    const closed = Math.log(2 / 0.5) + (0.25 + 9) / 8 - 0.5;
    expect(klDivergence1D(gaussian1D(1, 0.5), gaussian1D(-2, 2))).toBeCloseTo(closed, 9);
  });
});

describe('the optimal discriminator D* = p_data / (p_data + p_g)', () => {
  it('equals the density ratio where both densities are representable, and stays in [0, 1] beyond', () => {
    const [, p, q] = PAIRS[1];
    const xs = [-3, -2, -0.5, 0, 1, 2.5, 40, -40];
    const d = optimalDiscriminator(p, q, xs);
    xs.forEach((x, i) => {
      const pd = density1D(p, x), pg = density1D(q, x);
      if (pd + pg > 1e-200) expect(d[i]).toBeCloseTo(pd / (pd + pg), 12);
      expect(d[i] >= 0 && d[i] <= 1).toBe(true);
      expect(Number.isNaN(d[i])).toBe(false);
    });
    // at x = 40 both densities underflow to 0, yet the ratio is known: p_g has the wider tail there
    expect(d[6]).toBeLessThan(1e-10);
  });

  it('is ½ everywhere when p_g = p_data', () => {
    const p = twoComponentMixture(-1, 0.4, 2, 1, 0.3);
    for (const v of optimalDiscriminator(p, p, [-5, -1, 0, 2, 9])) expect(v).toBe(0.5);
  });
});

describe('V(D*, G) = −log 4 + 2·JSD(p_data ‖ p_g)', () => {
  for (const [name, p, q] of PAIRS) {
    it(`holds for ${name}, with the JSD checked by Monte Carlo`, () => {
      const r = valueAtOptimum(p, q);
      expect(r.warning).toBeUndefined();
      expect(r.massData).toBeCloseTo(1, 9);
      expect(r.massG).toBeCloseTo(1, 9);
      expect(r.value).toBeCloseTo(r.identity, 9);
      expect(r.jsd).toBeGreaterThan(0);
      expect(r.jsd).toBeLessThan(Math.LN2);
      // an independent estimator: within 4 standard errors (60,000 draws each)
      const mc = jsdMonteCarlo(p, q, 60_000, 5);
      expect(Math.abs(r.jsd - mc.mean)).toBeLessThan(4 * mc.se);
    });
  }

  it('D* maximises V(·, G): any other discriminator scores lower', () => {
    const [, p, q] = PAIRS[0];
    const best = valueAtOptimum(p, q).value;
    const logitStar = (x: number) => logDensity1D(p, x) - logDensity1D(q, x);
    expect(ganValue(p, q, logitStar)).toBeCloseTo(best, 9);
    for (const shift of [-1, -0.1, 0.1, 1]) expect(ganValue(p, q, (x) => logitStar(x) + shift)).toBeLessThan(best);
    expect(ganValue(p, q, (x) => 1.1 * logitStar(x))).toBeLessThan(best);
    // the constant D = ½ scores exactly −log 4, the value at equilibrium
    expect(ganValue(p, q, () => 0)).toBeCloseTo(-LOG4, 10);
  });

  it('moving p_g onto p_data drives V down to −log 4; disjoint supports give JSD = log 2', () => {
    const data = gaussian1D(0, 1);
    let prev = Infinity;
    for (const mu of [6, 3, 1.5, 0.5, 0.1]) {
      const v = valueAtOptimum(data, gaussian1D(mu, 1)).value;
      expect(v).toBeLessThan(prev);
      prev = v;
    }
    expect(valueAtOptimum(data, gaussian1D(0, 1)).value).toBeCloseTo(-LOG4, 12);
    const far = valueAtOptimum(data, gaussian1D(60, 1));
    expect(far.jsd).toBeCloseTo(Math.LN2, 12);
    expect(far.value).toBeCloseTo(0, 12);
  });
});
