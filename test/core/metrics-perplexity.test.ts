import { describe, expect, it } from 'vitest';
import {
  bitsPerDim, bitsToNats, CAT_SAT_EXAMPLE, entropy, natsPerImage, natsToBits, nll, perplexityFromBits,
  perplexityFromNats, renormaliseAfterDrag, sequenceNll, uniformNll,
} from '../../src/core/metrics/perplexity';

const sum = (p: readonly number[]) => p.reduce((a, b) => a + b, 0);

describe('NLL and perplexity', () => {
  it('the uniform distribution over V words has perplexity V, by NLL and by entropy', () => {
    for (const V of [1, 2, 6, 10, 50000]) {
      const u = Array.from({ length: V }, () => 1 / V);
      expect(Math.abs(uniformNll(V).perplexity - V)).toBeLessThan(1e-12 * V);
      expect(Math.abs(nll(u, V - 1).perplexity - V)).toBeLessThan(1e-12 * V);
      expect(Math.abs(entropy(u).perplexity - V)).toBeLessThan(1e-9 * V);
      expect(uniformNll(V).bits).toBeCloseTo(Math.log2(V), 12);
    }
  });

  it('the cat example: −log 0.6 = 0.511 nats = 0.737 bits, perplexity 1/0.6', () => {
    const r = nll(CAT_SAT_EXAMPLE.probs, CAT_SAT_EXAMPLE.trueIndex);
    expect(r.nats).toBeCloseTo(0.5108, 4);
    expect(r.bits).toBeCloseTo(0.737, 3);
    expect(r.perplexity).toBeCloseTo(1 / 0.6, 12);
    expect(perplexityFromBits(r.bits)).toBeCloseTo(perplexityFromNats(r.nats), 12);
    expect(nll(CAT_SAT_EXAMPLE.probs, 2).bits).toBeCloseTo(3.32, 2);
  });

  it('a sequence: the chapter’s four predictions average 1.132 nats = 1.633 bits, perplexity 3.10', () => {
    const r = sequenceNll([0.6, 0.3, 0.6, 0.1]);
    expect(r.nats).toBeCloseTo(1.132, 3);
    expect(r.bits).toBeCloseTo(1.633, 3);
    expect(r.perplexity).toBeCloseTo(3.10, 2);
    // perplexity is the geometric mean of 1/q
    expect(r.perplexity).toBeCloseTo((1 / (0.6 * 0.3 * 0.6 * 0.1)) ** 0.25, 12);
  });

  it('entropy of (0.6, 0.3, 0.1) is 0.898 nats, an effective 2.45 words', () => {
    const h = entropy([0.6, 0.3, 0.1]);
    expect(h.nats).toBeCloseTo(0.898, 3);
    expect(h.perplexity).toBeCloseTo(2.45, 2);
    expect(entropy([1, 0, 0]).nats).toBe(0);
  });

  it('a true word with probability 0: infinite NLL with a message, not NaN', () => {
    const r = nll([1, 0], 1);
    expect(r.nats).toBe(Infinity);
    expect(r.warning).toMatch(/probability 0/);
    expect(sequenceNll([0.5, 0]).perplexity).toBe(Infinity);
  });

  it('rejects malformed distributions', () => {
    expect(() => nll([0.5, 0.4], 0)).toThrow(/sum to 0.9/);
    expect(() => nll([], 0)).toThrow(/no words/);
    expect(() => nll([1.2, -0.2], 0)).toThrow(/outside \[0, 1\]/);
    expect(() => nll([0.5, 0.5], 2)).toThrow(/no word 2/);
    expect(() => uniformNll(0)).toThrow(/positive integer/);
    expect(() => sequenceNll([])).toThrow(/no predictions/);
  });
});

describe('dragging a bar keeps the distribution normalised', () => {
  it('sets the dragged word and rescales the others in proportion', () => {
    const p = renormaliseAfterDrag([0.6, 0.3, 0.1], 0, 0.8);
    expect(p[0]).toBe(0.8);
    expect(sum(p)).toBeCloseTo(1, 15);
    expect(p[1] / p[2]).toBeCloseTo(3, 12);
    expect(p[1]).toBeCloseTo(0.15, 12);
  });

  it('clamps to [0, 1], and shares freed mass equally when the others were all 0', () => {
    expect(renormaliseAfterDrag([0.6, 0.3, 0.1], 1, 1.7)).toEqual([0, 1, 0]);
    const z = renormaliseAfterDrag([0.6, 0.3, 0.1], 2, -1);
    expect(z[2]).toBe(0);
    expect(z[0] / z[1]).toBeCloseTo(2, 12);
    const spread = renormaliseAfterDrag([0, 1, 0], 1, 0.4);
    expect(spread[0]).toBeCloseTo(0.3, 12);
    expect(spread[2]).toBeCloseTo(0.3, 12);
    expect(renormaliseAfterDrag([1], 0, 0.3)).toEqual([1]);
  });

  it('stays exactly normalised over many random drags', () => {
    let p = [0.2, 0.2, 0.2, 0.2, 0.2];
    let x = 0.123;
    for (let i = 0; i < 1000; i++) {
      x = (x * 9301 + 0.49297) % 1;
      p = renormaliseAfterDrag(p, i % 5, x);
      expect(Math.abs(sum(p) - 1)).toBeLessThan(1e-12);
      expect(Math.min(...p)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('unit conversions', () => {
  it('nats ↔ bits', () => {
    expect(natsToBits(Math.LN2)).toBeCloseTo(1, 15);
    expect(bitsToNats(natsToBits(3.7))).toBeCloseTo(3.7, 14);
  });

  it('bits/dim: the chapter’s CIFAR and ImageNet numbers, and a round trip', () => {
    expect(bitsPerDim(6500, 3072)).toBeCloseTo(3.05, 2);
    expect(bitsPerDim(30000, 12288)).toBeCloseTo(3.52, 2);
    expect(natsPerImage(3.4, 12288)).toBeCloseTo(28960, -1);
    expect(natsPerImage(bitsPerDim(1234.5, 784, 256), 784, 256)).toBeCloseTo(1234.5, 9);
  });

  it('a density on [0,1]-scaled 8-bit pixels gets + 8 bits/dim; the uniform one scores exactly 8', () => {
    expect(bitsPerDim(0, 3072, 256)).toBe(8);
    expect(bitsPerDim(-1000, 100, 256)).toBeCloseTo(8 - 1000 / (100 * Math.LN2), 12);
    expect(() => bitsPerDim(1, 0)).toThrow(/positive integer/);
    expect(() => bitsPerDim(1, 10, 0.5)).toThrow(/at least 1/);
  });
});
