import { defineSpec } from '../types.ts';

/** The forward process on 2-D data: x_t at a step t (Play sweeps it), its marginals against N(0, I), and how far it still is from N(0, I). */
export const forwardProcessSpec = defineSpec({
  name: 'forward-process',
  title: 'The forward process on 2-D data',
  description: 'Swiss roll, two moons, a ring of Gaussians or points you draw, noised to step t by the closed form or by running the chain step by step; Play sweeps t. Each coordinate’s histogram is drawn against N(0, 1), the moments against the closed form, and the MMD says how far x_t still is from N(0, I).',
  chapter: 'diffusion',
  height: 1135,
  heightNarrow: 2060,
  runs: true,
  params: {
    data: {
      kind: 'enum', label: 'Data', options: ['swissroll', 'moons', 'ring', 'drawn'],
      optionLabels: ['Swiss roll', 'Two moons', 'Ring of eight Gaussians', 'Drawn by you'], default: 'swissroll',
    },
    schedule: {
      kind: 'enum', label: 'Schedule (T = 1000)', options: ['linear', 'cosine', 'sigmoid', 'quadratic'],
      optionLabels: ['Linear (β from 10⁻⁴ to 0.02)', 'Cosine (s = 0.008)', 'Sigmoid (−3 to 3, κ = 1)', 'Quadratic (√β linear)'], default: 'linear',
    },
    t: { kind: 'int', label: 'Step t', min: 0, max: 1000, step: 1, default: 0 },
    method: {
      kind: 'enum', label: 'How x_t is drawn', options: ['closed', 'chain'],
      optionLabels: ['In one jump: √ᾱ_t x₀ + √(1 − ᾱ_t) ε', 'Step by step: t steps of q(x_t | x_{t−1})'], default: 'closed',
      help: 'Both give the same distribution; the chain is what the closed form short-cuts.',
    },
    n: { kind: 'int', label: 'Points n', min: 200, max: 2000, step: 1, default: 1000, log: true },
    seed: { kind: 'int', label: 'Seed', min: 1, max: 9999, step: 1, default: 1 },
  },
  examples: [
    { name: 'swissroll', title: 'A Swiss roll dissolving', description: 'Press Play: the roll blurs, shrinks towards the origin and becomes N(0, I).', params: { data: 'swissroll', t: 0 } },
    { name: 'midway-linear', title: 'Half-way, linear schedule', description: 'At t = 300 the linear schedule has already left little of the moons: the MMD to N(0, I) is small.', params: { data: 'moons', t: 300 } },
    { name: 'midway-cosine', title: 'Half-way, cosine schedule', description: 'The same t = 300 under the cosine schedule: the moons are still visible.', params: { data: 'moons', t: 300, schedule: 'cosine' } },
    { name: 'chain', title: 'The chain, step by step', description: 'Running 400 steps of q(x_t | x_{t−1}) gives the same moments as the closed form, up to sampling noise.', params: { data: 'ring', t: 400, method: 'chain' } },
    { name: 'draw', title: 'Your own data', description: 'Draw points, then sweep t: whatever you draw ends as N(0, I).', params: { data: 'drawn', t: 0 } },
  ],
});
