/**
 * Diffusion models on 2-D toy data: schedules, the forward process, the posterior, the
 * ε-prediction network, its live trainer, DDPM/DDIM samplers and an MMD readout.
 *
 * API (one module each; see their headers)
 * - schedules.ts: `makeSchedule`, `scheduleAt`, `SCHEDULE_KINDS`, `MAX_T`, `MAX_BETA`.
 * - forward.ts: `noiseAt`, `forwardStep`, `iterateForward`, `noiseImage`, `standardNormals`,
 *   `coordinateHistogram`.
 * - posterior.ts: `posteriorMean`, `posteriorVariance`, `x0FromEps`, `meanFromEps`,
 *   `scoreFromEps`, `ddimTimesteps`, `reverseCoefficients`.
 * - model.ts: `DiffusionModel`, `timeEmbedding`, `timeEmbeddingTable`, `arrowGrid`, `DATA_DIM`,
 *   `DEFAULT_HIDDEN`, `DEFAULT_TIME_FREQUENCIES`.
 * - trainer.ts: `DiffusionTrainer`, `DEFAULT_BATCH_SIZE`, `DEFAULT_LEARNING_RATE`, `ADAM_DEFAULTS`.
 * - samplers.ts: `ReverseSampler`, `sample`, `qualityVsSteps`.
 * - tensors.ts: `biasRows`.
 * - views.ts: `DIFFUSION_DATASETS`, `datasetPoints`, `cloudMoments`, `closedFormMoments`,
 *   `ForwardChain`, `qualityStepCounts`, `arrowSegments` (what the widgets show, in float64).
 * - mmd.ts: `gaussianKernelMmd2`, `mmd2ToStandardNormal`.
 * Float64 references for the tests live in ../ref/diffusion.ts.
 */
export * from './schedules';
export * from './forward';
export * from './posterior';
export * from './model';
export * from './trainer';
export * from './samplers';
export * from './mmd';
export * from './tensors';
export * from './views';
