/**
 * Shared plumbing of the metrics library: the point-set type every metric takes, input checks
 * with plain-English messages, seeded index sampling, and the row tiling that keeps N × N work
 * on the device in bounded memory.
 *
 * Exports:
 * - `PointSet`: n points in d dimensions, row-major.
 * - `pointSet(data, d)`: wrap a flat array as a PointSet (checks length and finiteness).
 * - `fromPoints2D(p)`: view a `data2d` sample as a PointSet with d = 2.
 * - `requirePoints(p, what, min)`: throw a plain message if a set has fewer than `min` points.
 * - `requireSameDim(a, b)`: throw if two sets live in different dimensions.
 * - `toTensor2D(p)`: upload a PointSet as a float32 [n, d] tensor (the caller owns it).
 * - `sampleWithoutReplacement(n, m, rng)`: m distinct indices from 0..n−1 (partial Fisher–Yates).
 * - `rowTiles(n, tile)`: [start, size] pairs covering 0..n−1.
 * - `TILE_ROWS`: rows per tile for N × N work (512).
 * - `TILE_ELEMENTS`, `tileRowsFor(cols)`: rows per tile from an element budget (k-NN work).
 * - `MetricResult`: the `{ warning }` field every result carries.
 * - `joinWarnings(...ws)`: join non-null warnings into one message.
 * - `MetricCache`, `createMetricCache()`, `cacheGet`, `cachePut`, `CacheSource`: reuse of work that
 *   depends only on the real set(s) (k-NN radii, KID's real-real sums, the held-out points'
 *   distances to the training set) while only the generated set changes.
 */
import { tf, type Tensor2D } from '../tf';
import type { Points2D } from '../data2d';
import type { Rng } from '../random';

/** n points in d dimensions stored row-major: `data[i * d + j]` is coordinate j of point i. */
export interface PointSet {
  readonly data: Float32Array | Float64Array;
  readonly n: number;
  readonly d: number;
}

/** Every metric result carries a warning: `null`, or a sentence to show beside the number. */
export interface MetricResult {
  readonly warning: string | null;
}

/**
 * Rows per tile for pairwise (N × N) work. A 512 × N float32 tile is 4 MB at N = 2,000, small
 * enough for any WebGL texture budget, and 512 rows keep the number of dispatched ops low.
 */
export const TILE_ROWS = 512;

/** Wrap a flat row-major array of points in dimension d; throws on ragged or non-finite data. */
export function pointSet(data: Float32Array | Float64Array, d: number): PointSet {
  if (!Number.isInteger(d) || d < 1) throw new Error(`The dimension must be a positive integer (got ${d}).`);
  if (data.length % d !== 0) throw new Error(`The data length ${data.length} is not a multiple of the dimension ${d}.`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new Error(`Coordinate ${i % d} of point ${Math.floor(i / d)} is not a finite number.`);
  }
  return { data, n: data.length / d, d };
}

/** View a 2-D toy sample (`data2d`) as a PointSet with d = 2 (no copy). */
export function fromPoints2D(p: Points2D): PointSet {
  return { data: p.xy, n: p.labels.length, d: 2 };
}

/** Throw a plain message when a set is too small for a metric (`what` names the set). */
export function requirePoints(p: PointSet, what: string, min = 1): void {
  if (p.n === 0) throw new Error(`The ${what} set is empty.`);
  if (p.n < min) throw new Error(`The ${what} set has ${p.n} point${p.n === 1 ? '' : 's'}; this needs at least ${min}.`);
}

/** Throw when two sets have different dimensions. */
export function requireSameDim(a: PointSet, b: PointSet): void {
  if (a.d !== b.d) throw new Error(`The two sets have different dimensions (${a.d} and ${b.d}).`);
}

/** Upload a PointSet as a float32 tensor of shape [n, d]. The caller owns (and disposes) it. */
export function toTensor2D(p: PointSet): Tensor2D {
  return tf.tensor2d(p.data instanceof Float32Array ? p.data : Float32Array.from(p.data), [p.n, p.d]);
}

/** m distinct indices drawn uniformly from 0..n−1 by a partial Fisher–Yates shuffle, O(n). */
export function sampleWithoutReplacement(n: number, m: number, rng: Rng): Int32Array {
  if (m > n) throw new Error(`Cannot draw ${m} distinct indices from ${n}.`);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng() * (n - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, m);
}

/**
 * Elements per tile for pairwise work whose rows are all compared with every column: 2²² float32
 * values (16 MB), within any WebGL texture budget. At N = 2,000 a whole N × N matrix fits in one
 * tile, which saves the per-tile ops (slices, partial reductions, accumulations) that dominate on
 * WebAssembly at these sizes.
 */
export const TILE_ELEMENTS = 1 << 22;

/** Rows per tile when each row meets `cols` columns: as many as fit in TILE_ELEMENTS, at least 1. */
export function tileRowsFor(cols: number): number {
  return Math.max(1, Math.floor(TILE_ELEMENTS / Math.max(1, cols)));
}

/** Consecutive [start, size] row blocks of at most `tile` rows covering 0..n−1. */
export function rowTiles(n: number, tile = TILE_ROWS): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += tile) out.push([s, Math.min(tile, n - s)]);
  return out;
}

/** Join non-null warnings into one message (or null). */
export function joinWarnings(...ws: Array<string | null | undefined>): string | null {
  const kept = ws.filter((w): w is string => !!w);
  return kept.length ? kept.join(' ') : null;
}

/**
 * Plain-number results of work that depends only on one point set (typically the real set),
 * kept between calls so that moving a control that changes only the generated set does not
 * redo it. An entry is used only while the same data array (by identity) is passed with the
 * same parameters, so treat point arrays as immutable: build a new array for new data. Holds no
 * tensors; keep one per widget instance (e.g. in a React ref), not in a store.
 */
export interface MetricCache {
  readonly entries: Map<string, { readonly sources: ReadonlyArray<PointSet['data']>; readonly value: Float32Array }>;
}

/** The data array(s) a cached value was computed from: one set, or several (all must match). */
export type CacheSource = PointSet['data'] | ReadonlyArray<PointSet['data']>;

function sourceList(source: CacheSource): ReadonlyArray<PointSet['data']> {
  return Array.isArray(source) ? source : [source as PointSet['data']];
}

export function createMetricCache(): MetricCache {
  return { entries: new Map() };
}

/** The cached value for `key` computed from `source` (every array the same object), or null. */
export function cacheGet(cache: MetricCache | undefined, key: string, source: CacheSource): Float32Array | null {
  const e = cache?.entries.get(key);
  if (!e) return null;
  const wanted = sourceList(source);
  return e.sources.length === wanted.length && e.sources.every((s, i) => s === wanted[i]) ? e.value : null;
}

/** Remember `value` for `key` as computed from `source` (replacing any older entry). */
export function cachePut(cache: MetricCache | undefined, key: string, source: CacheSource, value: Float32Array): void {
  cache?.entries.set(key, { sources: sourceList(source), value });
}
