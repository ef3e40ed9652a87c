/**
 * Suite "pages": what loading each page costs a first-time visitor, and how stable the page is
 * while they read it to the end.
 *
 * Each run opens every page in a fresh browser profile (nothing cached), in the order baseline,
 * home, chapters, gallery, so the machine's noise spreads over all pages alike. Per page and run:
 *
 * - JavaScript before first paint: the gzip size of every JavaScript response whose Resource Timing
 *   `responseEnd` comes before the `first-contentful-paint` paint entry. (FCP, not LCP: what must
 *   arrive before the reader sees anything at all. The site renders on the client, so FCP waits
 *   for the entry module and what it imports.)
 * - Whether tfjs was among it (it must not be: it loads with the first widget that needs it).
 * - FCP and LCP (the last `largest-contentful-paint` entry before any scrolling).
 * - Bytes transferred up to network idle without scrolling, then after scrolling to the end
 *   (which mounts the lazy widgets and loads what they need), as served and as gzip would send
 *   them.
 * - CLS over the whole visit, load and scroll: layout shifts without recent input, grouped in
 *   session windows (gaps under 1 s, at most 5 s long) and the largest window taken, as Chrome's
 *   Core Web Vitals define it. Lazy widgets must not shift the text around them.
 * - Frame times while scrolling to the end, with the frame-time recorder from lib.mjs.
 *
 * The baseline is a page of plain HTML with no script or style, served from the same server in the
 * same run: the floor of navigation and paint on this machine at that moment. LCP is also given as
 * a ratio to it.
 */
import { readdirSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, frameTimesDuring, gzipBytes, isCompressible, summarize } from './lib.mjs';

const BASELINE = 'bench-baseline/';
const TARGET_JS_KB = 150;
const TARGET_LCP_MS = 1000;
const TARGET_CLS = 0.05;
/** Network idle: no request in flight for this long (Playwright's own definition uses 500 ms). */
const QUIET_MS = 500;
/** After the network is idle at the end of the page, time for lazy widgets to compute and draw. */
const SETTLE_MS = 1000;
/** Pause per scroll step (80 % of the viewport): long enough for the lazy loader to notice. */
const SCROLL_STEP_MS = 150;
/** tfjs is bundled into widget chunks, so file names do not reveal it; its kernel names do. */
const TFJS_MARKERS = ['BatchMatMul', 'FusedConv2D'];

/** A page of plain HTML, about the size of a chapter's opening, for the baseline. */
function writeBaseline(dist) {
  mkdirSync(join(dist, BASELINE), { recursive: true });
  const para = 'A generative model learns a distribution from samples and can draw new ones from it. '.repeat(6);
  writeFileSync(
    join(dist, BASELINE, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Baseline</title></head><body><h1>Baseline page</h1><p>${para}</p><p>${para}</p></body></html>`,
  );
}

/** The pages to measure: home, every built chapter or reference page, the gallery. */
function listPages(dist) {
  const chapters = existsSync(join(dist, 'chapters')) ? readdirSync(join(dist, 'chapters')).filter((s) => existsSync(join(dist, 'chapters', s, 'index.html'))).sort() : [];
  return [
    { name: 'home', path: '' },
    ...chapters.map((s) => ({ name: s, path: `chapters/${s}/` })),
    ...(existsSync(join(dist, 'gallery', 'index.html')) ? [{ name: 'gallery', path: 'gallery/' }] : []),
  ];
}

/** Runs in the page before its own scripts: keeps every paint, LCP and layout-shift entry. */
function recordVitals() {
  const rec = { fcp: null, lcp: [], shifts: [] };
  window.__benchVitals = rec;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') rec.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) rec.lcp.push({ t: e.startTime, size: e.size, element: e.element ? `${e.element.tagName.toLowerCase()}${e.element.className ? `.${String(e.element.className).split(' ')[0]}` : ''}` : null });
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) rec.shifts.push({ t: e.startTime, value: e.value, input: e.hadRecentInput });
  }).observe({ type: 'layout-shift', buffered: true });
}

/** The largest session window of layout shifts without recent input (Core Web Vitals' CLS). */
export function cumulativeLayoutShift(shifts) {
  let best = 0;
  let current = 0;
  let windowStart = -Infinity;
  let previous = -Infinity;
  for (const s of [...shifts].sort((a, b) => a.t - b.t)) {
    if (s.input) continue;
    if (s.t - previous > 1000 || s.t - windowStart > 5000) {
      current = 0;
      windowStart = s.t;
    }
    current += s.value;
    previous = s.t;
    best = Math.max(best, current);
  }
  return best;
}

/** Records every response's size (as served and gzipped) and tracks requests in flight. */
function trackNetwork(page) {
  const responses = [];
  const bodies = [];
  let inFlight = 0;
  let lastChange = Date.now();
  const change = (d) => {
    inFlight += d;
    lastChange = Date.now();
  };
  page.on('request', () => change(1));
  page.on('requestfinished', () => change(-1));
  page.on('requestfailed', () => change(-1));
  page.on('response', (r) => {
    bodies.push(
      r.body().then(
        (body) => {
          const type = r.headers()['content-type'] ?? '';
          const js = /javascript/.test(type);
          const text = js ? body.toString('latin1') : '';
          responses.push({
            url: r.url(),
            type,
            bytes: body.length,
            gzip: isCompressible(type) ? gzipBytes(body) : body.length,
            js,
            tfjs: js && (/tfjs|\/tf-/.test(r.url()) || TFJS_MARKERS.every((m) => text.includes(m))),
          });
        },
        // Redirects have no body; nothing was transferred worth counting.
        () => {},
      ),
    );
  });
  return {
    /** Waits until no request has been in flight for QUIET_MS (or gives up after `maxMs`). */
    async quiet(maxMs = 60_000) {
      const until = Date.now() + maxMs;
      while (Date.now() < until && (inFlight > 0 || Date.now() - lastChange < QUIET_MS)) await page.waitForTimeout(100);
    },
    /** Every response so far, once its body has been read. */
    async responses() {
      await Promise.all(bodies);
      return [...responses];
    },
  };
}

function totals(responses) {
  return {
    requests: responses.length,
    bytes: responses.reduce((s, r) => s + r.bytes, 0),
    gzip: responses.reduce((s, r) => s + r.gzip, 0),
    tfjs: responses.some((r) => r.tfjs),
  };
}

/** Scrolls to the end of the page in steps, as a reader would, until the end stays put. */
async function scrollThrough(page) {
  for (let step = 0; step < 400; step++) {
    const atEnd = await page.evaluate(() => {
      window.scrollBy({ top: Math.round(window.innerHeight * 0.8), behavior: 'instant' });
      return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1;
    });
    await page.waitForTimeout(SCROLL_STEP_MS);
    if (atEnd) return;
  }
}

/** One cold visit to one page. */
async function visit(ctx, path) {
  const browser = await ctx.launch();
  try {
    await browser.context.addInitScript(recordVitals);
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const net = trackNetwork(page);
    await page.goto(ctx.site + path, { waitUntil: 'load' });
    await net.quiet();
    const loaded = await page.evaluate(() => ({
      vitals: window.__benchVitals,
      ends: Object.fromEntries(performance.getEntriesByType('resource').map((e) => [e.name, e.responseEnd])),
    }));
    const atIdle = await net.responses();
    const fcp = loaded.vitals.fcp ?? NaN;
    // A script with no timing entry is counted as before first paint: overstating beats hiding.
    const beforePaint = atIdle.filter((r) => r.js && !((loaded.ends[r.url] ?? -Infinity) > fcp));
    const lcp = loaded.vitals.lcp.at(-1);

    const scroll = await frameTimesDuring(page, () => scrollThrough(page));
    await net.quiet();
    await page.waitForTimeout(SETTLE_MS);
    const shifts = await page.evaluate(() => window.__benchVitals.shifts);
    return {
      fcp,
      lcp: lcp?.t ?? NaN,
      lcpElement: lcp?.element ?? null,
      jsBeforePaint: { files: beforePaint.map((r) => new URL(r.url).pathname), ...totals(beforePaint) },
      atIdle: totals(atIdle),
      afterScroll: totals(await net.responses()),
      cls: cumulativeLayoutShift(shifts),
      layoutShifts: shifts.length,
      scrollFrames: scroll,
    };
  } finally {
    await browser.close();
  }
}

const kB = (bytes) => bytes / 1000;

export default {
  name: 'pages',
  description: 'JS before first paint, LCP, CLS, bytes, scroll frame times for every page',
  async run(ctx) {
    writeBaseline(ctx.dist);
    const pages = [{ name: 'baseline', path: BASELINE }, ...listPages(ctx.dist)];
    const runs = Object.fromEntries(pages.map((p) => [p.name, []]));
    for (let i = 0; i < ctx.runs; i++) {
      for (const p of pages) {
        ctx.log(`pages: run ${i + 1}/${ctx.runs} ${p.name}`);
        runs[p.name].push(await visit(ctx, p.path));
      }
    }

    const perPage = pages.map((p) => {
      const rs = runs[p.name];
      const pick = (f) => rs.map(f);
      return {
        page: p.name,
        path: p.path,
        fcp: summarize(pick((r) => r.fcp)),
        lcp: summarize(pick((r) => r.lcp)),
        lcpElement: rs.at(-1).lcpElement,
        // Bytes hardly vary between runs; the largest is the honest figure for a target.
        jsBeforePaintGzip: Math.max(...pick((r) => r.jsBeforePaint.gzip)),
        jsBeforePaintFiles: rs.at(-1).jsBeforePaint.files,
        tfjsBeforePaint: rs.some((r) => r.jsBeforePaint.tfjs),
        atIdle: { gzip: Math.max(...pick((r) => r.atIdle.gzip)), bytes: Math.max(...pick((r) => r.atIdle.bytes)), requests: Math.max(...pick((r) => r.atIdle.requests)) },
        afterScroll: { gzip: Math.max(...pick((r) => r.afterScroll.gzip)), bytes: Math.max(...pick((r) => r.afterScroll.bytes)), tfjs: rs.some((r) => r.afterScroll.tfjs) },
        cls: summarize(pick((r) => r.cls)),
        scrollFrames: {
          median: summarize(pick((r) => r.scrollFrames.median)).median,
          p95: summarize(pick((r) => r.scrollFrames.p95)).median,
          longShare: summarize(pick((r) => r.scrollFrames.longShare)).median,
        },
        runs: rs,
      };
    });
    const baseLcp = perPage[0].lcp.median;
    for (const p of perPage) p.lcpRatioToBaseline = p.lcp.median / baseLcp;
    const measured = perPage.slice(1);

    const worst = (f) => measured.reduce((a, b) => (f(b) > f(a) ? b : a));
    const jsWorst = worst((p) => p.jsBeforePaintGzip);
    const lcpWorst = worst((p) => p.lcp.median);
    const clsWorst = worst((p) => p.cls.max);
    const tfjsPages = measured.filter((p) => p.tfjsBeforePaint).map((p) => p.page);

    return {
      tables: [
        {
          title: `Pages: loading, cold profile each run (${ctx.runs} runs; ms; kB = 1000 bytes; gz = gzip level 6)`,
          columns: ['page', 'JS<FCP gz kB', 'tfjs<FCP', 'FCP med', 'LCP med', 'LCP p95', 'LCP÷base', 'idle gz kB', 'idle raw kB', 'requests', 'LCP element'],
          rows: perPage.map((p) => ({
            page: p.page,
            'JS<FCP gz kB': fmt(kB(p.jsBeforePaintGzip), 1),
            'tfjs<FCP': p.tfjsBeforePaint ? 'YES' : 'no',
            'FCP med': fmt(p.fcp.median),
            'LCP med': fmt(p.lcp.median),
            'LCP p95': fmt(p.lcp.p95),
            'LCP÷base': fmt(p.lcpRatioToBaseline, 2),
            'idle gz kB': fmt(kB(p.atIdle.gzip), 1),
            'idle raw kB': fmt(kB(p.atIdle.bytes), 1),
            requests: String(p.atIdle.requests),
            'LCP element': p.lcpElement ?? '—',
          })),
          notes: [
            'JS<FCP: JavaScript whose response ended before the first-contentful-paint entry (max over runs).',
            'idle: everything transferred until the network was quiet for 500 ms, without scrolling (max over runs).',
            'LCP÷base: median LCP over the median LCP of a plain-HTML page served and measured in the same runs.',
          ],
        },
        {
          title: `Pages: a visit scrolled to the end (${ctx.runs} runs)`,
          columns: ['page', 'CLS med', 'CLS max', 'shifts', 'total gz kB', 'total raw kB', 'tfjs loaded', 'frame med ms', 'frame p95 ms', 'frames >17ms'],
          rows: perPage.map((p) => ({
            page: p.page,
            'CLS med': fmt(p.cls.median, 4),
            'CLS max': fmt(p.cls.max, 4),
            shifts: String(Math.max(...p.runs.map((r) => r.layoutShifts))),
            'total gz kB': fmt(kB(p.afterScroll.gzip), 1),
            'total raw kB': fmt(kB(p.afterScroll.bytes), 1),
            'tfjs loaded': p.afterScroll.tfjs ? 'yes' : 'no',
            'frame med ms': fmt(p.scrollFrames.median, 1),
            'frame p95 ms': fmt(p.scrollFrames.p95, 1),
            'frames >17ms': `${fmt(100 * p.scrollFrames.longShare)} %`,
          })),
          notes: [
            'CLS: largest session window of layout shifts without recent input, over load and scroll.',
            `Scrolled by 80 % of the viewport every ${SCROLL_STEP_MS} ms; frame times are rAF deltas (medians over runs).`,
          ],
        },
      ],
      targets: [
        { target: `JS before first paint ≤ ${TARGET_JS_KB} kB gzip (worst page, max over runs)`, measured: `${fmt(kB(jsWorst.jsBeforePaintGzip), 1)} kB (${jsWorst.page})`, met: kB(jsWorst.jsBeforePaintGzip) <= TARGET_JS_KB },
        { target: 'no tfjs before first paint (any page, any run)', measured: tfjsPages.length ? `tfjs on ${tfjsPages.join(', ')}` : 'none', met: tfjsPages.length === 0 },
        { target: `LCP < ${TARGET_LCP_MS} ms on localhost (worst page, median)`, measured: `${fmt(lcpWorst.lcp.median)} ms (${lcpWorst.page})`, met: lcpWorst.lcp.median < TARGET_LCP_MS },
        { target: `CLS < ${TARGET_CLS} (worst page, max over runs)`, measured: `${fmt(clsWorst.cls.max, 4)} (${clsWorst.page})`, met: clsWorst.cls.max < TARGET_CLS },
      ],
      data: { baseline: BASELINE, pages: perPage },
    };
  },
};
