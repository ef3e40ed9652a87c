/**
 * The training loop every live model uses. DOM-free: the clock and the frame scheduler are
 * injected, so tests drive it with a fake clock in Node and the browser passes
 * performance.now / requestAnimationFrame.
 *
 * Per animation frame it runs trainer.step() until the frame's budget (about 10 ms) is spent, so
 * the page keeps painting; every `readEvery` steps it reads metrics back asynchronously (never
 * blocking); if the GPU falls behind (a readback still pending after `maxAhead` steps) it waits
 * rather than queueing unbounded work. Non-finite metrics pause the loop with a plain message.
 * Loops register with a coordinator so only one trains at a time, and can be held (off-screen,
 * hidden tab) without losing their place.
 */
import type { Trainer } from './trainer';

export interface Clock {
  now(): number;
  requestFrame(cb: () => void): number;
  cancelFrame(handle: number): void;
}

export type LoopStatus = 'idle' | 'running' | 'held' | 'paused' | 'diverged' | 'done' | 'disposed';

export interface LoopOptions<M extends Record<string, number>> {
  clock: Clock;
  /** Milliseconds of stepping per frame. */
  budgetMs?: number;
  /** Read metrics every this many steps. */
  readEvery?: number;
  /** Stop stepping while a readback issued this many steps ago is still pending. */
  maxAhead?: number;
  /** Stop after this many steps (e.g. a fixed-length demo); Infinity for no limit. */
  maxSteps?: number;
  /** Called with each metrics readback and the step it was taken at. */
  onMetrics?: (metrics: M, step: number) => void;
  /** Called whenever the status changes, with a plain message when there is one to show. */
  onStatus?: (status: LoopStatus, message: string | null) => void;
  /** Called after each frame's work with the number of steps taken (for redraws). */
  onFrame?: (stepsThisFrame: number) => void;
  coordinator?: LoopCoordinator;
}

/** Ensures one loop trains at a time: starting one pauses the others. */
export class LoopCoordinator {
  private active: TrainingLoop<Record<string, number>> | null = null;

  claim(loop: TrainingLoop<Record<string, number>>): void {
    if (this.active && this.active !== loop) this.active.pause('Paused because another widget started training.');
    this.active = loop;
  }

  release(loop: TrainingLoop<Record<string, number>>): void {
    if (this.active === loop) this.active = null;
  }
}

/** The page-wide coordinator used when a loop is not given its own. */
export const pageCoordinator = new LoopCoordinator();

export class TrainingLoop<M extends Record<string, number> = Record<string, number>> {
  private readonly trainer: Trainer<M>;
  private readonly o: Required<Omit<LoopOptions<M>, 'onMetrics' | 'onStatus' | 'onFrame' | 'coordinator'>> & LoopOptions<M>;
  private readonly coordinator: LoopCoordinator;
  private frame: number | null = null;
  private wantRunning = false;
  private readonly holds = new Set<string>();
  private pending: Promise<void> | null = null;
  private pendingSince = 0;
  private lastReadStep = 0;
  private _status: LoopStatus = 'idle';

  constructor(trainer: Trainer<M>, options: LoopOptions<M>) {
    this.trainer = trainer;
    this.o = { budgetMs: 10, readEvery: 20, maxAhead: 200, maxSteps: Infinity, ...options };
    this.coordinator = options.coordinator ?? pageCoordinator;
  }

  get status(): LoopStatus {
    return this._status;
  }

  get steps(): number {
    return this.trainer.stepCount;
  }

  private setStatus(s: LoopStatus, message: string | null = null) {
    if (this._status === 'disposed') return;
    this._status = s;
    this.o.onStatus?.(s, message);
  }

  /** Start (or resume) training. */
  play(): void {
    if (this._status === 'disposed') return;
    this.wantRunning = true;
    this.coordinator.claim(this as unknown as TrainingLoop<Record<string, number>>);
    this.schedule();
    this.setStatus(this.holds.size ? 'held' : 'running');
  }

  /** Pause; an optional message says why (e.g. another widget took over). */
  pause(message: string | null = null): void {
    if (this._status === 'disposed') return;
    this.wantRunning = false;
    this.cancel();
    this.coordinator.release(this as unknown as TrainingLoop<Record<string, number>>);
    if (this._status !== 'diverged' && this._status !== 'done') this.setStatus('paused', message);
  }

  /** Hold for a reason (off-screen, hidden tab) without forgetting that the user pressed Play. */
  hold(reason: string): void {
    this.holds.add(reason);
    this.cancel();
    if (this.wantRunning) this.setStatus('held');
  }

  release(reason: string): void {
    this.holds.delete(reason);
    if (this.wantRunning && this.holds.size === 0) {
      this.schedule();
      this.setStatus('running');
    }
  }

  /** Take n steps now (the Step button), then read metrics. */
  async stepNow(n = 1): Promise<void> {
    if (this._status === 'disposed') return;
    for (let i = 0; i < n; i++) this.trainer.step();
    this.o.onFrame?.(n);
    await this.readMetrics();
  }

  private schedule() {
    if (this.frame !== null || !this.wantRunning || this.holds.size || this._status === 'disposed') return;
    this.frame = this.o.clock.requestFrame(() => {
      this.frame = null;
      this.tick();
    });
  }

  private cancel() {
    if (this.frame !== null) {
      this.o.clock.cancelFrame(this.frame);
      this.frame = null;
    }
  }

  private tick() {
    if (!this.wantRunning || this.holds.size || this._status === 'disposed') return;
    const start = this.o.clock.now();
    let n = 0;
    do {
      // Backpressure: a readback pending for too many steps means the device is behind.
      if (this.pending && this.trainer.stepCount - this.pendingSince >= this.o.maxAhead) break;
      if (this.trainer.stepCount >= this.o.maxSteps) break;
      this.trainer.step();
      n++;
      if (this.trainer.stepCount - this.lastReadStep >= this.o.readEvery && !this.pending) void this.readMetrics();
    } while (this.o.clock.now() - start < this.o.budgetMs);
    this.o.onFrame?.(n);
    if (this.trainer.stepCount >= this.o.maxSteps) {
      this.wantRunning = false;
      void this.readMetrics().then(() => this.setStatus('done'));
      return;
    }
    this.schedule();
  }

  private readMetrics(): Promise<void> {
    if (this.pending) return this.pending;
    const step = this.trainer.stepCount;
    this.pendingSince = step;
    this.lastReadStep = step;
    this.pending = this.trainer
      .readMetrics()
      .then((m) => {
        if (this._status === 'disposed') return;
        const bad = Object.entries(m).find(([, v]) => !Number.isFinite(v));
        if (bad) {
          this.wantRunning = false;
          this.cancel();
          this.setStatus('diverged', `Training stopped at step ${step}: ${bad[0]} became ${bad[1]}. The learning rate is probably too high; reset and try a smaller one.`);
          return;
        }
        this.o.onMetrics?.(m, step);
      })
      .catch((e: unknown) => {
        this.wantRunning = false;
        this.cancel();
        this.setStatus('paused', `Training stopped: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** Stop, wait for any readback in flight, then dispose the trainer. */
  async dispose(): Promise<void> {
    if (this._status === 'disposed') return;
    this.wantRunning = false;
    this.cancel();
    this.coordinator.release(this as unknown as TrainingLoop<Record<string, number>>);
    const inFlight = this.pending;
    this._status = 'disposed';
    if (inFlight) await inFlight.catch(() => undefined);
    this.trainer.dispose();
  }
}

/** The browser clock: performance.now and requestAnimationFrame. */
export function browserClock(): Clock {
  return {
    now: () => performance.now(),
    requestFrame: (cb) => requestAnimationFrame(cb),
    cancelFrame: (h) => cancelAnimationFrame(h),
  };
}
