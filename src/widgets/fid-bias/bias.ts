/**
 * The "bias vs N" view's protocol, React-free so the end-to-end test can recompute what the
 * widget shows: which sample sizes, how many independent draws per size, and their seeds.
 */
import { childSeed } from '../../core/random.ts';
import { cubicFeatureCount, defaultSubsetSize } from '../../core/metrics/kid.ts';

/** Independent draws per sample size: enough to see the scatter, few enough to stay quick. */
export const BIAS_DRAWS = 3;

/** KID subsets per draw in the sweep (the panel uses 20): the sweep evaluates KID 3 × 10 times. */
export const BIAS_KID_SUBSETS = 10;

/**
 * Sample sizes N of the sweep, doubling from 8. While KID's explicit cubic feature map is shorter
 * than a subset (d ≤ 8 up to these sizes), KID costs O(N) and the sweep goes to 4096; beyond that
 * it costs O(N² d) per subset and the sweep stops at 1024 to stay within a second or two.
 */
export function biasSampleSizes(d: number): number[] {
  const cheap = cubicFeatureCount(d) < defaultSubsetSize(1024, 1024);
  const max = cheap ? 4096 : 1024;
  const out: number[] = [];
  for (let n = 8; n <= max; n *= 2) out.push(n);
  return out;
}

/** Seed of draw `draw` (0-based) in the sweep for the widget's seed. */
export function biasDrawSeed(seed: number, draw: number): number {
  return childSeed(seed, `bias-draw-${draw}`);
}
