import { defineSpec } from '../types.ts';

/** The ε-prediction network trained live on 2-D data, sampled with DDPM and DDIM. */
export const diffusionTrainerSpec = defineSpec({
  name: 'diffusion-trainer',
  title: 'A denoiser trained live: DDPM and DDIM',
  description: 'An ε-prediction MLP with a time embedding, trained in the browser on 2-D data with the simple loss; samples drawn with DDPM (all T steps) or DDIM (fewer steps, η from 0 to 1), with the paths of a few points from noise to data, the learned score as arrows at a chosen t, and sample quality (MMD) as the number of DDIM steps falls.',
  chapter: 'diffusion',
  height: 1935,
  heightNarrow: 3480,
  runs: true,
  params: {
    data: {
      kind: 'enum', label: 'Data', options: ['moons', 'swissroll', 'ring', 'drawn'],
      optionLabels: ['Two moons', 'Swiss roll', 'Ring of eight Gaussians', 'Drawn by you'], default: 'moons',
    },
    schedule: {
      kind: 'enum', label: 'Schedule', options: ['linear', 'cosine', 'sigmoid', 'quadratic'],
      optionLabels: ['Linear (β from 10⁻⁴ to 0.02)', 'Cosine (s = 0.008)', 'Sigmoid (−3 to 3, κ = 1)', 'Quadratic (√β linear)'], default: 'linear',
    },
    T: { kind: 'int', label: 'Steps T', min: 50, max: 1000, step: 1, default: 1000, log: true, help: 'Changing T, the data, the schedule or the seed starts a new run.' },
    seed: { kind: 'int', label: 'Seed', min: 1, max: 9999, step: 1, default: 1 },
    lr: { kind: 'number', label: 'Learning rate (Adam)', min: 0.0001, max: 0.03, step: 0.0001, default: 0.003, log: true, help: 'Takes effect at the next step.' },
    sampler: {
      kind: 'enum', label: 'Sampler', options: ['ddpm', 'ddim'],
      optionLabels: ['DDPM: all T steps, σ_t² = β̃_t', 'DDIM: fewer steps, η below'], default: 'ddpm',
    },
    steps: { kind: 'int', label: 'DDIM steps', min: 1, max: 1000, step: 1, default: 50, log: true },
    eta: { kind: 'number', label: 'DDIM η', min: 0, max: 1, step: 0.05, default: 0, help: '0: deterministic. 1: DDPM’s variance.' },
    n: { kind: 'int', label: 'Samples', min: 100, max: 2000, step: 1, default: 500, log: true },
    clip: { kind: 'boolean', label: 'Clip x̂₀ to [−2.5, 2.5] at each step', default: true, help: 'DDPM’s clip_denoised; it matters where ᾱ_T is tiny (cosine).' },
    fieldT: { kind: 'int', label: 'Field at step t', min: 1, max: 1000, step: 1, default: 100 },
    field: {
      kind: 'enum', label: 'Arrows show', options: ['score', 'eps'],
      optionLabels: ['the score −ε_θ/√(1 − ᾱ_t)', 'the predicted noise ε_θ'], default: 'score',
    },
    preview: { kind: 'boolean', label: 'Preview samples while training (DDIM, 20 steps)', default: true },
  },
  examples: [
    { name: 'ddpm', title: 'Two moons, DDPM', description: 'Train for a few thousand steps, then sample with all 1000 steps of DDPM.', params: { data: 'moons', sampler: 'ddpm' } },
    { name: 'ddim-10', title: 'DDIM with ten steps', description: 'Deterministic DDIM with only 10 network evaluations, a hundredth of DDPM’s: the moons are there, a little blurred; compare the MMD² with DDPM’s.', params: { sampler: 'ddim', steps: 10, eta: 0 } },
    { name: 'ddim-eta1', title: 'DDIM with η = 1', description: 'With every step and η = 1, DDIM is DDPM: the same mean and variance at each step, and here the same samples, since both read the same seeded noise.', params: { sampler: 'ddim', steps: 1000, eta: 1 } },
    { name: 'swissroll-cosine', title: 'Swiss roll, cosine schedule', description: 'A harder shape with the cosine schedule; x̂₀ clipping keeps the first sampling steps in range.', params: { data: 'swissroll', schedule: 'cosine' } },
    { name: 'score-early', title: 'The score near the data', description: 'After some training, at t = 10 the arrows point straight at the nearest moon and grow long: the score of a barely noised density is steep.', params: { fieldT: 10 } },
  ],
});
