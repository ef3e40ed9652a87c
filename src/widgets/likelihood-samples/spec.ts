import { defineSpec } from '../types.ts';

/**
 * Likelihood and sample quality disagree (Theis, van den Oord and Bethge 2016): the mixture
 * q₂ = α q₀ + (1 − α) noise scores almost as well as q₀ while its samples are mostly noise, and a
 * tiny-bandwidth KDE of the training set has perfect samples and a terrible test likelihood.
 * Data and models: src/core/metrics/likelihood.ts.
 */
export const likelihoodSamplesSpec = defineSpec({
  name: 'likelihood-samples',
  title: 'Likelihood versus sample quality',
  description: 'A good model mixed with 99% white noise loses almost nothing in bits/dim while 99 samples in 100 are noise; a kernel density estimate with a tiny bandwidth has perfect samples and a test likelihood that collapses.',
  chapter: 'evaluation',
  // Measured at 1280 and 360 px wide with the default parameters.
  height: 1251,
  heightNarrow: 2210,
  params: {
    alpha: { kind: 'number', label: 'Weight α of the good model q₀', min: 0.001, max: 1, step: 0.001, default: 0.01, log: true },
    side: { kind: 'int', label: 'Image side (D = side² pixels)', min: 2, max: 56, step: 1, default: 16 },
    eps: { kind: 'number', label: 'KDE bandwidth ε', min: 0.001, max: 1, step: 0.0001, default: 0.02, log: true },
    nTrain: { kind: 'int', label: 'Training images N', min: 10, max: 500, step: 1, default: 200, log: true },
    seed: { kind: 'int', label: 'Seed', min: 1, max: 9999, step: 1, default: 1 },
  },
  examples: [
    { name: 'noisy', title: '99% noise, 16 × 16 images', description: 'α = 0.01 and D = 256: q₂ is about 0.026 bits/dim worse than q₀, and 99 samples in 100 are static.', params: { alpha: 0.01, side: 16 } },
    { name: 'cifar', title: 'CIFAR-sized images', description: 'D = 3136 (56 × 56): the mixture’s penalty falls to about 0.002 bits/dim.', params: { alpha: 0.01, side: 56 } },
    { name: 'tiny', title: 'Tiny images', description: 'D = 4: here the noise density competes with q₀ and the penalty is far below its bound of 1.66 bits/dim.', params: { alpha: 0.01, side: 2 } },
    { name: 'memoriser', title: 'A memorising KDE', description: 'ε = 0.005: training bits/dim far below q₀’s, test bits/dim far above white noise’s 8.', params: { eps: 0.005 } },
  ],
});
