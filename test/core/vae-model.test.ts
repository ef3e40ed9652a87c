import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Vae, toyDataset, type VaeDataset } from '../../src/core/vae/model';
import { BatchSampler, VaeTrainer, klPerDimOf } from '../../src/core/vae/trainer';
import { standardNormalDraws } from '../../src/core/vae/reparam';
import { childSeed, mulberry32 } from '../../src/core/random';
import type { Mlp } from '../../src/core/models/mlp';
import { refKlStdNormalPerDim, refMlpForward, refVaeTerms, type RefActivation, type RefLayer, type RefVaeParams } from '../../src/core/ref/vae';

function layers(mlp: Mlp): RefLayer[] {
  return mlp.weights.map((w, l) => ({ w: w.dataSync() as Float32Array, b: mlp.biases[l].dataSync() as Float32Array, inSize: w.shape[0], outSize: w.shape[1]! }));
}

function refParams(vae: Vae): RefVaeParams {
  const o = vae.options;
  return {
    encoder: layers(vae.encoder), decoder: layers(vae.decoder), activation: o.activation as RefActivation,
    likelihood: o.likelihood, decoderStd: o.decoderStd, inputDim: o.inputDim, latentDim: o.latentDim,
  };
}

/** Float32 agreement: |a − b| ≤ tol·(1 + |b|). */
function close(a: number, b: number, tol = 2e-5): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * (1 + Math.abs(b)));
}

/** Binary rows with some structure, in [0, 1] as a Bernoulli decoder needs. */
function binaryRows(count: number, dim: number, seed: number): VaeDataset {
  const rng = mulberry32(seed);
  const x = new Float32Array(count * dim);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 3;
    for (let d = 0; d < dim; d++) x[i * dim + d] = rng() < (d % 3 === labels[i] ? 0.8 : 0.1) ? 1 : 0;
  }
  return { x, count, dim, labels };
}

describe('Vae terms against the float64 reference', () => {
  const cases: { likelihood: 'bernoulli' | 'gaussian'; activation: 'relu' | 'tanh' | 'elu'; hidden: number[] }[] = [
    { likelihood: 'bernoulli', activation: 'relu', hidden: [7] },
    { likelihood: 'bernoulli', activation: 'elu', hidden: [6, 5] },
    { likelihood: 'gaussian', activation: 'tanh', hidden: [8, 4] },
  ];
  for (const c of cases) {
    it(`${c.likelihood} decoder, ${c.activation}, hidden ${c.hidden.join('×')}: recon, KL per dimension and KL`, () => {
      const rows = 9, dim = 6, latentDim = 3;
      const data = c.likelihood === 'bernoulli' ? binaryRows(rows, dim, 2) : { x: Float32Array.from(standardNormalDraws(rows * dim, 4)), count: rows, dim };
      const vae = new Vae({ inputDim: dim, latentDim, hidden: c.hidden, activation: c.activation, likelihood: c.likelihood, decoderStd: 0.7, seed: 8 });
      vae.initDecoderBias(data);
      const eps = standardNormalDraws(rows * latentDim, 6);
      const got = tf.tidy(() => {
        const t = vae.terms(tf.tensor2d(data.x, [rows, dim]), tf.tensor2d(eps, [rows, latentDim]));
        return { recon: t.recon.dataSync()[0], klPerDim: t.klPerDim.dataSync(), kl: t.kl.dataSync()[0] };
      });
      const ref = refVaeTerms(refParams(vae), data.x, eps, rows);
      close(got.recon, ref.recon);
      close(got.kl, ref.kl);
      ref.klPerDim.forEach((v, j) => close(got.klPerDim[j], v));
      vae.dispose();
    });
  }

  it('starts the decoder at the data mean (logit of the pixel means for Bernoulli)', () => {
    const data = binaryRows(30, 4, 3);
    const vae = new Vae({ inputDim: 4, latentDim: 2, hidden: [5], activation: 'relu', likelihood: 'bernoulli', decoderStd: 1, seed: 1 });
    vae.initDecoderBias(data);
    const bias = vae.decoder.biases[vae.decoder.biases.length - 1].dataSync();
    for (let d = 0; d < 4; d++) {
      let m = 0;
      for (let i = 0; i < 30; i++) m += data.x[i * 4 + d] / 30;
      close(1 / (1 + Math.exp(-bias[d])), m, 1e-5);
    }
    vae.dispose();
  });
});

describe('VaeTrainer readouts against the float64 reference', () => {
  const data = binaryRows(40, 6, 9);
  const options = { data, latentDim: 2, hidden: [5], batchSize: 8, seed: 12, beta: 0.5 } as const;

  it('readMetrics reports the terms of the last step at its pre-update weights, on the seeded batch', async () => {
    const t = new VaeTrainer(options);
    const params = refParams(t.model);
    t.step();
    const m = await t.readMetrics();
    const { indices, eps } = new BatchSampler(childSeed(12, 'batches'), 40, 8, 2).next();
    const batch = new Float32Array(8 * 6);
    indices.forEach((row, b) => batch.set(data.x.subarray(row * 6, row * 6 + 6), b * 6));
    const ref = refVaeTerms(params, batch, eps, 8);
    close(m.recon, ref.recon);
    close(m.kl, ref.kl);
    close(m.negElbo, ref.recon + ref.kl);
    close(m.loss, ref.recon + 0.5 * ref.kl);
    expect(m.step).toBe(1);
    expect(m.beta).toBe(0.5);
    const perDim = klPerDimOf(m, 2);
    ref.klPerDim.forEach((v, j) => close(perDim[j], v));
    expect(Object.values(m).every((v) => typeof v === 'number')).toBe(true);
    t.dispose();
  });

  it('evaluate, posterior, reconstruct, decodeGrid and samplePrior match the reference', async () => {
    const t = new VaeTrainer(options);
    for (let i = 0; i < 5; i++) t.step();
    const p = refParams(t.model);
    const evalRows = data.x.subarray(0, 40 * 6);

    const e = await t.evaluate();
    const ref = refVaeTerms(p, evalRows, t.evaluationEps, 40);
    close(e.recon, ref.recon);
    close(e.kl, ref.kl);
    close(e.negElbo, ref.recon + ref.kl);
    ref.klPerDim.forEach((v, j) => close(e.klPerDim[j], v));
    const enc = refMlpForward(p.encoder, p.activation, evalRows, 40);
    const mu = (r: number, j: number) => enc[r * 4 + j];
    const logVar = (r: number, j: number) => enc[r * 4 + 2 + j];
    for (let j = 0; j < 2; j++) {
      let mean = 0, sq = 0;
      for (let r = 0; r < 40; r++) { mean += mu(r, j) / 40; sq += mu(r, j) ** 2 / 40; }
      close(e.posteriorMeanVariance[j], sq - mean * mean, 1e-4);
    }
    expect(e.activeUnits).toBe(e.posteriorMeanVariance.filter((v) => v > 0.01).length);

    const post = await t.posterior();
    expect(post.count).toBe(40);
    expect(Array.from(post.labels)).toEqual(Array.from(data.labels!));
    for (let r = 0; r < 40; r++) {
      for (let j = 0; j < 2; j++) {
        close(post.mu[r * 2 + j], mu(r, j));
        close(post.sigma[r * 2 + j], Math.exp(0.5 * logVar(r, j)));
      }
    }

    const decodeMean = (z: ArrayLike<number>, rows: number) => refMlpForward(p.decoder, p.activation, z, rows).map((l) => 1 / (1 + Math.exp(-l)));
    const rec = await t.reconstruct(evalRows.slice(0, 12));
    const muRows = Float64Array.from({ length: 4 }, (_, k) => mu(k >> 1, k & 1));
    muRows.forEach((v, i) => close(rec.mu[i], v));
    for (let k = 0; k < 4; k++) close(rec.sigma[k], Math.exp(0.5 * logVar(k >> 1, k & 1)));
    decodeMean(muRows, 2).forEach((v, i) => close(rec.x[i], v));

    const grid = await t.decodeGrid(3, 2);
    expect(Array.from(grid.z)).toEqual([-2, 2, 0, 2, 2, 2, -2, 0, 0, 0, 2, 0, -2, -2, 0, -2, 2, -2]);
    decodeMean(grid.z, 9).forEach((v, i) => close(grid.x[i], v));

    const prior = await t.samplePrior(5, 77);
    expect(prior.z).toEqual(standardNormalDraws(10, 77));
    decodeMean(prior.z, 5).forEach((v, i) => close(prior.x[i], v));
    t.dispose();
  });

  it('KL per dimension from readMetrics sums to the KL and matches the closed form per unit', async () => {
    const t = new VaeTrainer({ ...options, latentDim: 4 });
    const m = await t.readMetrics();
    expect(m.step).toBe(0);
    const perDim = klPerDimOf(m, 4);
    expect(perDim).toHaveLength(4);
    close(perDim.reduce((s, v) => s + v, 0), m.kl, 1e-9);
    expect(perDim.every((v) => v >= 0)).toBe(true);
    // The per-unit closed form is what the tensors compute: spot-check one unit in float64.
    const unit = refKlStdNormalPerDim([0.3], [-0.2])[0];
    expect(unit).toBeCloseTo(0.5 * (Math.exp(-0.2) + 0.09 + 0.2 - 1), 12);
    t.dispose();
  });
});

describe('VaeTrainer input checks', () => {
  const toy = toyDataset('rings', 50, 1);
  it('reject degenerate options with plain messages', () => {
    expect(() => new VaeTrainer({ data: toy })).toThrow(/Bernoulli decoder needs data in \[0, 1\]/);
    expect(() => new VaeTrainer({ data: toy, likelihood: 'gaussian', latentDim: 17 })).toThrow(/from 1 to 16/);
    expect(() => new VaeTrainer({ data: toy, likelihood: 'gaussian', beta: -1 })).toThrow(/β must be a finite number ≥ 0/);
    expect(() => new VaeTrainer({ data: toy, likelihood: 'gaussian', learningRate: 0 })).toThrow(/learning rate must be positive/);
    expect(() => new VaeTrainer({ data: toy, likelihood: 'gaussian', decoderStd: 0 })).toThrow(/standard deviation must be positive/);
    expect(() => new VaeTrainer({ data: { x: new Float32Array(5), count: 3, dim: 2 }, likelihood: 'gaussian' })).toThrow(/Expected 3 rows of 2 numbers/);
    const nan = Float32Array.from(toy.x);
    nan[7] = NaN;
    expect(() => new VaeTrainer({ data: { ...toy, x: nan }, likelihood: 'gaussian' })).toThrow(/Row 3 holds a value that is not a finite number/);
  });

  it('views check their arguments, and a disposed trainer says so', async () => {
    const t = new VaeTrainer({ data: toy, likelihood: 'gaussian', latentDim: 3, hidden: [4] });
    await expect(t.decodeGrid()).rejects.toThrow(/needs a 2-D latent space; this model has 3/);
    await expect(t.reconstruct(new Float32Array(3))).rejects.toThrow(/whole rows of 2 numbers/);
    await expect(t.samplePrior(0, 1)).rejects.toThrow(/at least one sample/);
    expect(() => t.setBeta(NaN)).toThrow(/β must be/);
    t.dispose();
    t.dispose();
    expect(() => t.step()).toThrow(/disposed/);
  });
});
