import { expect, it } from 'vitest';
import { DEMO_SETTING, GanTrainer } from '../../src/core/gan/trainer';
import { modeCoverage } from '../../src/core/gan/modes';
import { gridDivergences } from '../../src/core/gan/gridDivergence';
import { ringMixture, sampleMixture } from '../../src/core/data2d';

// The live widget's claim: the non-saturating GAN learns the ring of 8 from a fixed seed.
it('a non-saturating GAN covers at least 6 of the 8 ring modes within 400 iterations (cpu backend)', async () => {
  const ring = ringMixture();
  const data = sampleMixture(ring, 2000, 1).xy;
  const t = new GanTrainer({ ...DEMO_SETTING, loss: 'nonSaturating', data, seed: 1, viewSamples: 1000 });
  try {
    const startJsd = gridDivergences(data, await t.generatedSamples()).jsd;
    for (let i = 0; i < 400; i++) t.step();
    const samples = await t.generatedSamples();
    const coverage = modeCoverage(samples, ring);
    expect(coverage.covered).toBeGreaterThanOrEqual(6);
    // most samples are on a mode, and the grid JSD fell well below its start
    expect(coverage.highQuality).toBeGreaterThan(0.5);
    const endJsd = gridDivergences(data, samples).jsd;
    expect(endJsd).toBeLessThan(0.5 * startJsd);
    expect((await t.readMetrics()).finite).toBe(1);
  } finally {
    t.dispose();
  }
});
