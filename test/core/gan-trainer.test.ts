import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  GAN_LAB_SETTING, GanBatchStream, GanTrainer, noiseRange, type GanTrainerOptions,
} from '../../src/core/gan/trainer';
import { VariableOptimizer } from '../../src/core/gan/optim';
import { GENERATOR_LOSSES, type GeneratorLossKind } from '../../src/core/gan/losses';
import {
  adamRef, discriminatorLossRef, generatorLossRef, mlpForwardRef, numericalGradient, sgdRef,
  sigmoid, type MlpParamsRef,
} from '../../src/core/ref/gan';
import type { Mlp } from '../../src/core/models/mlp';
import { mulberry32, normalSampler } from '../../src/core/random';
import { sampleDataset } from '../../src/core/data2d';

const data = sampleDataset('ring', 200, 7).xy;

/** A small, fast configuration for the exactness tests. */
function small(over: Partial<GanTrainerOptions> = {}): GanTrainerOptions {
  return {
    ...GAN_LAB_SETTING,
    data,
    seed: 42,
    generator: { hidden: [5], activation: 'relu' },
    discriminator: { hidden: [6], activation: 'relu' },
    batchSize: 8,
    viewSamples: 16,
    ...over,
  };
}

const live: GanTrainer[] = [];
function make(o: GanTrainerOptions): GanTrainer {
  const t = new GanTrainer(o);
  live.push(t);
  return t;
}
afterEach(() => {
  for (const t of live.splice(0)) t.dispose();
});

function params(m: Mlp): MlpParamsRef {
  return {
    sizes: m.options.sizes,
    activation: m.options.activation,
    weights: m.weights.map((w) => Float64Array.from(w.dataSync())),
    biases: m.biases.map((b) => Float64Array.from(b.dataSync())),
  };
}

/** All parameters in the order of `Mlp.variables` (weights, then biases). */
function flat(p: MlpParamsRef): Float64Array {
  return Float64Array.from([...p.weights, ...p.biases].flatMap((a) => Array.from(a)));
}

function unflat(template: MlpParamsRef, theta: ArrayLike<number>): MlpParamsRef {
  let o = 0;
  const take = (a: ArrayLike<number>) => {
    const out = Float64Array.from({ length: a.length }, (_, i) => theta[o + i]);
    o += a.length;
    return out;
  };
  const weights = template.weights.map(take);
  const biases = template.biases.map(take);
  return { ...template, weights, biases };
}

/** max |x − y| ≤ rtol · max |y| + atol. */
function expectAllClose(x: ArrayLike<number>, y: ArrayLike<number>, rtol: number, atol: number): void {
  expect(x.length).toBe(y.length);
  let scale = 0, worst = 0;
  for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]));
  for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  expect(worst).toBeLessThanOrEqual(rtol * scale + atol);
}

describe('VariableOptimizer against float64 Adam and SGD', () => {
  it('Adam follows Kingma & Ba step by step, over several variables and a learning-rate change', () => {
    const before = tf.memory().numTensors;
    const rng = normalSampler(mulberry32(3));
    // two variables of different shapes: the flat moments must map back to the right entries
    const init = Float64Array.from({ length: 10 }, () => rng());
    const w1 = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(init.subarray(0, 6)), [2, 3])));
    const w2 = tf.tidy(() => tf.variable(tf.tensor1d(Float32Array.from(init.subarray(6)))));
    const opt = new VariableOptimizer([w1, w2], { kind: 'adam', learningRate: 0.05 });
    const theta = Float64Array.from([...w1.dataSync(), ...w2.dataSync()]);
    const state = { m: new Float64Array(10), v: new Float64Array(10), t: 0 };
    for (let step = 0; step < 8; step++) {
      if (step === 4) opt.learningRate = 0.01;
      // gradients of very different sizes per coordinate, as Adam normalises them
      const g = Float32Array.from({ length: 10 }, (_, i) => rng() * 10 ** ((i % 5) - 3));
      tf.tidy(() => opt.update([tf.tensor2d(g.slice(0, 6), [2, 3]), tf.tensor1d(g.slice(6))]));
      adamRef(theta, g, state, step < 4 ? 0.05 : 0.01, 0.5, 0.999, 1e-8);
      expectAllClose([...w1.dataSync(), ...w2.dataSync()], theta, 1e-5, 1e-6);
    }
    expect(opt.steps).toBe(8);
    opt.dispose();
    opt.dispose();
    w1.dispose();
    w2.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('SGD is θ ← θ − η g, and bad rates are refused', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, -2, 0.5])));
    const opt = new VariableOptimizer([w], { kind: 'sgd', learningRate: 0.1 });
    const theta = Float64Array.from([1, -2, 0.5]);
    tf.tidy(() => opt.update([tf.tensor1d([0.5, 1, -3])]));
    sgdRef(theta, [0.5, 1, -3], 0.1);
    expectAllClose(w.dataSync(), theta, 1e-6, 1e-7);
    expect(() => { opt.learningRate = 0; }).toThrow(/positive/);
    expect(() => new VariableOptimizer([w], { kind: 'adam', learningRate: Number.NaN })).toThrow(/positive/);
    expect(() => opt.update([])).toThrow(/Expected 1 gradients/);
    opt.dispose();
    w.dispose();
  });
});

describe('GanTrainer: one update against float64 finite differences', () => {
  // SGD makes the update η·gradient, so the change in the weights is the gradient to check.
  const eta = 0.1;
  const sgd = { optimizerG: { kind: 'sgd', learningRate: eta }, optimizerD: { kind: 'sgd', learningRate: eta } } as const;

  for (const kind of GENERATOR_LOSSES) {
    it(`D then G step, loss ${kind}`, async () => {
      const activation = kind === 'leastSquares' ? 'tanh' : 'relu';
      const o = small({
        ...sgd, loss: kind, noise: kind === 'saturating' ? 'gaussian' : 'uniform',
        generator: { hidden: [5], activation }, discriminator: { hidden: [6], activation },
      });
      const t = make(o);
      const replay = new GanBatchStream(o.seed, data, o.noiseDim, o.noise);
      const b = o.batchSize;

      // the D step
      const real = replay.nextReal(b), zD = replay.nextNoise(b);
      const g0 = params(t.generator), d0 = params(t.discriminator);
      const fake = mlpForwardRef(g0, zD, b);
      const lossD = (phi: Float64Array) => {
        const d = unflat(d0, phi);
        return discriminatorLossRef(mlpForwardRef(d, real, b), mlpForwardRef(d, fake, b), kind);
      };
      const gradD = numericalGradient(lossD, flat(d0));
      t.stepD();
      const d1 = flat(params(t.discriminator));
      const stepD = flat(d0).map((v, i) => (v - d1[i]) / eta);
      expectAllClose(stepD, gradD, 1e-3, 1e-4);
      expect((await t.readMetrics()).dLoss).toBeCloseTo(lossD(flat(d0)), 5);

      // the G step, through the updated discriminator
      const zG = replay.nextNoise(b);
      const dNow = params(t.discriminator);
      const lossG = (theta: Float64Array) => {
        const a = mlpForwardRef(dNow, mlpForwardRef(unflat(g0, theta), zG, b), b);
        let s = 0;
        for (const v of a) s += generatorLossRef(v, kind);
        return s / b;
      };
      const gradG = numericalGradient(lossG, flat(g0));
      t.stepG();
      const g1 = flat(params(t.generator));
      expectAllClose(flat(g0).map((v, i) => (v - g1[i]) / eta), gradG, 1e-3, 1e-4);
      const m = await t.readMetrics();
      expect(m.gLoss).toBeCloseTo(lossG(flat(g0)), 5);
      expect(m).toMatchObject({ dSteps: 1, gSteps: 1, finite: 1 });
    });
  }

  it('step() is k D updates and one G update', () => {
    const a = make(small({ k: 3 })), b = make(small({ k: 3 }));
    a.step();
    for (let i = 0; i < 3; i++) b.stepD();
    b.stepG();
    expect(a.dSteps).toBe(3);
    expect(a.stepCount).toBe(1);
    expectAllClose(flat(params(a.generator)), flat(params(b.generator)), 0, 0);
    expectAllClose(flat(params(a.discriminator)), flat(params(b.discriminator)), 0, 0);
  });
});

describe('GanTrainer: seeds, compare mode and live settings', () => {
  it('one seed gives one start and one batch stream; the G loss only changes G', () => {
    const sat = make(small({ loss: 'saturating' })), ns = make(small({ loss: 'nonSaturating' }));
    expectAllClose(flat(params(sat.generator)), flat(params(ns.generator)), 0, 0);
    expectAllClose(flat(params(sat.discriminator)), flat(params(ns.discriminator)), 0, 0);
    expect(Array.from(sat.viewNoise)).toEqual(Array.from(ns.viewNoise));
    sat.stepD();
    ns.stepD();
    // the D update does not depend on the generator loss
    expectAllClose(flat(params(sat.discriminator)), flat(params(ns.discriminator)), 0, 0);
    sat.stepG();
    ns.stepG();
    const gs = flat(params(sat.generator)), gn = flat(params(ns.generator));
    expect(gs.some((v, i) => v !== gn[i])).toBe(true);
    const other = make(small({ seed: 43 }));
    expect(flat(params(other.generator)).some((v, i) => v !== gn[i])).toBe(true);
  });

  it('setters take effect at the next step, as if the trainer had been built with them', () => {
    const target = make(small({ loss: 'nonSaturating', k: 2 }));
    const changed = make(small({
      loss: 'saturating', k: 1,
      optimizerG: { kind: 'adam', learningRate: 0.5 }, optimizerD: { kind: 'adam', learningRate: 0.5 },
    }));
    changed.setLoss('nonSaturating');
    changed.setK(2);
    changed.setLearningRates({ generator: GAN_LAB_SETTING.optimizerG.learningRate, discriminator: GAN_LAB_SETTING.optimizerD.learningRate });
    expect(changed.settings).toEqual(target.settings);
    for (let i = 0; i < 3; i++) {
      target.step();
      changed.step();
    }
    expectAllClose(flat(params(changed.generator)), flat(params(target.generator)), 0, 0);
    // mid-run: a new loss changes the next G update and nothing before it
    changed.setLoss('leastSquares');
    target.setLoss('saturating');
    changed.stepG();
    target.stepG();
    expect(flat(params(changed.generator)).some((v, i) => v !== flat(params(target.generator))[i])).toBe(true);
  });

  it('refuses bad settings with plain messages', () => {
    const t = make(small());
    expect(() => t.setK(0)).toThrow(/whole number of at least 1/);
    expect(() => t.setK(1.5)).toThrow(/whole number/);
    expect(() => t.setLoss('wasserstein' as GeneratorLossKind)).toThrow(/Unknown generator loss/);
    expect(() => t.setLearningRates({ generator: -1 })).toThrow(/positive/);
    expect(() => new GanTrainer(small({ data: [] }))).toThrow(/at least one 2-D training point/);
    expect(() => new GanTrainer(small({ data: [0, Number.NaN] }))).toThrow(/finite/);
    expect(() => new GanTrainer(small({ noiseDim: 3 as 2 }))).toThrow(/noise dimension/);
    expect(() => new GanTrainer(small({ batchSize: 0 }))).toThrow(/batch size/);
    expect(() => new GanTrainer(small({ generator: { hidden: [0] } }))).toThrow(/hidden layer of the generator/);
  });
});

describe('GanTrainer: views against the float64 forward pass', () => {
  it('samples, heat map, manifold, arrows', async () => {
    const t = make(small({ noise: 'gaussian' }));
    for (let i = 0; i < 5; i++) t.step();
    const g = params(t.generator), d = params(t.discriminator);
    const n = t.viewNoise.length / 2;

    expectAllClose(await t.generatedSamples(), mlpForwardRef(g, t.viewNoise, n), 1e-5, 1e-6);

    // heat map: cell (i, j) of a 3 × 3 grid over [−3, 3] × [0, 6] has centre (−2 + 2i, 1 + 2j)
    const grid = { bins: 3, xMin: -3, xMax: 3, yMin: 0, yMax: 6 };
    const centres: number[] = [];
    for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) centres.push(-2 + 2 * i, 1 + 2 * j);
    const logits = mlpForwardRef(d, centres, 9);
    expectAllClose(await t.discriminatorGrid(grid), logits.map(sigmoid), 1e-5, 1e-7);
    expectAllClose(await t.discriminatorGrid(grid, 'logit'), logits, 1e-5, 1e-6);

    // manifold: 2-D Gaussian noise spans [−2, 2]², 5 points per axis at spacing 1
    expect(noiseRange('gaussian')).toBe(2);
    const man = await t.manifold(5);
    expect([man.rows, man.cols]).toEqual([5, 5]);
    const z: number[] = [];
    for (let j = 0; j < 5; j++) for (let i = 0; i < 5; i++) z.push(-2 + i, -2 + j);
    expectAllClose(man.xy, mlpForwardRef(g, z, 25), 1e-5, 1e-6);

    // arrows: ∂ℓ(a(x))/∂x for each sample, against central differences in float64
    const arrows = await t.generatorGradients();
    const xs = Float64Array.from(arrows.xy);
    const ref = new Float64Array(2 * n);
    for (let s = 0; s < n; s++) {
      const gs = numericalGradient((p) => generatorLossRef(mlpForwardRef(d, p, 1)[0], 'nonSaturating'), xs.subarray(2 * s, 2 * s + 2));
      ref.set(gs, 2 * s);
    }
    expectAllClose(arrows.grad, ref, 1e-3, 1e-5);
  });

  it('the saturating arrows are the non-saturating ones scaled by D/(1 − D): the early stall', async () => {
    const t = make(small({ noiseDim: 1 }));
    for (let i = 0; i < 20; i++) t.step();
    const ns = await t.generatorGradients();
    t.setLoss('saturating');
    const sat = await t.generatorGradients();
    const dOfX = await t.discriminate(ns.xy);
    const expected = Array.from(ns.grad, (v, i) => {
      const p = dOfX[i >> 1];
      return (v * p) / (1 - p);
    });
    expectAllClose(sat.grad, expected, 1e-4, 1e-7);
    // a 1-D noise manifold is one curve
    const man = await t.manifold(7);
    expect([man.rows, man.cols, man.xy.length]).toEqual([1, 7, 14]);
  });
});

describe('GanTrainer: no readback, no leak, divergence reported', () => {
  it('step, stepD and stepG never read tensors back', () => {
    const t = make(small());
    const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
    const names = ['dataSync', 'arraySync', 'data', 'array', 'bufferSync', 'buffer'];
    const saved = names.map((k) => proto[k]);
    for (const k of names) proto[k] = () => { throw new Error(`readback via ${k}`); };
    try {
      t.step();
      t.stepD();
      t.stepG();
    } finally {
      names.forEach((k, i) => { proto[k] = saved[i]; });
    }
    expect(t.gSteps).toBe(2);
  });

  it('keeps its tensor count constant while training and frees everything on dispose', async () => {
    const before = tf.memory().numTensors;
    const t = new GanTrainer(small({ generator: { hidden: [3] }, discriminator: { hidden: [3] }, batchSize: 4, viewSamples: 4 }));
    t.step();
    const during = tf.memory().numTensors;
    for (let i = 0; i < 300; i++) t.step();
    t.setLoss('leastSquares');
    t.setLearningRates({ generator: 1e-3 });
    for (let i = 0; i < 50; i++) t.step();
    await t.readMetrics();
    await t.generatedSamples();
    await t.discriminatorGrid();
    await t.manifold();
    await t.generatorGradients();
    expect(tf.memory().numTensors).toBe(during);
    t.dispose();
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => t.step()).toThrow(/disposed/);
    await expect(t.readMetrics()).rejects.toThrow(/disposed/);
  });

  it('reports metrics before the first step, and finite: 0 once the weights are NaN', async () => {
    const t = make(small());
    const m0 = await t.readMetrics();
    expect(m0).toMatchObject({ finite: 1, dSteps: 0, gSteps: 0 });
    expect(m0.dLoss).toBeGreaterThan(0);
    t.discriminator.weights[0].assign(tf.fill(t.discriminator.weights[0].shape, Number.NaN));
    t.step();
    expect((await t.readMetrics()).finite).toBe(0);
  });
});
