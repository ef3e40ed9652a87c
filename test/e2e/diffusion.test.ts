/**
 * The diffusion chapter's widgets in the built site: every number they show is recomputed here in
 * Node from the same core functions and seeds (float64, or tfjs on its cpu backend), and compared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import { launch, watchedPage, type Browser } from './browser';
import { origin, site } from './helpers';
import { makeSchedule, scheduleAt } from '../../src/core/diffusion/schedules';
import { iterateForward, noiseAt, noiseImage } from '../../src/core/diffusion/forward';
import { closedFormMoments, cloudMoments, datasetPoints } from '../../src/core/diffusion/views';
import { DiffusionTrainer } from '../../src/core/diffusion/trainer';
import { sample } from '../../src/core/diffusion/samplers';
import { gaussianKernelMmd2 } from '../../src/core/diffusion/mmd';
import { mmd2ToStandardNormalRef } from '../../src/core/ref/diffusion';
import { parseDigits } from '../../src/core/vae/digits';
import { childSeed } from '../../src/core/random';
import { fmtFixed, fmtSig } from '../../src/widgets/diffusion-common/format';
import { firstDigit } from '../../src/widgets/diffusion-common/digits';
import { READOUT_ROWS, CLOUD_POINTS } from '../../src/widgets/noise-schedules/readouts';
import { FORWARD_T, MMD_H, MMD_POINTS } from '../../src/widgets/forward-process/constants';
import { CLIP_X0, EVAL_POINTS, QUALITY_H, TRAIN_POINTS } from '../../src/widgets/diffusion-trainer/constants';

let browser: Browser;
beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const chapter = () => `${site()}chapters/diffusion/`;
const text = async (page: Page, sel: string) => ((await page.locator(sel).first().textContent()) ?? '').trim();

/**
 * Scroll a widget into view until it starts loading. Chapter sections far from the viewport are
 * not laid out (content-visibility: auto) and stand in at an estimated height, so a jump straight
 * to a widget can land where its section, at that estimate, is not: scroll to the section's start
 * first, then to the widget's toolbar.
 */
async function reach(page: Page, id: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.evaluate((wid) => document.getElementById(wid)?.closest('section')?.scrollIntoView(), id);
    await page.waitForTimeout(100);
    await page.locator(`#${id} .widget-toolbar`).scrollIntoViewIfNeeded();
    if ((await page.locator(`#${id} .widget-frame > .widget-loading[aria-hidden="true"]`).count()) === 0) return;
    await page.waitForTimeout(250);
  }
  throw new Error(`#${id} never came near the viewport.`);
}

/** Wait until the element's text matches (by default: anything but empty or a placeholder), and return it. */
async function settled(page: Page, sel: string, accept: RegExp = /^(?!…$|—$)./): Promise<string> {
  // The widget loads as it nears the viewport: bring it there first.
  await reach(page, sel.split(' ')[0].slice(1));
  await page.waitForFunction(({ sel, source, flags }) => new RegExp(source, flags).test((document.querySelector(sel)?.textContent ?? '').trim()), { sel, source: accept.source, flags: accept.flags }, { timeout: 90_000 });
  return text(page, sel);
}

const pair = (a: number, b: number) => `(${fmtFixed(a, 3)}, ${fmtFixed(b, 3)})`;
const num = (s: string) => Number(s.replace(/−/g, '-'));

describe('noise schedules widget', () => {
  function expectReadouts(values: Record<string, string>, t: number, T = 1000) {
    for (const [w, kind] of [['a', 'linear'], ['b', 'cosine']] as const) {
      const r = scheduleAt(makeSchedule({ kind, T }), t);
      for (const row of READOUT_ROWS) expect(values[`${w}-${row.key}`], `${kind} ${row.key} at t = ${t}`).toBe(fmtSig(r[row.key] as number));
    }
  }
  async function readouts(page: Page): Promise<Record<string, string>> {
    return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#schedules [data-testid^="ns-"]')].filter((e) => e.tagName === 'OUTPUT').map((e) => [e.getAttribute('data-testid')!.slice(3), (e.textContent ?? '').trim()])));
  }
  /** What the page should draw at t: the digit's pixel sum and the cloud's RMS, per schedule. */
  function noisedViews(t: number) {
    const digits = parseDigits(readFileSync('public/data/generated/digits.bin').buffer as ArrayBuffer);
    const { pixels } = firstDigit(digits, 3);
    const x0 = datasetPoints('ring', CLOUD_POINTS, childSeed(1, 'data'));
    const eps = childSeed(1, 'eps');
    return Object.fromEntries((['linear', 'cosine'] as const).map((kind, i) => {
      const s = makeSchedule({ kind, T: 1000 });
      const xt = noiseAt(x0, s, t, eps).xt;
      return [i === 0 ? 'a' : 'b', {
        sum: noiseImage(pixels, s, t, eps).display.reduce((a, v) => a + v, 0).toFixed(3),
        rms: Math.sqrt(xt.reduce((a, v) => a + v * v, 0) / xt.length).toFixed(6),
      }];
    }));
  }

  it('mounts in chapter 7 and reads out β, ᾱ, √ᾱ, √(1 − ᾱ), log SNR and β̃ of both schedules at t = 250', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    await settled(w.page, '#schedules [data-testid="ns-a-alphaBar"]');
    const values = await readouts(w.page);
    expectReadouts(values, 250);
    // The chapter's table: linear ᾱ_250 = 0.524, cosine 0.847.
    expect(values['a-alphaBar']).toBe('0.5241');
    expect(values['b-alphaBar']).toBe('0.8470');
    const expected = noisedViews(250);
    await w.page.waitForFunction(() => document.querySelectorAll('#schedules .ns-cloud svg').length === 2 && document.querySelector('#schedules [data-testid="ns-digit-a"]')?.getAttribute('data-sum'));
    for (const k of ['a', 'b'] as const) {
      expect(await w.page.getAttribute(`#schedules [data-testid="ns-digit-${k}"]`, 'data-sum')).toBe(expected[k].sum);
      expect(await w.page.getAttribute(`#schedules .ns-cloud-${k} svg`, 'data-rms')).toBe(expected[k].rms);
    }
    expect(w.consoleErrors).toEqual([]);
    expect(w.failedRequests).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    await w.page.close();
  });

  it('the t slider moves every readout and both noised views, and the URL keeps t', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    await settled(w.page, '#schedules [data-testid="ns-a-alphaBar"]');
    const slider = w.page.locator('#schedules').getByLabel('Step t', { exact: true });
    await slider.focus();
    for (let i = 0; i < 5; i++) await w.page.keyboard.press('ArrowRight');
    await w.page.waitForFunction(() => document.querySelector('#schedules [data-testid="ns-digit-b"]')?.getAttribute('data-t') === '255');
    expectReadouts(await readouts(w.page), 255);
    const expected = noisedViews(255);
    await w.page.waitForFunction((rms) => document.querySelector('#schedules .ns-cloud-a svg')?.getAttribute('data-rms') === rms, expected.a.rms);
    expect(await w.page.getAttribute('#schedules [data-testid="ns-digit-a"]', 'data-sum')).toBe(expected.a.sum);
    expect(await w.page.getAttribute('#schedules .ns-cloud-b svg', 'data-rms')).toBe(expected.b.rms);
    await w.page.waitForFunction(() => new URLSearchParams(location.search).get('schedules.t') === '255');
    expect(await slider.getAttribute('aria-valuetext')).toBe('t = 255 of 1000');
    await w.page.close();
  });

  it('a chain of T = 100 unscaled steps is flagged as not ending in noise; scaling β fixes it', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${chapter()}?schedules.T=100&schedules.t=100&schedules.b=quadratic`);
    await settled(w.page, '#schedules [data-testid="ns-a-alphaBar"]');
    const s = makeSchedule({ kind: 'linear', T: 100 });
    expect(await text(w.page, '#schedules [data-testid="ns-a-alphaBar"]')).toBe(fmtSig(s.alphaBar[100]));
    expect(s.alphaBar[100]).toBeGreaterThan(0.3);
    const warnings = await w.page.locator('#schedules [role="status"]').allTextContents();
    expect(warnings.filter((x) => /not yet pure noise/.test(x))).toHaveLength(2);
    await w.page.locator('#schedules').getByLabel(/Scale β with 1000\/T/).check();
    const scaled = makeSchedule({ kind: 'linear', T: 100, scaleWithT: true });
    await w.page.waitForFunction((v) => document.querySelector('#schedules [data-testid="ns-a-alphaBar"]')?.textContent === v, fmtSig(scaled.alphaBar[100]));
    expect(await w.page.locator('#schedules [role="status"]').count()).toBe(0);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});

describe('forward process widget', () => {
  const expectMoments = async (page: Page, xt: Float64Array, x0: Float64Array, t: number) => {
    const m = cloudMoments(xt), c = closedFormMoments(makeSchedule({ kind: 'linear', T: FORWARD_T }), t, cloudMoments(x0));
    expect(await text(page, '#forward [data-testid="fw-mean"]')).toBe(pair(m.mean[0], m.mean[1]));
    expect(await text(page, '#forward [data-testid="fw-var"]')).toBe(pair(m.variance[0], m.variance[1]));
    expect(await text(page, '#forward [data-testid="fw-mean-closed"]')).toBe(pair(c.mean[0], c.mean[1]));
    expect(await text(page, '#forward [data-testid="fw-var-closed"]')).toBe(pair(c.variance[0], c.variance[1]));
  };

  it('shows the moments of x_t against the closed form and the MMD to N(0, I), for the closed form and the chain', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${chapter()}?forward.t=300&forward.data=moons`);
    const mmd = await settled(w.page, '#forward [data-testid="fw-mmd"]', /^\d[^(]*$/);
    const s = makeSchedule({ kind: 'linear', T: FORWARD_T });
    const x0 = datasetPoints('moons', 1000, childSeed(1, 'data'));
    const xt = noiseAt(x0, s, 300, childSeed(1, 'eps')).xt;
    await expectMoments(w.page, xt, x0, 300);
    expect(await text(w.page, '#forward [data-testid="fw-alphabar"]')).toBe(fmtSig(s.alphaBar[300]));
    // tfjs in float32 on the page against the float64 reference
    const ref = Math.sqrt(Math.max(0, mmd2ToStandardNormalRef(xt.subarray(0, 2 * MMD_POINTS), MMD_H)));
    expect(Math.abs(num(mmd) - ref)).toBeLessThan(0.0015);
    // The chain, step by step: other draws, the same closed form.
    await w.page.locator('#forward').getByLabel('How x_t is drawn').selectOption('chain');
    const chain = iterateForward(x0, s, 300, childSeed(1, 'chain'));
    await w.page.waitForFunction((v) => document.querySelector('#forward [data-testid="fw-mean"]')?.textContent === v, pair(cloudMoments(chain).mean[0], cloudMoments(chain).mean[1]));
    await expectMoments(w.page, chain, x0, 300);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });

  it('Play sweeps t upwards and Pause stops it; drawn points become the data', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${chapter()}?forward.t=900`);
    await settled(w.page, '#forward [data-testid="fw-mmd"]', /^\d[^(]*$/);
    const fig = w.page.locator('#forward');
    await fig.getByRole('button', { name: 'Play' }).click();
    await w.page.waitForFunction(() => Number(/\d+/.exec(document.querySelector('#forward [data-testid="fw-t"]')?.textContent ?? '')?.[0]) >= 1000, null, { timeout: 60_000 });
    // The sweep stops by itself at T.
    await fig.getByRole('button', { name: 'Play' }).waitFor();
    expect(await text(w.page, '#forward [data-testid="fw-t"]')).toBe('t = 1000');
    // At t = T the moments are those of N(0, I) to sampling accuracy.
    const [vx, vy] = (await text(w.page, '#forward [data-testid="fw-var"]')).slice(1, -1).split(', ').map(num);
    expect(Math.abs(vx - 1)).toBeLessThan(0.15);
    expect(Math.abs(vy - 1)).toBeLessThan(0.15);
    await fig.getByRole('button', { name: 'Reset', exact: true }).click();
    await w.page.waitForFunction(() => document.querySelector('#forward [data-testid="fw-t"]')?.textContent === 't = 0');
    await fig.getByLabel('Data', { exact: true }).selectOption('drawn');
    await fig.getByRole('button', { name: 'Add a ring around it' }).click();
    await w.page.waitForFunction(() => /16 points drawn/.test(document.querySelector('#forward .diff-draw')?.textContent ?? ''));
    // Resampled around a ring of radius 0.5: at t = 0 the variance of each coordinate is about 0.5²/2.
    await w.page.waitForFunction(() => /^\(/.test(document.querySelector('#forward [data-testid="fw-var"]')?.textContent ?? ''));
    const [dx] = (await text(w.page, '#forward [data-testid="fw-var"]')).slice(1, -1).split(', ').map(num);
    expect(dx).toBeGreaterThan(0.09);
    expect(dx).toBeLessThan(0.16);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});

describe('diffusion trainer widget', () => {
  const T = 200;
  const base = `?trainer.T=${T}&trainer.preview=false&trainer.sampler=ddim&trainer.steps=20`;
  const step = (page: Page) => page.evaluate(() => Number(document.querySelector('#trainer [data-testid="dt-step"]')?.getAttribute('data-step') ?? -1));

  it('trains (the loss matches the same seeded run in Node), samples with DDIM and DDPM, and measures quality against steps', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${chapter()}${base}`);
    const fig = w.page.locator('#trainer');
    await reach(w.page, 'trainer');
    await w.page.waitForFunction(() => document.querySelector('#trainer [data-testid="dt-step"]')?.getAttribute('data-step') === '0', null, { timeout: 90_000 });
    expect(await text(w.page, '#trainer [data-testid="dt-params"]')).toBe('8,898');

    // The same run in Node (tfjs cpu backend), batch by batch.
    const schedule = makeSchedule({ kind: 'linear', T });
    const trainer = new DiffusionTrainer({ data: datasetPoints('moons', TRAIN_POINTS, childSeed(1, 'data')), schedule, seed: 1, learningRate: 0.003 });
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      trainer.step();
      losses.push((await trainer.readMetrics()).loss);
    }
    for (let i = 0; i < 3; i++) {
      await fig.getByRole('button', { name: 'Step', exact: true }).click();
      await w.page.waitForFunction((n) => document.querySelector('#trainer [data-testid="dt-loss-step"]')?.textContent === String(n), i + 1);
      expect(Math.abs(num(await text(w.page, '#trainer [data-testid="dt-loss"]')) - losses[i])).toBeLessThan(6e-4);
    }
    await fig.getByRole('button', { name: '+100 steps' }).click();
    await w.page.waitForFunction(() => document.querySelector('#trainer [data-testid="dt-loss-step"]')?.textContent === '103', null, { timeout: 90_000 });
    for (let i = 0; i < 100; i++) trainer.step();
    const after = await trainer.readMetrics();
    expect(Math.abs(num(await text(w.page, '#trainer [data-testid="dt-loss"]')) - after.loss)).toBeLessThan(2e-3);
    const tensorsBefore = await settled(w.page, '#trainer [data-testid="dt-tensors"]');

    // DDIM with 20 steps, deterministic: the MMD² matches Node's sampler on Node's weights.
    const evaluation = datasetPoints('moons', EVAL_POINTS, childSeed(1, 'eval'));
    const sampleSeed = childSeed(1, 'sample');
    // The yardstick: the same MMD² between two samples of the data.
    const floor = (await gaussianKernelMmd2(datasetPoints('moons', 500, childSeed(1, 'floor')), evaluation, { h: QUALITY_H })).mmd2;
    expect(Math.abs(num(await settled(w.page, '#trainer [data-testid="dt-floor"]', /^−?\d/)) - floor)).toBeLessThan(2e-4);
    await fig.getByRole('button', { name: /^Sample \(DDIM, 20 steps, η = 0\)/ }).click();
    await settled(w.page, '#trainer [data-testid="dt-samples"]', /DDIM, 20 steps, η = 0, 500 points at training step 103/);
    const ddimText = await settled(w.page, '#trainer [data-testid="dt-mmd"]', /^−?\d/);
    const ddim = await sample(trainer.model, { method: 'ddim', steps: 20, eta: 0, n: 500, seed: sampleSeed, clipX0: CLIP_X0 });
    const ddimRef = (await gaussianKernelMmd2(ddim.points, evaluation, { h: QUALITY_H })).mmd2;
    expect(Math.abs(num(ddimText) - ddimRef)).toBeLessThan(1e-3);
    // The same x_T and no fresh noise: sampling again gives the same samples.
    const firstId = await w.page.getAttribute('#trainer [data-testid="dt-bench"]', 'data-sample-id');
    await fig.getByRole('button', { name: /^Sample \(DDIM/ }).click();
    await w.page.waitForFunction((id) => { const b = document.querySelector('#trainer [data-testid="dt-bench"]'); return b?.getAttribute('data-sample-id') !== id && !b?.getAttribute('data-busy'); }, firstId);
    await settled(w.page, '#trainer [data-testid="dt-mmd"]', /^−?\d/);
    expect(await text(w.page, '#trainer [data-testid="dt-mmd"]')).toBe(ddimText);

    // DDPM: all T steps with fresh noise at each.
    await fig.getByLabel('Sampler').selectOption('ddpm');
    await fig.getByRole('button', { name: `Sample (DDPM, ${T} steps)` }).click();
    await settled(w.page, '#trainer [data-testid="dt-samples"]', new RegExp(`DDPM, ${T} steps, 500 points at training step 103`));
    const ddpmText = await settled(w.page, '#trainer [data-testid="dt-mmd"]', /^−?\d/);
    const ddpm = await sample(trainer.model, { method: 'ddpm', n: 500, seed: sampleSeed, clipX0: CLIP_X0 });
    const ddpmRef = (await gaussianKernelMmd2(ddpm.points, evaluation, { h: QUALITY_H })).mmd2;
    expect(Math.abs(num(ddpmText) - ddpmRef)).toBeLessThan(2e-3);
    // Sampling leaves no tensors behind.
    await w.page.waitForFunction((v) => document.querySelector('#trainer [data-testid="dt-tensors"]')?.textContent === v, tensorsBefore);

    // Quality against DDIM steps: one point per step count, 1 … T.
    await fig.getByRole('button', { name: 'Measure quality against steps' }).click();
    await w.page.waitForFunction(() => (document.querySelector('#trainer .dt-quality svg')?.getAttribute('data-steps') ?? '') === '1,2,5,10,20,50,100,200', null, { timeout: 90_000 });
    const q = (await w.page.getAttribute('#trainer .dt-quality svg', 'data-mmd2'))!.split(',').map(Number);
    expect(q).toHaveLength(8);
    // one step lands every sample on the mean prediction; twenty get close to the data
    expect(q[0]).toBeGreaterThan(q[4]);
    expect(Math.abs(q[4] - ddimRef)).toBeLessThan(1e-3);
    trainer.dispose();

    // Play trains on; the loss falls below the first steps'.
    await fig.getByRole('button', { name: 'Play' }).click();
    await w.page.waitForFunction(() => Number(document.querySelector('#trainer [data-testid="dt-step"]')?.getAttribute('data-step') ?? 0) >= 400, null, { timeout: 120_000 });
    await fig.getByRole('button', { name: 'Pause' }).click();
    await w.page.waitForFunction(() => Number(document.querySelector('#trainer [data-testid="dt-loss-step"]')?.textContent ?? 0) >= 400);
    expect(num(await text(w.page, '#trainer [data-testid="dt-loss"]'))).toBeLessThan(losses[0] - 0.2);
    expect(await step(w.page)).toBeGreaterThanOrEqual(400);
    await w.page.waitForFunction((v) => document.querySelector('#trainer [data-testid="dt-tensors"]')?.textContent === v, tensorsBefore);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });

  it('mounts the three diffusion widgets in the gallery', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${site()}gallery/`);
    await settled(w.page, '#g-noise-schedules [data-testid="ns-a-alphaBar"]');
    expect(await text(w.page, '#g-noise-schedules [data-testid="ns-a-alphaBar"]')).toBe('0.5241');
    await settled(w.page, '#g-forward-process [data-testid="fw-mmd"]', /^\d/);
    await reach(w.page, 'g-diffusion-trainer');
    await w.page.waitForFunction(() => document.querySelector('#g-diffusion-trainer [data-testid="dt-step"]')?.getAttribute('data-step') === '0', null, { timeout: 90_000 });
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});
