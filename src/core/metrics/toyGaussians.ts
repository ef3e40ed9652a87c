/**
 * Data and metric panel for the toy-Gaussian evaluation widget.
 *
 * "Real" data is a 2-D Gaussian mixture (the ring of 8 or the grid of 25 from `data2d`). The
 * "generated" data is the same mixture passed through failure controls: a mean shift, a spread
 * factor on every component's standard deviation (blur), a rotation about the origin, dropped
 * modes, weight concentrated on a few modes (mode collapse), and memorisation (copies of the real
 * training points with tiny noise). The Inception Score's classifier is the Bayes posterior over
 * the K components of the real mixture, p(c | x) ∝ w_c N(x; μ_c, σ² I), so IS ∈ [1, K]
 * (see `inceptionScore.ts` for why).
 *
 * The "bias vs N" view draws real and generated sets from the same d-dimensional standard
 * Gaussian, where FID's expectation is positive at every finite N while KID's is exactly 0.
 *
 * Exports:
 * - `ToyRealPreset`, `TOY_REAL_PRESETS`, `realMixture(preset)`: the real mixtures.
 * - `ToyControls`, `TOY_DEFAULTS`: the generated-data controls (all identity by default).
 * - `ToyPresetName`, `TOY_PRESET_NAMES`, `TOY_PRESETS`, `toyControlsForPreset(name, base)`: the
 *   named failure presets.
 * - `PANEL_METRICS`, `PanelMetric`, `TOY_FAILURE_TABLE`: which metric flags which failure (verified
 *   by tests).
 * - `MEMORISE_NOISE`: the copies' noise, as a fraction of the component standard deviation.
 * - `generatedMixture(real, controls)`: the transformed mixture.
 * - `toyRealData(controls)`, `toyGeneratedData(controls, realData)`, `toyData(controls)`: the real
 *   (training) and held-out sets, the generated set on top of them, or both at once (`ToyRealData`,
 *   `ToyData`).
 * - `posteriorOnDevice(points, mixture)`: p(c | x) as an [n, K] tensor (tfjs, inside a tidy).
 * - `mixturePosterior(points, mixture)`: async p(c | x) as a Float32Array [n × K].
 * - `toyInceptionScore(points, mixture)`: async IS of points under the mixture's Bayes classifier.
 * - `toyMetricsPanel(data, options)`: async FID, KID, precision/recall, IS, MMD test, memorisation,
 *   each a `PanelEntry` (a result or a plain message); `ToyPanel`, `ToyPanelOptions`.
 * - `TOY_FLAG_RULES`, `toyPanelFlags(panel, perfectFid)`, `toyPerfectFid(controls, realData)`: when
 *   a metric flags a failure (the criteria behind `TOY_FAILURE_TABLE`).
 * - `sampleGaussian(n, d, seed, mean, std)`: n draws from N(mean·1, std² I_d).
 * - `expectedFidApprox(d, n, shift)`: leading-order E[FID] for two Gaussian samples of size n.
 * - `biasVersusN(options)`: async FID and KID of two same-distribution sets as N grows
 *   (`BiasVersusNOptions`, `BiasVersusN`).
 */
import { tf, type Tensor2D } from '../tf';
import { gridMixture, ringMixture, sampleMixture, type Mixture2D } from '../data2d';
import { childSeed, mulberry32, normalSampler } from '../random';
import { requirePoints, toTensor2D, type MetricCache, type PointSet } from './common';
import { fid, type FidOptions, type FrechetResult } from './fid';
import { entropiesOnDevice, inceptionResult, type InceptionScoreResult } from './inceptionScore';
import { kid, type KidOptions, type KidResult } from './kid';
import { mmdPermutationTest, type MmdTestOptions, type MmdTestResult } from './mmdTest';
import { memorisationRatio, precisionRecall, type MemorisationResult, type PrecisionRecallResult } from './precisionRecall';

export const TOY_REAL_PRESETS = ['ring8', 'grid25'] as const;
export type ToyRealPreset = (typeof TOY_REAL_PRESETS)[number];

/** The real mixture of a preset: the ring of 8 or the 5 × 5 grid, as defined in `data2d`. */
export function realMixture(preset: ToyRealPreset): Mixture2D {
  return preset === 'ring8' ? ringMixture(8) : gridMixture(5);
}

/** The controls of the toy widget. Defaults reproduce the real distribution exactly. */
export interface ToyControls {
  readonly real: ToyRealPreset;
  /** Real (training) sample size; the held-out real set has the same size. */
  readonly nReal: number;
  readonly nGenerated: number;
  readonly seed: number;
  /** Mean shift added to every generated point (data units). */
  readonly shiftX: number;
  readonly shiftY: number;
  /** Factor on every component's standard deviation (1 = real; > 1 blurs). */
  readonly spread: number;
  /** Rotation of the component means about the origin, in degrees. */
  readonly rotation: number;
  /** Number of modes given zero weight (the last ones: an arc of the ring, rows of the grid). */
  readonly dropModes: number;
  /** Fraction of the weight moved onto `collapseModes` modes, in [0, 1] (mode collapse). */
  readonly collapse: number;
  readonly collapseModes: number;
  /** Fraction of generated points that are copies of real training points plus tiny noise. */
  readonly memorise: number;
}

export const TOY_DEFAULTS: ToyControls = {
  real: 'ring8', nReal: 2000, nGenerated: 2000, seed: 1,
  shiftX: 0, shiftY: 0, spread: 1, rotation: 0, dropModes: 0, collapse: 0, collapseModes: 1, memorise: 0,
};

/**
 * Standard deviation of the noise on memorised copies, as a fraction of the component standard
 * deviation. At 0.005 σ a copy sits about 0.007 σ from its source: far inside the k-NN balls of
 * the training points (radius about 0.15 σ at a mode's centre for 2,000 points on the ring), so
 * copies look like perfect samples to every sample-based metric, yet ten times closer to the
 * training set than fresh real points are (their nearest training point is about 0.08 σ away).
 */
export const MEMORISE_NOISE = 0.005;

export const TOY_PRESET_NAMES = ['perfect', 'shifted', 'blurry', 'modeCollapse', 'droppedModes', 'memorised'] as const;
export type ToyPresetName = (typeof TOY_PRESET_NAMES)[number];

/**
 * The named failures. Strengths are chosen to be plainly visible on the ring of 8 (neighbouring
 * modes 1.15 apart, σ = 0.1): a shift of 3σ, a blur to 2.5σ, all the mass on two modes, half the
 * modes missing, every sample a copy. (Partial collapse is subtler than it looks: a few stray
 * points on every mode get large k-NN balls and keep recall high; try the slider.)
 */
export const TOY_PRESETS: Record<ToyPresetName, Partial<ToyControls>> = {
  perfect: {},
  shifted: { shiftX: 0.3 },
  blurry: { spread: 2.5 },
  modeCollapse: { collapse: 1, collapseModes: 2 },
  droppedModes: { dropModes: 4 },
  memorised: { memorise: 1 },
};

/** The panel's metrics, in the order of the failure table's columns. */
export const PANEL_METRICS = ['fid', 'kid', 'precision', 'recall', 'is', 'mmd', 'memorisation'] as const;
export type PanelMetric = (typeof PANEL_METRICS)[number];

/**
 * Which metric flags which failure on the toy data (true: the metric moves clearly the wrong
 * way compared with the perfect model). Every cell is checked by computing the panel for each
 * preset in test/core/metrics-toy.test.ts, with the criteria written there. Note that FID and KID
 * here see raw 2-D coordinates: a Gaussian fit (FID) or third moments (KID) of the whole ring
 * barely change when each mode is blurred; real FID works on classifier features, which do.
 * The memorisation ratio moves both ways: well below 1 for copies of the training set, well above
 * 1 for samples that sit off the data (shifted, blurred); only the first means memorisation.
 */
export const TOY_FAILURE_TABLE: Record<Exclude<ToyPresetName, 'perfect'>, Record<PanelMetric, boolean>> = {
  shifted: { fid: true, kid: true, precision: true, recall: true, is: false, mmd: true, memorisation: true },
  blurry: { fid: false, kid: false, precision: true, recall: false, is: false, mmd: true, memorisation: true },
  modeCollapse: { fid: true, kid: true, precision: false, recall: true, is: true, mmd: true, memorisation: false },
  droppedModes: { fid: true, kid: true, precision: false, recall: true, is: true, mmd: true, memorisation: false },
  memorised: { fid: false, kid: false, precision: false, recall: false, is: false, mmd: false, memorisation: true },
};

/** The controls of a named preset on top of `base` (its failure controls reset to identity). */
export function toyControlsForPreset(name: ToyPresetName, base: ToyControls = TOY_DEFAULTS): ToyControls {
  const { real, nReal, nGenerated, seed } = base;
  return { ...TOY_DEFAULTS, real, nReal, nGenerated, seed, ...TOY_PRESETS[name] };
}

/**
 * The generated mixture: means rotated by `rotation` about the origin and shifted, standard
 * deviation × `spread`, the last `dropModes` weights set to 0, then a fraction `collapse` of the
 * weight moved (evenly) onto the first `collapseModes` remaining modes.
 */
export function generatedMixture(real: Mixture2D, c: ToyControls): Mixture2D {
  const K = real.means.length;
  if (!Number.isInteger(c.dropModes) || c.dropModes < 0 || c.dropModes >= K) {
    throw new Error(`Drop between 0 and ${K - 1} of the ${K} modes (got ${c.dropModes}); at least one must remain.`);
  }
  if (!(c.spread >= 0)) throw new Error(`The spread factor must be ≥ 0 (got ${c.spread}).`);
  if (!(c.collapse >= 0 && c.collapse <= 1)) throw new Error(`The collapse fraction must lie in [0, 1] (got ${c.collapse}).`);
  const kept = K - c.dropModes;
  if (!Number.isInteger(c.collapseModes) || c.collapseModes < 1 || c.collapseModes > kept) {
    throw new Error(`Collapse onto between 1 and ${kept} modes (got ${c.collapseModes}).`);
  }
  const a = (c.rotation * Math.PI) / 180, cos = Math.cos(a), sin = Math.sin(a);
  const means = real.means.map(([x, y]) => [cos * x - sin * y + c.shiftX, sin * x + cos * y + c.shiftY] as [number, number]);
  const w = real.weights.map((wi, i) => (i < kept ? wi : 0));
  const total = w.reduce((s, wi) => s + wi, 0);
  const weights = w.map((wi, i) => (1 - c.collapse) * (wi / total) + (i < c.collapseModes ? c.collapse / c.collapseModes : 0));
  return { means, std: real.std * c.spread, weights };
}

/** The real side of the toy: it depends only on `real`, `nReal` and `seed`. */
export interface ToyRealData {
  /** Real training points (the set memorised copies come from). */
  readonly real: PointSet;
  /** Fresh real points from the same mixture, for the memorisation check. */
  readonly heldOut: PointSet;
  readonly realMixture: Mixture2D;
}

export interface ToyData extends ToyRealData {
  readonly generated: PointSet;
  /** 1 where a generated point is a memorised copy. */
  readonly isCopy: Uint8Array;
  readonly generatedMixture: Mixture2D;
}

/**
 * Draw the real training and held-out sets (seeded). Keep the result while only generated-side
 * controls move: the same arrays let a `MetricCache` skip the real-set work.
 */
export function toyRealData(c: ToyControls): ToyRealData {
  if (!Number.isInteger(c.nReal) || c.nReal < 1) throw new Error(`The real sample size must be a positive integer (got ${c.nReal}).`);
  const rm = realMixture(c.real);
  const real = sampleMixture(rm, c.nReal, childSeed(c.seed, 'real'));
  const heldOut = sampleMixture(rm, c.nReal, childSeed(c.seed, 'held-out'));
  return { real: { data: real.xy, n: c.nReal, d: 2 }, heldOut: { data: heldOut.xy, n: c.nReal, d: 2 }, realMixture: rm };
}

/**
 * Draw the generated set for the controls on top of a real draw (seeded): a fraction `memorise`
 * of copies of real training points (noise MEMORISE_NOISE · σ), the rest from `generatedMixture`.
 */
export function toyGeneratedData(c: ToyControls, realData: ToyRealData): ToyData {
  if (!Number.isInteger(c.nGenerated) || c.nGenerated < 1) throw new Error(`The generated sample size must be a positive integer (got ${c.nGenerated}).`);
  if (!(c.memorise >= 0 && c.memorise <= 1)) throw new Error(`The memorised fraction must lie in [0, 1] (got ${c.memorise}).`);
  const rm = realData.realMixture, real = realData.real;
  const gm = generatedMixture(rm, c);
  const nCopies = Math.round(c.memorise * c.nGenerated);
  const fresh = sampleMixture(gm, c.nGenerated - nCopies, childSeed(c.seed, 'generated'));
  const xy = new Float64Array(2 * c.nGenerated);
  const isCopy = new Uint8Array(c.nGenerated);
  const rng = mulberry32(childSeed(c.seed, 'memorise'));
  const normal = normalSampler(rng);
  const noise = MEMORISE_NOISE * rm.std;
  for (let i = 0; i < nCopies; i++) {
    const src = Math.floor(rng() * real.n);
    xy[2 * i] = real.data[2 * src] + noise * normal();
    xy[2 * i + 1] = real.data[2 * src + 1] + noise * normal();
    isCopy[i] = 1;
  }
  xy.set(fresh.xy, 2 * nCopies);
  return { ...realData, generated: { data: xy, n: c.nGenerated, d: 2 }, isCopy, generatedMixture: gm };
}

/** Draw the real, held-out and generated sets for a set of controls (seeded). */
export function toyData(c: ToyControls): ToyData {
  return toyGeneratedData(c, toyRealData(c));
}

/**
 * Bayes posterior over the mixture's components for each point, by a softmax of the logits
 * log w_c − ‖x − μ_c‖² / (2σ²) (the Gaussian normaliser is shared by all components and cancels).
 * Components with weight 0 get probability 0.
 * @param points [n, 2]. @returns [n, K].
 */
export function posteriorOnDevice(points: Tensor2D, mixture: Mixture2D): Tensor2D {
  const K = mixture.means.length;
  const means = tf.tensor2d(mixture.means.flat(), [K, 2]);
  const logW = tf.tensor1d(mixture.weights.map((w) => (w > 0 ? Math.log(w) : -Infinity)));
  const logits = tf.add(logW, tf.div(squaredDistancesToMeans(points, means), -2 * mixture.std * mixture.std));
  return tf.softmax(logits) as Tensor2D;
}

function squaredDistancesToMeans(points: Tensor2D, means: Tensor2D): Tensor2D {
  // K is small: broadcasting the differences [n, K, 2] is exact and cheap.
  return tf.sum(tf.square(tf.sub(tf.expandDims(points, 1), tf.expandDims(means, 0))), 2) as Tensor2D;
}

function requireClassifiable(mixture: Mixture2D, points: PointSet): void {
  if (points.d !== 2) throw new Error(`The toy classifier works on 2-D points (got d = ${points.d}).`);
  if (!(mixture.std > 0)) throw new Error('The classifier mixture needs a positive standard deviation.');
}

/** p(c | x) for every point under the mixture, as a row-major Float32Array [n × K]. */
export async function mixturePosterior(points: PointSet, mixture: Mixture2D): Promise<Float32Array> {
  requirePoints(points, 'point');
  requireClassifiable(mixture, points);
  const out = tf.tidy(() => posteriorOnDevice(toTensor2D(points), mixture));
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

/** Inception Score of points under the Bayes classifier of `mixture` (the real mixture). */
export async function toyInceptionScore(points: PointSet, mixture: Mixture2D): Promise<InceptionScoreResult> {
  requirePoints(points, 'generated');
  requireClassifiable(mixture, points);
  const out = tf.tidy(() => entropiesOnDevice(posteriorOnDevice(toTensor2D(points), mixture)));
  try {
    const [hm, hc] = await out.data();
    return inceptionResult(hm, hc, mixture.means.length);
  } finally {
    out.dispose();
  }
}

export interface ToyPanelOptions {
  /** Reuse of real-set work between calls (see `MetricCache`). */
  cache?: MetricCache;
  fid?: FidOptions;
  kid?: KidOptions;
  /** k for precision and recall (default 3). */
  k?: number;
  mmd?: MmdTestOptions;
}

/**
 * One entry of the panel: the metric's result, or the plain message explaining why there is
 * none (e.g. k ≥ n for a tiny generated set), so one degenerate metric never blanks the others.
 */
export type PanelEntry<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface ToyPanel {
  readonly fid: PanelEntry<FrechetResult>;
  readonly kid: PanelEntry<KidResult>;
  readonly precisionRecall: PanelEntry<PrecisionRecallResult>;
  readonly inception: PanelEntry<InceptionScoreResult>;
  /** IS of the real training points, the ceiling the generated IS is compared with. */
  readonly inceptionReal: PanelEntry<InceptionScoreResult>;
  readonly mmd: PanelEntry<MmdTestResult>;
  readonly memorisation: PanelEntry<MemorisationResult>;
}

function entry<T>(r: PromiseSettledResult<T>): PanelEntry<T> {
  if (r.status === 'fulfilled') return { ok: true, value: r.value };
  return { ok: false, error: r.reason instanceof Error ? r.reason.message : String(r.reason) };
}

/** Every metric of the panel for one draw of the toy data; each reads back once. */
export async function toyMetricsPanel(data: ToyData, options: ToyPanelOptions = {}): Promise<ToyPanel> {
  const seed = options.kid?.seed ?? 0;
  const [f, k, pr, is, isReal, mmd, mem] = await Promise.allSettled([
    fid(data.real, data.generated, options.fid),
    kid(data.real, data.generated, { seed, cache: options.cache, ...options.kid }),
    precisionRecall(data.real, data.generated, { k: options.k ?? 3, cache: options.cache }),
    toyInceptionScore(data.generated, data.realMixture),
    toyInceptionScore(data.real, data.realMixture),
    mmdPermutationTest(data.real, data.generated, { seed, ...options.mmd }),
    memorisationRatio(data.real, data.heldOut, data.generated, { cache: options.cache }),
  ]);
  return {
    fid: entry(f), kid: entry(k), precisionRecall: entry(pr), inception: entry(is), inceptionReal: entry(isReal),
    mmd: entry(mmd), memorisation: entry(mem),
  };
}

/**
 * When a panel metric "flags" a failure: it moves clearly the wrong way compared with a perfect
 * model of the same real data at the same sample sizes. These are the criteria behind
 * `TOY_FAILURE_TABLE` (checked cell by cell in test/core/metrics-toy.test.ts) and the flags the
 * widget shows live. `perfectFid` is the FID of a perfect model's sample (`toyPerfectFid`): FID is
 * biased upwards, so "high" only means something against that floor.
 */
export const TOY_FLAG_RULES: Record<PanelMetric, string> = {
  fid: 'FID above 10 times that of a perfect model at the same sample sizes (and above 0.02)',
  kid: 'KID more than 3 standard deviations (over subsets) above 0',
  precision: 'precision below 0.8',
  recall: 'recall below 0.8',
  is: 'IS below 0.9 times the IS of the real data',
  mmd: 'the MMD test rejects "same distribution" at level 0.05 (p ≤ 0.05)',
  memorisation: 'memorisation ratio below 0.5 (copies) or above 2 (samples off the data)',
};

/**
 * Which metrics flag a failure (see `TOY_FLAG_RULES`), or null for a metric with no value (not
 * computed yet, or a plain message instead of a number).
 */
export function toyPanelFlags(panel: Partial<ToyPanel>, perfectFid: number | null): Record<PanelMetric, boolean | null> {
  const v = <T>(e: PanelEntry<T> | undefined): T | null => (e && e.ok ? e.value : null);
  const f = v(panel.fid), k = v(panel.kid), pr = v(panel.precisionRecall), is = v(panel.inception);
  const isReal = v(panel.inceptionReal), mmd = v(panel.mmd), mem = v(panel.memorisation);
  return {
    fid: f && perfectFid !== null ? f.fid > 10 * perfectFid && f.fid > 0.02 : null,
    kid: k ? k.kid > 3 * k.std : null,
    precision: pr ? pr.precision < 0.8 : null,
    recall: pr ? pr.recall < 0.8 : null,
    is: is && isReal ? is.is < 0.9 * isReal.is : null,
    mmd: mmd ? mmd.pValue <= 0.05 : null,
    memorisation: mem ? mem.ratio < 0.5 || mem.ratio > 2 : null,
  };
}

/**
 * FID of a perfect model (the real mixture itself, no failure) against the same real training
 * set at the same sample sizes and seed: the floor that FID's upward bias sets, which the FID
 * flag compares with.
 */
export async function toyPerfectFid(c: ToyControls, realData: ToyRealData): Promise<number> {
  const perfect = toyGeneratedData(toyControlsForPreset('perfect', c), realData);
  return (await fid(realData.real, perfect.generated)).fid;
}

/** n draws from N(mean · 1, std² I_d), seeded, as a PointSet. */
export function sampleGaussian(n: number, d: number, seed: number, mean = 0, std = 1): PointSet {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(d) || d < 1) throw new Error(`Need a positive number of points and dimensions (got n = ${n}, d = ${d}).`);
  const normal = normalSampler(mulberry32(seed));
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = mean + std * normal();
  return { data, n, d };
}

export interface BiasVersusNOptions {
  /** Dimension of both Gaussians (the widget offers 2 to 64). */
  d: number;
  /** Sample sizes N (each ≥ 2), used for both sets. */
  ns: readonly number[];
  seed: number;
  /** Mean offset of the generated Gaussian along every axis (0: the same distribution). */
  shift?: number;
  /**
   * KID settings. In high d the cubic kernel has too many features for the O(n) path, so KID
   * costs ~3 n² × subsets multiply-adds per N: fewer subsets keep a sweep to large N responsive.
   */
  kid?: KidOptions;
}

export interface BiasVersusN {
  readonly ns: readonly number[];
  readonly fid: Float64Array;
  readonly kid: Float64Array;
  readonly kidStd: Float64Array;
  /** The population FD the estimates approach as N → ∞: d · shift². */
  readonly fidLimit: number;
  /**
   * Leading-order expectation of the FID estimate at each N (see `expectedFidApprox`), so the
   * view can draw the bias curve beside the samples.
   */
  readonly fidExpected: Float64Array;
  readonly warnings: ReadonlyArray<string | null>;
}

/**
 * Expected FID between two independent size-n samples of N(0, I_d) and N(shift·1, I_d), to
 * leading order in d/n:
 *
 *   E[FID] ≈ d shift² + 2d/n + d(d + 1) / (2(n − 1)).
 *
 * Why: E‖μ̂₁ − μ̂₂‖² = ‖Δμ‖² + 2d/n exactly. Each sample covariance is I + X with
 * E‖X‖²_F = d(d + 1)/(n − 1) (Wishart: Var Σ̂ᵢᵢ = 2/(n − 1), Var Σ̂ᵢⱼ = 1/(n − 1)), and near I the
 * covariance part is ¼‖X₁ − X₂‖²_F to second order (for commuting matrices it is
 * Σ (√a − √b)² ≈ Σ (a − b)²/4), whose expectation is d(d + 1)/(2(n − 1)).
 */
export function expectedFidApprox(d: number, n: number, shift = 0): number {
  return d * shift * shift + (2 * d) / n + (d * (d + 1)) / (2 * (n - 1));
}

/**
 * FID and KID between two independent samples of size N from N(0, I_d) and N(shift·1, I_d), for
 * each N. With shift = 0 both population values are 0: FID stays above 0 (biased upwards, about
 * `expectedFidApprox`) while KID, being unbiased, scatters around 0.
 */
export async function biasVersusN(o: BiasVersusNOptions): Promise<BiasVersusN> {
  const shift = o.shift ?? 0;
  if (!Number.isInteger(o.d) || o.d < 1) throw new Error(`The dimension must be a positive integer (got ${o.d}).`);
  for (const n of o.ns) if (!Number.isInteger(n) || n < 2) throw new Error(`Every sample size needs at least 2 points (got ${n}).`);
  const fidV = new Float64Array(o.ns.length), kidV = new Float64Array(o.ns.length), kidS = new Float64Array(o.ns.length);
  const warnings: Array<string | null> = [];
  for (let i = 0; i < o.ns.length; i++) {
    const n = o.ns[i];
    const a = sampleGaussian(n, o.d, childSeed(o.seed, `bias-real-${n}`));
    const b = sampleGaussian(n, o.d, childSeed(o.seed, `bias-generated-${n}`), shift);
    const [f, k] = await Promise.all([fid(a, b), kid(a, b, { seed: o.seed, ...o.kid })]);
    fidV[i] = f.fid;
    kidV[i] = k.kid;
    kidS[i] = k.std;
    warnings.push(f.warning ?? k.warning);
  }
  return {
    ns: o.ns, fid: fidV, kid: kidV, kidStd: kidS, fidLimit: o.d * shift * shift,
    fidExpected: Float64Array.from(o.ns, (n) => expectedFidApprox(o.d, n, shift)), warnings,
  };
}
