/**
 * Suite "vae": the β-VAE widget training live in chapter 3, per tfjs backend.
 *
 * The model trains in a Web Worker on the backend the page chose (the widget reports where it
 * trains, `[data-testid="vae-thread"]`, and that backend must be the one asked for); the page's
 * main thread only draws. So "frame times" measure what the reader feels: painting while training.
 *
 * For each backend (a fresh browser each, `?backend=…`, the badge must name it) and each setting
 * (digits at the issue's 784–256–2 with batches of 64, digits at the widget's default width 128,
 * and the 2-D pinwheel at width 64), the page is opened on `chapters/vae/`, the widget scrolled
 * into view, and Play pressed. After a warm-up, for MEASURE_MS the step counter beside Play is read
 * once a second (steps per second per window: median and the slowest 5 %) while requestAnimationFrame
 * deltas are recorded (does the page keep painting while it trains: frame time median, p95, share
 * of frames over 17 ms). The counter is the trainer's own stepCount, written to the DOM each frame.
 *
 * Then, on WebAssembly, the pinwheel model trains for LEAK_STEPS steps and the page's tf.memory()
 * tensor count, which the widget records with each evaluation (data-tensors), is compared between
 * the first evaluation after step 100 and the one after the last step: it must not grow.
 *
 * Also reported: the digits file's size on the wire (as served, and gzipped at level 6 for a host
 * that compresses it; GitHub Pages serves .bin as application/octet-stream, uncompressed).
 */
import { readFileSync } from 'node:fs';
import { fmt, frameTimesDuring, gzipBytes, quantile } from './lib.mjs';

const BACKENDS = ['cpu', 'wasm', 'webgl'];
const SETTINGS = [
  { key: 'digits-256', label: 'digits, 784–256–2, batch 64', query: 'beta-vae.hidden=256' },
  { key: 'digits-128', label: 'digits, 784–128–2 (default), batch 64', query: '' },
  { key: 'pinwheel-64', label: 'pinwheel, 2–64–2, batch 64', query: 'beta-vae.data=pinwheel&beta-vae.hidden=64' },
];
const WARMUP_MS = 3000;
const MEASURE_MS = 10_000;
const WINDOW_MS = 1000;
const LEAK_STEPS = 5000;
const DIGITS = 'data/generated/digits.bin';

/** In the page: the live step counter beside Play. */
function readCounter() {
  return Number((document.querySelector('#beta-vae [data-testid="vae-step"]')?.textContent ?? '').replace(/\D/g, '') || NaN);
}

async function openWidget(page, url) {
  await page.goto(url);
  // The figure's top, where the lazy loader looks (centring a figure this tall would leave it out).
  await page.locator('#beta-vae').waitFor({ state: 'attached', timeout: 60_000 });
  await page.evaluate(() => document.getElementById('beta-vae').scrollIntoView({ block: 'start' }));
  // Ready when the untrained model's first evaluation is on screen.
  await page.waitForFunction(() => document.querySelector('#beta-vae [data-testid="vae-view-step"]')?.textContent === '0', null, { timeout: 180_000 });
  // Where the model actually trains: the worker reports its own backend (it falls back if it must).
  const where = page.locator('#beta-vae [data-testid="vae-thread"]');
  return { badge: await where.getAttribute('data-backend', { timeout: 30_000 }), thread: await where.getAttribute('data-thread') };
}

async function measureSetting(ctx, page, backend, setting) {
  const { badge, thread } = await openWidget(page, `${ctx.site}chapters/vae/?${setting.query}${setting.query ? '&' : ''}backend=${backend}`);
  await page.locator('#beta-vae .play-controls button', { hasText: 'Play' }).click();
  await page.waitForTimeout(WARMUP_MS);
  const rates = [];
  const frames = await frameTimesDuring(page, async () => {
    let last = { t: Date.now(), step: await page.evaluate(readCounter) };
    const end = last.t + MEASURE_MS;
    while (Date.now() < end) {
      await page.waitForTimeout(WINDOW_MS);
      const now = { t: Date.now(), step: await page.evaluate(readCounter) };
      rates.push((1000 * (now.step - last.step)) / (now.t - last.t));
      last = now;
    }
  });
  const steps = await page.evaluate(readCounter);
  await page.locator('#beta-vae .play-controls button', { hasText: 'Pause' }).click();
  return {
    backend, setting: setting.key, label: setting.label, badge, thread, verified: badge === backend,
    stepsPerSecond: { median: quantile(rates, 0.5), p5: quantile(rates, 0.05), windows: rates },
    frames, stepsTaken: steps,
  };
}

async function leakRun(ctx) {
  const browser = await ctx.launch();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const { badge } = await openWidget(page, `${ctx.site}chapters/vae/?beta-vae.data=pinwheel&beta-vae.hidden=64&backend=wasm`);
    const tensorsAfter = async (step) => {
      await page.waitForFunction((n) => Number(document.querySelector('#beta-vae [data-testid="vae-view-step"]')?.textContent) >= n, step, { timeout: 600_000, polling: 250 });
      return { step: Number(await page.locator('#beta-vae [data-testid="vae-view-step"]').textContent()), tensors: Number(await page.locator('#beta-vae [data-testid="vae-tensors"]').getAttribute('data-tensors')) };
    };
    const t0 = Date.now();
    await page.locator('#beta-vae .play-controls button', { hasText: 'Play' }).click();
    const early = await tensorsAfter(100);
    await page.waitForFunction((n) => Number((document.querySelector('#beta-vae [data-testid="vae-step"]')?.textContent ?? '').replace(/\D/g, '')) >= n, LEAK_STEPS, { timeout: 900_000, polling: 500 });
    await page.locator('#beta-vae .play-controls button', { hasText: 'Pause' }).click();
    const late = await tensorsAfter(LEAK_STEPS);
    return { badge, early, late, constant: early.tensors === late.tensors, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await browser.close();
  }
}

export default {
  name: 'vae',
  description: 'β-VAE widget: training steps per second and frame times while training, per backend; tensor count over 5,000 steps',
  async run(ctx) {
    const results = [];
    let wire = null;
    for (const backend of BACKENDS) {
      const browser = await ctx.launch();
      try {
        const page = browser.context.pages()[0] ?? (await browser.context.newPage());
        page.on('response', async (r) => {
          if (!wire && r.url().endsWith(DIGITS)) {
            wire = { status: r.status(), contentEncoding: r.headers()['content-encoding'] ?? 'none', bodyBytes: NaN };
            wire.bodyBytes = (await r.body().catch(() => Buffer.alloc(0))).length;
          }
        });
        for (const setting of SETTINGS) {
          ctx.log(`vae: ${backend}, ${setting.label}`);
          results.push(await measureSetting(ctx, page, backend, setting));
        }
      } finally {
        await browser.close();
      }
    }
    ctx.log(`vae: ${LEAK_STEPS} steps on wasm for the tensor count`);
    const leak = await leakRun(ctx);
    const file = readFileSync(`${ctx.dist}/${DIGITS}`);
    const bytes = { raw: file.length, gzip: gzipBytes(file), served: wire };
    const best = (key) => results.filter((r) => r.setting === key && r.verified).reduce((a, b) => (!a || b.stepsPerSecond.median > a.stepsPerSecond.median ? b : a), null);

    return {
      tables: [
        {
          title: `β-VAE training in the page, per backend (${MEASURE_MS / 1000} s after a ${WARMUP_MS / 1000} s warm-up; steps/s per ${WINDOW_MS / 1000} s window; frame times in ms)`,
          columns: ['setting', 'backend', 'trains on', 'steps/s median', 'steps/s slowest 5 %', 'frame median', 'frame p95', 'frames > 17 ms'],
          rows: results.map((r) => ({
            setting: r.label,
            backend: r.backend,
            'trains on': `${r.badge}${r.verified ? '' : ` (asked ${r.backend})`}, ${r.thread}`,
            'steps/s median': fmt(r.stepsPerSecond.median, 1),
            'steps/s slowest 5 %': fmt(r.stepsPerSecond.p5, 1),
            'frame median': fmt(r.frames.median, 1),
            'frame p95': fmt(r.frames.p95, 1),
            'frames > 17 ms': `${fmt(100 * r.frames.longShare)} %`,
          })),
          notes: [
            'Each step: one Adam update on a minibatch of 64 (encoder, reparameterised sample, decoder, both terms). "trains on": the backend the model trains on and where (worker: a Web Worker, granted training time by the page\'s TrainingLoop once per frame; page: the main thread).',
            'The views (evaluation terms, posterior, decoded grid, prior samples, reconstructions on 500 evaluation rows) are recomputed every 40 digit steps or 100 pinwheel steps (at most once a second), inside the measurement.',
            `Tensor count over ${LEAK_STEPS.toLocaleString('en')} pinwheel steps on wasm: ${leak.early.tensors} at step ${leak.early.step}, ${leak.late.tensors} at step ${leak.late.step} (${leak.constant ? 'constant' : 'GREW'}; ${fmt(leak.seconds)} s).`,
            `Digits on the wire: ${bytes.raw.toLocaleString('en')} bytes in the file, ${bytes.served ? `${bytes.served.bodyBytes.toLocaleString('en')} bytes received (HTTP ${bytes.served.status}, encoding ${bytes.served.contentEncoding})` : 'request not seen'}; ${bytes.gzip.toLocaleString('en')} bytes if a host gzips it.`,
          ],
        },
      ],
      targets: [
        {
          target: `Tensor count constant over ${LEAK_STEPS.toLocaleString('en')} training steps`,
          measured: `${leak.early.tensors} → ${leak.late.tensors}`,
          met: leak.constant,
        },
        ...['digits-256', 'pinwheel-64'].map((key) => {
          const b = best(key);
          return {
            target: `${SETTINGS.find((s) => s.key === key).label}: page keeps painting while training (frame p95 < 50 ms on the fastest backend)`,
            measured: b ? `${fmt(b.stepsPerSecond.median, 1)} steps/s, frame p95 ${fmt(b.frames.p95, 1)} ms (${b.backend})` : 'no backend verified',
            met: !!b && b.frames.p95 < 50,
          };
        }),
      ],
      data: { warmupMs: WARMUP_MS, measureMs: MEASURE_MS, windowMs: WINDOW_MS, results, leak, bytes },
    };
  },
};
