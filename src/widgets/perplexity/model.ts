/**
 * Plain helpers of the perplexity widget, React-free so that tests can use them.
 */
import { fmtSig } from '../metrics-lab/format.ts';

/** The chapter's four test sentences that reach this context: the words that actually followed. */
export const TEST_TEXT = ['mat', 'floor', 'mat', 'table'] as const;

/**
 * The distribution the widget shows: the three parameters divided by their sum, so values read
 * from a URL (six significant digits each) still sum to 1 exactly; all zero reads as uniform.
 */
export function normalised(ps: readonly number[]): { probs: number[]; note: string | null } {
  const total = ps.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return { probs: ps.map(() => 1 / ps.length), note: 'All three probabilities were 0; showing the uniform distribution.' };
  return { probs: ps.map((p) => p / total), note: Math.abs(total - 1) > 1e-3 ? `The probabilities summed to ${fmtSig(total, 4)}; they are shown divided by that sum.` : null };
}
