import { defineSpec } from '../types.ts';

/**
 * "The cat sat on the ___": a next-word distribution the reader drags (kept normalised), the NLL
 * of the true word in nats and bits, perplexity and its uniform-choice reading, and a converter
 * between nats per image and bits per dimension. The defaults are the chapter's example
 * (CAT_SAT_EXAMPLE in src/core/metrics/perplexity.ts).
 */
export const perplexitySpec = defineSpec({
  name: 'perplexity',
  title: 'NLL, perplexity and bits per dimension',
  description: 'Drag the model’s next-word probabilities for “the cat sat on the ___” and read the surprise of the true word in nats and bits, the perplexity and what it means as a uniform choice; convert nats per image to bits per dimension.',
  chapter: 'evaluation',
  // Measured at 1280 and 360 px wide with the default parameters.
  height: 1489,
  heightNarrow: 2476,
  params: {
    pMat: { kind: 'number', label: 'q(mat)', min: 0, max: 1, step: 0.001, default: 0.6 },
    pFloor: { kind: 'number', label: 'q(floor)', min: 0, max: 1, step: 0.001, default: 0.3 },
    pTable: { kind: 'number', label: 'q(table)', min: 0, max: 1, step: 0.001, default: 0.1 },
    truth: { kind: 'enum', label: 'True next word', options: ['mat', 'floor', 'table'], default: 'mat' },
    vocab: { kind: 'int', label: 'Vocabulary size V', min: 2, max: 100000, step: 1, default: 50000, log: true, help: 'A model uniform over V words has perplexity V.' },
    dims: { kind: 'int', label: 'Dimensions D', min: 1, max: 1000000, step: 1, default: 3072, log: true, help: 'CIFAR-10: 32 × 32 × 3 = 3072; ImageNet 64 × 64: 12,288.' },
    nats: { kind: 'number', label: 'NLL per image (nats)', min: 0, max: 10000000, step: 0.1, default: 6500 },
    unitScale: { kind: 'boolean', label: 'Density on pixels scaled to [0, 1] (adds log₂ 256 = 8 bits/dim)', default: false },
  },
  examples: [
    { name: 'chapter', title: 'The chapter’s example', description: 'q = (0.6, 0.3, 0.1) and the true word is “mat”: 0.511 nats, 0.737 bits, perplexity 1.67.', params: {} },
    { name: 'surprised', title: 'A surprised model', description: 'The true word is “table”, to which the model gave 0.1: 2.303 nats, 3.32 bits, perplexity 10.', params: { truth: 'table' } },
    { name: 'uniform', title: 'A uniform model', description: 'Each word 1/3: perplexity 3 whatever the true word, as for a fair three-way choice.', params: { pMat: 0.3333, pFloor: 0.3333, pTable: 0.3334 } },
    { name: 'cifar', title: 'Nats per image to bits/dim', description: '6500 nats on a CIFAR-10 image (D = 3072) is 3.05 bits/dim.', params: { dims: 3072, nats: 6500 } },
  ],
});
