import { defineSpec } from '../types.ts';

const lr = (label: string, d: number) => ({ kind: 'number' as const, label, min: 0.0001, max: 1, step: 0.0001, default: d, log: true, help: 'Can change while training.' });
const layers = (label: string) => ({ kind: 'int' as const, label, min: 1, max: 4, step: 1, default: 2 });
const width = (label: string) => ({ kind: 'int' as const, label, min: 2, max: 128, step: 1, default: 32, log: true });
const optimiser = (label: string) => ({ kind: 'enum' as const, label, options: ['adam', 'sgd'] as const, optionLabels: ['Adam', 'SGD'] as const, default: 'adam' });

/** A GAN on 2-D data, trained live; the defaults are the core's DEMO_SETTING, which learns the ring of 8. */
export const gan2dSpec = defineSpec({
  name: 'gan-2d',
  title: 'A GAN on 2-D data, trained live',
  description: 'A generator and a discriminator (small MLPs) trained in the browser on 2-D data or on points you draw: samples, the discriminator as a heat map, the generator’s manifold, gradient arrows, loss curves, modes covered and a grid JSD/KL; a compare mode trains a saturating and a non-saturating run from the same start side by side.',
  chapter: 'gan',
  height: 1680,
  heightNarrow: 2380,
  runs: true,
  params: {
    data: {
      kind: 'enum', label: 'Data', options: ['ring', 'grid', 'moons', 'spiral', 'line', 'drawn'],
      optionLabels: ['Ring of 8 Gaussians', 'Grid of 25 Gaussians', 'Two moons', 'Spiral', 'Line', 'Draw your own'], default: 'ring',
    },
    loss: {
      kind: 'enum', label: 'Generator loss', options: ['saturating', 'nonSaturating', 'leastSquares'],
      optionLabels: ['Saturating: log(1 − D)', 'Non-saturating: −log D', 'Least squares: ½(a − 1)²'], default: 'nonSaturating',
      help: 'Can change while training. Least squares also changes the discriminator’s loss.',
    },
    compare: { kind: 'boolean', label: 'Compare saturating and non-saturating', default: false, help: 'Two runs from the same seed and initial weights, side by side.' },
    gLr: lr('Generator learning rate', 0.003),
    dLr: lr('Discriminator learning rate', 0.003),
    k: { kind: 'int', label: 'D steps per G step, k', min: 1, max: 10, step: 1, default: 1, help: 'Can change while training.' },
    noiseDim: { kind: 'enum', label: 'Noise dimension d_z', options: ['1', '2'], optionLabels: ['1', '2'], default: '2' },
    noise: { kind: 'enum', label: 'Noise p(z)', options: ['gaussian', 'uniform'], optionLabels: ['Gaussian N(0, I)', 'Uniform on [−1, 1]'], default: 'gaussian' },
    gLayers: layers('Generator: hidden layers'),
    gWidth: width('Generator: units per layer'),
    dLayers: layers('Discriminator: hidden layers'),
    dWidth: width('Discriminator: units per layer'),
    gOpt: optimiser('Generator optimiser'),
    dOpt: optimiser('Discriminator optimiser'),
    batch: { kind: 'int', label: 'Batch size B', min: 8, max: 512, step: 1, default: 128, log: true },
    head: { kind: 'int', label: 'Discriminator head start (D steps)', min: 0, max: 2000, step: 50, default: 0, help: 'D trains alone this many steps before G moves: D then rejects the fakes confidently, as early in real training.' },
    seed: { kind: 'int', label: 'Seed', min: 1, max: 9999, step: 1, default: 1 },
    heat: { kind: 'boolean', label: 'Heat map of D(x)', default: true },
    manifold: { kind: 'boolean', label: 'Generator’s manifold (image of a noise grid)', default: true },
    arrows: { kind: 'boolean', label: 'Gradient arrows on the fakes', default: false },
  },
  examples: [
    { name: 'ring', title: 'The ring of eight', description: 'Two hidden layers of 32 units, Adam: the generator spreads onto all eight modes within a few hundred iterations.', params: {} },
    { name: 'stall', title: 'The early stall, side by side', description: 'The discriminator gets a 300-step head start; with plain SGD the saturating generator barely moves while the non-saturating one heads for the data.', params: { compare: true, head: 300, gOpt: 'sgd', gLr: 0.003, dOpt: 'sgd', dLr: 0.1, arrows: true } },
    { name: 'gan-lab', title: 'GAN Lab’s setting', description: 'Uniform 2-D noise, one hidden layer of 8 units in each network, batch 150, two D steps per G step, Adam at 0.01: small nets often cover only part of the ring.', params: { noise: 'uniform', gLayers: 1, gWidth: 8, dLayers: 1, dWidth: 8, batch: 150, k: 2, gLr: 0.01, dLr: 0.01 } },
    { name: 'grid', title: 'The grid of 25', description: 'Harder: 25 modes; watch which ones the generator finds and which it drops.', params: { data: 'grid', gWidth: 64, dWidth: 64 } },
    { name: 'draw', title: 'Draw your own data', description: 'Drag on the plot (mouse, touch or pen) to draw points, then press Play.', params: { data: 'drawn' } },
  ],
});
