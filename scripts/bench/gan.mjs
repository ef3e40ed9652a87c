/**
 * Suite "gan": the live 2-D GAN widget (#gan in chapters/gan/) training in the page, per tfjs
 * backend, in two settings:
 *   - GAN Lab's default: 2-D uniform noise, one hidden layer of 8 units in G and in D, batch 150,
 *     2 D updates + 1 G update per iteration (Adam, η = 0.01);
 *   - a larger net: two hidden layers of 64 units in each (Adam, η = 10⁻³), otherwise the same.
 * Both are set through the widget's URL parameters, so what is measured is exactly what a reader
 * gets from that link.
 *
 * For each backend and setting: a fresh browser, the badge must name the backend asked for, Play
 * is pressed, and after a warm-up the suite records `windows` consecutive windows of `windowMs`:
 * iterations per second from the widget's own iteration counter (data-iteration on
 * [data-testid=gan-iteration], written every frame) and requestAnimationFrame frame times, while
 * the widget redraws its views (heat map, samples, manifold, readouts, about 12 times a second) and
 * its history curves (twice a second). Reported: median and p95 of the per-window iterations per
 * second, frame-time median and p95 over all windows, frames per second, share of frames > 17 ms.
 *
 * Then, once per run on the fastest backend in GAN Lab's setting, the tensor count: the widget
 * shows tf.memory().numTensors after each view refresh (data-tensors on [data-testid=gan-tensors]);
 * it is read while paused near iteration 100 and again at iteration ≥ 10,000 (`leakIterations`).
 */
import { fmt, frameTimesDuring, summarize } from './lib.mjs';

const BACKENDS = ['cpu', 'wasm', 'webgl'];
const COMMON = 'gan.noise=uniform&gan.noiseDim=2&gan.batch=150&gan.k=2&gan.heat=true&gan.manifold=true';
export const SETTINGS = [
  { name: 'GAN Lab (1×8, B 150, k 2)', key: 'lab', query: `${COMMON}&gan.gLayers=1&gan.gWidth=8&gan.dLayers=1&gan.dWidth=8&gan.gLr=0.01&gan.dLr=0.01` },
  { name: 'large (2×64, B 150, k 2)', key: 'large', query: `${COMMON}&gan.gLayers=2&gan.gWidth=64&gan.dLayers=2&gan.dWidth=64&gan.gLr=0.001&gan.dLr=0.001` },
];
const WARMUP_MS = 2000;
const WINDOW_MS = 4000;
const WINDOWS = 3;
const TARGET_ITS = 300;
const TARGET_FPS = 55;
const LEAK_ITERATIONS = 10_000;

/**
 * In the page: a fixed plain-JavaScript workload (a small dense matrix product in float64 loops,
 * about the arithmetic of a few GAN Lab iterations), in ms: how fast this shared machine is at the
 * moment of measuring, so rows measured under different load can be compared.
 */
function plainJsReference() {
  const n = 96;
  const a = new Float64Array(n * n).map((_, i) => Math.sin(i));
  const b = new Float64Array(n * n).map((_, i) => Math.cos(i));
  const c = new Float64Array(n * n);
  const t0 = performance.now();
  for (let rep = 0; rep < 20; rep++) {
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  }
  return { ms: performance.now() - t0, sink: c[7] };
}

const iteration = (page) => page.evaluate(() => Number(document.querySelector('#gan [data-testid="gan-iteration"]')?.dataset.iteration ?? NaN));
const tensors = (page) => page.evaluate(() => Number(document.querySelector('#gan [data-testid="gan-tensors"]')?.dataset.tensors || NaN));

async function openWidget(ctx, backend, setting) {
  const browser = await ctx.launch();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${ctx.site}chapters/gan/?${setting.query}&backend=${backend}`);
  // Sections far from the viewport are laid out only near it (content-visibility), at an estimated
  // height until then: scroll to the widget's section first, then to the widget.
  await page.locator('#gan .widget-toolbar').waitFor({ state: 'attached', timeout: 60_000 });
  for (let i = 0; i < 40 && (await page.locator('#gan .widget-frame > .widget-loading[aria-hidden="true"]').count()) > 0; i++) {
    await page.evaluate(() => document.getElementById('gan')?.closest('section')?.scrollIntoView());
    await page.waitForTimeout(100);
    await page.locator('#gan .widget-toolbar').scrollIntoViewIfNeeded();
    await page.waitForTimeout(250);
  }
  await page.waitForFunction(() => document.querySelector('#gan [data-testid="gan-iteration"]')?.dataset.iteration === '0', null, { timeout: 180_000 });
  const badge = await page.locator('#gan .backend-badge[data-backend]').getAttribute('data-backend', { timeout: 30_000 });
  // The view of the widget, not the text above it, is what must stay on screen while it trains.
  await page.locator('#gan [data-testid="gan-field-0"]').scrollIntoViewIfNeeded();
  return { browser, page, badge };
}

const play = (page) => page.locator('#gan .play-controls button.primary').click();
const isPlaying = (page) => page.evaluate(() => document.querySelector('#gan .play-controls button.primary')?.getAttribute('aria-pressed') === 'true');

async function pausedTensorCount(page) {
  if (await isPlaying(page)) await play(page);
  // the pause triggers a view refresh of the last iteration; its tensor count is the one to read
  await page.waitForFunction(() => {
    const v = document.querySelector('#gan [data-testid="gan-view-step"]');
    const s = document.querySelector('#gan [data-testid="gan-iteration"]');
    return v && s && v.dataset.step === s.dataset.iteration;
  }, null, { timeout: 60_000 });
  await page.waitForTimeout(300);
  return tensors(page);
}

async function measure(ctx, backend, setting, options) {
  const { browser, page, badge } = await openWidget(ctx, backend, setting);
  try {
    const reference = [];
    for (let i = 0; i < 5; i++) reference.push((await page.evaluate(plainJsReference)).ms);
    await play(page);
    await page.waitForTimeout(options.warmupMs);
    const windows = [];
    for (let w = 0; w < options.windows; w++) {
      const i0 = await iteration(page);
      const t0 = Date.now();
      const frames = await frameTimesDuring(page, () => page.waitForTimeout(options.windowMs), options.windowMs);
      const i1 = await iteration(page);
      const seconds = (Date.now() - t0) / 1000;
      windows.push({ iterations: i1 - i0, seconds, itPerSec: (i1 - i0) / seconds, fps: frames.frames / seconds, frames });
    }
    if (!(await isPlaying(page))) throw new Error(`${backend} ${setting.key}: training stopped by itself (${await page.locator('#gan .widget-message').allTextContents()})`);
    await play(page);
    return { backend, setting: setting.key, badge, verified: badge === backend, windows, reference: summarize(reference) };
  } finally {
    await browser.close();
  }
}

async function leakCheck(ctx, backend, setting, iterations) {
  const { browser, page } = await openWidget(ctx, backend, setting);
  try {
    await play(page);
    await page.waitForFunction(() => Number(document.querySelector('#gan [data-testid="gan-iteration"]')?.dataset.iteration) >= 100, null, { timeout: 120_000 });
    const early = { iteration: await iteration(page), tensors: await pausedTensorCount(page) };
    await play(page);
    const t0 = Date.now();
    await page.waitForFunction((n) => Number(document.querySelector('#gan [data-testid="gan-iteration"]')?.dataset.iteration) >= n, iterations, { timeout: 600_000, polling: 500 });
    const seconds = (Date.now() - t0) / 1000;
    const late = { iteration: await iteration(page), tensors: await pausedTensorCount(page) };
    return { backend, setting: setting.key, early, late, seconds, constant: early.tensors === late.tensors };
  } finally {
    await browser.close();
  }
}

/** Frame-time and rate statistics over a measurement's windows. */
function stats(m) {
  const its = summarize(m.windows.map((w) => w.itPerSec));
  const deltas = m.windows.map((w) => w.frames);
  const frameMedian = summarize(deltas.map((f) => f.median)).median;
  const frameP95 = Math.max(...deltas.map((f) => f.p95));
  const fps = summarize(m.windows.map((w) => w.fps)).median;
  const long = summarize(deltas.map((f) => f.longShare)).median;
  return { its, frameMedian, frameP95, fps, long };
}

export default {
  name: 'gan',
  description: 'Live 2-D GAN: iterations per second and frame times while training, per backend and setting; tensor count over 10,000 iterations',
  async run(ctx) {
    const options = {
      warmupMs: WARMUP_MS,
      windowMs: WINDOW_MS,
      windows: Math.max(WINDOWS, ctx.options.ganWindows ?? 0),
      leakIterations: ctx.options.ganLeakIterations ?? LEAK_ITERATIONS,
      backends: ctx.options.ganBackends ?? BACKENDS,
    };
    const results = [];
    for (const setting of SETTINGS) {
      for (const backend of options.backends) {
        ctx.log(`gan: ${setting.key} on ${backend}`);
        // One retry: on this shared machine a page can miss a deadline for reasons of its own.
        let m = null, error = null;
        for (let attempt = 0; attempt < 2 && !m; attempt++) {
          try {
            m = await measure(ctx, backend, setting, options);
          } catch (e) {
            error = e instanceof Error ? e.message.split('\n')[0] : String(e);
            ctx.log(`gan: ${setting.key} on ${backend} failed: ${error}`);
          }
        }
        results.push(m ? { ...m, stats: stats(m) } : { backend, setting: setting.key, badge: '—', verified: false, error, stats: null });
      }
    }
    const lab = results.filter((r) => r.setting === 'lab' && r.verified && r.stats);
    const best = lab.reduce((a, b) => (b.stats.its.median > a.stats.its.median ? b : a), lab[0]);
    ctx.log(`gan: tensor count over ${options.leakIterations} iterations on ${best?.backend ?? 'wasm'}`);
    const leak = await leakCheck(ctx, best?.backend ?? 'wasm', SETTINGS[0], options.leakIterations);

    return {
      tables: [
        {
          title: `Live 2-D GAN training in the page (${options.windows} windows of ${options.windowMs / 1000} s per row after ${options.warmupMs / 1000} s warm-up; views redrawn while training)`,
          columns: ['setting', 'backend', 'badge', 'it/s median', 'it/s p95', 'frame median ms', 'frame p95 ms', 'fps', '>17ms', 'JS ref ms'],
          rows: results.map((r) => (!r.stats ? { setting: SETTINGS.find((s) => s.key === r.setting).name, backend: r.backend, badge: `failed: ${r.error}` } : {
            setting: SETTINGS.find((s) => s.key === r.setting).name,
            backend: r.backend,
            badge: r.verified ? r.badge : `${r.badge} (asked ${r.backend})`,
            'it/s median': fmt(r.stats.its.median),
            'it/s p95': fmt(r.stats.its.p95),
            'frame median ms': fmt(r.stats.frameMedian, 1),
            'frame p95 ms': fmt(r.stats.frameP95, 1),
            fps: fmt(r.stats.fps, 1),
            '>17ms': `${fmt(100 * r.stats.long)} %`,
            'JS ref ms': fmt(r.reference.median, 1),
          })),
          notes: [
            'it/s: iterations (k = 2 D updates + 1 G update) per second, from the widget\'s counter; median and p95 over the windows.',
            'frame: requestAnimationFrame deltas; median of the windows\' medians, largest window p95.',
            'JS ref: median of 5 runs of a fixed float64 matrix product in plain JavaScript in the same page just before training (how busy the machine was).',
            `tensors (${leak.backend}, GAN Lab setting): ${leak.early.tensors} at iteration ${leak.early.iteration}, ${leak.late.tensors} at iteration ${leak.late.iteration} (${fmt(leak.seconds)} s): ${leak.constant ? 'constant' : 'CHANGED'}.`,
            'GAN Lab runs one iteration per animation frame, so at most 60 it/s.',
          ],
        },
      ],
      targets: [
        {
          target: `GAN Lab setting ≥ ${TARGET_ITS} it/s with the page at ≥ ${TARGET_FPS} fps on the best backend`,
          measured: best ? `${fmt(best.stats.its.median)} it/s at ${fmt(best.stats.fps, 1)} fps (${best.backend})` : 'no backend verified',
          met: !!best && best.stats.its.median >= TARGET_ITS && best.stats.fps >= TARGET_FPS,
        },
        {
          target: `tensor count constant over ${options.leakIterations} iterations`,
          measured: `${leak.early.tensors} → ${leak.late.tensors}`,
          met: leak.constant,
        },
      ],
      data: { options, settings: SETTINGS, results, leak },
    };
  },
};
