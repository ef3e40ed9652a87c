import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { makeSchedule, type Schedule } from '../../src/core/diffusion/schedules';
import { DiffusionModel, arrowGrid, timeEmbedding, timeEmbeddingTable, type DiffusionWeights } from '../../src/core/diffusion/model';
import { DiffusionTrainer } from '../../src/core/diffusion/trainer';
import { ReverseSampler, qualityVsSteps, sample } from '../../src/core/diffusion/samplers';
import { sampleDataset } from '../../src/core/data2d';
import {
  adamStepRef, mlpForwardRef, mmd2Ref, reverseSampleRef, simpleLossAndGradsRef, type EpsFnRef, type MlpRef,
} from '../../src/core/ref/diffusion';

const moons = sampleDataset('moons', 512, 4).xy;

function refParams(model: DiffusionModel): MlpRef {
  return {
    sizes: model.sizes,
    W: model.mlp.weights.map((w) => Float64Array.from(w.dataSync())),
    b: model.mlp.biases.map((b) => Float64Array.from(b.dataSync())),
  };
}

/** The model's ε as a float64 function of flat points and t (float64 time features). */
function refEps(model: DiffusionModel): EpsFnRef {
  const p = refParams(model), F = model.featureCount, w = 2 + F;
  return (x, t) => {
    const n = x.length / 2, phi = timeEmbedding(t, model.schedule.T, model.timeFrequencies);
    const input = new Float64Array(n * w);
    for (let i = 0; i < n; i++) {
      input[i * w] = x[2 * i];
      input[i * w + 1] = x[2 * i + 1];
      input.set(phi, i * w + 2);
    }
    return mlpForwardRef(p, input, n);
  };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** max |a − b| / (1 + |b|): relative for large values, absolute near 0. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('ε-prediction model', () => {
  const schedule = makeSchedule({ kind: 'linear', T: 1000 });

  it('has the default size of Diffusion Explorer’s model and a documented time embedding', () => {
    const model = new DiffusionModel({ schedule, seed: 1 });
    expect(model.sizes).toEqual([6, 64, 64, 64, 2]);
    expect(model.parameterCount).toBe(8898);
    const phi = timeEmbedding(250, 1000, 2);
    expect(Array.from(phi)).toEqual([Math.sin(Math.PI / 4), Math.cos(Math.PI / 4), Math.sin(Math.PI / 2), Math.cos(Math.PI / 2)]);
    const table = timeEmbeddingTable(1000, 2);
    for (let k = 0; k < 4; k++) expect(table[250 * 4 + k]).toBeCloseTo(phi[k], 7);
    model.dispose();
    model.dispose();
    expect(() => new DiffusionModel({ schedule, seed: 1, hidden: [] })).toThrow(/hidden layer/);
  });

  it('fused forward = the shared Mlp.apply = the float64 reference; predictEps = apply on [x, φ(t)]', () => {
    const model = new DiffusionModel({ schedule, seed: 7, hidden: [16, 16] });
    const n = 40, F = model.featureCount;
    const x = sampleDataset('ring', n, 2).xy;
    const t = 321, phi = timeEmbedding(t, 1000, 2);
    const rows = new Float32Array(n * (2 + F));
    for (let i = 0; i < n; i++) rows.set([x[2 * i], x[2 * i + 1], ...phi], i * (2 + F));
    const [fused, plain, byT] = tf.tidy(() => {
      const input = tf.tensor2d(rows, [n, 2 + F]);
      return [
        model.apply(input).dataSync(),
        model.mlp.apply(input).dataSync(),
        model.predictEps(tf.tensor2d(Float32Array.from(x), [n, 2]), t).dataSync(),
      ];
    });
    const ref = mlpForwardRef(refParams(model), rows, n);
    const scale = maxAbs(ref);
    expect(maxAbsDiff(fused, plain)).toBeLessThan(1e-6 * scale);
    expect(maxAbsDiff(fused, ref)).toBeLessThan(1e-5 * scale);
    expect(maxAbsDiff(byT, ref)).toBeLessThan(1e-5 * scale);
    model.dispose();
  });

  it('epsField returns ε_θ and the score −ε_θ/√(1 − ᾱ_t) on a grid', async () => {
    const model = new DiffusionModel({ schedule, seed: 3 });
    const grid = arrowGrid(5, -2, 2);
    expect(grid.length).toBe(50);
    expect(grid[0]).toBeCloseTo(-1.6, 6);
    const { eps, score } = await model.epsField(100, grid);
    const ref = refEps(model)(Float64Array.from(grid), 100);
    expect(maxAbsDiff(eps, ref)).toBeLessThan(1e-5 * maxAbs(ref));
    for (let i = 0; i < eps.length; i++) expect(score[i]).toBeCloseTo(-eps[i] / schedule.sqrtOneMinusAlphaBar[100], 4);
    await expect(model.epsField(0, grid)).rejects.toThrow(/1 to 1000/);
    await expect(model.epsField(5, [1, 2, 3])).rejects.toThrow(/pairs/);
    model.dispose();
  });

  it('round-trips its weights through plain JSON and refuses mismatched files', async () => {
    const a = new DiffusionModel({ schedule: makeSchedule({ kind: 'cosine', T: 50 }), seed: 11, hidden: [8, 8] });
    const json = JSON.parse(JSON.stringify(await a.exportWeights())) as DiffusionWeights;
    expect(json.params.length).toBe(a.parameterCount);
    const b = DiffusionModel.fromWeights(json);
    expect(b.schedule.kind).toBe('cosine');
    expect(b.schedule.T).toBe(50);
    a.mlp.variables.forEach((v, i) => expect(Array.from(b.mlp.variables[i].dataSync())).toEqual(Array.from(v.dataSync())));
    const other = new DiffusionModel({ schedule: makeSchedule({ kind: 'cosine', T: 50 }), seed: 1, hidden: [8, 9] });
    expect(() => other.loadWeights(json)).toThrow(/different shape/);
    expect(() => DiffusionModel.fromWeights({ ...json, params: json.params.slice(1) })).toThrow(/Expected/);
    expect(() => DiffusionModel.fromWeights({ ...json, params: [NaN, ...json.params.slice(1)] })).toThrow(/finite/);
    expect(() => DiffusionModel.fromWeights({ ...json, format: 'x' } as unknown as DiffusionWeights)).toThrow(/not a diffusion/);
    const longer = new DiffusionModel({ schedule: makeSchedule({ kind: 'cosine', T: 60 }), seed: 1, hidden: [8, 8] });
    expect(() => longer.loadWeights(json)).toThrow(/T = 50/);
    // reinitialise(seed) reproduces a fresh model with that seed
    b.reinitialise(11);
    a.mlp.variables.forEach((v, i) => expect(Array.from(b.mlp.variables[i].dataSync())).toEqual(Array.from(v.dataSync())));
    for (const m of [a, b, other, longer]) m.dispose();
  });
});

describe('trainer', () => {
  const schedule = makeSchedule({ kind: 'linear', T: 100, scaleWithT: true });

  it('backward pass = tfjs autodiff = float64 chain rule, with and without explicit transposes', () => {
    for (const explicitTranspose of [false, true]) {
      const tr = new DiffusionTrainer({ data: moons, schedule, seed: 5, batchSize: 32, hidden: [24, 24], explicitTranspose });
      const batch = tr.nextBatch();
      const B = 32, w = 2 + tr.model.featureCount;
      const { mine, auto, loss } = tf.tidy(() => {
        const x = tf.tensor2d(batch.input, [B, w]), e = tf.tensor2d(batch.eps, [B, 2]);
        const { grads, batchLoss } = tr.lossAndGrads(x, e);
        const { grads: g } = tf.variableGrads(() => tf.div(tf.sum(tf.square(tf.sub(tr.model.mlp.apply(x), e))), B) as tf.Scalar, tr.model.mlp.variables);
        return {
          mine: grads.map((t) => t.dataSync()),
          auto: tr.model.mlp.variables.map((v) => g[v.name].dataSync()),
          loss: batchLoss.dataSync()[0] / B,
        };
      });
      const ref = simpleLossAndGradsRef(refParams(tr.model), batch.input, batch.eps, B);
      const refGrads = [...ref.gW, ...ref.gb];
      expect(loss).toBeCloseTo(ref.loss, 5);
      mine.forEach((g, i) => {
        const scale = maxAbs(refGrads[i]) + 1e-12;
        expect(maxAbsDiff(g, auto[i])).toBeLessThan(1e-5 * scale);
        expect(maxAbsDiff(g, refGrads[i])).toBeLessThan(1e-4 * scale);
      });
      tr.dispose();
    }
  });

  it('takes Adam steps exactly as Kingma & Ba (float64 reference over three batches)', () => {
    const lr = 1e-2;
    const tr = new DiffusionTrainer({ data: moons, schedule, seed: 9, batchSize: 16, hidden: [12, 12], learningRate: lr });
    const p = refParams(tr.model);
    const sizes = [...p.W, ...p.b].map((a) => a.length);
    const theta = new Float64Array(sizes.reduce((a, b) => a + b, 0));
    let o = 0;
    for (const a of [...p.W, ...p.b]) {
      theta.set(a, o);
      o += a.length;
    }
    const m = new Float64Array(theta.length), v = new Float64Array(theta.length);
    for (let k = 1; k <= 3; k++) {
      const batch = tr.nextBatch();
      // reference: gradients at the reference's own θ, then one Adam step
      const unpack = (): MlpRef => {
        const out: Float64Array[] = [];
        let off = 0;
        for (const s of sizes) {
          out.push(theta.slice(off, off + s));
          off += s;
        }
        return { sizes: p.sizes, W: out.slice(0, p.W.length), b: out.slice(p.W.length) };
      };
      const g = simpleLossAndGradsRef(unpack(), batch.input, batch.eps, 16);
      adamStepRef(theta, m, v, Float64Array.from([...g.gW, ...g.gb].flatMap((a) => Array.from(a))), k, lr);
      tr.stepOnBatch(batch);
    }
    const mine = Float64Array.from(tr.model.mlp.variables.flatMap((x) => Array.from(x.dataSync())));
    // Adam moves each weight by at most about lr per step whatever the gradient's size; float32
    // rounding of a near-zero gradient can change its step by a fraction of lr, so compare in lr units.
    let worst = 0, sumSq = 0;
    for (let i = 0; i < theta.length; i++) {
      const d = Math.abs(mine[i] - theta[i]);
      worst = Math.max(worst, d);
      sumSq += d * d;
    }
    expect(Math.sqrt(sumSq / theta.length)).toBeLessThan(1e-4 * lr);
    expect(worst).toBeLessThan(0.05 * lr);
    expect(tr.stepCount).toBe(3);
    tr.dispose();
  });

  it('a seeded short run lowers the loss, and the same seed gives the same run', async () => {
    const run = async (blocks: number) => {
      const tr = new DiffusionTrainer({ data: moons, schedule, seed: 2, batchSize: 64, learningRate: 1e-2, hidden: [16, 16, 16] });
      const losses: number[] = [];
      for (let block = 0; block < blocks; block++) {
        for (let i = 0; i < 25; i++) tr.step();
        losses.push((await tr.readMetrics()).loss);
      }
      tr.dispose();
      return losses;
    };
    const a = await run(8);
    const b = await run(2);
    expect(b).toEqual(a.slice(0, 2));
    // Mean loss over steps 176–200 (0.48 here) is well below that of the first 25 (1.26), and far
    // below the 2 of a network that outputs 0.
    expect(a[7]).toBeLessThan(0.6 * a[0]);
    expect(a[7]).toBeLessThan(0.6);
  });

  it('draws batches x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε with t uniform on 1 … T and the matching time features', () => {
    const tr = new DiffusionTrainer({ data: moons, schedule, seed: 8, batchSize: 4000, hidden: [4] });
    const x0 = [0.75, -1.25];
    tr.setData([...x0, ...x0]);
    const { input, eps, t } = tr.nextBatch();
    const F = tr.model.featureCount, w = 2 + F;
    let sum = 0;
    for (let i = 0; i < 4000; i++) {
      const ti = t[i];
      expect(ti >= 1 && ti <= 100).toBe(true);
      sum += ti;
      for (let c = 0; c < 2; c++) {
        expect(input[i * w + c]).toBeCloseTo(schedule.sqrtAlphaBar[ti] * x0[c] + schedule.sqrtOneMinusAlphaBar[ti] * eps[2 * i + c], 5);
      }
      const phi = timeEmbedding(ti, 100, tr.model.timeFrequencies);
      for (let k = 0; k < F; k++) expect(input[i * w + 2 + k]).toBeCloseTo(phi[k], 6);
    }
    // mean of U{1..100} is 50.5 with standard deviation 28.9; 5 standard errors of a 4000-draw mean
    expect(Math.abs(sum / 4000 - 50.5)).toBeLessThan((5 * 28.87) / Math.sqrt(4000));
    const m = eps.reduce((a, b) => a + b, 0) / eps.length;
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(eps.length));
    tr.dispose();
  });

  it('reports the mean batch loss since the last read; reset replays the run', async () => {
    const opts = { data: moons, schedule, seed: 4, batchSize: 20, hidden: [8, 8] };
    const a = new DiffusionTrainer(opts), b = new DiffusionTrainer(opts);
    await expect(a.readMetrics()).rejects.toThrow(/No training step/);
    const each: number[] = [];
    for (let i = 0; i < 3; i++) {
      a.step();
      const r = await a.readMetrics();
      expect(r.steps).toBe(1);
      each.push(r.loss);
    }
    for (let i = 0; i < 3; i++) b.step();
    const together = await b.readMetrics();
    expect(together.steps).toBe(3);
    expect(together.loss).toBeCloseTo((each[0] + each[1] + each[2]) / 3, 5);
    expect(await b.readMetrics()).toEqual({ loss: together.loss, steps: 0 });
    b.reset();
    expect(b.stepCount).toBe(0);
    b.step();
    expect((await b.readMetrics()).loss).toBeCloseTo(each[0], 6);
    expect(() => a.setData([1])).toThrow(/pairs/);
    expect(() => { a.learningRate = -1; }).toThrow(/positive/);
    a.dispose();
    b.dispose();
  });
});

describe('samplers', () => {
  const schedule = makeSchedule({ kind: 'cosine', T: 40 });

  it('DDPM and DDIM on the device match the textbook float64 sampler point by point', async () => {
    const model = new DiffusionModel({ schedule, seed: 13, hidden: [16, 16] });
    const eps = refEps(model);
    const cases = [
      { method: 'ddpm' as const }, { method: 'ddim' as const, steps: 8, eta: 0.5 }, { method: 'ddim' as const, steps: 40, eta: 0 },
      { method: 'ddpm' as const, clipX0: 2 }, { method: 'ddim' as const, steps: 8, eta: 0.5, clipX0: 2 },
    ];
    for (const opts of cases) {
      const r = await sample(model, { ...opts, n: 64, seed: 17 });
      const ref = reverseSampleRef(schedule, eps, { ...opts, n: 64, seed: 17 });
      expect(r.warning).toBeUndefined();
      expect(r.steps).toBe(opts.method === 'ddpm' ? 40 : opts.steps);
      // An untrained ε_θ is far from the noise, so x̂₀ = (x_t − √(1 − ᾱ_t) ε_θ)/√ᾱ_t sends samples to
      // thousands; compare each value relative to its size. Float32 against float64 over 40 steps
      // stays within 3e-5 here; a 0.1% error in one coefficient gives 1e-3.
      expect(maxRelDiff(r.points, ref)).toBeLessThan(1e-4);
      // clipping x̂₀ keeps the untrained model's samples near the data range
      if (opts.clipX0 !== undefined) expect(maxAbs(ref)).toBeLessThan(10);
    }
    model.dispose();
  });

  it('qualityVsSteps reports the MMD between DDIM samples and the data for each step count', async () => {
    const model = new DiffusionModel({ schedule, seed: 23, hidden: [8, 8] });
    const data = sampleDataset('ring', 60, 1).xy;
    const q = await qualityVsSteps(model, data, [4, 10], { n: 50, seed: 2, h: 0.5 });
    expect(q.map((p) => p.steps)).toEqual([4, 10]);
    for (const p of q) {
      const r = await sample(model, { method: 'ddim', steps: p.steps, eta: 0, n: 50, seed: 2 });
      const ref = mmd2Ref(r.points, data, 0.5);
      expect(Math.abs(p.mmd2 - ref)).toBeLessThan(1e-4 * Math.abs(ref) + 1e-6);
    }
    model.dispose();
  });

  it('advancing a few steps per frame gives the same samples; trajectories run from x_T to x₀', async () => {
    const model = new DiffusionModel({ schedule, seed: 19, hidden: [16, 16] });
    const opts = { method: 'ddim' as const, steps: 20, eta: 1, n: 30, seed: 5, trackCount: 4, trackEvery: 3 };
    const whole = await sample(model, opts);
    const s = new ReverseSampler(model, opts);
    await expect(s.result()).rejects.toThrow(/not finished/);
    let frames = 0;
    while (!s.done) {
      expect(s.advance(7)).toBeGreaterThan(0);
      frames++;
    }
    expect(frames).toBe(3);
    expect(s.advance(5)).toBe(0);
    const mid = await s.readPoints();
    const chunked = await s.result();
    s.dispose();
    s.dispose();
    expect(maxAbsDiff(chunked.points, whole.points)).toBeLessThan(1e-6);
    expect(Array.from(mid)).toEqual(Array.from(chunked.points));
    // frames at x_T, after steps 3, 6, …, 18, and the final step
    expect(Array.from(whole.frameT)).toEqual([40, ...[3, 6, 9, 12, 15, 18].map((k) => 40 - 2 * k), 0]);
    const nf = whole.frameT.length;
    expect(whole.trajectories.length).toBe(nf * 4 * 2);
    const xT = reverseSampleRef(schedule, () => new Float64Array(60), { method: 'ddim', steps: 1, eta: 0, n: 30, seed: 5 });
    // with ε ≡ 0 and one deterministic DDIM step, x₀ = x_T/√ᾱ_T: recover the start noise from it
    for (let k = 0; k < 8; k++) expect(whole.trajectories[k]).toBeCloseTo(xT[k] * schedule.sqrtAlphaBar[40], 5);
    for (let k = 0; k < 8; k++) expect(whole.trajectories[(nf - 1) * 8 + k]).toBe(whole.points[k]);
    expect(() => new ReverseSampler(model, { method: 'ddim', steps: 41, n: 5, seed: 1 })).toThrow(/1 to T = 40/);
    expect(() => new ReverseSampler(model, { method: 'ddpm', n: 0, seed: 1 })).toThrow(/positive/);
    expect(() => new ReverseSampler(model, { method: 'ddpm', n: 3, seed: 1, trackCount: 4 })).toThrow(/tracked/);
    model.dispose();
  });
});

describe('tensor ownership', () => {
  it('returns to the baseline tensor count after training, sampling, fields and weight files', async () => {
    const schedule: Schedule = makeSchedule({ kind: 'linear', T: 50, scaleWithT: true });
    const before = tf.memory().numTensors;
    const tr = new DiffusionTrainer({ data: moons, schedule, seed: 1, batchSize: 16, hidden: [8, 8] });
    for (let i = 0; i < 10; i++) tr.step();
    const afterTen = tf.memory().numTensors;
    for (let i = 0; i < 300; i++) tr.step();
    expect(tf.memory().numTensors).toBe(afterTen);
    await tr.readMetrics();
    await tr.model.sample({ method: 'ddpm', n: 20, seed: 1, trackCount: 3 });
    const partial = new ReverseSampler(tr.model, { method: 'ddim', steps: 10, n: 5, seed: 2, trackCount: 2 });
    partial.advance(4);
    partial.dispose();
    await tr.model.epsField(10, arrowGrid(4));
    const copy = DiffusionModel.fromWeights(await tr.model.exportWeights());
    copy.dispose();
    tr.reset(3);
    tr.step();
    tr.dispose();
    tr.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
