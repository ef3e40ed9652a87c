import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOY_VAE_OPTIONS, VaeTrainer } from '../../src/core/vae/trainer';
import { toyDataset } from '../../src/core/vae/model';
import { digitsSplit, parseDigits } from '../../src/core/vae/digits';

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

  it('a seeded 80-step run on 1,000 real digits lowers the evaluation negative ELBO by at least 10 nats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'digits-'));
    let bytes: Buffer;
    try {
      const out = join(dir, 'digits.bin');
      execFileSync(process.execPath, ['scripts/build-digits.mjs', '--out', out, '--per-class', '120']);
      bytes = readFileSync(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const digits = parseDigits(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const { train, evaluation } = digitsSplit(digits, 200);
    // A narrow network keeps the test fast; the widget's default is 256 hidden units.
    const t = new VaeTrainer({ data: train, evaluation, hidden: [32], batchSize: 32, learningRate: 3e-3, seed: 1 });
    const before = await t.evaluate();
    for (let i = 0; i < 80; i++) t.step();
    const after = await t.evaluate();
    // Seen: about 202 → 185 nats per image (the decoder starts at the mean image, so 202 is already far below 784·log 2 ≈ 543).
    expect(before.negElbo - after.negElbo).toBeGreaterThan(10);
    expect(after.negElbo).toBeLessThan(543);
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
});
