/**
 * One or more GAN runs trained in lockstep, as one `Trainer` for the training loop: the live
 * widget's single run, and its compare mode (a saturating and a non-saturating run built from one
 * seed, so they start from the same weights and see the same batches; only the generator loss
 * differs, and with it everything after the first generator update).
 *
 * API:
 * - `COMPARE_LOSSES`: the losses compare mode puts side by side, saturating first.
 * - `GanRunSetMetrics`: `dLoss0`, `gLoss0` (and `dLoss1`, `gLoss1` in compare mode), `finite`
 *   (1 when every run's losses are finite), `dSteps`, `gSteps`.
 * - `class GanRunSet implements Trainer<GanRunSetMetrics>`: `new GanRunSet(options, losses)`;
 *   `step()`, `stepD()`, `stepG()`, `headStart(n)`, `readMetrics()`, `setLearningRates`, `setK`,
 *   `setLoss` (single run only), `runs`, `losses`, `stepCount`, `dSteps`, `gSteps`, `dispose()`.
 */
import type { Trainer } from '../tf/trainer';
import { GanTrainer, type GanTrainerOptions } from './trainer';
import type { GeneratorLossKind } from './losses';

/** Compare mode: the minimax game's own generator loss beside the non-saturating one. */
export const COMPARE_LOSSES: readonly GeneratorLossKind[] = ['saturating', 'nonSaturating'];

/** Metrics of every run, suffixed by the run's index. */
export interface GanRunSetMetrics extends Record<string, number> {
  /** 1 when every run's losses are finite, 0 once any has diverged. */
  finite: number;
  dSteps: number;
  gSteps: number;
}

export class GanRunSet implements Trainer<GanRunSetMetrics> {
  /** The runs, in the order of `losses`. */
  readonly runs: readonly GanTrainer[];
  private disposed = false;

  /**
   * One GanTrainer per entry of `losses`, all from `options` (same seed, hence the same initial
   * weights and batch stream). One or two runs.
   */
  constructor(options: Omit<GanTrainerOptions, 'loss'>, readonly losses: readonly GeneratorLossKind[]) {
    if (losses.length < 1 || losses.length > 2) throw new Error(`Train one run or compare two (got ${losses.length}).`);
    const runs: GanTrainer[] = [];
    try {
      for (const loss of losses) runs.push(new GanTrainer({ ...options, loss }));
    } catch (e) {
      for (const r of runs) r.dispose();
      throw e;
    }
    this.runs = runs;
  }

  /** Iterations so far: generator updates of the first run (every run has taken the same). */
  get stepCount(): number {
    return this.runs[0].stepCount;
  }

  get dSteps(): number {
    return this.runs[0].dSteps;
  }

  get gSteps(): number {
    return this.runs[0].gSteps;
  }

  /** One iteration (k D updates + 1 G update) in every run. */
  step(): void {
    for (const r of this.runs) r.step();
  }

  /** One discriminator update in every run. */
  stepD(): void {
    for (const r of this.runs) r.stepD();
  }

  /** One generator update in every run. */
  stepG(): void {
    for (const r of this.runs) r.stepG();
  }

  /**
   * n discriminator updates in every run before the generator moves: the discriminator's head
   * start, which makes the theory's premise ("early on, D rejects the fakes confidently") true.
   */
  headStart(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new Error(`The head start must be a whole number of discriminator steps, 0 or more (got ${n}).`);
    for (let i = 0; i < n; i++) this.stepD();
  }

  setLearningRates(rates: { generator?: number; discriminator?: number }): void {
    for (const r of this.runs) r.setLearningRates(rates);
  }

  setK(k: number): void {
    for (const r of this.runs) r.setK(k);
  }

  /** Change the generator loss of a single run (compare mode's losses are fixed). */
  setLoss(kind: GeneratorLossKind): void {
    if (this.runs.length !== 1) throw new Error('Compare mode always compares the saturating and the non-saturating loss.');
    this.runs[0].setLoss(kind);
  }

  async readMetrics(): Promise<GanRunSetMetrics> {
    const all = await Promise.all(this.runs.map((r) => r.readMetrics()));
    const out: GanRunSetMetrics = { finite: all.every((m) => m.finite === 1) ? 1 : 0, dSteps: all[0].dSteps, gSteps: all[0].gSteps };
    all.forEach((m, i) => {
      out[`dLoss${i}`] = m.dLoss;
      out[`gLoss${i}`] = m.gLoss;
    });
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const r of this.runs) r.dispose();
  }
}
