import { describe, expect, it } from 'vitest';
import { TOY_VAE_OPTIONS, VaeTrainer } from '../../src/core/vae/trainer';
import { toyDataset } from '../../src/core/vae/model';

describe('β controls the rate', () => {
  it('raising β lowers the KL term of a trained model and collapses the posterior at β = 10', async () => {
    const data = toyDataset('pinwheel', 1000, 1);
    const low = new VaeTrainer({ ...TOY_VAE_OPTIONS, data, seed: 2, beta: 0.1 });
    const high = new VaeTrainer({ ...TOY_VAE_OPTIONS, data, seed: 2, beta: 10 });
    for (let i = 0; i < 200; i++) { low.step(); high.step(); }
    const atLow = await low.evaluate();
    const atHigh = await high.evaluate();
    // Seen: KL about 4.0 nats at β = 0.1 against 0.01 at β = 10, distortion −0.43 against 5.4.
    expect(atHigh.kl).toBeLessThan(0.25 * atLow.kl);
    expect(atHigh.recon).toBeGreaterThan(atLow.recon + 2);
    expect(atHigh.klPerDim.every((v) => v < 0.1)).toBe(true);
    expect(atLow.activeUnits).toBe(2);

    // Changed while training: the β = 0.1 model, moved to β = 10, gives up its rate.
    low.setBeta(10);
    expect(low.beta).toBe(10);
    for (let i = 0; i < 200; i++) low.step();
    const after = await low.evaluate();
    expect(after.kl).toBeLessThan(0.25 * atLow.kl);
    const m = await low.readMetrics();
    expect(m.beta).toBe(10);
    expect(m.loss).toBeCloseTo(m.recon + 10 * m.kl, 4);
    low.dispose();
    high.dispose();
  });
});
