/**
 * Likelihood versus sample quality: the notes' two counter-examples, with every density exact.
 *
 * The data are D = side² pixel "images" on the [0, 1] scale drawn from
 *   p_data = N(m, s² I),  m = a soft ring (values 0.2 to 0.8),  s = 0.05,
 * so they almost never leave the pixel cube. The models:
 * - q₀: a diagonal Gaussian fitted to training images by maximum likelihood (a good density model);
 * - q₁: white noise, uniform on the pixel cube [0, 1]^D (log q₁ = 0 inside, −∞ outside);
 * - q₂ = α q₀ + (1 − α) q₁: mostly noise when α is small. Since q₁ ≥ 0,
 *     log q₂(x) ≥ log(α q₀(x)) = log q₀(x) + log α,
 *   so q₂ loses at most log₂(1/α)/D bits per dimension against q₀, which vanishes as D grows,
 *   while a fraction 1 − α of its samples are noise. (The notes' "− 2" is log₁₀ 0.01; in nats the
 *   loss is log 100 ≈ 4.6, in bits 6.6.)
 * - the memorising model: a Gaussian KDE q_h(x) = (1/N) Σₙ N(x; xₙ, h² I) on the training set.
 *   As h → 0 its samples are near-copies of training images (perceptually perfect), its training
 *   log-likelihood grows without bound and its test log-likelihood falls without bound.
 *
 * Log-likelihoods are in nats per image; bits/dim use the 8-bit convention of `perplexity.ts`
 * (densities on [0, 1]-scaled pixels, + log₂ 256 = 8), so white noise scores exactly 8 bits/dim.
 *
 * Exports:
 * - `PIXEL_STD`, `ringTemplate(side)`, `sampleImageData(side, n, seed)`: the data distribution.
 * - `DiagGaussian`, `fitDiagonalGaussian(train)`: q₀.
 * - `sampleQ2(q0, alpha, n, seed)`: samples of q₂ with a flag for the ones from q₀.
 * - `mixtureLikelihoods(x, q0, alpha)`: async log q₀, log q₂ per image, means, bits/dim, the bound.
 * - `MemorisingKde`: the KDE's distances kept on the device, `curve(hs)` for any bandwidths.
 * - `memorisingKde(train, test, hs)`: async train and test log-likelihood of the KDE per bandwidth.
 * - `MixtureLikelihoods`, `KdeCurve`: their results.
 */
import { tf, type Tensor2D } from '../tf';
import { mulberry32, normalSampler } from '../random';
import { requirePoints, requireSameDim, rowTiles, toTensor2D, type MetricResult, type PointSet } from './common';
import { squaredDistances } from './linalg';
import { bitsPerDim } from './perplexity';

/** Pixel noise of the data distribution: small enough that 0.2…0.8 stays 4 s inside [0, 1]. */
export const PIXEL_STD = 0.05;

/** 8-bit pixels: the converter's `levels` for densities on [0, 1]-scaled pixels. */
const PIXEL_LEVELS = 256;

/**
 * The mean image m: a soft ring (a "zero") on a side × side grid, 0.2 in the background and
 * 0.8 on the stroke, m(r) = 0.2 + 0.6 exp(−(r − 0.3)² / (2 · 0.08²)) with r the distance from the
 * centre in units of the image width. @returns Float64Array [side²], row-major.
 */
export function ringTemplate(side: number): Float64Array {
  if (!Number.isInteger(side) || side < 1) throw new Error(`The image side must be a positive integer (got ${side}).`);
  const m = new Float64Array(side * side);
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const u = (i + 0.5) / side - 0.5, v = (j + 0.5) / side - 0.5;
      const r = Math.sqrt(u * u + v * v);
      m[i * side + j] = 0.2 + 0.6 * Math.exp(-((r - 0.3) ** 2) / (2 * 0.08 ** 2));
    }
  }
  return m;
}

/** n images from p_data = N(ringTemplate(side), PIXEL_STD² I), seeded; D = side². */
export function sampleImageData(side: number, n: number, seed: number): PointSet {
  if (!Number.isInteger(n) || n < 1) throw new Error(`The number of images must be a positive integer (got ${n}).`);
  const m = ringTemplate(side), D = m.length;
  const normal = normalSampler(mulberry32(seed));
  const data = new Float64Array(n * D);
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) data[i * D + j] = m[j] + PIXEL_STD * normal();
  return { data, n, d: D };
}

/** A Gaussian with diagonal covariance: mean [D] and log-variance [D] (natural log). */
export interface DiagGaussian {
  readonly mean: Float64Array;
  readonly logVar: Float64Array;
}

/**
 * Variance floor for the fit: the variance of uniform dequantisation noise on one 8-bit level,
 * (1/256)²/12. Below it a pixel's spread is finer than the data's own resolution.
 */
const VARIANCE_FLOOR = 1 / (12 * PIXEL_LEVELS * PIXEL_LEVELS);

/**
 * Maximum-likelihood diagonal Gaussian q₀: per-pixel mean and (biased, 1/n) variance, floored at
 * the variance of one dequantised 8-bit level (warns when the floor is used, e.g. n = 1).
 */
export function fitDiagonalGaussian(train: PointSet): DiagGaussian & MetricResult {
  requirePoints(train, 'training');
  const { n, d, data } = train;
  const mean = new Float64Array(d), logVar = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  let floored = 0;
  for (let j = 0; j < d; j++) {
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * d + j] - mean[j]) ** 2 / n;
    if (v < VARIANCE_FLOOR) floored++;
    logVar[j] = Math.log(Math.max(v, VARIANCE_FLOOR));
  }
  return {
    mean, logVar,
    warning: floored ? `${floored} pixel variance${floored === 1 ? ' was' : 's were'} below one 8-bit level and ${floored === 1 ? 'was' : 'were'} raised to it${n === 1 ? ' (a single training image has no spread)' : ''}.` : null,
  };
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha <= 1)) throw new Error(`α must lie in (0, 1] (got ${alpha}); at α = 0 the model is pure noise and the bound says nothing.`);
}

/**
 * n samples of q₂ = α q₀ + (1 − α) Uniform[0, 1]^D: each is drawn from q₀ with probability α,
 * otherwise it is white noise. @returns the images and a 1 for each image that came from q₀.
 */
export function sampleQ2(q0: DiagGaussian, alpha: number, n: number, seed: number): { images: PointSet; fromQ0: Uint8Array } {
  checkAlpha(alpha);
  if (!Number.isInteger(n) || n < 1) throw new Error(`The number of samples must be a positive integer (got ${n}).`);
  const D = q0.mean.length;
  const rng = mulberry32(seed);
  const normal = normalSampler(rng);
  const data = new Float64Array(n * D);
  const fromQ0 = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    fromQ0[i] = rng() < alpha ? 1 : 0;
    for (let j = 0; j < D; j++) data[i * D + j] = fromQ0[i] ? q0.mean[j] + Math.exp(0.5 * q0.logVar[j]) * normal() : rng();
  }
  return { images: { data, n, d: D }, fromQ0 };
}

export interface MixtureLikelihoods extends MetricResult {
  /** log q₀(xᵢ) per image (nats). */
  readonly logQ0: Float32Array;
  /** log q₂(xᵢ) per image (nats). */
  readonly logQ2: Float32Array;
  /** Mean log-likelihoods (nats per image). */
  readonly meanLogQ0: number;
  readonly meanLogQ2: number;
  /** Mean NLL in bits/dim (8-bit convention). */
  readonly bitsPerDimQ0: number;
  readonly bitsPerDimQ2: number;
  /** The bound's worst case, log₂(1/α)/D bits/dim: q₂ can never be worse than q₀ by more. */
  readonly boundBitsPerDim: number;
  /** min over images of log q₂ − (log q₀ + log α), ≥ 0 when the bound holds (nats). */
  readonly minSlack: number;
}

/**
 * Exact log-likelihoods of images under q₀ and q₂ on the device:
 *   log q₀(x) = −½ Σⱼ [log 2π + logVarⱼ + (xⱼ − meanⱼ)² / exp(logVarⱼ)],
 *   log q₂(x) = logsumexp(log α + log q₀(x), log(1 − α) + log q₁(x)), log q₁ = 0 on [0, 1]^D, else −∞.
 */
export async function mixtureLikelihoods(x: PointSet, q0: DiagGaussian, alpha: number): Promise<MixtureLikelihoods> {
  checkAlpha(alpha);
  requirePoints(x, 'test');
  const D = q0.mean.length;
  if (x.d !== D) throw new Error(`The images have ${x.d} pixels but q₀ has ${D}.`);
  const out = tf.tidy(() => {
    const xt = toTensor2D(x);
    const mean = tf.tensor1d(Float32Array.from(q0.mean));
    const logVar = tf.tensor1d(Float32Array.from(q0.logVar));
    const logNorm = tf.mul(tf.add(tf.sum(logVar), D * Math.log(2 * Math.PI)), -0.5);
    const logQ0 = tf.sub(logNorm, tf.mul(tf.sum(tf.div(tf.square(tf.sub(xt, mean)), tf.exp(logVar)), 1), 0.5));
    const inCube = tf.logicalAnd(tf.all(tf.greaterEqual(xt, 0), 1), tf.all(tf.lessEqual(xt, 1), 1));
    const a = tf.add(logQ0, Math.log(alpha));
    const b = tf.where(inCube, tf.fill([x.n], alpha < 1 ? Math.log(1 - alpha) : -Infinity), tf.fill([x.n], -Infinity));
    const m = tf.maximum(a, b);
    const logQ2 = tf.add(m, tf.log(tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(b, m)))));
    // The slack against the same float32 value of log q₀ + log α that log q₂ was built from:
    // max(a, b) ≥ a and log(e^{a−m} + e^{b−m}) ≥ 0, and float32 rounding is monotone, so ≥ 0 exactly.
    return tf.concat([logQ0, logQ2, tf.reshape(tf.min(tf.sub(logQ2, a)), [1])]);
  });
  let v: Float32Array;
  try {
    v = (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
  const logQ0 = v.slice(0, x.n), logQ2 = v.slice(x.n, 2 * x.n), minSlack = v[2 * x.n];
  let s0 = 0, s2 = 0;
  for (let i = 0; i < x.n; i++) {
    s0 += logQ0[i];
    s2 += logQ2[i];
  }
  const meanLogQ0 = s0 / x.n, meanLogQ2 = s2 / x.n;
  return {
    logQ0, logQ2, meanLogQ0, meanLogQ2,
    bitsPerDimQ0: bitsPerDim(-meanLogQ0, D, PIXEL_LEVELS),
    bitsPerDimQ2: bitsPerDim(-meanLogQ2, D, PIXEL_LEVELS),
    boundBitsPerDim: -Math.log2(alpha) / D,
    minSlack, warning: null,
  };
}

export interface KdeCurve extends MetricResult {
  readonly hs: Float64Array;
  /** Mean log q_h over the training images (each image's own kernel included), nats per image. */
  readonly trainLogLik: Float64Array;
  /** Mean log q_h over the test images, nats per image. */
  readonly testLogLik: Float64Array;
  readonly trainBitsPerDim: Float64Array;
  readonly testBitsPerDim: Float64Array;
}

/**
 * The memorising KDE q_h(x) = (1/N) Σₙ N(x; xₙ, h² I) on a training set, scored on the training
 * images themselves and on test images, for any bandwidths h, by an exact log-sum-exp:
 *   log q_h(x) = logsumexp_n(−‖x − xₙ‖² / (2h²)) − log N − (D/2) log(2π h²).
 * The squared distances (train × train and test × train, in tiles of 512 rows) are computed once
 * when the evaluator is built and kept on the device, so a new bandwidth costs O(N²) rather than
 * O(N² D). A training image's distance to itself is set to exactly 0, which float32 expansion
 * would otherwise blur at tiny h. Owns two tensors: call `dispose()`.
 */
export class MemorisingKde {
  readonly D: number;
  readonly N: number;
  private trainDist: Tensor2D;
  private testDist: Tensor2D;
  private freed = false;

  constructor(train: PointSet, test: PointSet) {
    requirePoints(train, 'training');
    requirePoints(test, 'test');
    requireSameDim(train, test);
    const D = train.d, N = train.n;
    this.D = D;
    this.N = N;
    [this.trainDist, this.testDist] = tf.tidy(() => {
      const t0 = toTensor2D(train);
      const centre = tf.mean(t0, 0);
      const t = tf.sub(t0, centre) as Tensor2D;
      const q = tf.sub(toTensor2D(test), centre) as Tensor2D;
      // int32 oneHot then cast: the wasm backend ignores oneHot's dtype argument.
      const offDiagonal = (start: number, size: number) => tf.sub(1, tf.cast(tf.oneHot(tf.range(start, start + size, 1, 'int32'), N), 'float32'));
      const trainDist = tf.concat(rowTiles(N).map(([start, size]) =>
        tf.mul(squaredDistances(tf.slice(t, [start, 0], [size, -1]), t), N > 1 ? offDiagonal(start, size) : 0))) as Tensor2D;
      const testDist = tf.concat(rowTiles(test.n).map(([start, size]) => squaredDistances(tf.slice(q, [start, 0], [size, -1]), t))) as Tensor2D;
      return [trainDist, testDist];
    });
  }

  /**
   * Mean train and test log-likelihood (nats per image) and bits/dim for each bandwidth.
   * @param hs bandwidths in pixel units (> 0). Warns when training bits/dim drop below 0 (a
   *   density spikier than one 8-bit level, which no probability of discrete pixels could match).
   */
  async curve(hs: readonly number[]): Promise<KdeCurve> {
    if (this.freed) throw new Error('This KDE has been disposed.');
    if (hs.length === 0) throw new Error('Give at least one bandwidth.');
    for (const h of hs) if (!(h > 0 && Number.isFinite(h))) throw new Error(`Every bandwidth must be positive (got ${h}).`);
    const { D, N } = this;
    const out = tf.tidy(() => {
      const meanLogLik = (dist: tf.Tensor, h: number) =>
        tf.sub(tf.mean(tf.logSumExp(tf.mul(dist, -1 / (2 * h * h)), 1)), Math.log(N) + 0.5 * D * Math.log(2 * Math.PI * h * h));
      return tf.stack([tf.stack(hs.map((h) => meanLogLik(this.trainDist, h))), tf.stack(hs.map((h) => meanLogLik(this.testDist, h)))]);
    });
    let v: Float32Array;
    try {
      v = (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
    const H = hs.length;
    const trainLogLik = Float64Array.from(v.subarray(0, H)), testLogLik = Float64Array.from(v.subarray(H));
    const trainBitsPerDim = trainLogLik.map((l) => bitsPerDim(-l, D, PIXEL_LEVELS));
    const testBitsPerDim = testLogLik.map((l) => bitsPerDim(-l, D, PIXEL_LEVELS));
    const negative = trainBitsPerDim.some((b) => b < 0);
    return {
      hs: Float64Array.from(hs), trainLogLik, testLogLik, trainBitsPerDim, testBitsPerDim,
      warning: negative ? 'Training bits/dim below 0: the KDE is spikier than one 8-bit pixel level, which no probability of discrete pixels could match; evaluated with dequantisation noise its likelihood would collapse.' : null,
    };
  }

  /** True once `dispose()` has freed the distances. */
  get disposed(): boolean {
    return this.freed;
  }

  dispose(): void {
    this.freed = true;
    this.trainDist.dispose();
    this.testDist.dispose();
  }
}

/**
 * Train and test log-likelihood of the memorising KDE for each bandwidth h in one call (builds a
 * `MemorisingKde`, evaluates, frees it).
 */
export async function memorisingKde(train: PointSet, test: PointSet, hs: readonly number[]): Promise<KdeCurve> {
  const kde = new MemorisingKde(train, test);
  try {
    return await kde.curve(hs);
  } finally {
    kde.dispose();
  }
}
