/**
 * A live 2-D GAN: generator G_θ: noise z ∈ ℝ^{d_z} (d_z = 1 or 2) → x ∈ ℝ², discriminator
 * logit a_φ: ℝ² → ℝ with D = σ(a), both `Mlp`s, trained on a fixed set of 2-D points.
 *
 * One iteration (`step()`) is k discriminator updates and one generator update, as in
 * Goodfellow et al. (2014), Algorithm 1. Each update draws a fresh batch of B real points
 * (uniformly, with replacement) and B noise vectors from seeded streams; the discriminator
 * minimises `discriminatorLoss`, the generator the chosen `generatorLoss` (saturating,
 * non-saturating or least squares), all from logits. The same seed gives the same initial weights
 * and the same stream of batches, so a saturating and a non-saturating trainer built from one
 * seed start identically and see the same data (compare mode).
 *
 * API:
 * - `GanTrainerOptions`, `NoiseKind`, `NetworkOptions`, `GanMetrics`;
 *   presets `GAN_LAB_SETTING`, `LARGE_NET_SETTING`, `DEMO_SETTING`.
 * - `GanBatchStream`: the seeded real-batch and noise stream (exported so tests can replay it).
 * - `noiseRange(kind)`: the half-width of the noise box drawn by `manifold`.
 * - `gridCentres(grid)`, `manifoldNoise(noiseDim, noise, resolution)`: the heat map's and the
 *   manifold's input points.
 * - `class GanTrainer implements Trainer<GanMetrics>`:
 *   `step()` (k D updates + 1 G update), `stepD()`, `stepG()`, `readMetrics()`,
 *   `setLearningRates({ generator?, discriminator? })`, `setLoss(kind)`, `setK(k)`, `settings`,
 *   view helpers (async, plain arrays): `generatedSamples()`, `discriminate(xy)`,
 *   `discriminatorGrid(grid)`, `manifold(resolution)`, `generatorGradients()`, and all of them at
 *   once, `snapshot(options)` → `GanSnapshot`;
 *   `stepCount`, `dSteps`, `gSteps`, `viewNoise`, `generator`, `discriminator`, `dispose()`.
 */
import { tf, type Scalar, type Tensor, type Tensor2D, type Variable } from '../tf';
import type { Trainer } from '../tf/trainer';
import { Mlp, type Activation } from '../models/mlp';
import { childSeed, mulberry32, normalSampler, type Rng } from '../random';
import {
  createLossConstants, discriminatorLoss, discriminatorLossStacked, generatorLoss, generatorLossPerSample,
  GENERATOR_LOSSES, type GeneratorLossKind, type LossConstants,
} from './losses';
import { VariableOptimizer, type OptimizerOptions } from './optim';
import { DEFAULT_GRID, type GridSpec } from './gridDivergence';

/** The noise distribution p(z): uniform on [−1, 1]^{d_z} or standard normal N(0, I). */
export type NoiseKind = 'uniform' | 'gaussian';

/** An MLP's hidden layer widths (input to output; none gives an affine map) and hidden activation; the output layer is linear. */
export interface NetworkOptions {
  hidden: readonly number[];
  activation?: Activation;
}

export interface GanTrainerOptions {
  /** The training set, [x0, y0, x1, y1, …] (e.g. `sampleDataset(…).xy`), at least one point. */
  data: ArrayLike<number>;
  /** d_z, the noise dimension: 1 or 2. */
  noiseDim: 1 | 2;
  noise: NoiseKind;
  generator: NetworkOptions;
  discriminator: NetworkOptions;
  optimizerG: OptimizerOptions;
  optimizerD: OptimizerOptions;
  /** Discriminator updates per generator update (a whole number ≥ 1). */
  k: number;
  /** B, points per batch, the same for real and generated. */
  batchSize: number;
  loss: GeneratorLossKind;
  seed: number;
  /** Size of the fixed noise batch the views use (default 512). */
  viewSamples?: number;
}

/**
 * GAN Lab's default setting: 2-D noise, one hidden layer of 8 units in G and D, batch 150,
 * two D updates per G update: the speed benchmark's small case. The optimiser (Adam, η = 0.01,
 * uniform noise) is this notebook's choice.
 */
export const GAN_LAB_SETTING: Omit<GanTrainerOptions, 'data' | 'seed'> = {
  noiseDim: 2,
  noise: 'uniform',
  generator: { hidden: [8], activation: 'relu' },
  discriminator: { hidden: [8], activation: 'relu' },
  optimizerG: { kind: 'adam', learningRate: 0.01 },
  optimizerD: { kind: 'adam', learningRate: 0.01 },
  k: 2,
  batchSize: 150,
  loss: 'nonSaturating',
};

/** The larger setting: two hidden layers of 64 units in G and D, Adam η = 1e-3, otherwise as GAN Lab. */
export const LARGE_NET_SETTING: Omit<GanTrainerOptions, 'data' | 'seed'> = {
  ...GAN_LAB_SETTING,
  generator: { hidden: [64, 64], activation: 'relu' },
  discriminator: { hidden: [64, 64], activation: 'relu' },
  optimizerG: { kind: 'adam', learningRate: 1e-3 },
  optimizerD: { kind: 'adam', learningRate: 1e-3 },
};

/**
 * A setting that learns the ring of 8 quickly: two hidden layers of 32 units, Gaussian 2-D noise,
 * Adam η = 3e-3, one D update per G update, batch 128. From five seeds tried it covered all 8
 * modes by iteration 500 (the ring test checks one seed); the 8-unit GAN Lab nets mostly cover
 * 2 to 6 modes of the ring even after 3,000 iterations.
 */
export const DEMO_SETTING: Omit<GanTrainerOptions, 'data' | 'seed'> = {
  ...GAN_LAB_SETTING,
  noise: 'gaussian',
  generator: { hidden: [32, 32], activation: 'relu' },
  discriminator: { hidden: [32, 32], activation: 'relu' },
  optimizerG: { kind: 'adam', learningRate: 3e-3 },
  optimizerD: { kind: 'adam', learningRate: 3e-3 },
  k: 1,
  batchSize: 128,
};

/** Readout of `readMetrics()`. */
export interface GanMetrics extends Record<string, number> {
  /** Discriminator loss on the latest D batch (nats; 2 log 2 ≈ 1.386 when D cannot tell; LS: squared units). */
  dLoss: number;
  /** Generator loss on the latest G batch (the chosen loss; the saturating one is ≤ 0). */
  gLoss: number;
  /** 1 when both losses are finite; 0 means training has diverged (pause and offer a reset). */
  finite: number;
  dSteps: number;
  gSteps: number;
}

/** Half-width of the noise box the manifold view spans: 1 for uniform noise (its support), 2 for Gaussian (±2 std, 95% per axis). */
export function noiseRange(kind: NoiseKind): number {
  return kind === 'uniform' ? 1 : 2;
}

/**
 * The seeded stream of real batches and noise. Real points are drawn uniformly with replacement
 * (one uniform per point, from their own generator); noise comes from a second generator, so
 * the two sequences do not depend on each other's batch sizes.
 */
export class GanBatchStream {
  private readonly data: Float32Array;
  private readonly count: number;
  private readonly realRng: Rng;
  private readonly noiseRng: Rng;
  private readonly normal: () => number;

  constructor(seed: number, data: ArrayLike<number>, readonly noiseDim: number, readonly noise: NoiseKind) {
    this.data = Float32Array.from(data);
    this.count = data.length / 2;
    this.realRng = mulberry32(childSeed(seed, 'gan/real'));
    this.noiseRng = mulberry32(childSeed(seed, 'gan/noise'));
    this.normal = normalSampler(this.noiseRng);
  }

  /** B real points, [B, 2] row-major (a fresh array each call). */
  nextReal(batchSize: number): Float32Array {
    const out = new Float32Array(2 * batchSize);
    for (let r = 0; r < batchSize; r++) {
      const i = Math.floor(this.realRng() * this.count);
      out[2 * r] = this.data[2 * i];
      out[2 * r + 1] = this.data[2 * i + 1];
    }
    return out;
  }

  /** B noise vectors, [B, d_z] row-major (a fresh array each call). */
  nextNoise(batchSize: number): Float32Array {
    const out = new Float32Array(batchSize * this.noiseDim);
    if (this.noise === 'gaussian') for (let i = 0; i < out.length; i++) out[i] = this.normal();
    else for (let i = 0; i < out.length; i++) out[i] = 2 * this.noiseRng() - 1;
    return out;
  }
}

/** Everything the live widget draws, from one set of weights (see `GanTrainer.snapshot`). */
export interface GanSnapshot {
  /** G at the fixed view noise, [viewSamples, 2] row-major. */
  samples: Float32Array;
  /** D = σ(a) at each generated sample, [viewSamples]. */
  dAtSamples: Float32Array;
  /** ∂ℓ(a(x))/∂x at each generated sample for the trainer's generator loss, [viewSamples, 2]. */
  grad: Float32Array;
  /** D at the heat map's cell centres (layout of `gridCentres`), or null when not asked for. */
  grid: Float32Array | null;
  /** The manifold (as `GanTrainer.manifold`), or null when not asked for. */
  manifold: { xy: Float32Array; rows: number; cols: number } | null;
  /** The generator loss the arrows were computed for. */
  loss: GeneratorLossKind;
  dSteps: number;
  gSteps: number;
}

/**
 * The R × R cell centres of `grid`, [x0, y0, …], index j·R + i for cell i along x and j along y
 * (the layout of `histogram2D`). Throws on a bad grid.
 */
export function gridCentres(grid: GridSpec): Float32Array {
  const r = grid.bins;
  if (!Number.isInteger(r) || r < 1) throw new Error(`The heat map needs a whole number of cells per axis, at least 1 (got ${r}).`);
  if (!(grid.xMax > grid.xMin) || !(grid.yMax > grid.yMin)) throw new Error('The heat map box must have xMax > xMin and yMax > yMin.');
  const xy = new Float32Array(2 * r * r);
  for (let j = 0; j < r; j++) {
    for (let i = 0; i < r; i++) {
      xy[2 * (j * r + i)] = grid.xMin + ((i + 0.5) * (grid.xMax - grid.xMin)) / r;
      xy[2 * (j * r + i) + 1] = grid.yMin + ((j + 0.5) * (grid.yMax - grid.yMin)) / r;
    }
  }
  return xy;
}

/**
 * The manifold's noise grid over [−r, r]^{d_z}, r = `noiseRange(noise)`: with 2-D noise
 * `resolution`² points, index j·L + i for z = (zᵢ, zⱼ); with 1-D noise `resolution` points.
 */
export function manifoldNoise(noiseDim: 1 | 2, noise: NoiseKind, resolution: number): { z: Float32Array; rows: number; cols: number } {
  if (!Number.isInteger(resolution) || resolution < 2) throw new Error(`The manifold needs a whole number of at least 2 points per axis (got ${resolution}).`);
  const r = noiseRange(noise);
  const at = (i: number) => -r + (2 * r * i) / (resolution - 1);
  const rows = noiseDim === 2 ? resolution : 1, cols = resolution;
  const z = new Float32Array(rows * cols * noiseDim);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      if (noiseDim === 2) {
        z[2 * (j * cols + i)] = at(i);
        z[2 * (j * cols + i) + 1] = at(j);
      } else {
        z[i] = at(i);
      }
    }
  }
  return { z, rows, cols };
}

const DEFAULT_VIEW_SAMPLES = 512;

function checkOptions(o: GanTrainerOptions): void {
  if (o.data.length < 2 || o.data.length % 2 !== 0) throw new Error('The GAN needs at least one 2-D training point, given as [x0, y0, x1, y1, …].');
  for (let i = 0; i < o.data.length; i++) {
    if (!Number.isFinite(o.data[i])) throw new Error('Every training point must have finite coordinates.');
  }
  if (o.noiseDim !== 1 && o.noiseDim !== 2) throw new Error(`The noise dimension must be 1 or 2 (got ${o.noiseDim}).`);
  if (o.noise !== 'uniform' && o.noise !== 'gaussian') throw new Error(`The noise must be 'uniform' or 'gaussian' (got ${o.noise}).`);
  for (const [name, net] of [['generator', o.generator], ['discriminator', o.discriminator]] as const) {
    for (const w of net.hidden) {
      if (!Number.isInteger(w) || w < 1) throw new Error(`Every hidden layer of the ${name} needs a whole number of units, at least 1 (got ${w}).`);
    }
  }
  checkK(o.k);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new Error(`The batch size must be a whole number of at least 1 (got ${o.batchSize}).`);
  checkLoss(o.loss);
  if (o.viewSamples !== undefined && (!Number.isInteger(o.viewSamples) || o.viewSamples < 1)) {
    throw new Error(`The number of view samples must be a whole number of at least 1 (got ${o.viewSamples}).`);
  }
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k, the discriminator steps per generator step, must be a whole number of at least 1 (got ${k}).`);
}

function checkLoss(kind: GeneratorLossKind): void {
  if (!GENERATOR_LOSSES.includes(kind)) throw new Error(`Unknown generator loss '${kind}'; use one of ${GENERATOR_LOSSES.join(', ')}.`);
}

export class GanTrainer implements Trainer<GanMetrics> {
  /** G_θ: [n, d_z] → [n, 2]. */
  readonly generator: Mlp;
  /** a_φ: [n, 2] → [n, 1], the logit; D = σ(a). */
  readonly discriminator: Mlp;
  /** The fixed noise batch of the views, [viewSamples, d_z] row-major. */
  readonly viewNoise: Float32Array;
  readonly noiseDim: 1 | 2;
  readonly noise: NoiseKind;
  readonly batchSize: number;

  private readonly stream: GanBatchStream;
  private readonly gVars: Variable[];
  private readonly dVars: Variable[];
  private readonly optG: VariableOptimizer;
  private readonly optD: VariableOptimizer;
  private readonly constants: LossConstants;
  private readonly viewNoiseTensor: Tensor2D;
  private loss: GeneratorLossKind;
  private k: number;
  private dLoss: Scalar;
  private gLoss: Scalar;
  private nD = 0;
  private nG = 0;
  private disposed = false;

  constructor(options: GanTrainerOptions) {
    checkOptions(options);
    const { seed, noiseDim } = options;
    this.noiseDim = noiseDim;
    this.noise = options.noise;
    this.batchSize = options.batchSize;
    this.loss = options.loss;
    this.k = options.k;
    this.stream = new GanBatchStream(seed, options.data, noiseDim, options.noise);
    this.generator = new Mlp({
      sizes: [noiseDim, ...options.generator.hidden, 2],
      activation: options.generator.activation ?? 'relu', seed: childSeed(seed, 'gan/G'), name: 'G',
    });
    this.discriminator = new Mlp({
      sizes: [2, ...options.discriminator.hidden, 1],
      activation: options.discriminator.activation ?? 'relu', seed: childSeed(seed, 'gan/D'), name: 'D',
    });
    this.gVars = this.generator.variables;
    this.dVars = this.discriminator.variables;
    this.optG = new VariableOptimizer(this.gVars, options.optimizerG);
    this.optD = new VariableOptimizer(this.dVars, options.optimizerD);
    this.constants = createLossConstants(this.batchSize);

    // The views' fixed noise and a fixed real batch come from their own seed: the training
    // stream is the same whether or not anyone looks.
    const view = new GanBatchStream(childSeed(seed, 'gan/view'), options.data, noiseDim, options.noise);
    const n = options.viewSamples ?? DEFAULT_VIEW_SAMPLES;
    this.viewNoise = view.nextNoise(n);
    this.viewNoiseTensor = tf.tensor2d(this.viewNoise, [n, noiseDim]);
    // Metrics before the first step: both losses at the initial weights on the view batches.
    const viewReal = view.nextReal(n);
    [this.dLoss, this.gLoss] = tf.tidy(() => {
      const fake = this.generator.apply(this.viewNoiseTensor);
      const aReal = this.discriminator.apply(tf.tensor2d(viewReal, [n, 2]));
      const aFake = this.discriminator.apply(fake);
      return [discriminatorLoss(aReal, aFake, this.loss), generatorLoss(aFake, this.loss, this.constants)];
    });
  }

  /** Generator updates so far (each iteration ends with exactly one; `stepG()` adds one too). */
  get stepCount(): number {
    return this.nG;
  }

  /** Discriminator updates so far. */
  get dSteps(): number {
    return this.nD;
  }

  /** Generator updates so far. */
  get gSteps(): number {
    return this.nG;
  }

  /** The settings that can change while training. */
  get settings(): { loss: GeneratorLossKind; k: number; learningRateG: number; learningRateD: number } {
    return { loss: this.loss, k: this.k, learningRateG: this.optG.learningRate, learningRateD: this.optD.learningRate };
  }

  /** One iteration: k discriminator updates, then one generator update. No readback. */
  step(): void {
    for (let i = 0; i < this.k; i++) this.stepD();
    this.stepG();
  }

  /**
   * One discriminator update on B real points and B fresh fakes: minimise the stacked
   * `discriminatorLossStacked` over φ. G's forward pass runs outside the gradient tape: D's
   * update needs no gradient through G, and the tape would copy every input it records.
   */
  stepD(): void {
    this.assertLive();
    const b = this.batchSize;
    const realData = this.stream.nextReal(b), noiseData = this.stream.nextNoise(b);
    const loss = tf.tidy(() => {
      const fake = this.generator.apply(tf.tensor2d(noiseData, [b, this.noiseDim]));
      const stacked = tf.concat([tf.tensor2d(realData, [b, 2]), fake], 0) as Tensor2D;
      const { value, grads } = tf.variableGrads(
        () => discriminatorLossStacked(this.discriminator.apply(stacked), this.loss, this.constants), this.dVars);
      this.optD.update(this.dVars.map((v) => grads[v.name]));
      return value;
    });
    this.dLoss.dispose();
    this.dLoss = loss;
    this.nD++;
  }

  /** One generator update on B fresh noise vectors: minimise the chosen generator loss over θ. */
  stepG(): void {
    this.assertLive();
    const b = this.batchSize;
    const noiseData = this.stream.nextNoise(b);
    const loss = tf.tidy(() => {
      const z = tf.tensor2d(noiseData, [b, this.noiseDim]);
      const { value, grads } = tf.variableGrads(
        () => generatorLoss(this.discriminator.apply(this.generator.apply(z)), this.loss, this.constants), this.gVars);
      this.optG.update(this.gVars.map((v) => grads[v.name]));
      return value;
    });
    this.gLoss.dispose();
    this.gLoss = loss;
    this.nG++;
  }

  /** Change either learning rate; takes effect at the next update, optimiser state kept. */
  setLearningRates(rates: { generator?: number; discriminator?: number }): void {
    if (rates.generator !== undefined) this.optG.learningRate = rates.generator;
    if (rates.discriminator !== undefined) this.optD.learningRate = rates.discriminator;
  }

  /** Change the generator loss (and the D loss, for least squares) from the next update on. */
  setLoss(kind: GeneratorLossKind): void {
    checkLoss(kind);
    this.loss = kind;
  }

  /** Change k, the discriminator updates per iteration, from the next `step()` on. */
  setK(k: number): void {
    checkK(k);
    this.k = k;
  }

  /** The latest losses, read back asynchronously; `finite: 0` flags divergence. */
  async readMetrics(): Promise<GanMetrics> {
    this.assertLive();
    // Clones share the data but not the lifetime: a step during the await cannot free them.
    const d = tf.clone(this.dLoss), g = tf.clone(this.gLoss);
    const dSteps = this.nD, gSteps = this.nG;
    try {
      const [dv, gv] = await Promise.all([d.data(), g.data()]);
      const dLoss = dv[0], gLoss = gv[0];
      return { dLoss, gLoss, finite: Number.isFinite(dLoss) && Number.isFinite(gLoss) ? 1 : 0, dSteps, gSteps };
    } finally {
      d.dispose();
      g.dispose();
    }
  }

  /** G applied to the fixed view noise: [viewSamples, 2] row-major. */
  async generatedSamples(): Promise<Float32Array> {
    return this.read(() => this.generator.apply(this.viewNoiseTensor));
  }

  /**
   * The discriminator at the points xy = [x0, y0, …]: D = σ(a) in (0, 1) by default, or the logit a
   * (`output: 'logit'`; for the least-squares loss a is the raw score the text discusses).
   */
  async discriminate(xy: ArrayLike<number>, output: 'probability' | 'logit' = 'probability'): Promise<Float32Array> {
    if (xy.length === 0 || xy.length % 2 !== 0) throw new Error('Give the points as [x0, y0, x1, y1, …] with at least one point.');
    const points = Float32Array.from(xy);
    return this.read(() => {
      const a = this.discriminator.apply(tf.tensor2d(points, [points.length / 2, 2]));
      return output === 'logit' ? a : tf.sigmoid(a);
    });
  }

  /**
   * The discriminator over the plane: values at the R × R cell centres of `grid`, index j·R + i
   * for the cell i along x and j along y (the layout of `histogram2D`), for the heat map.
   */
  async discriminatorGrid(grid: GridSpec = { ...DEFAULT_GRID, bins: 40 }, output: 'probability' | 'logit' = 'probability'): Promise<Float32Array> {
    return this.discriminate(gridCentres(grid), output);
  }

  /**
   * The generator's manifold: G over an evenly spaced noise grid spanning [−r, r]^{d_z},
   * r = `noiseRange(noise)`. With 2-D noise, `resolution`² points, index j·L + i for z = (zᵢ, zⱼ):
   * join each row and each column to draw the bent grid; with 1-D noise, `resolution` points on
   * one curve. Returns the points [rows·cols, 2] row-major.
   */
  async manifold(resolution = 21): Promise<{ xy: Float32Array; rows: number; cols: number }> {
    const { z, rows, cols } = manifoldNoise(this.noiseDim, this.noise, resolution);
    const xy = await this.read(() => this.generator.apply(tf.tensor2d(z, [rows * cols, this.noiseDim])));
    return { xy, rows, cols };
  }

  /**
   * The arrows on the generated samples: for each view sample x = G(z), the gradient
   * ∂ℓ(a(x))/∂x of its own generator loss ℓ (not divided by the batch size). The generator's
   * update moves samples along −grad. Both arrays are [viewSamples, 2] row-major.
   */
  async generatorGradients(): Promise<{ xy: Float32Array; grad: Float32Array }> {
    this.assertLive();
    const [x, g] = tf.tidy(() => {
      const fake = this.generator.apply(this.viewNoiseTensor);
      // Σᵢ ℓ(a(xᵢ)): sample i's term depends on xᵢ alone, so its gradient is the per-sample one.
      const grad = tf.grad((p: Tensor) => tf.sum(generatorLossPerSample(this.discriminator.apply(p as Tensor2D), this.loss, this.constants)))(fake);
      return [fake, grad];
    });
    try {
      const [xy, grad] = await Promise.all([x.data(), g.data()]);
      return { xy: xy as Float32Array, grad: grad as Float32Array };
    } finally {
      x.dispose();
      g.dispose();
    }
  }

  /**
   * Every view of the live widget from one set of weights, in one pass: the generated samples,
   * D at each of them, the arrows (as `generatorGradients`), the heat map (as
   * `discriminatorGrid(grid)`) and the manifold (as `manifold(resolution)`). All tensors are made
   * in one `tf.tidy` and read back together, so a redraw costs one round of asynchronous reads
   * instead of four, and the views always agree with each other.
   * `grid: null` or `manifold: null` skips that view.
   */
  async snapshot(options: { grid?: GridSpec | null; manifold?: number | null } = {}): Promise<GanSnapshot> {
    this.assertLive();
    const grid = options.grid === undefined ? { ...DEFAULT_GRID, bins: 40 } : options.grid;
    const resolution = options.manifold === undefined ? 21 : options.manifold;
    const gridXy = grid ? gridCentres(grid) : null;
    const noiseGrid = resolution === null ? null : manifoldNoise(this.noiseDim, this.noise, resolution);
    const tensors = tf.tidy(() => {
      const fake = this.generator.apply(this.viewNoiseTensor);
      const dFake = tf.sigmoid(this.discriminator.apply(fake));
      const grad = tf.grad((p: Tensor) => tf.sum(generatorLossPerSample(this.discriminator.apply(p as Tensor2D), this.loss, this.constants)))(fake);
      const out: Tensor[] = [fake, dFake, grad];
      if (gridXy) out.push(tf.sigmoid(this.discriminator.apply(tf.tensor2d(gridXy, [gridXy.length / 2, 2]))));
      if (noiseGrid) out.push(this.generator.apply(tf.tensor2d(noiseGrid.z, [noiseGrid.rows * noiseGrid.cols, this.noiseDim])));
      return out;
    });
    try {
      const values = (await Promise.all(tensors.map((t) => t.data()))) as Float32Array[];
      let i = 3;
      return {
        samples: values[0],
        dAtSamples: values[1],
        grad: values[2],
        grid: gridXy ? values[i++] : null,
        manifold: noiseGrid ? { xy: values[i++], rows: noiseGrid.rows, cols: noiseGrid.cols } : null,
        loss: this.loss,
        dSteps: this.nD,
        gSteps: this.nG,
      };
    } finally {
      for (const t of tensors) t.dispose();
    }
  }

  /** Free the networks, optimiser slots, constants and metrics. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.generator.dispose();
    this.discriminator.dispose();
    this.optG.dispose();
    this.optD.dispose();
    this.constants.dispose();
    this.viewNoiseTensor.dispose();
    this.dLoss.dispose();
    this.gLoss.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('This GAN trainer has been disposed; create a new one to train again.');
  }

  /** Compute a tensor synchronously, read it back asynchronously, free it. */
  private async read(compute: () => Tensor): Promise<Float32Array> {
    this.assertLive();
    const t = tf.tidy(compute);
    try {
      return (await t.data()) as Float32Array;
    } finally {
      t.dispose();
    }
  }
}
