import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { LoopCoordinator, TrainingLoop, type Clock } from '../../src/core/tf/loop';
import type { Trainer } from '../../src/core/tf/trainer';

/** A fake clock: frames run when the test says so; each step "costs" stepMs of fake time. */
class FakeClock implements Clock {
  t = 0;
  private next = 1;
  private queue = new Map<number, () => void>();
  now() { return this.t; }
  requestFrame(cb: () => void) { const h = this.next++; this.queue.set(h, cb); return h; }
  cancelFrame(h: number) { this.queue.delete(h); }
  get pendingFrames() { return this.queue.size; }
  async frame() {
    const cbs = [...this.queue.values()];
    this.queue.clear();
    cbs.forEach((cb) => cb());
    await new Promise((r) => setTimeout(r, 0)); // let readbacks settle
  }
}

/** A real tfjs trainer: fits w in y = 3x by gradient descent; can be told to blow up. */
class LineTrainer implements Trainer<{ loss: number }> {
  stepCount = 0;
  w = tf.tidy(() => tf.variable(tf.zeros([])));
  private opt: tf.SGDOptimizer;
  private loss: tf.Scalar | null = null;
  private x = tf.tensor1d([1, 2, 3]);
  private y = tf.tensor1d([3, 6, 9]);
  reads = 0;
  constructor(private clock: FakeClock, private stepMs: number, lr = 0.1) { this.opt = tf.train.sgd(lr); }
  step() {
    const l = this.opt.minimize(() => tf.mean(tf.square(tf.sub(tf.mul(this.w, this.x), this.y))), true) as tf.Scalar;
    this.loss?.dispose();
    this.loss = l;
    this.stepCount++;
    this.clock.t += this.stepMs;
  }
  async readMetrics() {
    this.reads++;
    return { loss: this.loss ? (await this.loss.data())[0] : NaN };
  }
  dispose() {
    this.loss?.dispose();
    this.loss = null;
    tf.dispose([this.w, this.x, this.y]);
    this.opt.dispose();
  }
}

describe('TrainingLoop', () => {
  it('spends about its budget per frame, reads back every K steps, and lowers the loss', async () => {
    const clock = new FakeClock();
    const before = tf.memory().numTensors;
    const trainer = new LineTrainer(clock, 1);
    const seen: number[] = [];
    const perFrame: number[] = [];
    const loop = new TrainingLoop(trainer, { clock, budgetMs: 10, readEvery: 5, coordinator: new LoopCoordinator(), onMetrics: (m) => seen.push(m.loss), onFrame: (n) => perFrame.push(n) });
    loop.play();
    for (let i = 0; i < 5; i++) await clock.frame();
    expect(perFrame).toEqual([10, 10, 10, 10, 10]);
    expect(trainer.stepCount).toBe(50);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.at(-1)!).toBeLessThan(seen[0]);
    await loop.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes at least one step even when a step is slower than the budget', async () => {
    const clock = new FakeClock();
    const trainer = new LineTrainer(clock, 50);
    const loop = new TrainingLoop(trainer, { clock, budgetMs: 10, coordinator: new LoopCoordinator() });
    loop.play();
    await clock.frame();
    expect(trainer.stepCount).toBe(1);
    await loop.dispose();
  });

  it('holds off-screen and resumes where it was', async () => {
    const clock = new FakeClock();
    const trainer = new LineTrainer(clock, 1);
    const statuses: string[] = [];
    const loop = new TrainingLoop(trainer, { clock, coordinator: new LoopCoordinator(), onStatus: (s) => statuses.push(s) });
    loop.play();
    await clock.frame();
    loop.hold('offscreen');
    expect(clock.pendingFrames).toBe(0);
    const at = trainer.stepCount;
    await clock.frame();
    expect(trainer.stepCount).toBe(at);
    loop.release('offscreen');
    await clock.frame();
    expect(trainer.stepCount).toBeGreaterThan(at);
    expect(statuses).toContain('held');
    await loop.dispose();
  });

  it('lets one trainer run at a time', async () => {
    const clock = new FakeClock();
    const coordinator = new LoopCoordinator();
    const a = new TrainingLoop(new LineTrainer(clock, 1), { clock, coordinator });
    let message: string | null = null;
    const b = new TrainingLoop(new LineTrainer(clock, 1), { clock, coordinator });
    a.play();
    const aStatus = () => a.status;
    const onStatus = (_s: string, m: string | null) => { message = m; };
    (a as unknown as { o: { onStatus: typeof onStatus } }).o.onStatus = onStatus;
    b.play();
    expect(aStatus()).toBe('paused');
    expect(message).toMatch(/another widget/);
    expect(b.status).toBe('running');
    await a.dispose();
    await b.dispose();
  });

  it('pauses with a plain message when the loss becomes non-finite', async () => {
    const clock = new FakeClock();
    const trainer = new LineTrainer(clock, 1, 10); // lr = 10 diverges
    let msg: string | null = null;
    const loop = new TrainingLoop(trainer, { clock, readEvery: 5, coordinator: new LoopCoordinator(), onStatus: (_s, m) => { if (m) msg = m; } });
    loop.play();
    for (let i = 0; i < 40 && loop.status !== 'diverged'; i++) await clock.frame();
    expect(loop.status).toBe('diverged');
    expect(msg).toMatch(/loss became (NaN|Infinity).*learning rate/);
    const at = trainer.stepCount;
    await clock.frame();
    expect(trainer.stepCount).toBe(at);
    await loop.dispose();
  });

  it('applies backpressure when readbacks lag', async () => {
    const clock = new FakeClock();
    const trainer = new LineTrainer(clock, 1);
    let release!: () => void;
    trainer.readMetrics = () => new Promise((r) => { release = () => r({ loss: 1 }); });
    const loop = new TrainingLoop(trainer, { clock, budgetMs: 100, readEvery: 1, maxAhead: 7, coordinator: new LoopCoordinator() });
    loop.play();
    await clock.frame();
    // the first readback was issued after step 1 and is still pending: at most maxAhead more steps
    expect(trainer.stepCount).toBe(8);
    release();
    await loop.dispose();
  });

  it('stops at maxSteps and disposes only after its readback settles', async () => {
    const clock = new FakeClock();
    const before = tf.memory().numTensors;
    const trainer = new LineTrainer(clock, 1);
    const loop = new TrainingLoop(trainer, { clock, maxSteps: 25, coordinator: new LoopCoordinator() });
    loop.play();
    for (let i = 0; i < 5; i++) await clock.frame();
    expect(trainer.stepCount).toBe(25);
    expect(loop.status).toBe('done');
    await loop.dispose();
    await loop.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
