import { defineSpec } from '../types.ts';

export const kdeBandwidthSpec = defineSpec({
  name: 'kde-bandwidth',
  title: 'Kernel density estimate',
  description: 'A kernel density estimate with a bandwidth slider, four kernels, the bandwidth rules of thumb and the held-out likelihood that picks h.',
  chapter: 'evaluation',
  height: 1000,
  heightNarrow: 1700,
  params: {
    data: {
      kind: 'enum', label: 'Data', options: ['six', 'mixture'],
      optionLabels: ['The lecture’s six points', 'Sample from a bimodal density'], default: 'six',
    },
    n: { kind: 'int', label: 'Sample size n', min: 10, max: 10000, step: 1, default: 200, log: true, help: 'Only for the bimodal sample.' },
    seed: { kind: 'int', label: 'Seed', min: 1, max: 9999, step: 1, default: 1 },
    kernel: {
      kind: 'enum', label: 'Kernel', options: ['gaussian', 'uniform', 'epanechnikov', 'triangular'],
      optionLabels: ['Gaussian', 'Uniform (top-hat)', 'Epanechnikov', 'Triangular'], default: 'gaussian',
    },
    h: { kind: 'number', label: 'Bandwidth h', min: 0.02, max: 5, step: 0.001, default: 1, log: true },
    bins: { kind: 'int', label: 'Histogram bins', min: 2, max: 80, step: 1, default: 6 },
    x: { kind: 'number', label: 'Query point x*', min: -6, max: 9, step: 0.05, default: -0.5 },
    hist: { kind: 'boolean', label: 'Show the histogram', default: true },
  },
  examples: [
    { name: 'lecture', title: 'What is p(−0.5)?', description: 'The six points with a Gaussian kernel at h = 1, queried at −0.5.', params: { data: 'six', h: 1, x: -0.5 } },
    { name: 'undersmoothed', title: 'Too small a bandwidth', description: 'A spike on every point: the estimate memorises the data.', params: { data: 'mixture', n: 200, h: 0.03, bins: 30 } },
    { name: 'oversmoothed', title: 'Too large a bandwidth', description: 'Two modes blur into one.', params: { data: 'mixture', n: 200, h: 3, bins: 30 } },
    { name: 'big', title: 'Ten thousand points', description: 'The estimate converges to the true density as n grows and h shrinks.', params: { data: 'mixture', n: 10000, h: 0.2, bins: 60, kernel: 'epanechnikov' } },
  ],
});
