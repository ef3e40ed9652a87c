/**
 * Suite "metrics": how long each metric of the evaluation lab takes to show its new value after
 * a control change, with N = 2,000 real and 2,000 generated points in 2-D (the widget's defaults),
 * for each tfjs backend. The issue's goal: every metric within 100 ms of the change.
 *
 * Each backend gets a fresh browser on `chapters/evaluation/?backend=…`; the badge
 * `#metrics-lab .backend-badge[data-backend]` must name the backend asked for. The lab is scrolled
 * into view and its first full panel is timed from navigation (cold: tfjs, kernels, the real set's
 * k-NN radii and KID sums, which are cached afterwards).
 *
 * Then "Mean shift x" is pressed (ArrowRight / ArrowLeft alternately, so the generated set changes
 * and the real set does not, as with every failure control). One press is timed inside the page
 * with performance.now(): from a capture-phase keydown listener on the slider until the frame that
 * shows the metric's new value has been rendered. "New value": a MutationObserver sees the
 * metric's `[data-metric]` span carry a computation round newer than before the press and no
 * longer dimmed as stale. "Rendered": the next requestAnimationFrame, then a task posted from it.
 * The widget computes cheap metrics first (FID, KID, IS), then precision/recall, the memorisation
 * ratio and the MMD test, each shown before the next starts, so the later ones include the
 * earlier ones' time. The next press waits until all seven have landed and the URL writer's
 * debounce has passed. The first presses are warm-up and reported apart.
 *
 * Baseline in the same page: plain float64 JavaScript doing the N × N squared distances and the
 * 3rd-nearest-neighbour selection of one k-NN radius pass (how fast this machine is right now).
 */
import { fmt, summarize } from './lib.mjs';

const BACKENDS = ['wasm', 'webgl', 'cpu'];
const PATH = 'chapters/evaluation/';
const WARMUP = 3;
/** The slow backends take seconds per press; fewer presses keep the suite within minutes. */
const SLOW_PRESSES = 12;
const METRICS = ['fid', 'kid', 'is', 'precision', 'recall', 'memorisation', 'mmd'];
const LABELS = { fid: 'FID', kid: 'KID', is: 'IS', precision: 'precision', recall: 'recall', mmd: 'MMD test', memorisation: 'memorisation' };
const TARGET_MS = 100;
/** The widget's compute stages (its data-stage-ms keys) and the metrics each one produces. */
const STAGES = ['fid', 'precisionRecall', 'memorisation', 'mmd'];
const STAGE_OF = { fid: 'fid', kid: 'fid', is: 'fid', precision: 'precisionRecall', recall: 'precisionRecall', memorisation: 'memorisation', mmd: 'mmd' };
const BETWEEN_PRESSES_MS = 300;
const PRESS_TIMEOUT_MS = 120_000;
const N = 2000;

/** In the page: N × N squared distances and the 3rd-smallest per row, float64 loops. */
function plainJsReference(n) {
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const x = Float64Array.from({ length: 2 * n }, () => rand() * 4 - 2);
  const t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < n; i++) {
    let a = Infinity, b = Infinity, c = Infinity, d = Infinity;
    for (let j = 0; j < n; j++) {
      const dx = x[2 * i] - x[2 * j], dy = x[2 * i + 1] - x[2 * j + 1];
      const s = dx * dx + dy * dy;
      if (s < d) {
        if (s < c) { d = c; if (s < b) { c = b; if (s < a) { b = a; a = s; } else b = s; } else c = s; } else d = s;
      }
    }
    sink += d;
  }
  return { ms: performance.now() - t0, sink };
}

/** In the page: the round every metric currently shows, or 0 while any is missing or stale. */
function settledRound() {
  const spans = [...document.querySelectorAll('#metrics-lab [data-metric]')];
  if (spans.length < 7 || spans.some((s) => s.classList.contains('stale'))) return 0;
  const rounds = spans.map((s) => Number(s.dataset.round));
  return rounds.every((r) => r === rounds[0]) ? rounds[0] : 0;
}

/**
 * In the page: arm the measurement of the next keypress on "Mean shift x". Each metric's time
 * (ms from keydown to the frame that shows its new value) lands in window.__benchMetrics.
 */
function armMetrics(timeoutMs) {
  const slider = [...document.querySelectorAll('#metrics-lab input[type="range"]')].find((i) => [...i.labels].some((l) => l.textContent.trim() === 'Mean shift x'));
  const host = document.querySelector('#metrics-lab .metrics-main');
  const spans = () => [...host.querySelectorAll('[data-metric]')];
  const before = Math.max(...spans().map((s) => Number(s.dataset.round)));
  window.__benchMetrics = new Promise((resolve) => {
    let t0 = null;
    const seen = {};
    const painted = {};
    let observer = null;
    const timer = setTimeout(() => { observer.disconnect(); resolve({ timeout: true, painted }); }, timeoutMs);
    slider.addEventListener('keydown', () => { t0 = performance.now(); }, { capture: true, once: true });
    const check = () => {
      if (t0 === null) return;
      for (const s of spans()) {
        const m = s.dataset.metric;
        if (seen[m] || Number(s.dataset.round) <= before || s.classList.contains('stale')) continue;
        seen[m] = true;
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            painted[m] = performance.now() - t0;
            if (Object.keys(painted).length === 7) {
              observer.disconnect();
              clearTimeout(timer);
              resolve({ painted, round: Number(s.dataset.round), value: slider.getAttribute('aria-valuetext') });
            }
          };
          channel.port2.postMessage(null);
        });
      }
    };
    observer = new MutationObserver(check);
    observer.observe(host, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

async function measureBackend(ctx, backend) {
  const browser = await ctx.launch();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`${ctx.site}${PATH}?backend=${backend}`);
    await page.waitForSelector('figure#metrics-lab');
    // Widgets load when their top nears the viewport; sections far away are laid out lazily.
    for (let i = 0; i < 2; i++) {
      await page.locator('figure#metrics-lab').evaluate((e) => e.scrollIntoView());
      await page.waitForTimeout(150);
    }
    const firstPanel = await (await page.waitForFunction(() => {
      const spans = [...document.querySelectorAll('#metrics-lab [data-metric]')];
      return spans.length === 7 && spans.every((s) => Number(s.dataset.round) > 0) && performance.now();
    }, null, { timeout: 300_000 })).jsonValue();
    const badge = await page.locator('#metrics-lab .backend-badge[data-backend]').getAttribute('data-backend', { timeout: 30_000 });

    const reference = [];
    for (let i = 0; i < 3; i++) reference.push((await page.evaluate(plainJsReference, N)).ms);

    const presses = backend === 'wasm' ? ctx.options.presses : SLOW_PRESSES;
    await page.locator('#metrics-lab').getByLabel('Mean shift x', { exact: true }).focus();
    const samples = [];
    const computes = [];
    for (let i = 0; i < WARMUP + presses; i++) {
      await page.waitForFunction(settledRound);
      await page.evaluate(armMetrics, PRESS_TIMEOUT_MS);
      await page.keyboard.press(i % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
      const r = await page.evaluate(() => window.__benchMetrics);
      if (r.timeout) throw new Error(`${backend}: not every metric updated within ${PRESS_TIMEOUT_MS} ms of press ${i + 1} (got ${Object.keys(r.painted).join(', ') || 'none'})`);
      samples.push(r.painted);
      // The widget's own compute times for this round (call to readback, per stage).
      await page.waitForFunction(() => Object.keys(JSON.parse(document.querySelector('#metrics-lab [data-testid="metrics-timing"]')?.dataset.stageMs || '{}')).length === 4);
      computes.push(await page.evaluate(() => JSON.parse(document.querySelector('#metrics-lab [data-testid="metrics-timing"]').dataset.stageMs)));
      await page.waitForTimeout(BETWEEN_PRESSES_MS);
    }
    const timed = samples.slice(WARMUP);
    const perMetric = Object.fromEntries(METRICS.map((m) => [m, summarize(timed.map((s) => s[m]))]));
    const compute = Object.fromEntries(STAGES.map((k) => [k, summarize(computes.slice(WARMUP).map((c) => c[k]))]));
    return {
      backend,
      badge,
      verified: badge === backend,
      firstPanelMs: firstPanel,
      warmupMs: samples.slice(0, WARMUP).map((s) => Math.max(...Object.values(s))),
      perMetric,
      compute,
      presses: timed.length,
      reference: summarize(reference),
      samples: timed,
    };
  } finally {
    await browser.close();
  }
}

export default {
  name: 'metrics',
  description: 'Evaluation lab (N = 2,000 per set, 2-D): control change to each metric on screen, per backend',
  async run(ctx) {
    const results = [];
    for (const backend of BACKENDS) {
      ctx.log(`metrics: ${backend}`);
      results.push(await measureBackend(ctx, backend));
    }
    const verified = results.filter((r) => r.verified);
    const best = verified.reduce((a, b) => (b.perMetric.mmd.median < a.perMetric.mmd.median ? b : a), verified[0]);
    const rows = [];
    for (const r of results) {
      for (const m of METRICS) {
        const s = r.perMetric[m];
        rows.push({
          backend: m === METRICS[0] ? (r.verified ? r.backend : `${r.badge} (asked ${r.backend})`) : '',
          metric: LABELS[m],
          n: String(s.n),
          median: fmt(s.median, 1),
          p95: fmt(s.p95, 1),
          max: fmt(s.max, 1),
          'p95÷ref': fmt(s.p95 / r.reference.median, 2),
          'compute median': fmt(r.compute[STAGE_OF[m]].median, 1),
          'compute p95': fmt(r.compute[STAGE_OF[m]].p95, 1),
          'first panel': m === METRICS[0] ? fmt(r.firstPanelMs) : '',
          'JS ref': m === METRICS[0] ? fmt(r.reference.median, 1) : '',
        });
      }
    }
    return {
      tables: [
        {
          title: `Evaluation lab, N = ${N} real + ${N} generated points in 2-D: "Mean shift x" keypress to each metric's new value on screen (ms)`,
          columns: ['backend', 'metric', 'n', 'median', 'p95', 'max', 'p95÷ref', 'compute median', 'compute p95', 'first panel', 'JS ref'],
          rows,
          notes: [
            'Metrics are computed cheap-first and shown stage by stage (FID, KID and IS together; then precision/recall; then the',
            '  memorisation ratio; then the MMD test on 500 + 500 points with 100 relabellings), so each includes the stages before it.',
            'Real-set work (k-NN radii, KID sums, the held-out term) is cached, as it is whenever a failure control moves.',
            `first panel: ms from navigation until all seven metrics are first on screen (cold). Warm-up presses (${WARMUP}) are excluded.`,
            `JS ref: median of 3 runs of N × N squared distances and a 3rd-neighbour selection in plain float64 JavaScript, same page.`,
            'compute: the widget\'s own time from calling the metric(s) of that stage to their readback (FID, KID and IS share one stage;',
            '  precision and recall one); the rest of the on-screen time is the stages before it, the frames between stages and the page\'s rendering.',
          ],
        },
      ],
      targets: METRICS.map((m) => ({
        target: `${LABELS[m]} on screen within ${TARGET_MS} ms of a control change (p95, best backend)`,
        measured: best ? `${fmt(best.perMetric[m].p95, 1)} ms (${best.backend})` : 'no backend verified',
        met: !!best && best.perMetric[m].p95 <= TARGET_MS,
      })),
      data: { path: PATH, n: N, warmup: WARMUP, betweenPressesMs: BETWEEN_PRESSES_MS, backends: results },
    };
  },
};
