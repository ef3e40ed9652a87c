import { defineSpec } from '../types.ts';

/** log p(x) = ELBO + KL(q ‖ p(z|x)) for the linear-Gaussian model, with q moved by hand. */
export const elboGapSpec = defineSpec({
  name: 'elbo-gap',
  title: 'The ELBO gap',
  description: 'A linear-Gaussian model with a closed-form posterior: move q’s mean and standard deviation and watch log p(x) split into the ELBO and KL(q ‖ p(z|x)), the gap closing exactly when q is the posterior.',
  chapter: 'vae',
  height: 1340,
  heightNarrow: 1990,
  params: {
    qMean: { kind: 'number', label: 'Mean of q', min: -3, max: 3, step: 0.01, default: 0 },
    qStd: { kind: 'number', label: 'Standard deviation of q', min: 0.05, max: 2, step: 0.001, default: 1, log: true },
    x: { kind: 'number', label: 'Observation x', min: -6, max: 6, step: 0.1, default: 3 },
    w: { kind: 'number', label: 'Decoder weight w', min: -3, max: 3, step: 0.1, default: 2 },
    b: { kind: 'number', label: 'Decoder bias b', min: -3, max: 3, step: 0.1, default: 0 },
    s: { kind: 'number', label: 'Decoder noise s', min: 0.2, max: 3, step: 0.01, default: 1, log: true },
  },
  examples: [
    { name: 'prior', title: 'q is the prior', description: 'With w = 2, s = 1, x = 3 and q = N(0, 1): ELBO −7.419, gap 4.795 (the chapter’s table).', params: { qMean: 0, qStd: 1 } },
    { name: 'close', title: 'q = N(1, 0.5)', description: 'Closer to the posterior N(1.2, 0.2): the gap shrinks to about 0.39 nats.', params: { qMean: 1, qStd: 0.707 } },
    { name: 'posterior', title: 'q is the posterior', description: 'q = N(1.2, 0.2): the ELBO equals log p(x) = −2.624 and the gap is (to three decimals) zero.', params: { qMean: 1.2, qStd: 0.447 } },
    { name: 'uninformative', title: 'A decoder that ignores z', description: 'w = 0: the posterior is the prior, so q = N(0, 1) closes the gap (posterior collapse in miniature).', params: { w: 0, qMean: 0, qStd: 1 } },
  ],
});
