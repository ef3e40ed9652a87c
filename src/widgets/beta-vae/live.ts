/**
 * The β-VAE as the widget drives it: a `LiveVae` is a Trainer for the page's TrainingLoop plus the
 * trainer's views. Normally a `WorkerVae` (training in a Web Worker, so a 20–60 ms digits step never
 * delays a frame); where module workers are unavailable, a `PageVae` wrapping a VaeTrainer on the
 * page's own thread.
 *
 * With a worker, the loop's `step()` is a grant: "keep training for GRANT_MS from now". The loop
 * runs with a zero budget, so it grants once per frame while it plays and stops granting when it
 * pauses, is held (off-screen, hidden tab), yields to another widget or sees a non-finite metric;
 * the worker then stops within GRANT_MS. `halt()` stops it at once (Pause), `stepExactly(n)` takes
 * n steps (the Step button).
 */
import type { Trainer } from '../../core/tf/trainer';
import { tf } from '../../core/tf';
import { DEFAULT_VAE_OPTIONS, TOY_VAE_OPTIONS, VaeTrainer, type VaeEvaluation, type VaeMetrics } from '../../core/vae/trainer';
import type { BackendName } from '../../ui/appStore';
import type { WidgetData } from './data';
import type { CallName, FromWorker, ToWorker, WorkerCalls, WorkerInit } from './protocol';

/** How long one grant lets the worker train: a few frames, so a slow frame does not stall it. */
const GRANT_MS = 200;

export interface LiveVae extends Trainer<VaeMetrics> {
  readonly latentDim: number;
  readonly beta: number;
  /** Where the model trains: 'worker' or 'page', and on which backend. */
  readonly thread: 'worker' | 'page';
  readonly backend: BackendName;
  setBeta(beta: number): void;
  evaluate(): Promise<VaeEvaluation>;
  posterior(): Promise<WorkerCalls['posterior']['result']>;
  decodeGrid(steps: number, extent: number): Promise<WorkerCalls['decodeGrid']['result']>;
  samplePrior(count: number, seed: number): Promise<WorkerCalls['samplePrior']['result']>;
  reconstruct(rows: Float32Array): Promise<WorkerCalls['reconstruct']['result']>;
  /** Exactly n steps now (the Step button), training or not. */
  stepExactly(n: number): Promise<void>;
  /** Stop training in flight at once (Pause); resolves when no step is running. */
  halt(): Promise<void>;
  /** tf.memory().numTensors where the model lives. */
  tensorCount(): Promise<number>;
}

export interface LiveVaeOptions {
  data: WidgetData;
  dataName: string;
  latentDim: number;
  hidden: number;
  beta: number;
  seed: number;
  backend: BackendName;
}

/** The model in a Web Worker. Create with `WorkerVae.start`. */
export class WorkerVae implements LiveVae {
  readonly thread = 'worker' as const;
  readonly latentDim: number;
  private currentBeta: number;
  private count = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private disposed = false;
  private trainedOn: BackendName;

  private constructor(private readonly worker: Worker, init: WorkerInit) {
    this.latentDim = init.latentDim;
    this.currentBeta = init.beta;
    this.trainedOn = init.backend;
  }

  /** Start a worker and build the model there; rejects if the worker or its backend cannot start. */
  static start(o: LiveVaeOptions): Promise<WorkerVae> {
    const init: WorkerInit = {
      backend: o.backend,
      data: o.dataName === 'digits' ? { kind: 'digits', file: o.data.file!.slice(0) } : { kind: 'toy', name: o.dataName, seed: o.seed },
      latentDim: o.latentDim, hidden: o.hidden, beta: o.beta, seed: o.seed,
    };
    const worker = new Worker(new URL('./vae.worker.ts', import.meta.url), { type: 'module', name: 'β-VAE training' });
    const vae = new WorkerVae(worker, init);
    return new Promise<WorkerVae>((resolve, reject) => {
      worker.onerror = (e) => {
        e.preventDefault();
        vae.fail(new Error(`The training worker stopped: ${e.message || 'it could not start'}.`));
        reject(new Error(e.message || 'The training worker could not start.'));
      };
      worker.onmessage = (e: MessageEvent<FromWorker>) => {
        const m = e.data;
        if (m.type === 'ready') {
          vae.trainedOn = m.backend;
          resolve(vae);
        } else if (m.type === 'failed') {
          worker.terminate();
          reject(new Error(m.error));
        } else vae.receive(m);
      };
      worker.postMessage({ type: 'init', init } satisfies ToWorker, init.data.kind === 'digits' ? [init.data.file] : []);
    });
  }

  get backend(): BackendName {
    return this.trainedOn;
  }

  get stepCount(): number {
    return this.count;
  }

  get beta(): number {
    return this.currentBeta;
  }

  /** One frame of the TrainingLoop: keep the worker training a little longer. */
  step(): void {
    if (!this.disposed) this.post({ type: 'grant', ms: GRANT_MS });
  }

  setBeta(beta: number): void {
    this.currentBeta = beta;
    this.post({ type: 'setBeta', beta });
  }

  readMetrics(): Promise<VaeMetrics> { return this.call('readMetrics'); }
  evaluate(): Promise<VaeEvaluation> { return this.call('evaluate'); }
  posterior() { return this.call('posterior'); }
  decodeGrid(steps: number, extent: number) { return this.call('decodeGrid', steps, extent); }
  samplePrior(count: number, seed: number) { return this.call('samplePrior', count, seed); }
  reconstruct(rows: Float32Array) { return this.call('reconstruct', rows); }
  async stepExactly(n: number): Promise<void> { await this.call('steps', n); }
  async halt(): Promise<void> { await this.call('halt'); }
  tensorCount(): Promise<number> { return this.call('tensors'); }

  /** Ends the worker, and with it every tensor it owned. */
  dispose(): void {
    if (this.disposed) return;
    this.post({ type: 'dispose' });
    this.fail(new Error('This VAE trainer has been disposed.'));
    this.worker.terminate();
  }

  private call<K extends CallName>(method: K, ...args: WorkerCalls[K]['args']): Promise<WorkerCalls[K]['result']> {
    if (this.disposed) return Promise.reject(new Error('This VAE trainer has been disposed.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ type: 'call', id, method, args });
    });
  }

  private receive(m: FromWorker): void {
    if (m.type === 'count') this.count = Math.max(this.count, m.stepCount);
    if (m.type !== 'reply') return;
    this.count = Math.max(this.count, m.stepCount);
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result);
  }

  private fail(e: Error): void {
    this.disposed = true;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private post(m: ToWorker): void {
    if (!this.disposed) this.worker.postMessage(m);
  }
}

/** The model on the page's own thread: the fallback where module workers are unavailable. */
export class PageVae implements LiveVae {
  readonly thread = 'page' as const;
  private readonly t: VaeTrainer;

  constructor(o: LiveVaeOptions) {
    const base = o.dataName === 'digits' ? DEFAULT_VAE_OPTIONS : TOY_VAE_OPTIONS;
    this.t = new VaeTrainer({ ...base, data: o.data.train, evaluation: o.data.evaluation, latentDim: o.latentDim, hidden: [o.hidden], beta: o.beta, seed: o.seed });
    this.backend = o.backend;
  }

  readonly backend: BackendName;
  get latentDim(): number { return this.t.latentDim; }
  get beta(): number { return this.t.beta; }
  get stepCount(): number { return this.t.stepCount; }
  step(): void { this.t.step(); }
  setBeta(beta: number): void { this.t.setBeta(beta); }
  readMetrics(): Promise<VaeMetrics> { return this.t.readMetrics(); }
  evaluate(): Promise<VaeEvaluation> { return this.t.evaluate(); }
  posterior() { return this.t.posterior(); }
  decodeGrid(steps: number, extent: number) { return this.t.decodeGrid(steps, extent); }
  samplePrior(count: number, seed: number) { return this.t.samplePrior(count, seed); }
  reconstruct(rows: Float32Array) { return this.t.reconstruct(rows); }
  async stepExactly(n: number): Promise<void> { for (let i = 0; i < n; i++) this.t.step(); }
  async halt(): Promise<void> {}
  async tensorCount(): Promise<number> { return tf.memory().numTensors; }
  dispose(): void { this.t.dispose(); }
}

/** Whether this browser can run the training worker (module workers). */
export function workersAvailable(): boolean {
  return typeof Worker !== 'undefined';
}
