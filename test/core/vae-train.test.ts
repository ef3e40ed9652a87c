import { describe, expect, it } from 'vitest';
import { TOY_VAE_OPTIONS, VaeTrainer, klPerDimOf, type VaeMetrics } from '../../src/core/vae/trainer';
import { LoopCoordinator, TrainingLoop, type Clock, type LoopStatus } from '../../src/core/tf/loop';
import { toyDataset } from '../../src/core/vae/model';

const toy = toyDataset('pinwheel', 1000, 1);

describe('β-VAE training in Node (cpu backend)', () => {
  it('a seeded 300-step run on the pinwheel lowers the evaluation negative ELBO by at least 2.5 nats', async () => {
    const t = new VaeTrainer({ ...TOY_VAE_OPTIONS, data: toy, seed: 2 });
    const before = await t.evaluate();
    for (let i = 0; i < 300; i++) t.step();
    const after = await t.evaluate();
    const m = await t.readMetrics();
    // Seen: about 6.4 → 2.3 nats per point.
    expect(before.negElbo - after.negElbo).toBeGreaterThan(2.5);
    expect(after.kl).toBeGreaterThan(0.5);
    expect(after.activeUnits).toBe(2);
    expect(m.step).toBe(300);
    expect(Number.isFinite(m.negElbo)).toBe(true);
    t.dispose();
  });

  it('is reproducible from its seed, and reset() starts the same run again', async () => {
    const run = async (t: VaeTrainer) => { for (let i = 0; i < 10; i++) t.step(); return t.readMetrics(); };
    const a = new VaeTrainer({ ...TOY_VAE_OPTIONS, data: toy, hidden: [8], seed: 5 });
    const b = new VaeTrainer({ ...TOY_VAE_OPTIONS, data: toy, hidden: [8], seed: 5 });
    const c = new VaeTrainer({ ...TOY_VAE_OPTIONS, data: toy, hidden: [8], seed: 6 });
    const ma = await run(a);
    expect(await run(b)).toEqual(ma);
    const mc = await run(c);
    expect(mc.negElbo).not.toBe(ma.negElbo);
    a.reset();
    expect(a.stepCount).toBe(0);
    expect(await run(a)).toEqual(ma);
    a.reset(6);
    expect(await run(a)).toEqual(mc);
    [a, b, c].forEach((t) => t.dispose());
  });

  it('setLearningRate changes the size of the next Adam step', () => {
    const t = new VaeTrainer({ ...TOY_VAE_OPTIONS, data: toy, hidden: [8], seed: 3 });
    t.step();
    const maxChange = () => {
      const before = t.model.variables.map((v) => Float32Array.from(v.dataSync()));
      t.step();
      return Math.max(...t.model.variables.map((v, k) => Math.max(...Array.from(v.dataSync(), (w, i) => Math.abs(w - before[k][i])))));
    };
    t.setLearningRate(1e-6);
    expect(t.learningRate).toBe(1e-6);
    // Adam moves each weight by at most about the step size.
    expect(maxChange()).toBeLessThan(1e-5);
    t.setLearningRate(1e-2);
    expect(maxChange()).toBeGreaterThan(1e-3);
    t.dispose();
  });

  it('runs under the shared TrainingLoop: every metric is a finite number, so the loop keeps going', async () => {
    // A fake clock that advances 1 ms per reading, so a 10 ms frame budget allows a few steps.
    let t = 0;
    const frames: (() => void)[] = [];
    const clock: Clock = { now: () => t++, requestFrame: (cb) => frames.push(cb), cancelFrame: () => undefined };
    const trainer = new VaeTrainer({ ...TOY_VAE_OPTIONS, data: toy, hidden: [8], latentDim: 3, seed: 4 });
    const seen: VaeMetrics[] = [];
    const statuses: LoopStatus[] = [];
    const loop = new TrainingLoop(trainer, { clock, readEvery: 5, coordinator: new LoopCoordinator(), onMetrics: (m) => seen.push(m), onStatus: (s) => statuses.push(s) });
    loop.play();
    for (let f = 0; f < 6 && frames.length; f++) {
      frames.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(trainer.stepCount).toBeGreaterThan(10);
    expect(seen.length).toBeGreaterThan(1);
    expect(statuses).not.toContain('diverged');
    const last = seen[seen.length - 1];
    expect(klPerDimOf(last, 3).every(Number.isFinite)).toBe(true);
    await loop.dispose();
    expect(() => trainer.step()).toThrow(/disposed/);
  });
});
