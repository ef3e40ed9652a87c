/**
 * Shared pieces of the benchmark: statistics, byte counting, tables, and in-page recorders that
 * any suite can use (frame times while something runs).
 *
 * Plain JavaScript rather than TypeScript: the functions passed to page.evaluate() are sent to the
 * browser as source text, so they must reach it exactly as written, untouched by a transpiler.
 */
import { gzipSync } from 'node:zlib';

/**
 * The q-quantile of the samples, by linear interpolation between order statistics (the definition
 * numpy and R use by default), so p95 of 30 samples is not simply the largest but one.
 * NaN for no samples.
 */
export function quantile(samples, q) {
  const xs = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}

/** n, median, p95, min and max of some samples. */
export function summarize(samples) {
  const xs = samples.filter((x) => Number.isFinite(x));
  return {
    n: xs.length,
    median: quantile(xs, 0.5),
    p95: quantile(xs, 0.95),
    min: xs.length ? Math.min(...xs) : NaN,
    max: xs.length ? Math.max(...xs) : NaN,
  };
}

/**
 * Bytes after gzip at zlib's default level 6, the level static hosts (GitHub Pages among them)
 * typically serve text with. The benchmark's server sends files uncompressed, so this is computed.
 */
export function gzipBytes(buffer) {
  return gzipSync(buffer).length;
}

/** Types a static host compresses; fonts (woff2), wasm and images are sent as they are. */
export function isCompressible(contentType) {
  return /javascript|css|html|json|svg|text\//.test(contentType ?? '');
}

/** A number for a table cell: fixed decimals, "—" when there is none. */
export function fmt(x, digits = 0) {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/** A plain-text table with a title, aligned columns, and notes under it. */
export function renderTable({ title, columns, rows, notes = [] }) {
  const cells = [columns, ...rows.map((r) => columns.map((c) => String(r[c] ?? '')))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    title,
    line(columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
    ...notes.map((n) => `  ${n}`),
  ].join('\n');
}

/**
 * Starts recording requestAnimationFrame deltas in the page. Call stopFrameRecorder to read them.
 * A delta above one 60 Hz frame (16.7 ms) means the page missed a frame.
 */
export async function startFrameRecorder(page) {
  await page.evaluate(() => {
    const rec = { deltas: [], last: null, running: true };
    const tick = (t) => {
      if (!rec.running) return;
      if (rec.last !== null) rec.deltas.push(t - rec.last);
      rec.last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    window.__benchFrames = rec;
  });
}

/**
 * Stops the recorder and summarises the frame times: median, p95, the longest, and the share of
 * frames over 17 ms. It stops at the next frame, not at once: if the page was blocked until now,
 * that last frame is the long one.
 */
export async function stopFrameRecorder(page) {
  const deltas = await page.evaluate(
    () =>
      new Promise((resolve) => {
        // Registered after the recorder's own callback, so this runs after it has counted the frame.
        requestAnimationFrame(() => {
          const rec = window.__benchFrames;
          rec.running = false;
          resolve(rec.deltas);
        });
      }),
  );
  const s = summarize(deltas);
  return { frames: s.n, median: s.median, p95: s.p95, max: s.max, longShare: deltas.length ? deltas.filter((d) => d > 17).length / deltas.length : NaN };
}

/**
 * Frame times while `action` runs (for example: scrolling through a page, training a model,
 * holding down a key), over at least `minMs` milliseconds.
 */
export async function frameTimesDuring(page, action, minMs = 0) {
  const start = Date.now();
  await startFrameRecorder(page);
  await action();
  const left = minMs - (Date.now() - start);
  if (left > 0) await page.waitForTimeout(left);
  return stopFrameRecorder(page);
}
