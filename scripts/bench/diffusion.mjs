/**
 * Suite "diffusion": the live denoiser of chapter 7 (#trainer in chapters/diffusion/), per tfjs
 * backend. The model is the widget's default: an MLP on (x, y) and a 4-feature time embedding with
 * three hidden layers of 64 (8,898 parameters, Diffusion Explorer's size), Adam, batch 200, on two
 * moons, linear schedule, T = 1000; everything is set through the widget's URL, so what is
 * measured is what a reader gets from that link.
 *
 * Training (a fresh browser per backend; the badge must name the backend asked for): Play is
 * pressed and the page records, on every animation frame, the frame time and the widget's step
 * counter and last loss (written to the page twice a second while it trains: data-step on
 * [data-testid=dt-step], data-loss / data-loss-step on [data-testid=dt-bench]). Reported: steps per
 * second (median over 2-second windows), the time from Play to step 2,000 (interpolated between
 * the counter's updates), the time to the loss plateau (the first time the loss, averaged over the
 * reads of the last 200 steps, is within 10 % of its average over steps 2,500–3,000), and the
 * frame times while training (median, p95, share over 17 ms). Training stops at 3,000 steps or
 * after 150 s on wasm and 60 s on cpu and webgl (both far slower), whichever comes first. The
 * quick DDIM previews drawn every 500 steps are left on, as a reader has them.
 *
 * Sampling (a fresh page per setting, 100 training steps first: timing does not depend on the
 * weights): the Sample button is pressed `sampleRuns` times and the widget's own timings read back
 * (data-sample-wall: from the first step to the samples read back, spread over animation frames;
 * data-sample-compute: time inside the sampler's steps). Settings: DDPM, T = 1000, 2,000 points;
 * DDIM, 50 steps, 2,000 points; DDIM, 200 steps, 500 points (Diffusion Explorer's 500 × 200).
 *
 * Tensors: on the best backend, the widget's tf.memory().numTensors (read when training pauses)
 * near step 100 and again after 5,000 more steps, previews included.
 */
import { fmt, startFrameRecorder, stopFrameRecorder, summarize } from './lib.mjs';

const BACKENDS = ['cpu', 'wasm', 'webgl'];
const BASE = 'trainer.data=moons&trainer.schedule=linear&trainer.T=1000&trainer.seed=1';
const TRAIN_TO = 3000;
const TRAINED = 2000;
const PLATEAU = { window: 200, from: 2500, within: 0.1 };
const SAMPLINGS = [
  { key: 'ddpm-1000-2000', label: 'DDPM, 1000 steps, 2,000 points', query: 'trainer.sampler=ddpm&trainer.n=2000', slow: true },
  { key: 'ddim-50-2000', label: 'DDIM, 50 steps, 2,000 points', query: 'trainer.sampler=ddim&trainer.steps=50&trainer.eta=0&trainer.n=2000' },
  { key: 'ddim-200-500', label: 'DDIM, 200 steps, 500 points', query: 'trainer.sampler=ddim&trainer.steps=200&trainer.eta=0&trainer.n=500' },
];
const LEAK_STEPS = 5000;
const TARGETS = { trainS: 10, frameP95: 17, sample500x200S: 0.5 };

const step = (page) => page.evaluate(() => Number(document.querySelector('#trainer [data-testid="dt-step"]')?.dataset.step ?? NaN));
const bench = (page) => page.evaluate(() => ({ ...document.querySelector('#trainer [data-testid="dt-bench"]')?.dataset }));
const playButton = (page) => page.locator('#trainer .play-controls button.primary');
const isPlaying = async (page) => (await playButton(page).getAttribute('aria-pressed')) === 'true';

async function open(ctx, backend, query) {
  const browser = await ctx.launch();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${ctx.site}chapters/diffusion/?${BASE}&${query}&backend=${backend}`);
  // Sections far from the viewport are laid out only near it (content-visibility), at an estimated
  // height until then: scroll to the widget's section first, then to the widget.
  // The chapter mounts its widgets' frames after it loads: wait for this one before looking at it.
  await page.locator('#trainer .widget-toolbar').waitFor({ timeout: 60_000 });
  for (let i = 0; i < 40; i++) {
    await page.evaluate(() => document.getElementById('trainer')?.closest('section')?.scrollIntoView());
    await page.waitForTimeout(100);
    await page.locator('#trainer .widget-toolbar').scrollIntoViewIfNeeded();
    if ((await page.locator('#trainer .widget-frame > .widget-loading[aria-hidden="true"]').count()) === 0) break;
    await page.waitForTimeout(250);
  }
  await page.waitForFunction(() => document.querySelector('#trainer [data-testid="dt-step"]')?.dataset.step === '0', null, { timeout: 180_000 });
  const badge = await page.locator('#trainer .backend-badge[data-backend]').getAttribute('data-backend', { timeout: 30_000 });
  // Training holds while the widget is off-screen: keep its views in the viewport.
  await page.locator('#trainer .dt-samples').scrollIntoViewIfNeeded();
  return { browser, page, badge };
}

/** In the page: record every frame's time, and the step counter and loss whenever they change. */
function startTrace() {
  const rec = { frames: [], series: [], last: null, running: true };
  const bench = document.querySelector('#trainer [data-testid="dt-bench"]');
  const counter = document.querySelector('#trainer [data-testid="dt-step"]');
  const t0 = performance.now();
  let lastKey = '';
  const tick = (t) => {
    if (!rec.running) return;
    if (rec.last !== null) rec.frames.push(t - rec.last);
    rec.last = t;
    const s = Number(counter?.dataset.step ?? NaN), l = Number(bench?.dataset.loss || NaN), ls = Number(bench?.dataset.lossStep || NaN);
    const key = `${s}|${ls}`;
    if (key !== lastKey) {
      lastKey = key;
      rec.series.push({ ms: t - t0, step: s, loss: l, lossStep: ls });
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  window.__diffTrace = rec;
}

function stopTrace() {
  const rec = window.__diffTrace;
  rec.running = false;
  return { frames: rec.frames, series: rec.series };
}

/** Time (ms since Play) at which the counter passed `target`, interpolated between its updates. */
function timeAt(series, target) {
  for (let i = 1; i < series.length; i++) {
    const a = series[i - 1], b = series[i];
    if (b.step >= target && a.step < target) return a.ms + ((target - a.step) / (b.step - a.step)) * (b.ms - a.ms);
  }
  return NaN;
}

/** First time the loss, averaged over the reads of the last `window` steps, is within `within` of its late average. */
function plateauTime(series) {
  const reads = [];
  for (const p of series) if (Number.isFinite(p.loss) && (!reads.length || p.lossStep !== reads[reads.length - 1].lossStep)) reads.push(p);
  const late = reads.filter((r) => r.lossStep >= PLATEAU.from);
  if (late.length < 3) return { ms: NaN, step: NaN, late: NaN };
  const target = late.reduce((a, r) => a + r.loss, 0) / late.length;
  for (let i = 0; i < reads.length; i++) {
    const win = reads.filter((r) => r.lossStep > reads[i].lossStep - PLATEAU.window && r.lossStep <= reads[i].lossStep);
    if (reads[i].lossStep < PLATEAU.window) continue;
    const mean = win.reduce((a, r) => a + r.loss, 0) / win.length;
    if (mean <= (1 + PLATEAU.within) * target) return { ms: reads[i].ms, step: reads[i].lossStep, late: target };
  }
  return { ms: NaN, step: NaN, late: target };
}

/** Steps per second in consecutive windows of about 2 s. */
function rates(series) {
  const out = [];
  let a = series.find((p) => p.step > 0);
  for (const b of series) {
    if (!a || b.ms - a.ms < 2000) continue;
    out.push(((b.step - a.step) * 1000) / (b.ms - a.ms));
    a = b;
  }
  return out;
}

/**
 * In the page: frame times while plain JavaScript busy-waits 10 ms in every animation frame, the
 * training loop's budget: what this machine, as loaded right now, allows at best.
 */
function busyBaseline(ms) {
  return new Promise((resolve) => {
    const deltas = [];
    let last = null;
    const end = performance.now() + ms;
    const tick = (t) => {
      if (last !== null) deltas.push(t - last);
      last = t;
      const s = performance.now();
      while (performance.now() - s < 10);
      if (t < end) requestAnimationFrame(tick);
      else resolve(deltas);
    };
    requestAnimationFrame(tick);
  });
}

async function train(ctx, backend) {
  const { browser, page, badge } = await open(ctx, backend, '');
  try {
    const base = await page.evaluate(busyBaseline, 3000);
    const baseline = { ...summarize(base), longShare: base.filter((d) => d > 17).length / Math.max(1, base.length) };
    await page.evaluate(startTrace);
    await playButton(page).click();
    const started = Date.now();
    const limit = backend === 'wasm' ? ctx.options.trainLimitMs : ctx.options.slowTrainLimitMs;
    await page.waitForFunction((n) => Number(document.querySelector('#trainer [data-testid="dt-step"]')?.dataset.step) >= n, TRAIN_TO, { timeout: limit, polling: 250 }).catch(() => undefined);
    const { frames, series } = await page.evaluate(stopTrace);
    const wallS = (Date.now() - started) / 1000;
    if (await isPlaying(page)) await playButton(page).click();
    const f = summarize(frames);
    return {
      backend,
      badge,
      verified: badge === backend,
      steps: series.length ? series[series.length - 1].step : 0,
      wallS,
      stepsPerSecond: summarize(rates(series)),
      trainedMs: timeAt(series, TRAINED),
      plateau: plateauTime(series),
      frames: { n: f.n, median: f.median, p95: f.p95, max: f.max, longShare: frames.filter((d) => d > 17).length / Math.max(1, frames.length) },
      baseline,
      series,
    };
  } finally {
    await browser.close();
  }
}

async function sampling(ctx, backend, setting) {
  const { browser, page, badge } = await open(ctx, backend, `${setting.query}&trainer.preview=false`);
  try {
    await page.locator('#trainer').getByRole('button', { name: '+100 steps' }).click();
    await page.waitForFunction(() => document.querySelector('#trainer [data-testid="dt-loss-step"]')?.textContent === '100', null, { timeout: 300_000 });
    const runs = [];
    const runsHere = backend === 'wasm' ? ctx.options.sampleRuns : ctx.options.slowSampleRuns;
    for (let i = 0; i < runsHere; i++) {
      const before = (await bench(page)).sampleId ?? '';
      await page.locator('#trainer').getByRole('button', { name: /^Sample \(/ }).click();
      await page.waitForFunction((id) => {
        const d = document.querySelector('#trainer [data-testid="dt-bench"]')?.dataset;
        return d && d.sampleId && d.sampleId !== id && !d.busy;
      }, before, { timeout: 600_000, polling: 100 });
      const d = await bench(page);
      runs.push({ wallMs: Number(d.sampleWall), computeMs: Number(d.sampleCompute), frames: Number(d.sampleFrames), steps: Number(d.sampleSteps), n: Number(d.sampleN), method: d.sampleMethod });
    }
    return { backend, setting: setting.key, badge, verified: badge === backend, runs, wall: summarize(runs.map((r) => r.wallMs)), compute: summarize(runs.map((r) => r.computeMs)) };
  } finally {
    await browser.close();
  }
}

async function leakCheck(ctx, backend) {
  const { browser, page } = await open(ctx, backend, '');
  const pausedTensors = async () => {
    if (await isPlaying(page)) await playButton(page).click();
    await page.waitForFunction(() => document.querySelector('#trainer [data-testid="dt-bench"]')?.dataset.tensors && !document.querySelector('#trainer [data-testid="dt-bench"]')?.dataset.busy);
    // a preview started just before the pause finishes and recounts within a couple of seconds
    await page.waitForTimeout(2500);
    return { step: await step(page), tensors: Number((await bench(page)).tensors) };
  };
  try {
    await playButton(page).click();
    await page.waitForFunction(() => Number(document.querySelector('#trainer [data-testid="dt-step"]')?.dataset.step) >= 100, null, { timeout: 300_000 });
    const early = await pausedTensors();
    await playButton(page).click();
    const t0 = Date.now();
    await page.waitForFunction((n) => Number(document.querySelector('#trainer [data-testid="dt-step"]')?.dataset.step) >= n, early.step + LEAK_STEPS, { timeout: 900_000, polling: 500 });
    const late = await pausedTensors();
    return { backend, early, late, seconds: (Date.now() - t0) / 1000, constant: early.tensors === late.tensors };
  } finally {
    await browser.close();
  }
}

export default {
  name: 'diffusion',
  description: 'Diffusion denoiser (chapter 7): training steps/s, time to 2,000 steps and to the loss plateau, frame times; DDPM/DDIM sampling time; tensor count over 5,000 steps',
  async run(ctx) {
    // cpu and webgl (SwiftShader here) are an order of magnitude slower: shorter runs, fewer repeats.
    const options = { trainLimitMs: 150_000, slowTrainLimitMs: 60_000, sampleRuns: Math.max(3, Math.min(ctx.runs, 10)), slowSampleRuns: 2 };
    const c = { ...ctx, options: { ...ctx.options, ...options } };
    const training = [];
    for (const backend of BACKENDS) {
      ctx.log(`diffusion: training on ${backend}`);
      try {
        const r = await train(c, backend);
        training.push(r);
        ctx.log(`diffusion: ${backend} (${r.badge}): ${r.steps} steps, ${fmt(r.stepsPerSecond.median)} steps/s, 2,000 steps at ${fmt(r.trainedMs / 1000, 1)} s, plateau ${fmt(r.plateau.ms / 1000, 1)} s (step ${r.plateau.step}), frames median ${fmt(r.frames.median, 1)} p95 ${fmt(r.frames.p95, 1)} ms (busy-JS baseline p95 ${fmt(r.baseline.p95, 1)} ms)`);
      } catch (e) {
        ctx.log(`diffusion: training on ${backend} failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
        training.push({ backend, badge: 'failed', verified: false, steps: 0, wallS: NaN, stepsPerSecond: summarize([]), trainedMs: NaN, plateau: { ms: NaN, step: NaN, late: NaN }, frames: { median: NaN, p95: NaN, longShare: NaN }, series: [] });
      }
    }
    const samples = [];
    for (const backend of BACKENDS) {
      // DDPM over 2,000 points takes minutes on cpu and on software WebGL: estimated below instead.
      for (const setting of SAMPLINGS.filter((x) => backend === 'wasm' || !x.slow)) {
        ctx.log(`diffusion: ${setting.label} on ${backend}`);
        try {
          const r = { ...(await sampling(c, backend, setting)), label: setting.label };
          samples.push(r);
          ctx.log(`diffusion: ${setting.label} on ${backend} (${r.badge}): wall ${r.runs.map((x) => fmt(x.wallMs)).join('/')} ms, compute ${r.runs.map((x) => fmt(x.computeMs)).join('/')} ms`);
        } catch (e) {
          ctx.log(`diffusion: ${setting.label} on ${backend} failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
          samples.push({ backend, setting: setting.key, label: setting.label, badge: 'failed', verified: false, runs: [], wall: summarize([]), compute: summarize([]) });
        }
      }
    }
    const verified = training.filter((r) => r.verified && Number.isFinite(r.trainedMs));
    const best = verified.reduce((a, b) => (!a || b.trainedMs < a.trainedMs ? b : a), null);
    ctx.log(`diffusion: tensor count over ${LEAK_STEPS} steps on ${best?.backend ?? 'wasm'}`);
    const leak = await leakCheck(c, best?.backend ?? 'wasm');
    const s500 = samples.filter((s) => s.setting === 'ddim-200-500' && s.verified);
    const bestSample = s500.reduce((a, b) => (!a || b.wall.median < a.wall.median ? b : a), null);

    return {
      tables: [
        {
          title: `Diffusion denoiser training (8,898 parameters, batch 200, two moons, T = 1000; up to ${TRAIN_TO} steps or ${options.trainLimitMs / 1000} s on wasm, ${options.slowTrainLimitMs / 1000} s on cpu and webgl)`,
          columns: ['backend', 'badge', 'steps', 'steps/s (median)', 'to 2,000 steps', 'to plateau', 'plateau step', 'frame median', 'frame p95', '>17 ms', 'busy-JS p95', 'busy-JS >17 ms'],
          rows: training.map((r) => ({
            backend: r.backend,
            badge: r.verified ? r.badge : `${r.badge} (asked ${r.backend})`,
            steps: String(r.steps),
            'steps/s (median)': fmt(r.stepsPerSecond.median, 0),
            'to 2,000 steps': Number.isFinite(r.trainedMs) ? `${fmt(r.trainedMs / 1000, 1)} s` : `not in ${fmt(r.wallS)} s`,
            'to plateau': Number.isFinite(r.plateau.ms) ? `${fmt(r.plateau.ms / 1000, 1)} s` : '—',
            'plateau step': Number.isFinite(r.plateau.step) ? String(r.plateau.step) : '—',
            'frame median': fmt(r.frames.median, 1),
            'frame p95': fmt(r.frames.p95, 1),
            '>17 ms': `${fmt(100 * r.frames.longShare)} %`,
            'busy-JS p95': fmt(r.baseline?.p95, 1),
            'busy-JS >17 ms': r.baseline ? `${fmt(100 * r.baseline.longShare)} %` : '—',
          })),
          notes: [
            'to 2,000 steps: from pressing Play, interpolated between the step counter\'s updates (twice a second).',
            `to plateau: first time the loss averaged over the last ${PLATEAU.window} steps is within ${100 * PLATEAU.within} % of its average over steps ${PLATEAU.from}–${TRAIN_TO}.`,
            'frame times: requestAnimationFrame deltas (ms) over the whole run, DDIM previews every 500 steps included.',
            'busy-JS: the same page just before, plain JavaScript busy-waiting 10 ms (the loop\'s budget) per frame for 3 s: the best this machine allows right now.',
          ],
        },
        {
          title: `Sampling in the widget (${options.sampleRuns} runs per setting on wasm, ${options.slowSampleRuns} on cpu and webgl, after 100 training steps; ms)`,
          columns: ['backend', 'setting', 'wall median', 'wall p95', 'compute median', 'frames'],
          rows: samples.map((s) => ({
            backend: s.verified ? s.backend : `${s.badge} (asked ${s.backend})`,
            setting: s.label,
            'wall median': fmt(s.wall.median),
            'wall p95': fmt(s.wall.p95),
            'compute median': fmt(s.compute.median),
            frames: fmt(summarize(s.runs.map((r) => r.frames)).median),
          })),
          notes: [
            ...BACKENDS.filter((b) => b !== 'wasm').map((b) => {
              const d = samples.find((x) => x.backend === b && x.setting === 'ddim-50-2000' && x.verified);
              return `${b}: DDPM over 2,000 points not run (minutes); 1000 × the per-step compute of DDIM-50 gives about ${d ? fmt((d.compute.median / 50) * 1000 / 1000, 0) : '—'} s of compute.`;
            }),
            'wall: from the first step to the samples read back, spread over animation frames (12 ms of sampling per frame) so the page keeps painting.',
            'compute: time inside the sampler\'s steps (on WebGL only the dispatch; the GPU work is waited for in the final read).',
          ],
        },
        {
          title: 'Tensor count while training',
          columns: ['backend', 'at step', 'tensors', 'at step ', 'tensors ', 'seconds', 'constant'],
          rows: [{ backend: leak.backend, 'at step': String(leak.early.step), tensors: String(leak.early.tensors), 'at step ': String(leak.late.step), 'tensors ': String(leak.late.tensors), seconds: fmt(leak.seconds), constant: leak.constant ? 'yes' : 'NO' }],
          notes: ['tf.memory().numTensors as the widget reads it when training pauses; previews and the field refreshes ran in between.'],
        },
      ],
      targets: [
        {
          target: `${TRAINED} steps at this model size trained in ≤ ${TARGETS.trainS} s on the best backend`,
          measured: best ? `${fmt(best.trainedMs / 1000, 1)} s (${best.backend})` : 'no backend reached 2,000 steps',
          met: !!best && best.trainedMs <= TARGETS.trainS * 1000,
        },
        {
          target: `frame time p95 < ${TARGETS.frameP95} ms while training (best backend)`,
          measured: best ? `${fmt(best.frames.p95, 1)} ms (${best.backend})` : '—',
          met: !!best && best.frames.p95 < TARGETS.frameP95,
        },
        {
          target: `500 points over 200 steps sampled in < ${TARGETS.sample500x200S} s`,
          measured: bestSample ? `${fmt(bestSample.wall.median)} ms wall, ${fmt(bestSample.compute.median)} ms compute (${bestSample.backend})` : '—',
          met: !!bestSample && bestSample.wall.median < TARGETS.sample500x200S * 1000,
        },
        { target: `tensor count constant over ${LEAK_STEPS} steps`, measured: `${leak.early.tensors} → ${leak.late.tensors}`, met: leak.constant },
      ],
      data: { base: BASE, trainTo: TRAIN_TO, plateau: PLATEAU, training, samples, leak },
    };
  },
};
