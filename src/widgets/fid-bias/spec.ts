import { defineSpec } from '../types.ts';

/**
 * FID is biased upwards at finite sample sizes, KID is not: two samples of the same standard
 * Gaussian in d dimensions, FID and KID against N (src/core/metrics/toyGaussians.ts, biasVersusN).
 */
export const fidBiasSpec = defineSpec({
  name: 'fid-bias',
  title: 'FID’s bias and KID’s unbiasedness against the sample size',
  description: 'Two samples of the same Gaussian in d dimensions: FID sits above 0 and falls like 1/N along its predicted bias; KID scatters around 0 at every N.',
  chapter: 'evaluation',
  // Measured at 1280 and 360 px wide with the default parameters.
  height: 1094,
  heightNarrow: 1865,
  params: {
    d: { kind: 'int', label: 'Dimension d', min: 2, max: 64, step: 1, default: 8 },
    seed: { kind: 'int', label: 'Seed', min: 1, max: 9999, step: 1, default: 1 },
  },
  examples: [
    { name: 'd8', title: 'd = 8', description: 'FID falls from about 7 at N = 8 to about 0.013 at N = 4096, on its predicted curve.', params: { d: 8 } },
    { name: 'd2', title: 'Two dimensions', description: 'The toy lab’s dimension: FID’s bias is 7/N to leading order.', params: { d: 2 } },
    { name: 'd64', title: 'd = 64', description: 'Even N = 1024 leaves an FID of about 2 between two samples of one distribution.', params: { d: 64 } },
  ],
});
