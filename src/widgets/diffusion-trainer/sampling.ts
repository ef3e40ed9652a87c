/**
 * Sampling spread over animation frames, so the page keeps painting while DDPM takes its thousand
 * steps: each frame advances the sampler for at most a time budget, in chunks sized from the
 * measured cost of a step. React-free; the widget drives it.
 */
import { ReverseSampler, type SampleOptions, type SampleResult } from '../../core/diffusion/samplers';
import type { DiffusionModel } from '../../core/diffusion/model';

export interface TimedSample extends SampleResult {
  /** From the first step to the samples read back, including the frames in between. */
  wallMs: number;
  /** Time spent inside the sampler's steps (dispatch, and the work itself on WASM and CPU). */
  computeMs: number;
  frames: number;
}

export interface FrameSamplingOptions {
  /** Milliseconds of sampling per frame. */
  budgetMs: number;
  /** Stop early (the sampler is disposed and null is returned). */
  cancelled: () => boolean;
  /** After each frame's steps, with the sampler (e.g. to read the moving points now and then). */
  onFrame?: (sampler: ReverseSampler, frame: number) => void;
  /** Wait for the next frame (requestAnimationFrame in the page). */
  nextFrame?: () => Promise<void>;
}

const rafFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/**
 * Run a DDPM or DDIM sampler to the end within `budgetMs` per frame and return its samples and
 * timings, or null when cancelled. The sampler's tensors are freed on every path.
 */
export async function sampleOverFrames(model: DiffusionModel, options: SampleOptions, o: FrameSamplingOptions): Promise<TimedSample | null> {
  const nextFrame = o.nextFrame ?? rafFrame;
  const sampler = new ReverseSampler(model, options);
  const start = performance.now();
  let compute = 0, frames = 0;
  // Cost of one step in ms, learned as it runs (a first chunk of one step measures it).
  let perStep = 0;
  try {
    while (!sampler.done) {
      if (o.cancelled()) return null;
      const frameStart = performance.now();
      do {
        const left = o.budgetMs - (performance.now() - frameStart);
        const k = perStep > 0 ? Math.max(1, Math.floor(left / perStep)) : 1;
        const s0 = performance.now();
        const took = sampler.advance(k);
        const dt = performance.now() - s0;
        if (took > 0) perStep = perStep > 0 ? 0.7 * perStep + 0.3 * (dt / took) : dt / took;
      } while (!sampler.done && performance.now() - frameStart < o.budgetMs * 0.9);
      compute += performance.now() - frameStart;
      frames++;
      o.onFrame?.(sampler, frames);
      if (!sampler.done) await nextFrame();
    }
    if (o.cancelled()) return null;
    const r = await sampler.result();
    return { ...r, wallMs: performance.now() - start, computeMs: compute, frames };
  } finally {
    sampler.dispose();
  }
}
