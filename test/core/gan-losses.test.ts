import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  createLossConstants, discriminatorLoss, discriminatorLossStacked, generatorLoss, generatorLossPerSample,
  GENERATOR_LOSSES, lossCurves, lossesAt, PROBABILITY_CLAMP,
} from '../../src/core/gan/losses';
import {
  discriminatorLossRef, generatorLossGradRef, generatorLossRef, logit, sigmoid, softplus,
} from '../../src/core/ref/gan';
import { mulberry32, normalSampler } from '../../src/core/random';

/** |x − ref| ≤ rtol·|ref| + atol: float32 keeps about 7 significant digits. */
function expectClose(x: number, ref: number, rtol = 1e-5, atol = 1e-6): void {
  expect(Math.abs(x - ref)).toBeLessThanOrEqual(rtol * Math.abs(ref) + atol);
}

describe('float64 reference helpers', () => {
  it('match the textbook forms where those are safe, and stay finite where they are not', () => {
    for (const a of [-5, -0.3, 0, 0.7, 4]) {
      expect(sigmoid(a)).toBeCloseTo(1 / (1 + Math.exp(-a)), 14);
      expect(softplus(a)).toBeCloseTo(Math.log(1 + Math.exp(a)), 14);
      expect(logit(sigmoid(a))).toBeCloseTo(a, 12);
    }
    // log(1 + e^800) overflows the textbook form; softplus(800) = 800 to double precision
    expect(softplus(800)).toBe(800);
    expect(softplus(-800)).toBe(0);
    expect(sigmoid(-800)).toBe(0);
    expect(generatorLossRef(-800, 'nonSaturating')).toBe(800);
  });

  it('have the closed-form gradients (checked by central differences)', () => {
    for (const kind of GENERATOR_LOSSES) {
      for (const a of [-6, -1, 0, 0.5, 3]) {
        const h = 1e-5;
        const fd = (generatorLossRef(a + h, kind) - generatorLossRef(a - h, kind)) / (2 * h);
        expect(generatorLossGradRef(a, kind)).toBeCloseTo(fd, 8);
      }
    }
  });
});

describe('lossCurves (tfjs autodiff) against the closed forms', () => {
  it('on the logit axis, from −20 to 20', () => {
    const xs = Array.from({ length: 81 }, (_, i) => -20 + i * 0.5);
    const c = lossCurves(xs, 'logit');
    expect(c.warning).toBeUndefined();
    xs.forEach((a, i) => {
      expectClose(c.logit[i], a);
      expectClose(c.probability[i], sigmoid(a), 1e-5, 1e-7);
      expectClose(c.saturating[i], -softplus(a));
      expectClose(c.nonSaturating[i], softplus(-a));
      expectClose(c.leastSquares[i], 0.5 * (a - 1) ** 2);
      // the gradients the chapter derives: −σ(a), −(1 − σ(a)), a − 1
      expectClose(c.gradSaturating[i], -sigmoid(a), 1e-5, 1e-7);
      expectClose(c.gradNonSaturating[i], -(1 - sigmoid(a)), 1e-5, 1e-7);
      expectClose(c.gradLeastSquares[i], a - 1);
    });
  });

  it('on the probability axis: log(1 − D), −log D and the stall of the saturating gradient', () => {
    const ds = [1e-6, 1e-3, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999];
    const c = lossCurves(ds, 'probability');
    ds.forEach((d, i) => {
      expectClose(c.probability[i], d, 1e-5, 1e-9);
      expectClose(c.saturating[i], Math.log1p(-d), 1e-5, 1e-7);
      expectClose(c.nonSaturating[i], -Math.log(d), 1e-5, 1e-7);
      expectClose(c.gradSaturating[i], -d, 1e-5, 1e-9);
      expectClose(c.gradNonSaturating[i], -(1 - d), 1e-5, 1e-9);
    });
    // when D rejects the fake (D = 1e-3) the saturating gradient is 1000× weaker than the other
    expect(c.gradNonSaturating[1] / c.gradSaturating[1]).toBeCloseTo(999, 0);
  });

  it('moves D = 0 and D = 1 in with a warning, and rejects non-probabilities', () => {
    const c = lossCurves([0, 0.5, 1], 'probability');
    expect(c.warning).toMatch(/2 points/);
    expect(c.logit[0]).toBeCloseTo(logit(PROBABILITY_CLAMP), 4);
    expect(c.logit[2]).toBeCloseTo(-logit(PROBABILITY_CLAMP), 4);
    for (const arr of Object.values(c)) if (arr instanceof Float32Array) for (const v of arr) expect(Number.isFinite(v)).toBe(true);
    expect(() => lossCurves([1.2], 'probability')).toThrow(/between 0 and 1/);
    expect(() => lossCurves([Number.NaN], 'logit')).toThrow(/finite/);
    expect(() => lossCurves([], 'logit')).toThrow(/at least one/);
  });

  it('lossesAt reads out one point, the same as the curve', () => {
    const p = lossesAt(0.2, 'probability');
    expectClose(p.saturating, Math.log(0.8));
    expectClose(p.nonSaturating, -Math.log(0.2));
    expectClose(p.gradSaturating, -0.2);
    expectClose(p.gradNonSaturating, -0.8);
    expectClose(p.leastSquares, 0.5 * (logit(0.2) - 1) ** 2);
    expect(p.warning).toBeUndefined();
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    lossCurves([0.1, 0.5], 'probability');
    lossesAt(-3, 'logit');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('batch losses against the float64 reference', () => {
  const rng = mulberry32(11);
  const normal = normalSampler(rng);
  // logits from moderate to extreme: ±60 would overflow log(σ) written naively in float32
  const real = Array.from({ length: 32 }, (_, i) => (i < 2 ? [60, -60][i] : 4 * normal()));
  const fake = Array.from({ length: 32 }, (_, i) => (i < 2 ? [-60, 60][i] : 4 * normal()));

  it('generator losses are the batch means of the per-sample losses', () => {
    for (const kind of GENERATOR_LOSSES) {
      const [mean, per] = tf.tidy(() => {
        const a = tf.tensor2d(fake, [32, 1]);
        return [generatorLoss(a, kind).dataSync()[0], generatorLossPerSample(a, kind).dataSync()];
      });
      const ref = fake.reduce((s, a) => s + generatorLossRef(a, kind), 0) / fake.length;
      expectClose(mean, ref);
      fake.forEach((a, i) => expectClose(per[i], generatorLossRef(a, kind)));
      expect(Number.isFinite(mean)).toBe(true);
    }
  });

  it('discriminator losses, separate and stacked, match the reference', () => {
    const c = createLossConstants(32);
    for (const kind of GENERATOR_LOSSES) {
      const [sep, stacked] = tf.tidy(() => {
        const r = tf.tensor2d(real, [32, 1]), f = tf.tensor2d(fake, [32, 1]);
        return [discriminatorLoss(r, f, kind).dataSync()[0], discriminatorLossStacked(tf.concat([r, f], 0), kind, c).dataSync()[0]];
      });
      const ref = discriminatorLossRef(real, fake, kind);
      expectClose(sep, ref);
      expectClose(stacked, ref);
    }
    c.dispose();
  });

  it('the D loss at D ≡ ½ is 2 log 2 (the value at the game\'s equilibrium)', () => {
    const v = tf.tidy(() => discriminatorLoss(tf.zeros([8, 1]), tf.zeros([8, 1]), 'nonSaturating').dataSync()[0]);
    expectClose(v, 2 * Math.LN2);
  });

  it('createLossConstants rejects a bad batch size and frees what it made', () => {
    expect(() => createLossConstants(0)).toThrow(/batch size/);
    const before = tf.memory().numTensors;
    createLossConstants(4).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
