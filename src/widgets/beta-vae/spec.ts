import { defineSpec } from '../types.ts';

/** The β-VAE trained live. Architecture and data are structural (changing one starts a new run); β is not. */
export const betaVaeSpec = defineSpec({
  name: 'beta-vae',
  title: 'β-VAE, trained live',
  description: 'A variational autoencoder trained in the browser on handwritten digits or a 2-D toy set, with β on a log slider that can move while it trains: the loss terms, the rate–distortion plane, the latent space, the decoded manifold, prior samples, reconstructions and the KL per latent dimension.',
  chapter: 'vae',
  height: 2320,
  heightNarrow: 3700,
  runs: true,
  params: {
    data: {
      kind: 'enum', label: 'Data', options: ['digits', 'pinwheel', 'rings', 'moons'],
      optionLabels: ['Handwritten digits (MNIST, 28×28, binarised)', 'Pinwheel (2-D, 5 arms)', 'Two rings (2-D)', 'Two moons (2-D)'], default: 'digits',
      help: 'Digits use a Bernoulli decoder; the 2-D sets a Gaussian decoder with s = 0.3.',
    },
    beta: { kind: 'number', label: 'β (weight on the KL term)', min: 0.01, max: 10, step: 0.01, default: 1, log: true, help: 'Takes effect at the next step, without restarting.' },
    latent: { kind: 'int', label: 'Latent dimension d_z', min: 1, max: 16, step: 1, default: 2 },
    hidden: {
      kind: 'enum', label: 'Hidden units', options: ['32', '64', '128', '256'],
      optionLabels: ['32', '64', '128', '256'], default: '128',
      help: 'One hidden layer in the encoder and one in the decoder.',
    },
    seed: { kind: 'int', label: 'Seed', min: 1, max: 9999, step: 1, default: 1 },
  },
  examples: [
    { name: 'elbo', title: 'The plain VAE (β = 1)', description: 'Digits in a 2-D latent space: the classes separate and the decoded grid morphs one digit into another.', params: { data: 'digits', beta: 1 } },
    { name: 'autoencoder', title: 'β ≪ 1: nearly an autoencoder', description: 'β = 0.05: high rate, sharp reconstructions, a latent cloud that spills far outside the prior, and poor prior samples.', params: { data: 'digits', beta: 0.05 } },
    { name: 'collapse', title: 'β ≫ 1: posterior collapse', description: 'β = 6 with 8 latent dimensions: several dimensions fall to zero KL and reconstructions lose their details; at β = 10 every dimension collapses and every reconstruction is the average digit.', params: { data: 'digits', beta: 6, latent: 8 } },
    { name: 'pinwheel', title: 'A 2-D toy set', description: 'The pinwheel trains in seconds: watch the decoded grid of z fold onto the five arms.', params: { data: 'pinwheel', hidden: '64' } },
  ],
});
