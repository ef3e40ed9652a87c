// Plain helpers behind the evaluation chapter's widgets: how numbers are written on screen, the
// perplexity widget's normalisation of URL values, and the bias widget's sample sizes.
import { describe, expect, it } from 'vitest';
import { fmtCount, fmtFixed, fmtPValue, fmtSig } from '../../src/widgets/metrics-lab/format';
import { normalised, TEST_TEXT } from '../../src/widgets/perplexity/model';
import { biasDrawSeed, biasSampleSizes } from '../../src/widgets/fid-bias/bias';
import { cubicFeatureCount } from '../../src/core/metrics/kid';
import { CAT_SAT_EXAMPLE, sequenceNll } from '../../src/core/metrics/perplexity';

describe('number formats', () => {
  it('never show NaN, use typographic minus signs and keep tiny values readable', () => {
    expect(fmtFixed(NaN)).toBe('—');
    expect(fmtFixed(-Infinity)).toBe('−∞');
    expect(fmtFixed(-0.5111, 3)).toBe('−0.511');
    expect(fmtFixed(1e-6, 3)).toBe('1.00e−6');
    expect(fmtSig(0.0011104)).toBe('0.00111');
    expect(fmtSig(-0.004961)).toBe('−0.00496');
    expect(fmtSig(3.0651)).toBe('3.07');
    expect(fmtSig(NaN)).toBe('—');
    expect(fmtCount(3.0961)).toBe('3.10');
    expect(fmtCount(1 / 0.6)).toBe('1.67');
    expect(fmtCount(50000)).toBe('50,000');
    expect(fmtCount(Infinity)).toBe('∞');
  });

  it('write a p-value at its permutation floor as a bound', () => {
    expect(fmtPValue(1 / 101, 1 / 101)).toBe('≤ 0.0099');
    expect(fmtPValue(0.178, 1 / 101)).toBe('0.178');
    expect(fmtPValue(0.0297, 1 / 101)).toBe('0.030');
    expect(fmtPValue(0.0123 / 2, 1 / 1001)).toBe('0.0062');
  });
});

describe('perplexity widget', () => {
  it('divides URL values by their sum and says so; all zero reads as uniform', () => {
    const chapter = normalised([0.6, 0.3, 0.1]);
    expect(chapter.note).toBeNull();
    chapter.probs.forEach((p, i) => expect(p).toBeCloseTo([0.6, 0.3, 0.1][i], 15));
    const off = normalised([0.6, 0.6, 0.3]);
    expect(off.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    expect(off.probs[0]).toBeCloseTo(0.4, 15);
    expect(off.note).toMatch(/summed to 1\.5/);
    expect(normalised([0, 0, 0]).probs).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it("uses the chapter's four-word text: 1.132 nats, perplexity 3.10", () => {
    const q = (w: string) => CAT_SAT_EXAMPLE.probs[CAT_SAT_EXAMPLE.words.indexOf(w as 'mat')];
    const r = sequenceNll(TEST_TEXT.map(q));
    expect(r.nats.toFixed(3)).toBe('1.132');
    expect(fmtCount(r.perplexity)).toBe('3.10');
  });
});

describe('bias widget', () => {
  it('doubles N from 8, to 4096 while KID is O(N) and to 1024 beyond; seeds differ per draw', () => {
    expect(biasSampleSizes(2)).toEqual([8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]);
    expect(biasSampleSizes(8)[biasSampleSizes(8).length - 1]).toBe(4096);
    expect(cubicFeatureCount(16)).toBeGreaterThan(512);
    expect(biasSampleSizes(16)[biasSampleSizes(16).length - 1]).toBe(1024);
    expect(biasSampleSizes(64)).toEqual([8, 16, 32, 64, 128, 256, 512, 1024]);
    expect(new Set([0, 1, 2].map((i) => biasDrawSeed(1, i))).size).toBe(3);
    expect(biasDrawSeed(2, 0)).not.toBe(biasDrawSeed(1, 0));
  });
});
