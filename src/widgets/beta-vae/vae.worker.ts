/// <reference lib="webworker" />
/**
 * The β-VAE's training worker: one VaeTrainer and all its tensors live here, so a digits step
 * (20–60 ms on WebAssembly) never holds up the page's frames. It trains only while the page grants
 * it time (the page's TrainingLoop renews the grant every frame while it runs), in chunks of about
 * CHUNK_MS, yielding between chunks to answer calls and hear `setBeta`, `halt` or `dispose`.
 * Protocol: ./protocol.ts.
 */
import { tf } from '../../core/tf';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { DEFAULT_VAE_OPTIONS, TOY_VAE_OPTIONS, VaeTrainer } from '../../core/vae/trainer';
import type { Dataset2D } from '../../core/data2d';
import type { BackendName } from '../../ui/appStore';
import { digitsData, toyData } from './data';
import type { CallName, FromWorker, ToWorker, WorkerInit } from './protocol';

/** Steps run back to back before the worker looks at its messages again. */
const CHUNK_MS = 25;

const scope = self as unknown as DedicatedWorkerGlobalScope;
let trainer: VaeTrainer | null = null;
let grantUntil = 0;
let running: Promise<void> | null = null;

function post(m: FromWorker): void {
  scope.postMessage(m);
}

/** A task boundary without setTimeout's 4 ms clamp, so queued messages are handled. */
function yieldTask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}

async function startBackend(wanted: BackendName): Promise<BackendName> {
  wasm.setWasmPaths({ 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threaded });
  tf.env().set('PROD', true);
  // The page's choice first (WebGL here needs OffscreenCanvas), then the same fallbacks as the page.
  for (const b of [wanted, ...(['wasm', 'cpu'] as const).filter((x) => x !== wanted)]) {
    try {
      if ((await tf.setBackend(b)) && tf.getBackend() === b) {
        await tf.ready();
        return b;
      }
    } catch {
      // try the next backend
    }
  }
  throw new Error('No TensorFlow.js backend could start in the training worker.');
}

async function init(o: WorkerInit): Promise<void> {
  const backend = await startBackend(o.backend);
  const d = o.data.kind === 'digits' ? digitsData(o.data.file) : toyData(o.data.name as Dataset2D, o.data.seed);
  const base = o.data.kind === 'digits' ? DEFAULT_VAE_OPTIONS : TOY_VAE_OPTIONS;
  trainer = new VaeTrainer({ ...base, data: d.train, evaluation: d.evaluation, latentDim: o.latentDim, hidden: [o.hidden], beta: o.beta, seed: o.seed });
  post({ type: 'ready', backend });
}

/** Train while the grant lasts. */
function run(): Promise<void> {
  if (running) return running;
  running = (async () => {
    try {
      while (trainer && performance.now() < grantUntil) {
        const start = performance.now();
        do trainer.step();
        while (performance.now() - start < CHUNK_MS && performance.now() < grantUntil);
        post({ type: 'count', stepCount: trainer.stepCount });
        await yieldTask();
      }
    } finally {
      running = null;
    }
  })();
  return running;
}

/**
 * Answer a call. Results are copied to the page (structured clone), never transferred: on the cpu
 * backend a read-back array can be a view into a tensor's own storage.
 */
async function call(method: CallName, args: unknown[]): Promise<unknown> {
  const t = trainer;
  if (!t) throw new Error('The training worker has no model yet.');
  switch (method) {
    case 'readMetrics': return t.readMetrics();
    case 'evaluate': return t.evaluate();
    case 'posterior': return t.posterior();
    case 'decodeGrid': return t.decodeGrid(args[0] as number, args[1] as number);
    case 'samplePrior': return t.samplePrior(args[0] as number, args[1] as number);
    case 'reconstruct': return t.reconstruct(args[0] as Float32Array);
    case 'steps':
      grantUntil = 0;
      await running;
      for (let i = 0; i < (args[0] as number); i++) t.step();
      return null;
    case 'halt':
      grantUntil = 0;
      await running;
      return null;
    case 'tensors': return tf.memory().numTensors;
  }
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'init':
      init(m.init).catch((err: unknown) => post({ type: 'failed', error: err instanceof Error ? err.message : String(err) }));
      break;
    case 'grant':
      grantUntil = Math.max(grantUntil, performance.now() + m.ms);
      void run();
      break;
    case 'setBeta':
      trainer?.setBeta(m.beta);
      break;
    case 'call':
      call(m.method, m.args)
        .then((result) => post({ type: 'reply', id: m.id, stepCount: trainer?.stepCount ?? 0, result }))
        .catch((err: unknown) => post({ type: 'reply', id: m.id, stepCount: trainer?.stepCount ?? 0, error: err instanceof Error ? err.message : String(err) }));
      break;
    case 'dispose':
      grantUntil = 0;
      void (running ?? Promise.resolve()).then(() => {
        trainer?.dispose();
        trainer = null;
        scope.close();
      });
      break;
  }
};
