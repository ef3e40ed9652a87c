import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DATASETS_2D, mixtureDensity, ringMixture, sampleDataset } from '../../src/core/data2d';
import { Mlp } from '../../src/core/models/mlp';

describe('2-D datasets', () => {
  it('are seeded, finite and within the shared frame', () => {
    for (const name of DATASETS_2D) {
      const a = sampleDataset(name, 500, 3), b = sampleDataset(name, 500, 3);
      expect(a.xy).toEqual(b.xy);
      for (const v of a.xy) {
        expect(Number.isFinite(v)).toBe(true);
        expect(Math.abs(v)).toBeLessThan(3);
      }
    }
  });

  it('mixture density integrates to 1 over the plane', () => {
    const m = ringMixture();
    const h = 0.01;
    let s = 0;
    for (let x = -3; x < 3; x += h) for (let y = -3; y < 3; y += h) s += mixtureDensity(m, x + h / 2, y + h / 2);
    expect(s * h * h).toBeCloseTo(1, 3);
  });
});

describe('Mlp', () => {
  it('is reproducible from its seed and frees its variables', () => {
    const before = tf.memory().numTensors;
    const a = new Mlp({ sizes: [2, 8, 1], activation: 'relu', seed: 5 });
    const b = new Mlp({ sizes: [2, 8, 1], activation: 'relu', seed: 5 });
    expect(a.parameterCount).toBe(2 * 8 + 8 + 8 + 1);
    const [ya, yb] = tf.tidy(() => {
      const x = tf.tensor2d([[0.3, -0.2]]);
      return [a.apply(x).dataSync()[0], b.apply(x).dataSync()[0]];
    });
    expect(ya).toBe(yb);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
