/**
 * A variational autoencoder built from two seeded raw-variable MLPs (src/core/models/mlp.ts).
 *
 * Encoder q_φ(z|x) = N(z; μ_φ(x), diag σ²_φ(x)): one MLP maps x ∈ ℝ^D to [μ, log σ²] ∈ ℝ^{2 d_z}.
 * Reparameterised sample z = μ + σ ⊙ ε, ε ∼ N(0, I), σ = exp(½ log σ²).
 * Decoder p_θ(x|z): one MLP maps z to
 *   - Bernoulli: logits l ∈ ℝ^D, p_θ(x|z) = Π_d σ(l_d)^{x_d} (1 − σ(l_d))^{1 − x_d}, so
 *     −log p_θ(x|z) = Σ_d [softplus(l_d) − x_d l_d] (from logits, never log σ(l));
 *   - Gaussian: means m ∈ ℝ^D with a fixed standard deviation s, so
 *     −log p_θ(x|z) = Σ_d (x_d − m_d)²/(2s²) + (D/2) log(2πs²).
 * Prior p(z) = N(0, I). Per example, with one draw of z,
 *   negative ELBO = −log p_θ(x|z) + D_KL(q_φ(z|x) ‖ p(z)),
 * the reconstruction term and the KL term in nats; the β-VAE minimises −log p_θ(x|z) + β·KL.
 *
 * API
 * - `VaeDataset`: rows x (Float32Array, count·dim) with optional labels.
 * - `Likelihood`, `VaeOptions`, `MAX_LATENT_DIM`.
 * - `toyDataset(name, count, seed)`: a 2-D toy set from src/core/data2d.ts as a VaeDataset.
 * - `checkDataset(data, likelihood)`, `checkVaeOptions(options)`: throw a plain message on malformed input.
 * - `class Vae(options)`: `encode(x)`, `decodeOutput(z)`, `decodeMean(z)`, `terms(x, eps)`,
 *   `initDecoderBias(data)`, `variables`, `dispose()`.
 * - `dense(x, w, b, inputGrad?)`, `mlpForward(mlp, x, inputGrad?)`: the forward pass of the shared
 *   Mlp with a hand-written gradient that only uses untransposed matrix products (below).
 */
import { tf, type Scalar, type Tensor1D, type Tensor2D, type Variable } from '../tf';
import { Mlp, activate, type Activation } from '../models/mlp';
import { childSeed } from '../random';
import { sampleDataset, type Dataset2D } from '../data2d';
import { klStdNormalTensor } from './kl';

/** Rows of data as the VAE consumes them. */
export interface VaeDataset {
  /** Rows, row-major: length count·dim. */
  readonly x: Float32Array;
  readonly count: number;
  readonly dim: number;
  /** One label per row (digit class, mixture component, …) for colouring; optional. */
  readonly labels?: Int32Array;
}

/** The decoder's likelihood p_θ(x|z). */
export type Likelihood = 'bernoulli' | 'gaussian';

/** The largest latent dimension the widgets offer. */
export const MAX_LATENT_DIM = 16;

export interface VaeOptions {
  /** Data dimension D. */
  inputDim: number;
  /** Latent dimension d_z, 1 … MAX_LATENT_DIM. */
  latentDim: number;
  /** Hidden layer widths of the encoder; the decoder mirrors them (e.g. [256]). */
  hidden: readonly number[];
  activation: Activation;
  likelihood: Likelihood;
  /** Fixed standard deviation s of the Gaussian decoder (ignored for Bernoulli), data units. */
  decoderStd: number;
  seed: number;
}

/** The per-batch terms of the objective, all averaged over the batch, in nats per example. */
export interface VaeTerms {
  /** Mean of −log p_θ(x|z) over the batch. */
  recon: Scalar;
  /** Mean over the batch of each latent dimension's KL term, [d_z]. */
  klPerDim: Tensor1D;
  /** Σ_j klPerDim_j: the mean of D_KL(q_φ(z|x) ‖ p(z)). */
  kl: Scalar;
}

/**
 * One dense layer x·W + b with its gradient written out: dx = dy·Wᵀ, dW = xᵀ·dy, db = Σ_rows dy.
 * Why: tfjs's automatic gradient of matMul asks for transposed products (matMul(x, dy, true, false)),
 * which the WebAssembly backend computes about 8× slower than a plain product (measured here on the
 * 784×64×128 products of a digits step); transposing explicitly first keeps every product on the
 * fast path. Same values as tf.add(tf.matMul(x, w), b) and its autodiff gradient (tested).
 * With `inputGrad` false, x is treated as data and its gradient (a wasted 784-wide product for the
 * encoder's first layer) is not computed.
 */
export function dense(x: Tensor2D, w: tf.Tensor, b: tf.Tensor, inputGrad = true): Tensor2D {
  if (inputGrad) {
    const op = tf.customGrad(((xi: Tensor2D, wi: Tensor2D, bi: tf.Tensor, save: tf.GradSaveFunc) => {
      save([xi, wi]);
      return {
        value: tf.add(tf.matMul(xi, wi), bi),
        gradFunc: (dy: Tensor2D, saved: tf.Tensor[]) => {
          const [xs, ws] = saved as [Tensor2D, Tensor2D];
          return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy), tf.sum(dy, 0)];
        },
      };
    }) as unknown as CustomGradient);
    return op(x, w, b) as Tensor2D;
  }
  // x is not an input here, so it must be saved explicitly: the tape frees unsaved intermediates.
  const op = tf.customGrad(((wi: Tensor2D, bi: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: tf.add(tf.matMul(x, wi), bi),
      gradFunc: (dy: Tensor2D, saved: tf.Tensor[]) => [tf.matMul(tf.transpose(saved[0] as Tensor2D), dy), tf.sum(dy, 0)],
    };
  }) as unknown as CustomGradient);
  return op(w, b) as Tensor2D;
}

type CustomGradient = Parameters<typeof tf.customGrad>[0];

/** Mlp.apply through `dense`: the same forward values, gradients by untransposed products only. */
export function mlpForward(mlp: Mlp, x: Tensor2D, inputGrad = true): Tensor2D {
  let h: Tensor2D = x;
  const last = mlp.weights.length - 1;
  for (let l = 0; l <= last; l++) {
    h = dense(h, mlp.weights[l], mlp.biases[l], inputGrad || l > 0);
    if (l < last) h = activate(h, mlp.options.activation) as Tensor2D;
  }
  return h;
}

/** A toy 2-D set (src/core/data2d.ts) as rows for the VAE, labels kept for colouring. */
export function toyDataset(name: Dataset2D, count: number, seed: number): VaeDataset {
  if (!Number.isInteger(count) || count < 1) throw new Error(`A toy dataset needs a whole number of points, at least 1 (got ${count}).`);
  const points = sampleDataset(name, count, seed);
  return { x: Float32Array.from(points.xy), count, dim: 2, labels: points.labels };
}

/** Throws a plain-English Error when rows are malformed or do not suit the likelihood. */
export function checkDataset(data: VaeDataset, likelihood: Likelihood): void {
  const { x, count, dim } = data;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(dim) || dim < 1) {
    throw new Error(`A dataset needs at least one row of at least one number (got ${count} rows of ${dim}).`);
  }
  if (x.length !== count * dim) throw new Error(`Expected ${count} rows of ${dim} numbers (${count * dim}), got ${x.length}.`);
  if (data.labels && data.labels.length !== count) throw new Error(`Expected ${count} labels, got ${data.labels.length}.`);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) throw new Error(`Row ${Math.floor(i / dim)} holds a value that is not a finite number.`);
    if (likelihood === 'bernoulli' && (v < 0 || v > 1)) {
      throw new Error(`A Bernoulli decoder needs data in [0, 1], but row ${Math.floor(i / dim)} holds ${v}; use the Gaussian likelihood for such data.`);
    }
  }
}

/** Checks VaeOptions; throws a plain-English Error on the first problem. */
export function checkVaeOptions(o: VaeOptions): void {
  if (!Number.isInteger(o.inputDim) || o.inputDim < 1) throw new Error(`The data dimension must be a positive whole number (got ${o.inputDim}).`);
  if (!Number.isInteger(o.latentDim) || o.latentDim < 1 || o.latentDim > MAX_LATENT_DIM) {
    throw new Error(`The latent dimension must be a whole number from 1 to ${MAX_LATENT_DIM} (got ${o.latentDim}).`);
  }
  if (o.hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new Error(`Hidden layer widths must be positive whole numbers (got ${o.hidden.join(', ')}).`);
  if (o.likelihood === 'gaussian' && !(o.decoderStd > 0 && Number.isFinite(o.decoderStd))) {
    throw new Error(`The Gaussian decoder's standard deviation must be positive (got ${o.decoderStd}).`);
  }
}

export class Vae {
  readonly options: Readonly<VaeOptions>;
  /** x [batch, D] → [μ, log σ²] [batch, 2 d_z]. */
  readonly encoder: Mlp;
  /** z [batch, d_z] → logits (Bernoulli) or means (Gaussian) [batch, D]. */
  readonly decoder: Mlp;
  // −½ D log(2πs²) is constant in the parameters but part of −log p_θ(x|z): keep it so the
  // reported negative ELBO is an honest bound on −log p_θ(x), in nats.
  private readonly gaussianConstant: number;

  constructor(options: VaeOptions) {
    checkVaeOptions(options);
    this.options = { ...options, hidden: [...options.hidden] };
    const { inputDim, latentDim, hidden, activation, seed } = options;
    this.encoder = new Mlp({ sizes: [inputDim, ...hidden, 2 * latentDim], activation, seed: childSeed(seed, 'encoder'), name: 'vae_enc' });
    this.decoder = new Mlp({ sizes: [latentDim, ...[...hidden].reverse(), inputDim], activation, seed: childSeed(seed, 'decoder'), name: 'vae_dec' });
    this.gaussianConstant = 0.5 * inputDim * Math.log(2 * Math.PI * options.decoderStd * options.decoderStd);
  }

  /** Every trainable variable (encoder then decoder). */
  get variables(): Variable[] {
    return [...this.encoder.variables, ...this.decoder.variables];
  }

  /**
   * Start the decoder at the data's mean: its output bias becomes logit(mean) (Bernoulli, mean
   * clamped to [0.001, 0.999] so the logit is finite) or the mean (Gaussian). With z carrying no
   * information yet, this is the best constant decoder, so early steps are spent on the latent code
   * rather than on learning the average image.
   */
  initDecoderBias(data: VaeDataset): void {
    const { x, count, dim } = data;
    if (dim !== this.options.inputDim) throw new Error(`The data has ${dim} columns but the VAE expects ${this.options.inputDim}.`);
    const mean = new Float32Array(dim);
    for (let i = 0; i < count; i++) for (let d = 0; d < dim; d++) mean[d] += x[i * dim + d];
    for (let d = 0; d < dim; d++) {
      const m = mean[d] / count;
      mean[d] = this.options.likelihood === 'bernoulli' ? Math.log(clamp(m) / (1 - clamp(m))) : m;
    }
    tf.tidy(() => this.decoder.biases[this.decoder.biases.length - 1].assign(tf.tensor1d(mean)));
  }

  /** μ_φ(x) and log σ²_φ(x), each [batch, d_z]. */
  encode(x: Tensor2D): { mu: Tensor2D; logVar: Tensor2D } {
    const [mu, logVar] = tf.split(mlpForward(this.encoder, x, false), 2, 1) as [Tensor2D, Tensor2D];
    return { mu, logVar };
  }

  /** The decoder's raw output: logits (Bernoulli) or means (Gaussian), [batch, D]. */
  decodeOutput(z: Tensor2D): Tensor2D {
    return mlpForward(this.decoder, z);
  }

  /** The mean of p_θ(x|z): σ(logits) (pixel probabilities in [0, 1]) or the Gaussian means, [batch, D]. */
  decodeMean(z: Tensor2D): Tensor2D {
    const out = mlpForward(this.decoder, z);
    return this.options.likelihood === 'bernoulli' ? tf.sigmoid(out) : out;
  }

  /**
   * The objective's terms for a batch x [batch, D] with noise eps [batch, d_z] (one z per example):
   * recon = mean of −log p_θ(x|z), klPerDim = batch mean of ½(σ² + μ² − log σ² − 1) per dimension,
   * kl = Σ klPerDim. Differentiable in the encoder and decoder weights. Call inside tf.tidy.
   */
  terms(x: Tensor2D, eps: Tensor2D): VaeTerms {
    const batch = x.shape[0];
    const { mu, logVar } = this.encode(x);
    const sigma = tf.exp(tf.mul(logVar, 0.5));
    const z = tf.add(mu, tf.mul(sigma, eps)) as Tensor2D;
    const out = mlpForward(this.decoder, z);
    let recon: Scalar;
    if (this.options.likelihood === 'bernoulli') {
      recon = tf.mul(tf.sum(tf.sub(tf.softplus(out), tf.mul(x, out))), 1 / batch) as Scalar;
    } else {
      const s = this.options.decoderStd;
      recon = tf.add(tf.mul(tf.sum(tf.squaredDifference(x, out)), 1 / (2 * s * s * batch)), this.gaussianConstant) as Scalar;
    }
    const klPerDim = tf.mean(klStdNormalTensor(mu, logVar, tf.square(sigma)), 0) as Tensor1D;
    return { recon, klPerDim, kl: tf.sum(klPerDim) as Scalar };
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}

function clamp(p: number): number {
  return Math.min(0.999, Math.max(0.001, p));
}
