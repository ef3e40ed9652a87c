/** The trainer widget's fixed settings, React-free so the end-to-end tests and the benchmark can use them. */

/** Training points (batches of 200 are drawn from them). */
export const TRAIN_POINTS = 2000;
/** Held-out data: the grey cloud, and what samples are scored against. */
export const EVAL_POINTS = 1000;
/** MMD bandwidth for sample quality: finer than the data's spread, so a blurred mode counts. */
export const QUALITY_H = 0.2;
/** x̂₀ is clipped to ±2.5 when clipping is on: the data lie within ±2. */
export const CLIP_X0 = 2.5;
