/**
 * Suite "kde": how long the KDE widget takes to repaint after a key moves its bandwidth slider,
 * with n = 10,000 points on its 512-point grid, for each tfjs backend.
 *
 * Each backend gets a fresh browser on `chapters/evaluation/?kde.data=mixture&kde.n=10000&backend=…`;
 * the badge `#kde .backend-badge[data-backend]` must name the backend asked for (tfjs falls back
 * silently otherwise, and the figures would be mislabelled). Presses start once the widget is idle:
 * its first plot drawn and its likelihood-vs-h curve computed.
 *
 * One press is timed inside the page with performance.now(): from a capture-phase keydown listener
 * on the slider (before the browser moves it) until the frame that shows the new plot has been
 * rendered. "New plot": a MutationObserver sees `#kde .kde-main svg` replaced by one whose `data-h`
 * (the bandwidth it was drawn with) differs from before. "Rendered": the next requestAnimationFrame,
 * then a task posted from it, which runs after that frame's style, layout and paint, so the cost of
 * laying out the new SVG is counted too. Presses alternate ArrowRight / ArrowLeft so h stays near
 * its start; the first few are warm-up (JIT, first kernels) and are reported apart.
 *
 * Baselines measured in the same page just before the presses: a plain-JavaScript reference doing
 * the same kernel evaluations as one repaint in float64 loops on the main thread (how fast this
 * machine is right now), and the cpu backend's median (how the backends compare).
 *
 * Then the key is "held" (a press every 40 ms, about a keyboard's auto-repeat rate) for a while and
 * frame times are recorded: does the page keep painting while the estimate is recomputed?
 */
import { fmt, frameTimesDuring, summarize } from './lib.mjs';

const BACKENDS = ['cpu', 'wasm', 'webgl'];
const PATH = 'chapters/evaluation/?kde.data=mixture&kde.n=10000';
const WARMUP = 3;
const TARGET_P95_MS = 50;
/** Longer than the URL writer's 250 ms debounce, so its work does not land in the next press. */
const BETWEEN_PRESSES_MS = 300;
const PRESS_TIMEOUT_MS = 30_000;
const HOLD_MS = 3000;
const REPEAT_MS = 40;
/** Frames are also recorded this long after the key is released: the last estimate lands then. */
const AFTER_RELEASE_MS = 500;
/**
 * The kernel evaluations of one repaint, mirroring the widget's constants: (512 grid points + the
 * query point) × n for the curve, plus MAX_TEST held-out points × MAX_TRAIN for the likelihood.
 */
const REF_WORK = { curve: [513, 10_000], heldOut: [500, 2000] };

/** In the page: the same kernel evaluations as one repaint, in plain float64 JavaScript. */
function plainJsReference({ curve, heldOut }) {
  let seed = 1;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const block = ([m, n]) => {
    const xs = Float64Array.from({ length: n }, () => rand() * 15 - 6);
    const at = Float64Array.from({ length: m }, () => rand() * 15 - 6);
    let total = 0;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) {
        const u = (at[i] - xs[j]) / 0.9;
        s += Math.exp(-0.5 * u * u);
      }
      total += s;
    }
    return total;
  };
  const t0 = performance.now();
  const sink = block(curve) + block(heldOut);
  return { ms: performance.now() - t0, sink };
}

/**
 * In the page: arms the measurement of the next keypress on the "Bandwidth h" slider. The result
 * (milliseconds, the drawn h and the slider's aria-valuetext) lands in window.__benchRepaint.
 */
function armRepaint(timeoutMs) {
  const slider = [...document.querySelectorAll('#kde input[type="range"]')].find((i) => [...i.labels].some((l) => l.textContent.trim() === 'Bandwidth h'));
  const host = document.querySelector('#kde .kde-main');
  const before = host.querySelector('svg')?.getAttribute('data-h');
  window.__benchRepaint = new Promise((resolve) => {
    let t0 = null;
    let observer = null;
    const done = (result) => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => done({ timeout: true }), timeoutMs);
    slider.addEventListener('keydown', () => { t0 = performance.now(); }, { capture: true, once: true });
    observer = new MutationObserver(() => {
      const h = host.querySelector('svg')?.getAttribute('data-h');
      if (t0 === null || !h || h === before) return;
      observer.disconnect();
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => done({ ms: performance.now() - t0, h: Number(h), valuetext: slider.getAttribute('aria-valuetext') });
        channel.port2.postMessage(null);
      });
    });
    observer.observe(host, { childList: true, subtree: true });
  });
}

/** In the page: the WebGL renderer's name (SwiftShader here: software, not a GPU). */
function webglRenderer() {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function measureBackend(ctx, backend) {
  const browser = await ctx.launch();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${ctx.site}${PATH}&backend=${backend}`);
    await page.locator('#kde').scrollIntoViewIfNeeded();
    // Since navigation: the widget loads near the viewport, then tfjs, then computes and draws.
    const firstDraw = await (await page.waitForFunction(() => document.querySelector('#kde .kde-main svg')?.getAttribute('data-h') && performance.now(), null, { timeout: 180_000 })).jsonValue();
    // The likelihood-vs-h curve is computed after the first draw; presses timed while it is still
    // running would measure both. Its "Best by likelihood" button enables when it is done.
    const ready = await (await page.waitForFunction(() => [...document.querySelectorAll('#kde button')].some((b) => b.textContent.startsWith('Best by likelihood') && !b.disabled) && performance.now(), null, { timeout: 300_000 })).jsonValue();
    const badge = await page.locator('#kde .backend-badge[data-backend]').getAttribute('data-backend', { timeout: 30_000 });

    const reference = [];
    for (let i = 0; i < 5; i++) reference.push((await page.evaluate(plainJsReference, REF_WORK)).ms);

    await page.locator('#kde').getByLabel('Bandwidth h', { exact: true }).focus();
    const presses = [];
    for (let i = 0; i < WARMUP + ctx.options.presses; i++) {
      await page.evaluate(armRepaint, PRESS_TIMEOUT_MS);
      await page.keyboard.press(i % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
      const r = await page.evaluate(() => window.__benchRepaint);
      if (r.timeout) throw new Error(`${backend}: no repaint within ${PRESS_TIMEOUT_MS} ms of press ${i + 1}`);
      // The drawn h must be the one the slider announces (three significant digits).
      presses.push({ ...r, matches: Number(r.h.toPrecision(3)) === Number(r.valuetext) });
      await page.waitForTimeout(BETWEEN_PRESSES_MS);
    }

    const hold = await frameTimesDuring(page, async () => {
      const end = Date.now() + HOLD_MS;
      for (let i = 0; Date.now() < end; i++) {
        await page.keyboard.press(i % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
        await page.waitForTimeout(REPEAT_MS);
      }
    }, HOLD_MS + AFTER_RELEASE_MS);

    const timed = presses.slice(WARMUP);
    return {
      backend,
      badge,
      verified: badge === backend,
      renderer: backend === 'webgl' ? await page.evaluate(webglRenderer) : null,
      firstDrawMs: firstDraw,
      readyMs: ready,
      warmupMs: presses.slice(0, WARMUP).map((p) => p.ms),
      latency: summarize(timed.map((p) => p.ms)),
      mismatches: timed.filter((p) => !p.matches).length,
      reference: summarize(reference),
      hold,
      samples: timed.map((p) => p.ms),
    };
  } finally {
    await browser.close();
  }
}

export default {
  name: 'kde',
  description: 'KDE widget (n = 10,000): slider keypress to repaint, per backend',
  async run(ctx) {
    const results = [];
    for (const backend of BACKENDS) {
      ctx.log(`kde: ${backend}`);
      results.push(await measureBackend(ctx, backend));
    }
    const cpu = results.find((r) => r.backend === 'cpu');
    for (const r of results) {
      r.p95OverReference = r.latency.p95 / r.reference.median;
      r.medianOverCpu = r.latency.median / cpu.latency.median;
    }
    const verified = results.filter((r) => r.verified);
    const best = verified.reduce((a, b) => (b.latency.p95 < a.latency.p95 ? b : a), verified[0]);
    const renderer = results.find((r) => r.renderer)?.renderer;

    return {
      tables: [
        {
          title: `KDE widget, n = 10,000, 512-point grid: slider keypress to repaint (${ctx.options.presses} presses per backend after ${WARMUP} warm-up; ms)`,
          columns: ['backend', 'badge', 'first draw', 'ready', 'warm-up', 'median', 'p95', 'max', 'JS ref', 'p95÷ref', 'med÷cpu', 'h ok', 'held: frame p95', 'held: >17ms'],
          rows: results.map((r) => ({
            backend: r.backend,
            badge: r.verified ? r.badge : `${r.badge} (asked ${r.backend})`,
            'first draw': fmt(r.firstDrawMs),
            ready: fmt(r.readyMs),
            'warm-up': r.warmupMs.map((m) => fmt(m)).join('/'),
            median: fmt(r.latency.median, 1),
            p95: fmt(r.latency.p95, 1),
            max: fmt(r.latency.max, 1),
            'JS ref': fmt(r.reference.median, 1),
            'p95÷ref': fmt(r.p95OverReference, 2),
            'med÷cpu': fmt(r.medianOverCpu, 2),
            'h ok': `${r.latency.n - r.mismatches}/${r.latency.n}`,
            'held: frame p95': fmt(r.hold.p95, 1),
            'held: >17ms': `${fmt(100 * r.hold.longShare)} %`,
          })),
          notes: [
            'first draw: ms from navigation until the plot is first drawn (widget, tfjs and first estimate loaded);',
            '  ready: until the likelihood-vs-h curve is done too (its "Best by likelihood" button enables). Presses start then.',
            'JS ref: median of 5 runs of the same kernel evaluations in plain float64 JavaScript, in the same page (machine speed now).',
            'h ok: repaints whose drawn h (data-h) equals the slider\'s aria-valuetext.',
            `held: rAF frame times over ${HOLD_MS / 1000} s of a press every ${REPEAT_MS} ms (key held down) and ${AFTER_RELEASE_MS} ms after.`,
            ...(renderer ? [`WebGL renderer: ${renderer}.`] : []),
          ],
        },
      ],
      targets: [
        {
          target: `KDE slider-to-repaint p95 < ${TARGET_P95_MS} ms on the best backend`,
          measured: best ? `${fmt(best.latency.p95, 1)} ms (${best.backend})` : 'no backend verified',
          met: !!best && best.latency.p95 < TARGET_P95_MS,
        },
      ],
      data: { path: PATH, warmup: WARMUP, betweenPressesMs: BETWEEN_PRESSES_MS, referenceWork: REF_WORK, backends: results },
    };
  },
};
