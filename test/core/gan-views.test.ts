import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { GAN_LAB_SETTING, GanTrainer, gridCentres, manifoldNoise, type GanSnapshot, type GanTrainerOptions } from '../../src/core/gan/trainer';
import { COMPARE_LOSSES, GanRunSet } from '../../src/core/gan/runs';
import { CappedHistory, GAN_DATA_POINTS, GAN_DATASETS, ganReadouts, ganTrainingData, mean, meanNorm2D } from '../../src/core/gan/views';
import { DEFAULT_GRID, histogram2D } from '../../src/core/gan/gridDivergence';
import { ringMixture, sampleDataset } from '../../src/core/data2d';

const data = sampleDataset('ring', 200, 7).xy;

function small(over: Partial<GanTrainerOptions> = {}): Omit<GanTrainerOptions, 'loss'> & { loss: GanTrainerOptions['loss'] } {
  return {
    ...GAN_LAB_SETTING,
    data,
    seed: 42,
    generator: { hidden: [5], activation: 'relu' },
    discriminator: { hidden: [6], activation: 'relu' },
    batchSize: 8,
    viewSamples: 16,
    ...over,
  };
}

const owned: { dispose(): void }[] = [];
function own<T extends { dispose(): void }>(t: T): T {
  owned.push(t);
  return t;
}
afterEach(() => {
  for (const t of owned.splice(0)) t.dispose();
});

describe('GanTrainer.snapshot: every view at once', () => {
  it('equals the separate view methods, for both noise dimensions and the chosen loss', async () => {
    for (const [noiseDim, loss] of [[2, 'nonSaturating'], [1, 'saturating'], [2, 'leastSquares']] as const) {
      const t = own(new GanTrainer(small({ noiseDim, loss, noise: noiseDim === 1 ? 'gaussian' : 'uniform' })));
      for (let i = 0; i < 3; i++) t.step();
      const grid = { ...DEFAULT_GRID, bins: 7 };
      const s = await t.snapshot({ grid, manifold: 6 });
      expect(Array.from(s.samples)).toEqual(Array.from(await t.generatedSamples()));
      expect(Array.from(s.dAtSamples)).toEqual(Array.from(await t.discriminate(s.samples)));
      const arrows = await t.generatorGradients();
      expect(Array.from(s.grad)).toEqual(Array.from(arrows.grad));
      expect(Array.from(s.grid!)).toEqual(Array.from(await t.discriminatorGrid(grid)));
      const man = await t.manifold(6);
      expect(s.manifold!.rows).toBe(man.rows);
      expect(Array.from(s.manifold!.xy)).toEqual(Array.from(man.xy));
      expect([s.loss, s.dSteps, s.gSteps]).toEqual([loss, 6, 3]);
    }
  });

  it('skips the heat map and the manifold when asked, and leaks nothing', async () => {
    const t = own(new GanTrainer(small()));
    await t.snapshot();
    const before = tf.memory().numTensors;
    const s = await t.snapshot({ grid: null, manifold: null });
    expect(s.grid).toBeNull();
    expect(s.manifold).toBeNull();
    expect(s.samples.length).toBe(32);
    const full = await t.snapshot();
    expect(full.grid!.length).toBe(40 * 40);
    expect(full.manifold!.xy.length).toBe(2 * 21 * 21);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('grid centres and manifold noise have the documented layout', () => {
    expect(Array.from(gridCentres({ bins: 2, xMin: 0, xMax: 4, yMin: -2, yMax: 2 }))).toEqual([1, -1, 3, -1, 1, 1, 3, 1]);
    expect(() => gridCentres({ bins: 0, xMin: 0, xMax: 1, yMin: 0, yMax: 1 })).toThrow(/whole number/);
    const m = manifoldNoise(2, 'uniform', 3);
    expect([m.rows, m.cols]).toEqual([3, 3]);
    expect(Array.from(m.z.subarray(0, 6))).toEqual([-1, -1, 0, -1, 1, -1]);
    expect(Array.from(manifoldNoise(1, 'gaussian', 3).z)).toEqual([-2, 0, 2]);
    expect(() => manifoldNoise(2, 'uniform', 1)).toThrow(/at least 2/);
  });
});

describe('GanRunSet: one run, or saturating and non-saturating side by side', () => {
  it('compare mode starts both runs identically and they part at the first generator update', async () => {
    const set = own(new GanRunSet(small({ noise: 'gaussian' }), COMPARE_LOSSES));
    const [sat, ns] = set.runs;
    expect(set.losses).toEqual(['saturating', 'nonSaturating']);
    expect(Array.from(await sat.generatedSamples())).toEqual(Array.from(await ns.generatedSamples()));
    // the discriminator loss is the same for both, so D-only steps keep them identical
    set.headStart(3);
    expect([set.dSteps, set.gSteps, set.stepCount]).toEqual([3, 0, 0]);
    expect(Array.from(await sat.discriminatorGrid())).toEqual(Array.from(await ns.discriminatorGrid()));
    // ...but the arrows already differ: the saturating ones are scaled by D/(1 − D) < 1 where D < ½
    const sa = await sat.snapshot({ grid: null, manifold: null }), na = await ns.snapshot({ grid: null, manifold: null });
    expect(meanNorm2D(sa.grad)).not.toBe(meanNorm2D(na.grad));
    set.stepG();
    expect(Array.from(await sat.generatedSamples())).not.toEqual(Array.from(await ns.generatedSamples()));
    set.step();
    expect([set.dSteps, set.gSteps, set.stepCount]).toEqual([5, 2, 2]);
    const m = await set.readMetrics();
    expect(Object.keys(m).sort()).toEqual(['dLoss0', 'dLoss1', 'dSteps', 'finite', 'gLoss0', 'gLoss1', 'gSteps']);
    expect(m.finite).toBe(1);
    expect(m.gLoss0).toBeLessThanOrEqual(0); // the saturating loss log(1 − D) is never positive
    expect(m.gLoss1).toBeGreaterThanOrEqual(0);
    expect(() => set.setLoss('leastSquares')).toThrow(/Compare mode/);
  });

  it('a single run is the plain trainer; live settings reach every run', async () => {
    const set = own(new GanRunSet(small(), ['nonSaturating']));
    const plain = own(new GanTrainer({ ...small(), loss: 'nonSaturating' }));
    for (let i = 0; i < 4; i++) {
      set.step();
      plain.step();
    }
    expect(Array.from(await set.runs[0].generatedSamples())).toEqual(Array.from(await plain.generatedSamples()));
    const m = await set.readMetrics(), p = await plain.readMetrics();
    expect([m.dLoss0, m.gLoss0, m.dSteps, m.gSteps]).toEqual([p.dLoss, p.gLoss, p.dSteps, p.gSteps]);
    set.setLoss('saturating');
    set.setK(3);
    set.setLearningRates({ generator: 0.5, discriminator: 0.25 });
    expect(set.runs[0].settings).toEqual({ loss: 'saturating', k: 3, learningRateG: 0.5, learningRateD: 0.25 });
    const two = own(new GanRunSet(small(), COMPARE_LOSSES));
    two.setK(4);
    two.setLearningRates({ generator: 0.02 });
    for (const r of two.runs) expect([r.settings.k, r.settings.learningRateG]).toEqual([4, 0.02]);
    expect(() => new GanRunSet(small(), [])).toThrow(/one run or compare two/);
    expect(() => set.headStart(-1)).toThrow(/head start/);
  });

  it('reports finite: 0 when either run diverges (the widget then pauses and offers a reset with lower rates)', async () => {
    const set = own(new GanRunSet(small(), COMPARE_LOSSES));
    set.step();
    expect((await set.readMetrics()).finite).toBe(1);
    const w = set.runs[1].discriminator.weights[0];
    w.assign(tf.fill(w.shape, NaN));
    set.step();
    const m = await set.readMetrics();
    expect(m.finite).toBe(0);
    expect(Number.isFinite(m.dLoss0)).toBe(true);
    expect(m.dLoss1).toBeNaN();
  });

  it('keeps the tensor count constant while training and frees everything on dispose', async () => {
    const before = tf.memory().numTensors;
    const set = new GanRunSet(small(), COMPARE_LOSSES);
    set.step();
    await set.readMetrics();
    await set.runs[1].snapshot();
    const during = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) set.step();
    set.headStart(2);
    await set.readMetrics();
    for (const r of set.runs) await r.snapshot();
    expect(tf.memory().numTensors).toBe(during);
    set.dispose();
    set.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('readouts beside the live plot', () => {
  it('mean and mean 2-D length', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNaN();
    expect(meanNorm2D([3, 4, 0, 0, -6, 8])).toBeCloseTo(5, 12);
    expect(meanNorm2D([])).toBeNaN();
  });

  it('samples on the ring modes: all 8 covered, JSD of the binned clouds, mean D and arrow length as given', () => {
    const ring = ringMixture();
    const real = sampleDataset('ring', 4000, 1).xy;
    const fake = Float32Array.from(sampleDataset('ring', 512, 2).xy);
    const snapshot: GanSnapshot = {
      samples: fake, dAtSamples: Float32Array.from({ length: 512 }, (_, i) => (i % 2 ? 0.25 : 0.75)),
      grad: Float32Array.from({ length: 1024 }, (_, i) => (i % 2 ? 0 : 0.5)), grid: null, manifold: null, loss: 'nonSaturating', dSteps: 0, gSteps: 0,
    };
    const r = ganReadouts(real, snapshot, ring);
    expect([r.covered, r.total]).toEqual([8, 8]);
    expect(r.meanD).toBeCloseTo(0.5, 12);
    expect(r.gradNorm).toBeCloseTo(0.5, 12);
    // two samples of the same ring: small but non-zero divergences, and the histogram sums to 1
    expect(r.jsd).toBeGreaterThan(0);
    expect(r.jsd).toBeLessThan(0.1);
    expect(r.pModel.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // passing the data histogram gives the same numbers
    expect(ganReadouts(real, snapshot, ring, histogram2D(real)).jsd).toBe(r.jsd);
  });

  it('every sample on one mode: 1 of 8 covered, and KL(data ‖ model) far above KL(model ‖ data)', () => {
    const ring = ringMixture();
    const real = sampleDataset('ring', 4000, 1).xy;
    const [mx, my] = ring.means[0];
    const fake = Float32Array.from({ length: 1024 }, (_, i) => (i % 2 ? my : mx) + 0.02 * Math.sin(i));
    const snapshot: GanSnapshot = { samples: fake, dAtSamples: new Float32Array(512), grad: new Float32Array(1024), grid: null, manifold: null, loss: 'saturating', dSteps: 0, gSteps: 0 };
    const r = ganReadouts(real, snapshot, ring);
    expect([r.covered, r.total]).toEqual([1, 8]);
    expect(Array.from(r.isCovered!)).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    // mode collapse: the data has 7 modes the model misses (forward KL large); the model's mass is
    // all on a real mode (reverse KL small): the mode-seeking picture of the chapter's table.
    expect(r.klDataModel).toBeGreaterThan(2);
    expect(r.klModelData).toBeLessThan(r.klDataModel / 2);
    expect(ganReadouts(real, snapshot, null).covered).toBeNull();
  });

  it('training sets: the promised size and mixtures, and drawn points are resampled', () => {
    for (const name of GAN_DATASETS) {
      if (name === 'drawn') continue;
      const d = ganTrainingData(name, 3);
      expect(d.xy.length).toBe(2 * GAN_DATA_POINTS);
      expect(d.mixture?.means.length ?? null).toBe(name === 'ring' ? 8 : name === 'grid' ? 25 : null);
    }
    const drawn = ganTrainingData('drawn', 1, [[1, 1], [-1, 0.5]]);
    expect(drawn.xy.length).toBe(2 * GAN_DATA_POINTS);
    for (let i = 0; i < GAN_DATA_POINTS; i++) {
      const near = Math.min(Math.hypot(drawn.xy[2 * i] - 1, drawn.xy[2 * i + 1] - 1), Math.hypot(drawn.xy[2 * i] + 1, drawn.xy[2 * i + 1] - 0.5));
      expect(near).toBeLessThan(0.2);
    }
    expect(() => ganTrainingData('drawn', 1, [])).toThrow(/Draw at least one point/);
  });

  it('the capped history keeps the whole run at an even spacing and never more than its capacity', () => {
    const h = new CappedHistory<number>(8);
    for (let i = 0; i < 100; i++) h.push(i);
    expect(h.points.length).toBeLessThan(8);
    const pts = h.points;
    const gaps = new Set(pts.slice(1).map((p, i) => p - pts[i]));
    expect(gaps.size).toBe(1);
    expect(pts[0]).toBe(0);
    expect(pts[pts.length - 1]).toBeGreaterThan(100 - 2 * [...gaps][0]);
    h.clear();
    h.push(5);
    expect(h.points).toEqual([5]);
    expect(() => new CappedHistory(1)).toThrow();
  });
});
