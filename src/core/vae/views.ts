/**
 * Plain bookkeeping behind the β-VAE widget's views: capped histories, the rate–distortion log with
 * the marks that earlier β values leave behind, the latent axes worth drawing, σ ellipses, and the
 * inputs chosen for reconstruction. No tfjs, no DOM: tested in Node.
 *
 * API
 * - `ThinnedSeries<T>(capacity)`: `push(x)`, `points`, `size`, `stride`, `clear()`: keeps at most
 *   `capacity` evenly spaced points of an unbounded stream, plus always the latest one.
 * - `RdPoint`, `RdMark`, `RateDistortionLog(capacity?, maxMarks?)`: `add(p)`, `trajectory`, `marks`,
 *   `leaveMark()`, `newRun()`, `clear()`: one run's path in the (rate, distortion) plane and the
 *   points left where earlier β values stopped.
 * - `latentAxes(klPerDim)`: the two latent dimensions with the largest KL (the ones worth drawing).
 * - `ellipsePoints(cx, cy, rx, ry, segments?)`: a closed polygon for an axis-aligned ellipse.
 * - `firstOfEachClass(labels, classes)`: the first row of each class (the digits to reconstruct).
 * - `evenlySpaced(count, k)`: k row indices spread over [0, count).
 * - `ema(values, alpha)`: exponential moving average, for the loss curves.
 * - `quantiles(values, qs)`: interpolated quantiles (the histograms' shared range).
 */

/**
 * At most `capacity` points of a stream of any length, evenly thinned: a point is kept when its
 * index is a multiple of the stride; when the store fills, every other kept point is dropped and
 * the stride doubles. The latest point is always included so a curve reaches the present.
 */
export class ThinnedSeries<T> {
  private kept: T[] = [];
  private latest: T | null = null;
  private latestKept = false;
  private count = 0;
  private currentStride = 1;

  constructor(readonly capacity = 600) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new Error(`A thinned series needs room for at least 2 points (got ${capacity}).`);
  }

  push(x: T): void {
    this.latest = x;
    this.latestKept = this.count % this.currentStride === 0;
    if (this.latestKept) {
      this.kept.push(x);
      if (this.kept.length >= this.capacity) {
        this.kept = this.kept.filter((_, i) => i % 2 === 0);
        this.currentStride *= 2;
        // The point just pushed may have been thinned away; it is still shown as the latest.
        this.latestKept = this.kept[this.kept.length - 1] === x;
      }
    }
    this.count++;
  }

  /** The kept points in order, ending with the latest pushed point. */
  get points(): T[] {
    if (this.latest === null) return [];
    return this.latestKept ? [...this.kept] : [...this.kept, this.latest];
  }

  /** Points pushed since construction or the last clear(). */
  get size(): number {
    return this.count;
  }

  /** Pushes per kept point. */
  get stride(): number {
    return this.currentStride;
  }

  get last(): T | null {
    return this.latest;
  }

  clear(): void {
    this.kept = [];
    this.latest = null;
    this.latestKept = false;
    this.count = 0;
    this.currentStride = 1;
  }
}

/** One evaluation of a run: rate = KL term, distortion = reconstruction term, nats per example. */
export interface RdPoint {
  step: number;
  beta: number;
  rate: number;
  distortion: number;
}

/** Where a run stood, at a given β, when β was changed or the run was reset. */
export interface RdMark extends RdPoint {
  /** Mark number, 1 for the first left since the log was cleared. */
  index: number;
}

/**
 * The rate–distortion plane's contents: the current run's trajectory (thinned) and the marks left
 * by earlier β values. A mark is left by `leaveMark()` (call it before β changes and before a reset)
 * at the latest point, if that point has not been marked already. Marks survive `newRun()` (a reset
 * of the same model on the same data keeps comparable axes); `clear()` removes everything.
 */
export class RateDistortionLog {
  private readonly path: ThinnedSeries<RdPoint>;
  private left: RdMark[] = [];
  private lastMarked: RdPoint | null = null;
  private counter = 0;

  constructor(capacity = 400, readonly maxMarks = 24) {
    this.path = new ThinnedSeries<RdPoint>(capacity);
  }

  add(p: RdPoint): void {
    if (![p.rate, p.distortion, p.beta, p.step].every(Number.isFinite)) return;
    this.path.push(p);
  }

  get trajectory(): RdPoint[] {
    return this.path.points;
  }

  get marks(): RdMark[] {
    return [...this.left];
  }

  /** Leave a mark at the latest point (no-op if there is none, or it is already marked). Returns it. */
  leaveMark(): RdMark | null {
    const p = this.path.last;
    if (!p || p === this.lastMarked) return null;
    this.lastMarked = p;
    const mark: RdMark = { ...p, index: ++this.counter };
    this.left.push(mark);
    if (this.left.length > this.maxMarks) this.left.shift();
    return mark;
  }

  /** A new run starts: clear the trajectory, keep the marks. */
  newRun(): void {
    this.path.clear();
    this.lastMarked = null;
  }

  clear(): void {
    this.newRun();
    this.left = [];
    this.counter = 0;
  }
}

/**
 * The two latent dimensions with the largest KL, largest first (ties: lower index first), so the
 * latent-space scatter shows the dimensions that carry information. For d_z = 1 the second is −1.
 */
export function latentAxes(klPerDim: ArrayLike<number>): [number, number] {
  const order = Array.from({ length: klPerDim.length }, (_, j) => j).sort((a, b) => {
    const ka = Number.isFinite(klPerDim[a]) ? klPerDim[a] : -Infinity;
    const kb = Number.isFinite(klPerDim[b]) ? klPerDim[b] : -Infinity;
    return kb - ka || a - b;
  });
  if (order.length === 0) throw new Error('There is no latent dimension to draw.');
  return [order[0], order.length > 1 ? order[1] : -1];
}

/** A closed polygon (segments + 1 vertices, first = last) for the ellipse with semi-axes rx, ry. */
export function ellipsePoints(cx: number, cy: number, rx: number, ry: number, segments = 24): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i <= segments; i++) {
    const a = (2 * Math.PI * (i % segments)) / segments;
    out.push([cx + rx * Math.cos(a), cy + ry * Math.sin(a)]);
  }
  return out;
}

/** Index of the first row of each class 0 … classes−1 (−1 for a class that never appears). */
export function firstOfEachClass(labels: ArrayLike<number>, classes: number): number[] {
  const out = new Array<number>(classes).fill(-1);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c >= 0 && c < classes && out[c] < 0) out[c] = i;
  }
  return out;
}

/** k indices spread evenly over [0, count): 0, ⌊count/k⌋, … (all of them when k ≥ count). */
export function evenlySpaced(count: number, k: number): number[] {
  if (k >= count) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.floor((i * count) / k));
}

/** Exponential moving average s_t = α s_{t−1} + (1 − α) x_t, started at the first value. */
export function ema(values: ArrayLike<number>, alpha: number): number[] {
  if (!(alpha >= 0 && alpha < 1)) throw new Error(`The smoothing factor must be in [0, 1) (got ${alpha}).`);
  const out: number[] = [];
  let s = NaN;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    s = Number.isFinite(s) ? alpha * s + (1 - alpha) * x : x;
    out.push(s);
  }
  return out;
}

/**
 * Quantiles of the finite values by linear interpolation between order statistics (numpy's
 * default): q = 0 is the minimum, q = 1 the maximum. NaN for each q when no value is finite.
 */
export function quantiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  const xs = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  return qs.map((q) => {
    if (!(q >= 0 && q <= 1)) throw new Error(`A quantile must be between 0 and 1 (got ${q}).`);
    if (xs.length === 0) return NaN;
    const pos = (xs.length - 1) * q;
    const lo = Math.floor(pos), hi = Math.ceil(pos);
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
  });
}
