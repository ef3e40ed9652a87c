import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TOY_VAE_OPTIONS, VaeTrainer } from '../../src/core/vae/trainer';
import { toyDataset } from '../../src/core/vae/model';
import { estimateGradients } from '../../src/core/vae/reparam';

describe('tensor ownership', () => {
  it('the trainer keeps a constant tensor count over 1,000 steps with every view and setter in between, and frees all on dispose', async () => {
    const baseline = tf.memory().numTensors;
    const data = toyDataset('rings', 300, 4);
    // A narrow network keeps 1,000 steps fast; the ownership code is the same at any width.
    const t = new VaeTrainer({ ...TOY_VAE_OPTIONS, data, hidden: [8], batchSize: 16, seed: 1 });
    await t.readMetrics();
    for (let i = 0; i < 5; i++) t.step();
    const steady = tf.memory().numTensors;
    expect(steady).toBeGreaterThan(baseline);
    for (let i = 0; i < 1000; i++) {
      t.step();
      if (i % 100 === 0) {
        await t.readMetrics();
        await t.evaluate();
        await t.posterior();
        await t.decodeGrid(4, 2);
        await t.samplePrior(3, i);
        await t.reconstruct(data.x.subarray(0, 6));
        t.setBeta(i % 200 === 0 ? 2 : 0.5);
        t.setLearningRate(i % 200 === 0 ? 1e-3 : 3e-3);
        expect(tf.memory().numTensors).toBe(steady);
      }
    }
    expect(tf.memory().numTensors).toBe(steady);
    t.reset(9);
    for (let i = 0; i < 5; i++) t.step();
    expect(tf.memory().numTensors).toBe(steady);
    t.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    t.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('the gradient estimators leave no tensors behind', async () => {
    const baseline = tf.memory().numTensors;
    for (const f of ['quadratic', 'sine', 'step'] as const) await estimateGradients({ f, mu: 0.2, sigma: 1, samples: 10, replicates: 20 });
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
