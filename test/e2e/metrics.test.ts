/**
 * The evaluation chapter's widgets: the evaluation lab (and its bias-vs-N view), likelihood versus
 * sample quality, and NLL/perplexity. The numbers on screen are compared with the same core
 * functions run here in Node on tfjs's wasm backend (the browser computes them on its own
 * backend: float32 either way, so within small tolerances), and each preset is checked to move
 * the panel the way the chapter's failure table says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { launch, watchedPage, type Browser } from './browser';
import { origin, site } from './helpers';
import { createMetricCache } from '../../src/core/metrics/common';
import { fid } from '../../src/core/metrics/fid';
import { kid } from '../../src/core/metrics/kid';
import { memorisationRatio, precisionRecall } from '../../src/core/metrics/precisionRecall';
import { mmdPermutationTest } from '../../src/core/metrics/mmdTest';
import {
  biasVersusN, TOY_DEFAULTS, TOY_FAILURE_TABLE, PANEL_METRICS, toyGeneratedData, toyInceptionScore, toyRealData,
} from '../../src/core/metrics/toyGaussians';
import { fitDiagonalGaussian, memorisingKde, mixtureLikelihoods } from '../../src/core/metrics/likelihood';
import { entropy, nll, renormaliseAfterDrag, sequenceNll, natsPerImage } from '../../src/core/metrics/perplexity';
import { BIAS_DRAWS, BIAS_KID_SUBSETS, biasDrawSeed, biasSampleSizes } from '../../src/widgets/fid-bias/bias';
import { testImages, trainImages } from '../../src/widgets/likelihood-samples/protocol';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  await tf.setBackend('wasm');
  await tf.ready();
  tf.env().set('PROD', true);
});
afterAll(async () => {
  await browser?.close();
});

const chapter = () => `${site()}chapters/evaluation/`;
/** Screen text → number: typographic minus, thousands separators and units removed. */
const num = (s: string) => Number(s.trim().replace(/−/g, '-').replace(/,/g, '').replace(/[^0-9eE.+-].*$/, ''));

/**
 * Scroll a figure's top into view, twice: widgets load when their top nears the viewport, and
 * sections far away are laid out lazily, so the first jump can land on an estimated position.
 */
async function reveal(page: Page, id: string): Promise<void> {
  const fig = page.locator(`figure#${id}`);
  await fig.evaluate((e) => e.scrollIntoView());
  await page.waitForTimeout(150);
  await fig.evaluate((e) => e.scrollIntoView());
}

/**
 * Wait until every panel metric of the lab `id` has been computed in one round later than
 * `after` (a control change starts a new round), and read the panel and its live flags.
 */
async function labSettled(page: Page, after = 0, id = 'metrics-lab'): Promise<{ round: number; shown: Record<string, string> }> {
  await reveal(page, id);
  await page.waitForFunction(([wid, min]) => {
    const spans = [...document.querySelectorAll(`#${wid} [data-metric]`)] as HTMLElement[];
    if (spans.length < 7) return false;
    const rounds = spans.map((s) => Number(s.dataset.round));
    return rounds[0] > min && rounds.every((r) => r === rounds[0]) && !spans.some((s) => s.classList.contains('stale'))
      && ![...document.querySelectorAll(`#${wid} [data-flag]`)].some((c) => c.textContent === '…');
  }, [id, after] as const, { timeout: 120_000 });
  return page.evaluate((wid) => {
    const shown: Record<string, string> = {};
    let round = 0;
    for (const s of document.querySelectorAll(`#${wid} [data-metric]`)) {
      shown[(s as HTMLElement).dataset.metric!] = s.textContent ?? '';
      round = Number((s as HTMLElement).dataset.round);
    }
    for (const c of document.querySelectorAll(`#${wid} [data-flag]`)) shown[`flag:${(c as HTMLElement).dataset.flag}`] = c.textContent ?? '';
    return { round, shown };
  }, id);
}

describe('evaluation lab', () => {
  it('mounts in chapter 2 and shows what the core computes for the perfect model, with no errors', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    const { shown } = await labSettled(w.page);
    // The same data and options as the widget's defaults, computed here.
    const realData = toyRealData(TOY_DEFAULTS);
    const data = toyGeneratedData(TOY_DEFAULTS, realData);
    const cache = createMetricCache();
    const f = await fid(data.real, data.generated);
    const k = await kid(data.real, data.generated, { seed: TOY_DEFAULTS.seed, cache });
    const pr = await precisionRecall(data.real, data.generated, { k: 3 });
    const is = await toyInceptionScore(data.generated, data.realMixture);
    const mmd = await mmdPermutationTest(data.real, data.generated, { seed: TOY_DEFAULTS.seed });
    const mem = await memorisationRatio(data.real, data.heldOut, data.generated);
    expect(num(shown.fid)).toBeCloseTo(f.fid, 4);
    const [kidShown, stdShown] = shown.kid.split('±').map(num);
    expect(kidShown).toBeCloseTo(k.kid, 4);
    expect(stdShown).toBeCloseTo(k.std, 3);
    expect(Math.abs(num(shown.precision) - pr.precision)).toBeLessThanOrEqual(0.0015);
    expect(Math.abs(num(shown.recall) - pr.recall)).toBeLessThanOrEqual(0.0015);
    expect(num(shown.is)).toBeCloseTo(is.is, 2);
    expect(Math.abs(num(shown.mmd) - mmd.pValue)).toBeLessThanOrEqual(0.02);
    expect(num(shown.memorisation)).toBeCloseTo(mem.ratio, 2);
    // A perfect model is flagged by nothing.
    for (const m of PANEL_METRICS) expect(shown[`flag:${m}`], m).toBe('·');
    await w.page.waitForSelector('#metrics-lab .backend-badge');
    expect(w.consoleErrors).toEqual([]);
    expect(w.failedRequests).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    await w.page.close();
  });

  it('each preset moves the panel as the failure table says, and its controls go to the URL', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    const first = await labSettled(w.page);
    const perfect = first.shown;
    let round = first.round;
    const labels = { shifted: 'Shifted', blurry: 'Blurry', modeCollapse: 'Mode collapse', droppedModes: 'Dropped modes', memorised: 'Memorised' } as const;
    const panels: Record<string, Record<string, string>> = {};
    for (const [name, label] of Object.entries(labels) as [keyof typeof labels, string][]) {
      await w.page.locator('#metrics-lab .preset-buttons').getByRole('button', { name: label, exact: true }).click();
      await w.page.waitForFunction((l) => document.querySelector('#metrics-lab .preset-buttons button[aria-pressed="true"]')?.textContent === l, label);
      const settled = await labSettled(w.page, round);
      round = settled.round;
      const shown = settled.shown;
      panels[name] = shown;
      for (const m of PANEL_METRICS) expect(shown[`flag:${m}`] === '⚑', `${name} / ${m}`).toBe(TOY_FAILURE_TABLE[name][m]);
    }
    // The story in numbers: collapse keeps precision high but loses recall and raises FID.
    expect(num(panels.modeCollapse.precision)).toBeGreaterThan(0.9);
    expect(num(panels.modeCollapse.recall)).toBeLessThan(0.5);
    expect(num(panels.modeCollapse.fid)).toBeGreaterThan(100 * num(perfect.fid));
    expect(num(panels.modeCollapse.is)).toBeCloseTo(2, 0);
    expect(num(panels.droppedModes.is)).toBeCloseTo(4, 0);
    // Blur: precision and the test notice; recall does not.
    expect(num(panels.blurry.precision)).toBeLessThan(0.8);
    expect(num(panels.blurry.recall)).toBeGreaterThan(0.9);
    expect(panels.blurry.mmd).toMatch(/^≤ 0\.0099$/);
    // Copies look perfect to every sample metric but sit on the training points.
    expect(num(panels.memorised.precision)).toBeGreaterThan(0.95);
    expect(num(panels.memorised.memorisation)).toBeLessThan(0.2);
    await w.page.waitForFunction(() => new URLSearchParams(location.search).get('metrics-lab.memorise') === '1');
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });

  it('degenerate sizes give plain messages, never NaN', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${chapter()}?metrics-lab.nGen=2&metrics-lab.dropModes=24`);
    const { shown } = await labSettled(w.page);
    expect(shown.precision).toBe('—');
    expect(shown['flag:precision']).toBe('—');
    const messages = (await w.page.locator('#metrics-lab [data-testid="metrics-messages"]').textContent())!;
    expect(messages).toMatch(/k = 3 needs more than k points/);
    expect(messages).toMatch(/At most 7 of the 8 modes can be dropped/);
    expect(await w.page.locator('#metrics-lab').textContent()).not.toMatch(/NaN/);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });

  it('the bias view shows FID falling with N towards the prediction and KID around 0; d follows the keyboard and the URL', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${chapter()}?fid-bias.d=4`);
    await reveal(w.page, 'fid-bias');
    await w.page.waitForSelector('#fid-bias [data-testid="bias-table"][data-done="true"]', { timeout: 120_000 });
    const ns = biasSampleSizes(4);
    const cell = (n: number, col: string) => w.page.locator(`#fid-bias tr[data-n="${n}"] td[data-col="${col}"]`).textContent().then((t) => num(t!));
    for (const n of [ns[0], ns[ns.length - 1]]) {
      const draws = await Promise.all(Array.from({ length: BIAS_DRAWS }, (_, i) => biasVersusN({ d: 4, ns: [n], seed: biasDrawSeed(1, i), kid: { subsets: BIAS_KID_SUBSETS } })));
      const meanFid = draws.reduce((s, r) => s + r.fid[0], 0) / BIAS_DRAWS;
      const meanKid = draws.reduce((s, r) => s + r.kid[0], 0) / BIAS_DRAWS;
      expect(Math.abs(await cell(n, 'fid') - meanFid)).toBeLessThan(0.006 * meanFid);
      expect(Math.abs(await cell(n, 'kid') - meanKid)).toBeLessThan(0.006 * Math.abs(meanKid) + 1e-6);
      expect(await cell(n, 'expected')).toBeCloseTo(draws[0].fidExpected[0], 2);
    }
    expect(await cell(ns[ns.length - 1], 'fid')).toBeLessThan((await cell(ns[0], 'fid')) / 100);
    const slider = w.page.locator('#fid-bias').getByLabel('Dimension d');
    await slider.focus();
    await w.page.keyboard.press('ArrowRight');
    await w.page.waitForFunction(() => new URLSearchParams(location.search).get('fid-bias.d') === '5');
    await w.page.waitForSelector('#fid-bias [data-testid="bias-table"][data-done="true"]', { timeout: 120_000 });
    expect(await w.page.locator('#fid-bias').textContent()).toMatch(/d = 5 dimensions/);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});

describe('likelihood versus sample quality', () => {
  it('shows the core’s bits/dim for q₀, q₂ and the KDE, and the bound holds; α follows the keyboard', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    const fig = w.page.locator('figure#likelihood-samples');
    await reveal(w.page, 'likelihood-samples');
    const read = (id: string) => w.page.locator(`#likelihood-samples [data-testid="${id}"]`).textContent().then((t) => t!);
    await w.page.waitForFunction(() => ['lq-q0', 'lq-kde-test'].every((id) => /\d/.test(document.querySelector(`#likelihood-samples [data-testid="${id}"]`)?.textContent ?? '')), null, { timeout: 60_000 });
    const train = trainImages(16, 200, 1), test = testImages(16, 1);
    const q0 = fitDiagonalGaussian(train);
    const lik = await mixtureLikelihoods(test, q0, 0.01);
    const kde = await memorisingKde(train, test, [0.02]);
    expect(num(await read('lq-q0'))).toBeCloseTo(lik.bitsPerDimQ0, 3);
    expect(num(await read('lq-q2'))).toBeCloseTo(lik.bitsPerDimQ2, 3);
    expect(num(await read('lq-bound'))).toBeCloseTo(Math.log2(100) / 256, 4);
    expect(num(await read('lq-gap'))).toBeLessThanOrEqual(num(await read('lq-bound')) + 1e-4);
    expect(await read('lq-slack')).toMatch(/≥ 0 ✓$/);
    expect(num(await read('lq-kde-train'))).toBeCloseTo(kde.trainBitsPerDim[0], 2);
    expect(num(await read('lq-kde-test'))).toBeCloseTo(kde.testBitsPerDim[0], 2);
    // The memoriser beats q₀ on its training images and loses to white noise (8) on test images.
    expect(num(await read('lq-kde-train'))).toBeLessThan(lik.bitsPerDimQ0);
    expect(num(await read('lq-kde-test'))).toBeGreaterThan(8);
    const bound = await read('lq-bound');
    const slider = fig.getByLabel('Weight α of the good model q₀');
    await slider.focus();
    for (let i = 0; i < 20; i++) await w.page.keyboard.press('ArrowRight');
    await w.page.waitForFunction((b) => document.querySelector('#likelihood-samples [data-testid="lq-bound"]')?.textContent !== b, bound);
    // The URL is written 250 ms after the last change: wait past that before reading it.
    await w.page.waitForTimeout(600);
    const alpha = Number(new URL(w.page.url()).searchParams.get('likelihood-samples.alpha'));
    expect(alpha).toBeGreaterThan(0.01);
    expect(num(await read('lq-bound'))).toBeCloseTo(Math.log2(1 / alpha) / 256, 4);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});

describe('NLL and perplexity', () => {
  it('shows the chapter’s numbers, renormalises when a probability moves, and converts nats to bits/dim', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    const fig = w.page.locator('figure#next-word');
    await reveal(w.page, 'next-word');
    const read = (id: string) => w.page.locator(`#next-word [data-testid="${id}"]`).textContent().then((t) => t!);
    await w.page.waitForSelector('#next-word [data-testid="ppl-nats"]');
    expect(await read('ppl-nats')).toBe('0.511');
    expect(await read('ppl-bits')).toBe('0.737');
    expect(await read('ppl-ppl')).toBe('1.67');
    expect(await read('ppl-entropy')).toBe('0.898');
    expect(await read('ppl-entropy-ppl')).toBe('2.45');
    expect(await read('ppl-seq-nats')).toBe('1.132');
    expect(await read('ppl-seq-ppl')).toBe('3.10');
    expect(await read('ppl-bpd')).toBe('3.053');
    // Keyboard: q(mat) up ten steps of 0.001; floor and table keep their 3 : 1 ratio.
    await fig.getByLabel('q(mat)').focus();
    for (let i = 0; i < 10; i++) await w.page.keyboard.press('ArrowRight');
    await w.page.waitForFunction(() => document.querySelector('#next-word [data-testid="ppl-nats"]')?.textContent !== '0.511');
    let probs = [0.6, 0.3, 0.1];
    for (let i = 0; i < 10; i++) probs = renormaliseAfterDrag(probs, 0, Math.round((probs[0] + 0.001) * 1000) / 1000);
    expect(await read('ppl-nats')).toBe(nll(probs, 0).nats.toFixed(3));
    expect(await read('ppl-entropy')).toBe(entropy(probs).nats.toFixed(3));
    expect(await read('ppl-seq-nats')).toBe(sequenceNll([probs[0], probs[1], probs[0], probs[2]]).nats.toFixed(3));
    await w.page.waitForFunction(() => new URLSearchParams(location.search).has('next-word.pTable'));
    const q = new URL(w.page.url()).searchParams;
    expect(Number(q.get('next-word.pFloor')) / Number(q.get('next-word.pTable'))).toBeCloseTo(3, 4);
    // A drag on the "table" bar sets its probability; the true word's NLL follows.
    await fig.getByLabel('True next word').selectOption('table');
    const bar = (await fig.locator('.ppl-bars svg g[aria-label="bar"] rect').nth(2).boundingBox())!;
    const plotBox = (await fig.locator('.ppl-bars svg').boundingBox())!;
    await w.page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height - 1);
    await w.page.mouse.down();
    await w.page.mouse.move(bar.x + bar.width / 2, plotBox.y + plotBox.height * 0.35, { steps: 5 });
    await w.page.mouse.up();
    const table = Number(await fig.getByLabel('q(table)').inputValue());
    expect(table).toBeGreaterThan(0.4);
    expect(await read('ppl-nats')).toBe((-Math.log(table)).toFixed(3));
    // The converter, on the chapter's exercise: 3.4 bits/dim at D = 12,288 is about 28,960 nats.
    await fig.getByRole('button', { name: 'ImageNet 64 × 64 × 3' }).click();
    await fig.getByLabel('bits per dimension', { exact: true }).fill('3.4');
    await w.page.waitForFunction(() => document.querySelector('#next-word [data-testid="ppl-bpd"]')?.textContent === '3.400');
    expect(Number(await fig.getByLabel('NLL per image (nats)').inputValue())).toBeCloseTo(natsPerImage(3.4, 12288), 6);
    expect(Math.abs(natsPerImage(3.4, 12288) - 28960)).toBeLessThan(5); // the chapter's "about 28,960"
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });

  it('all four widgets mount in the gallery', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${site()}gallery/`);
    for (const [name, probe] of [['perplexity', 'ppl-nats'], ['likelihood-samples', 'lq-q0'], ['fid-bias', 'bias-table'], ['metrics-lab', 'metrics-fid']] as const) {
      await reveal(w.page, `g-${name}`);
      await w.page.waitForFunction(([id, t]) => /\d/.test(document.querySelector(`#${id} [data-testid="${t}"]`)?.textContent ?? ''), [`g-${name}`, probe], { timeout: 60_000 });
    }
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});
