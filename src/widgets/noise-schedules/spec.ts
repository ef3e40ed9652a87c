import { defineSpec } from '../types.ts';

const SCHEDULES = ['linear', 'cosine', 'sigmoid', 'quadratic'] as const;
const SCHEDULE_LABELS = ['Linear (β from 10⁻⁴ to 0.02)', 'Cosine (s = 0.008)', 'Sigmoid (−3 to 3, κ = 1)', 'Quadratic (√β linear)'] as const;

/** Two noise schedules overlaid, read out at a step t, and what each does to a digit and a point cloud. */
export const noiseSchedulesSpec = defineSpec({
  name: 'noise-schedules',
  title: 'Noise schedules compared',
  description: 'Two noise schedules overlaid over t: β_t and the posterior variance β̃_t, ᾱ_t, the signal and noise coefficients, and log SNR, with every value read out at a step t, and a digit and a point cloud noised at that t by each schedule with the same ε.',
  chapter: 'diffusion',
  height: 1195,
  heightNarrow: 2155,
  params: {
    a: { kind: 'enum', label: 'Schedule A', options: SCHEDULES, optionLabels: SCHEDULE_LABELS, default: 'linear' },
    b: { kind: 'enum', label: 'Schedule B', options: SCHEDULES, optionLabels: SCHEDULE_LABELS, default: 'cosine' },
    T: { kind: 'int', label: 'Number of steps T', min: 10, max: 1000, step: 1, default: 1000, log: true },
    t: { kind: 'int', label: 'Step t', min: 0, max: 1000, step: 1, default: 250 },
    scale: {
      kind: 'boolean', label: 'Scale β with 1000/T (linear, quadratic)', default: false,
      help: 'Keeps the total noise Σβ of the T = 1000 schedule when T is smaller.',
    },
    data: {
      kind: 'enum', label: 'Point cloud', options: ['swissroll', 'moons', 'ring'],
      optionLabels: ['Swiss roll', 'Two moons', 'Ring of eight Gaussians'], default: 'ring',
    },
    digit: { kind: 'int', label: 'Digit', min: 0, max: 9, step: 1, default: 3 },
    seed: { kind: 'int', label: 'Seed (cloud and ε)', min: 1, max: 9999, step: 1, default: 1 },
  },
  examples: [
    { name: 'linear-vs-cosine', title: 'Linear against cosine at t = 250', description: 'A quarter of the way in, the linear schedule has already halved ᾱ; the cosine schedule has barely started.', params: { a: 'linear', b: 'cosine', t: 250 } },
    { name: 'midway', title: 'Half-way through the chain', description: 'At t = 500 the linear schedule has left ᾱ = 0.079 (SNR 0.085); cosine and sigmoid sit near SNR = 1.', params: { a: 'linear', b: 'sigmoid', t: 500 } },
    { name: 'short-chain', title: 'Too few steps', description: 'T = 100 with the DDPM β range: x_T still carries √ᾱ_T ≈ 0.6 of the data under the linear schedule (more under the quadratic), so N(0, I) is the wrong place to start sampling.', params: { a: 'linear', b: 'quadratic', T: 100, t: 100, scale: false } },
    { name: 'short-scaled', title: 'Few steps, scaled β', description: 'T = 100 with β scaled by 1000/T: the chain ends in noise again.', params: { a: 'linear', b: 'cosine', T: 100, t: 50, scale: true } },
  ],
});
