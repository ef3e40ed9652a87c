import { defineSpec } from '../../src/widgets/types';

/** A spec used only by the content tests. */
export const testSpec = defineSpec({
  name: 'test-widget',
  title: 'Test widget',
  description: 'Only for tests.',
  chapter: 'good',
  height: 300,
  params: {
    h: { kind: 'number', label: 'Bandwidth h', min: 0.01, max: 10, step: 0.01, default: 1, log: true },
    n: { kind: 'int', label: 'Samples n', min: 1, max: 100, step: 1, default: 10 },
    kernel: { kind: 'enum', label: 'Kernel', options: ['gaussian', 'epanechnikov'], default: 'gaussian' },
  },
  examples: [],
});
