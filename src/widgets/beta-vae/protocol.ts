/**
 * Messages between the page and the β-VAE training worker (vae.worker.ts). The worker owns the
 * VaeTrainer and every tensor; the page owns the TrainingLoop (play, pause, holds, one trainer at a
 * time, divergence), whose once-a-frame `step()` becomes a grant of training time.
 */
import type { BackendName } from '../../ui/appStore';
import type { VaeEvaluation, VaeMetrics } from '../../core/vae/trainer';

export interface WorkerInit {
  backend: BackendName;
  data: { kind: 'digits'; file: ArrayBuffer } | { kind: 'toy'; name: string; seed: number };
  latentDim: number;
  hidden: number;
  beta: number;
  seed: number;
}

/** Calls that answer with a value; `args` as for the VaeTrainer method of the same name. */
export interface WorkerCalls {
  readMetrics: { args: []; result: VaeMetrics };
  evaluate: { args: []; result: VaeEvaluation };
  posterior: { args: []; result: { mu: Float32Array; sigma: Float32Array; labels: Int32Array; count: number; latentDim: number } };
  decodeGrid: { args: [steps: number, extent: number]; result: { z: Float32Array; x: Float32Array; steps: number; extent: number } };
  samplePrior: { args: [count: number, seed: number]; result: { z: Float32Array; x: Float32Array } };
  reconstruct: { args: [rows: Float32Array]; result: { mu: Float32Array; sigma: Float32Array; x: Float32Array } };
  /** Take exactly n steps now. */
  steps: { args: [n: number]; result: null };
  /** Stop training at once (drop any granted time); answers when no step is running. */
  halt: { args: []; result: null };
  /** tf.memory().numTensors inside the worker. */
  tensors: { args: []; result: number };
}
export type CallName = keyof WorkerCalls;

export type ToWorker =
  | { type: 'init'; init: WorkerInit }
  /** Train until `ms` milliseconds from now (renewed by the loop every frame while it runs). */
  | { type: 'grant'; ms: number }
  | { type: 'setBeta'; beta: number }
  | { type: 'call'; id: number; method: CallName; args: unknown[] }
  | { type: 'dispose' };

export type FromWorker =
  | { type: 'ready'; backend: BackendName }
  | { type: 'failed'; error: string }
  /** The step count, after every chunk of steps. */
  | { type: 'count'; stepCount: number }
  | { type: 'reply'; id: number; stepCount: number; result?: unknown; error?: string };
