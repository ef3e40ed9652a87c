/**
 * The metrics library: a small public API for evaluating generative models on point sets, usable
 * from any notebook page or from Node. Async functions run on the active tfjs backend and read
 * back once; every result carries `warning: string | null`, and impossible inputs throw an Error
 * with a plain message.
 *
 * - FID: `fid`, `frechetDistance`, `frechetDistance2x2` (fid.ts)
 * - KID: `kid`, `cubicKernel` (kid.ts)
 * - Precision/recall (k-NN) and memorisation: `precisionRecall`, `memorisationRatio` (precisionRecall.ts)
 * - Inception Score: `inceptionScore` (inceptionScore.ts)
 * - MMD two-sample test: `mmdPermutationTest` (mmdTest.ts)
 * - Toy-Gaussian widget data: `toyData`, `toyMetricsPanel`, `biasVersusN`, presets (toyGaussians.ts)
 * - Likelihood vs sample quality: `mixtureLikelihoods`, `memorisingKde`, … (likelihood.ts)
 * - NLL, perplexity, bits/dim: `nll`, `renormaliseAfterDrag`, `bitsPerDim`, … (perplexity.ts)
 * - Point sets and helpers: `pointSet`, `fromPoints2D` (common.ts); linear algebra (linalg.ts)
 */
export { pointSet, fromPoints2D, createMetricCache, type PointSet, type MetricResult, type MetricCache, type CacheSource } from './common';
export { traceSqrtProduct2x2, sqrtmNewtonSchulz, traceSqrtProduct, meanAndCovariance } from './linalg';
export { fid, frechetDistance, frechetDistance2x2, type FidOptions, type FrechetResult, type FrechetMethod } from './fid';
export { kid, cubicKernel, defaultSubsetSize, kidSubsets, type KidOptions, type KidResult } from './kid';
export { precisionRecall, memorisationRatio, type PrecisionRecallOptions, type PrecisionRecallResult, type MemorisationOptions, type MemorisationResult } from './precisionRecall';
export { inceptionScore, type InceptionScoreResult } from './inceptionScore';
export { mmdPermutationTest, type MmdTestOptions, type MmdTestResult, type MmdKernel } from './mmdTest';
export {
  TOY_REAL_PRESETS, TOY_DEFAULTS, TOY_PRESETS, TOY_PRESET_NAMES, MEMORISE_NOISE, PANEL_METRICS, TOY_FAILURE_TABLE,
  realMixture, generatedMixture, toyControlsForPreset, toyRealData, toyGeneratedData, toyData, mixturePosterior, toyInceptionScore,
  toyMetricsPanel, toyPanelFlags, toyPerfectFid, TOY_FLAG_RULES, sampleGaussian, expectedFidApprox, biasVersusN,
  type ToyRealPreset, type PanelMetric, type ToyControls, type ToyPresetName, type ToyRealData, type ToyData, type ToyPanel, type PanelEntry, type ToyPanelOptions,
  type BiasVersusN, type BiasVersusNOptions,
} from './toyGaussians';
export {
  PIXEL_STD, ringTemplate, sampleImageData, fitDiagonalGaussian, sampleQ2, mixtureLikelihoods, memorisingKde, MemorisingKde,
  type DiagGaussian, type MixtureLikelihoods, type KdeCurve,
} from './likelihood';
export {
  CAT_SAT_EXAMPLE, renormaliseAfterDrag, nll, perplexityFromNats, perplexityFromBits, sequenceNll, entropy,
  uniformNll, natsToBits, bitsToNats, bitsPerDim, natsPerImage, type NllResult,
} from './perplexity';
