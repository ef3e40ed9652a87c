/**
 * The contract between a model that trains and the training loop that drives it
 * (see `loop.ts`). A trainer owns every tensor it creates: weights, optimiser slots and any
 * cached data; `dispose()` frees all of them.
 */
export interface Trainer<M extends Record<string, number> = Record<string, number>> {
  /**
   * Run one optimisation step (or iteration). Must not read tensors back to the CPU
   * (no `dataSync`/`arraySync`): the loop calls this many times per frame.
   * Implementations wrap their work in `tf.tidy` and keep the latest metrics as scalar tensors.
   */
  step(): void;
  /** Read the latest metrics back asynchronously (`await t.data()`), e.g. `{ loss: 0.3 }`. */
  readMetrics(): Promise<M>;
  /** Number of steps taken since construction or reset. */
  readonly stepCount: number;
  /** Free every tensor this trainer owns. Safe to call twice. */
  dispose(): void;
}
