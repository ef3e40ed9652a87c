import { defineSpec } from '../types.ts';

/**
 * The evaluation lab: a 2-D Gaussian mixture as "real" data, the same mixture passed through
 * failure controls as "generated" data, and FID, KID, precision/recall, IS, the MMD test and the
 * memorisation ratio computed live. The failure controls mirror `ToyControls` in
 * src/core/metrics/toyGaussians.ts. FID's bias against N is the separate widget fid-bias.
 */
export const metricsLabSpec = defineSpec({
  name: 'metrics-lab',
  title: 'Evaluation lab: what each metric sees',
  description: 'Real data from a mixture of Gaussians, generated data with a failure you choose (shift, blur, rotation, dropped modes, mode collapse, memorisation): FID, KID, precision and recall, Inception Score, an MMD test and a memorisation check, computed live.',
  chapter: 'evaluation',
  // Measured at 1280 and 360 px wide with the default parameters.
  height: 1774,
  heightNarrow: 3009,
  params: {
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
  },
  examples: [
    { name: 'perfect', title: 'A perfect model', description: 'Generated = real distribution: FID near 0, KID within its noise of 0, precision and recall near 1, the test does not reject.', params: {} },
    { name: 'shifted', title: 'Shifted', description: 'Every sample moved by 0.3 (3σ): everything but IS notices.', params: { shiftX: 0.3 } },
    { name: 'blurry', title: 'Blurry', description: 'Each mode 2.5 times wider: precision and the MMD test notice; raw 2-D FID and KID barely do.', params: { spread: 2.5 } },
    { name: 'modeCollapse', title: 'Mode collapse', description: 'All the mass on two modes: recall and IS drop, FID rises, precision stays high.', params: { collapse: 1, collapseModes: 2 } },
    { name: 'droppedModes', title: 'Dropped modes', description: 'Half of the ring missing: IS falls to about 4, recall to about one half.', params: { dropModes: 4 } },
    { name: 'memorised', title: 'Memorised', description: 'Every sample a copy of a training point: every sample metric looks perfect; only the memorisation ratio sees it.', params: { memorise: 1 } },
  ],
});
