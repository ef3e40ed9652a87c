/**
 * NLL, perplexity and unit conversions, in plain numbers (no tfjs): the "cat sat on the ___"
 * widget and the bits-per-dimension converter.
 *
 *   NLL of the true word w:  −log q(w) nats = −log₂ q(w) bits,
 *   perplexity:              exp(NLL in nats) = 2^(NLL in bits) = 1/q(w) for one prediction,
 *   a model with perplexity P is as uncertain about what happened as a uniform choice among P
 *   options (uniform over V words: NLL = log V, perplexity V),
 *   bits/dim:                −log p(x) / (D log 2) for x ∈ ℝ^D, plus log₂ 256 = 8 when the density
 *                            is defined on pixels scaled to [0, 1) and the data are 8-bit.
 *
 * Exports:
 * - `CAT_SAT_EXAMPLE`: the notes' example distribution (mat 0.6, floor 0.3, table 0.1).
 * - `renormaliseAfterDrag(probs, index, value)`: set one probability, rescale the rest in proportion.
 * - `nll(probs, trueIndex)`: NLL in nats and bits and the perplexity of one prediction (`NllResult`).
 * - `perplexityFromNats(nats)`, `perplexityFromBits(bits)`: perplexity from a mean NLL.
 * - `sequenceNll(probsOfTruth)`: mean NLL and perplexity of a sequence of predictions.
 * - `entropy(probs)`: H in nats and bits, and its perplexity exp H (effective number of choices).
 * - `uniformNll(V)`: NLL (nats, bits) and perplexity of the uniform distribution over V words.
 * - `natsToBits(x)`, `bitsToNats(x)`.
 * - `bitsPerDim(nllNats, D, levels)`, `natsPerImage(bitsPerDim, D, levels)`: the converter.
 */
import type { MetricResult } from './common';

/** The notes' next-word example: "The cat sat on the ___", true word "mat". */
export const CAT_SAT_EXAMPLE = {
  words: ['mat', 'floor', 'table'],
  probs: [0.6, 0.3, 0.1],
  trueIndex: 0,
} as const;

/** Convert nats to bits (divide by log 2). */
export function natsToBits(nats: number): number {
  return nats / Math.LN2;
}

/** Convert bits to nats (multiply by log 2). */
export function bitsToNats(bits: number): number {
  return bits * Math.LN2;
}

/** Float64 sums of a vocabulary's probabilities are exact to ~1e-12; 1e-9 leaves room for UI rounding. */
const SUM_TOLERANCE = 1e-9;

function checkDistribution(probs: readonly number[]): void {
  if (probs.length === 0) throw new Error('The distribution has no words.');
  let s = 0;
  for (const p of probs) {
    if (!(p >= 0 && p <= 1)) throw new Error(`Probability ${p} is outside [0, 1].`);
    s += p;
  }
  if (Math.abs(s - 1) > SUM_TOLERANCE) throw new Error(`The probabilities sum to ${s}, not 1.`);
}

/**
 * Set word `index` to `value` (clamped to [0, 1]) and rescale every other word by the same
 * factor, (1 − value)/(1 − old), so their proportions are kept and the total stays 1. If the
 * others were all 0 (the dragged word had everything), the freed mass is shared equally.
 *
 * @param probs a distribution over V words. @returns a new array summing to 1.
 */
export function renormaliseAfterDrag(probs: readonly number[], index: number, value: number): number[] {
  checkDistribution(probs);
  if (!Number.isInteger(index) || index < 0 || index >= probs.length) throw new Error(`There is no word ${index}.`);
  const v = Math.min(1, Math.max(0, value));
  if (probs.length === 1) return [1];
  const rest = 1 - probs[index];
  const out = probs.map((p, i) => {
    if (i === index) return v;
    return rest > 0 ? (p * (1 - v)) / rest : (1 - v) / (probs.length - 1);
  });
  // Rounding in the rescale can leave the sum a few ulps from 1; fold it into the largest other word.
  const err = 1 - out.reduce((a, b) => a + b, 0);
  let j = index === 0 ? 1 : 0;
  for (let i = 0; i < out.length; i++) if (i !== index && out[i] > out[j]) j = i;
  out[j] = Math.max(0, out[j] + err);
  return out;
}

export interface NllResult extends MetricResult {
  /** −log q(true word), nats (Infinity if q = 0). */
  readonly nats: number;
  /** −log₂ q(true word), bits. */
  readonly bits: number;
  /** exp(nats) = 1/q: the size of a uniform choice that would be as surprised. */
  readonly perplexity: number;
}

/** NLL and perplexity of one prediction whose true outcome is `trueIndex`. */
export function nll(probs: readonly number[], trueIndex: number): NllResult {
  checkDistribution(probs);
  if (!Number.isInteger(trueIndex) || trueIndex < 0 || trueIndex >= probs.length) throw new Error(`There is no word ${trueIndex}.`);
  const q = probs[trueIndex];
  if (q === 0) {
    return { nats: Infinity, bits: Infinity, perplexity: Infinity, warning: 'The model gives the true word probability 0: its NLL and perplexity are infinite.' };
  }
  const nats = -Math.log(q);
  return { nats, bits: natsToBits(nats), perplexity: 1 / q, warning: null };
}

/** Perplexity exp(NLL) from a mean NLL in nats. */
export function perplexityFromNats(nats: number): number {
  return Math.exp(nats);
}

/** Perplexity 2^NLL from a mean NLL in bits. */
export function perplexityFromBits(bits: number): number {
  return 2 ** bits;
}

/** Mean NLL (nats, bits) and perplexity of predictions that gave the truth these probabilities. */
export function sequenceNll(probsOfTruth: readonly number[]): NllResult {
  if (probsOfTruth.length === 0) throw new Error('There are no predictions to average.');
  let s = 0;
  for (const q of probsOfTruth) {
    if (!(q >= 0 && q <= 1)) throw new Error(`Probability ${q} is outside [0, 1].`);
    if (q === 0) return { nats: Infinity, bits: Infinity, perplexity: Infinity, warning: 'One true word had probability 0: the NLL and perplexity are infinite.' };
    s -= Math.log(q);
  }
  const nats = s / probsOfTruth.length;
  return { nats, bits: natsToBits(nats), perplexity: perplexityFromNats(nats), warning: null };
}

/**
 * Entropy H(q) = −Σ q log q (nats and bits, 0 log 0 = 0) and its perplexity exp H: the expected
 * NLL if the words really followed q, read as an effective number of equally likely words.
 */
export function entropy(probs: readonly number[]): { nats: number; bits: number; perplexity: number } {
  checkDistribution(probs);
  let h = 0;
  for (const p of probs) if (p > 0) h -= p * Math.log(p);
  return { nats: h, bits: natsToBits(h), perplexity: Math.exp(h) };
}

/** The uniform distribution over V words: NLL log V (any true word) and perplexity V. */
export function uniformNll(V: number): { nats: number; bits: number; perplexity: number } {
  if (!Number.isInteger(V) || V < 1) throw new Error(`The vocabulary size must be a positive integer (got ${V}).`);
  const nats = Math.log(V);
  return { nats, bits: natsToBits(nats), perplexity: perplexityFromNats(nats) };
}

/**
 * Bits per dimension from an NLL of `nllNats` nats per image for data with D dimensions:
 * NLL / (D log 2) + log₂(levels). With `levels = 1` (default) the density is taken to be on the
 * data's own scale (e.g. pixels in [0, 256)); with `levels = 256` it is on pixels scaled to
 * [0, 1), and log₂ 256 = 8 bits converts it to the 8-bit scale.
 */
export function bitsPerDim(nllNats: number, D: number, levels = 1): number {
  if (!Number.isInteger(D) || D < 1) throw new Error(`The number of dimensions must be a positive integer (got ${D}).`);
  if (!(levels >= 1)) throw new Error(`The number of levels must be at least 1 (got ${levels}).`);
  return nllNats / (D * Math.LN2) + Math.log2(levels);
}

/** The inverse of `bitsPerDim`: the NLL in nats per image from bits per dimension. */
export function natsPerImage(bitsPerDimension: number, D: number, levels = 1): number {
  if (!Number.isInteger(D) || D < 1) throw new Error(`The number of dimensions must be a positive integer (got ${D}).`);
  if (!(levels >= 1)) throw new Error(`The number of levels must be at least 1 (got ${levels}).`);
  return (bitsPerDimension - Math.log2(levels)) * D * Math.LN2;
}
