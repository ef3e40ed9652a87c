import { defineSpec } from '../types.ts';

/**
 * The evaluation lab: a 2-D Gaussian mixture as "real" data, the same mixture passed through
 * failure controls as "generated" data, and FID, KID, precision/recall, IS, the MMD test and the
 * memorisation ratio computed live; plus the "bias vs N" view (two samples of one Gaussian in d
 * dimensions). The failure controls mirror `ToyControls` in src/core/metrics/toyGaussians.ts.
 */
export const metricsLabSpec = defineSpec({
  name: 'metrics-lab',
  title: 'Evaluation lab: what each metric sees',
  description: 'Real data from a mixture of Gaussians, generated data with a failure you choose (shift, blur, rotation, dropped modes, mode collapse, memorisation): FID, KID, precision and recall, Inception Score and an MMD test, computed live; and how FID’s bias falls with the sample size while KID’s does not.',
  chapter: 'evaluation',
  height: 1280,
  heightNarrow: 2350,
  params: {
    view: {
      kind: 'enum', label: 'View', options: ['lab', 'bias'],
      optionLabels: ['Failure lab (2-D mixture)', 'Bias vs sample size (d-dimensional Gaussians)'], default: 'lab',
    },
    real: { kind: 'enum', label: 'Real data', options: ['ring8', 'grid25'], optionLabels: ['Ring of 8 Gaussians', 'Grid of 25 Gaussians'], default: 'ring8' },
    nReal: { kind: 'int', label: 'Real points m', min: 10, max: 5000, step: 1, default: 2000, log: true },
    nGen: { kind: 'int', label: 'Generated points n', min: 1, max: 5000, step: 1, default: 2000, log: true },
    seed: { kind: 'int', label: 'Seed', min: 1, max: 9999, step: 1, default: 1 },
    shiftX: { kind: 'number', label: 'Mean shift x', min: -1, max: 1, step: 0.01, default: 0 },
    shiftY: { kind: 'number', label: 'Mean shift y', min: -1, max: 1, step: 0.01, default: 0 },
    spread: { kind: 'number', label: 'Spread (blur) ×σ', min: 0, max: 4, step: 0.05, default: 1 },
    rotation: { kind: 'number', label: 'Rotation', min: -90, max: 90, step: 1, default: 0, unit: '°' },
    dropModes: { kind: 'int', label: 'Modes dropped', min: 0, max: 24, step: 1, default: 0 },
    collapse: { kind: 'number', label: 'Mode collapse', min: 0, max: 1, step: 0.01, default: 0 },
    collapseModes: { kind: 'int', label: 'Collapse onto modes', min: 1, max: 25, step: 1, default: 1 },
    memorise: { kind: 'number', label: 'Memorised fraction', min: 0, max: 1, step: 0.01, default: 0 },
    k: { kind: 'int', label: 'k for precision/recall', min: 1, max: 20, step: 1, default: 3 },
    d: { kind: 'int', label: 'Dimension d', min: 2, max: 64, step: 1, default: 2 },
  },
  examples: [
    { name: 'perfect', title: 'A perfect model', description: 'Generated = real distribution: FID near 0, KID within its noise of 0, precision and recall near 1, the test does not reject.', params: {} },
    { name: 'shifted', title: 'Shifted', description: 'Every sample moved by 0.3 (3σ): everything but IS notices.', params: { shiftX: 0.3 } },
    { name: 'blurry', title: 'Blurry', description: 'Each mode 2.5 times wider: precision and the MMD test notice; raw 2-D FID and KID barely do.', params: { spread: 2.5 } },
    { name: 'modeCollapse', title: 'Mode collapse', description: 'All the mass on two modes: recall and IS drop, FID rises, precision stays high.', params: { collapse: 1, collapseModes: 2 } },
    { name: 'droppedModes', title: 'Dropped modes', description: 'Half of the ring missing: IS falls to about 4, recall to about one half.', params: { dropModes: 4 } },
    { name: 'memorised', title: 'Memorised', description: 'Every sample a copy of a training point: every sample metric looks perfect; only the memorisation ratio sees it.', params: { memorise: 1 } },
    { name: 'bias', title: 'FID’s bias vs N', description: 'Two samples of the same 16-dimensional Gaussian: FID falls like 1/N towards 0, KID scatters around 0 at every N.', params: { view: 'bias', d: 16 } },
  ],
});
