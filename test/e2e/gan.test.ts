import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import { launch, watchedPage, type Browser } from './browser';
import { origin, site } from './helpers';
import { fmt } from '../../src/widgets/gan-losses/format';
import { logit, sigmoid, softplus } from '../../src/core/ref/gan';
import { twoComponentMixture, gaussian1D, valueAtOptimum } from '../../src/core/gan/optimalD';
import { GanRunSet } from '../../src/core/gan/runs';
import { ganReadouts, ganTrainingData } from '../../src/core/gan/views';
import { histogram2D } from '../../src/core/gan/gridDivergence';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  // The expected numbers of the live GAN are computed here with the same core on tfjs's plain
  // JavaScript backend, which the page also uses with ?backend=cpu.
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
});
afterAll(async () => {
  await browser?.close();
});

const chapter = () => `${site()}chapters/gan/`;
/** A readout's number: typographic minus back to ASCII. */
const num = (s: string) => Number(s.replace(/−/g, '-'));

async function text(page: Page, id: string, testId: string): Promise<string> {
  return (await page.locator(`#${id} [data-testid="${testId}"]`).textContent())!;
}

/**
 * Scroll a widget into view until it starts loading. A chapter section far from the viewport is
 * not laid out (content-visibility: auto) and stands in at an estimated height, so a jump straight
 * to a widget deep inside a long section can land where the section, at its estimated size, is
 * not: scroll to the section's start first, then to the widget.
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

/** Bring a widget into view (it loads near the viewport) and wait for a readout to show a value. */
async function mount(page: Page, id: string, testId: string): Promise<void> {
  await reach(page, id);
  await page.waitForFunction(([wid, tid]) => {
    const t = document.querySelector(`#${wid} [data-testid="${tid}"]`)?.textContent ?? '…';
    return t !== '…' && t !== '';
  }, [id, testId], { timeout: 90_000 });
}

describe('generator loss curves (#gan-losses)', () => {
  it('mounts in chapter 4 and reads out both losses and both gradients at the marker, as the closed forms give them', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    await mount(w.page, 'gan-losses', 'gl-d');
    const check = async () => {
      const a = num(await text(w.page, 'gan-losses', 'gl-a'));
      const d = sigmoid(a);
      expect(await text(w.page, 'gan-losses', 'gl-d')).toBe(fmt(d, 4));
      expect(await text(w.page, 'gan-losses', 'gl-sat')).toBe(fmt(-softplus(a), 4));
      expect(await text(w.page, 'gan-losses', 'gl-ns')).toBe(fmt(softplus(-a), 4));
      expect(await text(w.page, 'gan-losses', 'gl-gsat')).toBe(fmt(-d, 4));
      expect(await text(w.page, 'gan-losses', 'gl-gns')).toBe(fmt(-(1 - d), 4));
      expect(await text(w.page, 'gan-losses', 'gl-ratio')).toBe(fmt(Math.exp(-a), 1));
      return a;
    };
    // the default marker: D(G(z)) ≈ 0.02, the non-saturating gradient 49 times the saturating one
    expect(await check()).toBe(-3.89);
    expect(await text(w.page, 'gan-losses', 'gl-d')).toBe('0.0200');
    expect(await text(w.page, 'gan-losses', 'gl-ratio')).toBe('48.9');
    expect(await text(w.page, 'gan-losses', 'gl-explain')).toMatch(/stalls/);
    // autodiff against the closed forms over all 401 points and the marker
    expect(num(await text(w.page, 'gan-losses', 'gl-check'))).toBeLessThan(1e-5);

    // the keyboard moves the marker; the readouts follow and the URL records it
    const slider = w.page.locator('#gan-losses').getByLabel('Marker: logit a on a fake');
    await slider.focus();
    for (let i = 0; i < 50; i++) await w.page.keyboard.press('ArrowRight');
    await w.page.waitForFunction(() => document.querySelector('#gan-losses [data-testid="gl-a"]')?.textContent === '−3.39');
    expect(await check()).toBe(-3.39);
    await w.page.waitForFunction(() => new URLSearchParams(location.search).get('gan-losses.a') === '-3.39');

    // the least-squares loss and its gradient, ½(a − 1)² and a − 1
    await w.page.locator('#gan-losses').getByLabel('Show the least-squares loss ½(a − 1)²').check();
    await w.page.locator('#gan-losses [data-testid="gl-ls"]').waitFor();
    expect(await text(w.page, 'gan-losses', 'gl-ls')).toBe(fmt(0.5 * (-3.39 - 1) ** 2, 4));
    expect(await text(w.page, 'gan-losses', 'gl-gls')).toBe(fmt(-3.39 - 1, 4));

    // dragging on the gradient plot moves the marker to the pointer (probability axis: a = logit(x))
    const plot = w.page.locator('#gan-losses .gl-grads');
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    await w.page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    await w.page.mouse.down();
    await w.page.mouse.move(box.x + box.width * 0.85, box.y + box.height / 2, { steps: 3 });
    await w.page.mouse.up();
    await w.page.waitForFunction(() => Number((document.querySelector('#gan-losses [data-testid="gl-a"]')?.textContent ?? '').replace(/−/g, '-')) > 0);
    const dragged = await check();
    expect(dragged).toBeGreaterThan(logit(0.6));
    expect(await text(w.page, 'gan-losses', 'gl-explain')).toMatch(/fools the discriminator|decision boundary/);
    expect(w.consoleErrors).toEqual([]);
    expect(w.failedRequests).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    await w.page.close();
  });
});

describe('optimal discriminator (#optimal-d)', () => {
  it('integrates V(D*, G) equal to −log 4 + 2·JSD, and moving p_g onto p_data gives D* = ½ and V = −log 4', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    await mount(w.page, 'optimal-d', 'od-v');
    // the defaults: p_data = ½ N(−1.5, 0.5²) + ½ N(1.5, 0.5²), p_g = N(0, 1)
    const v = valueAtOptimum(twoComponentMixture(-1.5, 0.5, 1.5, 0.5, 0.5), gaussian1D(0, 1));
    expect(await text(w.page, 'optimal-d', 'od-v')).toBe(fmt(v.value, 4));
    expect(await text(w.page, 'optimal-d', 'od-jsd')).toBe(fmt(v.jsd, 4));
    expect(await text(w.page, 'optimal-d', 'od-identity')).toBe(fmt(v.identity, 4));
    expect(await text(w.page, 'optimal-d', 'od-v')).toBe(await text(w.page, 'optimal-d', 'od-identity'));
    expect(num(await text(w.page, 'optimal-d', 'od-gap'))).toBeLessThan(1e-9);
    expect(num(await text(w.page, 'optimal-d', 'od-dev'))).toBeGreaterThan(0.3);
    // both densities integrate to 1 on the quadrature grid
    expect(await w.page.locator('#optimal-d .controls .widget-note').last().textContent()).toContain('∫p_data = 1.000000, ∫p_g = 1.000000');

    await w.page.getByRole('button', { name: 'Move p_g onto p_data' }).click();
    // the glide lasts about a second; at its end p_g's parameters are p_data's exactly
    await w.page.waitForFunction(() => {
      const dev = document.querySelector('#optimal-d [data-testid="od-dev"]')?.textContent ?? '1';
      return Math.abs(Number(dev.replace(/−/g, '-'))) < 1e-9;
    }, undefined, { timeout: 20_000 });
    expect(await text(w.page, 'optimal-d', 'od-v')).toBe('−1.3863');
    expect(await text(w.page, 'optimal-d', 'od-identity')).toBe(fmt(-Math.log(4), 4));
    expect(Math.abs(num(await text(w.page, 'optimal-d', 'od-jsd')))).toBeLessThan(1e-9);
    expect(Math.abs(num(await text(w.page, 'optimal-d', 'od-dev')))).toBeLessThan(1e-9);
    expect(await w.page.locator('#optimal-d').getByLabel('Shape').nth(1).inputValue()).toBe('mixture');
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});

/** The live widget's run for its default settings, built in Node as the widget builds it. */
function defaultRun(): { set: GanRunSet; data: ReturnType<typeof ganTrainingData> } {
  const data = ganTrainingData('ring', 1);
  const set = new GanRunSet({
    data: data.xy, noiseDim: 2, noise: 'gaussian',
    generator: { hidden: [32, 32], activation: 'relu' }, discriminator: { hidden: [32, 32], activation: 'relu' },
    optimizerG: { kind: 'adam', learningRate: 0.003 }, optimizerD: { kind: 'adam', learningRate: 0.003 },
    k: 1, batchSize: 128, seed: 1,
  }, ['nonSaturating']);
  return { set, data };
}

async function expectedReadouts(set: GanRunSet, data: ReturnType<typeof ganTrainingData>) {
  const snap = await set.runs[0].snapshot({ grid: null, manifold: null });
  const r = ganReadouts(data.xy, snap, data.mixture, histogram2D(data.xy));
  const m = await set.readMetrics();
  return {
    'gan-modes-0': `${r.covered} of ${r.total}`,
    'gan-jsd-0': fmt(r.jsd, 3),
    'gan-klf-0': fmt(r.klDataModel, 3),
    'gan-klr-0': fmt(r.klModelData, 3),
    'gan-meand-0': fmt(r.meanD, 3),
    'gan-grad-0': fmt(r.gradNorm, 4),
    'gan-dloss-0': fmt(m.dLoss0, 3),
    'gan-gloss-0': fmt(m.gLoss0, 3),
  };
}

async function shownReadouts(page: Page, keys: string[]) {
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = await text(page, 'gan', k);
  return out;
}

/** Wait until the views show the iteration and D-step count the counter shows, and return them. */
async function settled(page: Page, id = 'gan'): Promise<{ iteration: number; dSteps: number }> {
  await page.waitForFunction((wid) => {
    const s = document.querySelector(`#${wid} [data-testid="gan-iteration"]`) as HTMLElement | null;
    const v = document.querySelector(`#${wid} [data-testid="gan-view-step"]`) as HTMLElement | null;
    const b = document.querySelector(`#${wid} .play-controls button.primary`);
    return s?.dataset.iteration && v && v.dataset.step === s.dataset.iteration && v.dataset.dsteps === s.dataset.dsteps && b?.textContent === 'Play';
  }, id, { timeout: 90_000 });
  return page.evaluate((wid) => {
    const s = document.querySelector(`#${wid} [data-testid="gan-iteration"]`) as HTMLElement;
    return { iteration: Number(s.dataset.iteration), dSteps: Number(s.dataset.dsteps) };
  }, id);
}

describe('live 2-D GAN (#gan)', () => {
  it('shows the numbers the core computes for the same seed; Step, Step D, Step G and Play advance it; the tensor count stays put', async () => {
    const { set, data } = defaultRun();
    try {
      const w = await watchedPage(browser.context, origin());
      await w.page.goto(`${chapter()}?backend=cpu`);
      await mount(w.page, 'gan', 'gan-jsd-0');
      expect(await settled(w.page)).toEqual({ iteration: 0, dSteps: 0 });
      const expected0 = await expectedReadouts(set, data);
      expect(await shownReadouts(w.page, Object.keys(expected0))).toEqual(expected0);

      const button = (name: string) => w.page.locator('#gan .play-controls').getByRole('button', { name, exact: true });
      await button('Step').click();
      await w.page.waitForFunction(() => (document.querySelector('#gan [data-testid="gan-view-step"]') as HTMLElement)?.dataset.step === '1');
      expect(await settled(w.page)).toEqual({ iteration: 1, dSteps: 1 });
      set.step();
      const expected1 = await expectedReadouts(set, data);
      expect(await shownReadouts(w.page, Object.keys(expected1))).toEqual(expected1);

      await button('Step D').click();
      await w.page.waitForFunction(() => (document.querySelector('#gan [data-testid="gan-view-step"]') as HTMLElement)?.dataset.dsteps === '2');
      expect(await settled(w.page)).toEqual({ iteration: 1, dSteps: 2 });
      await button('Step G').click();
      await w.page.waitForFunction(() => (document.querySelector('#gan [data-testid="gan-view-step"]') as HTMLElement)?.dataset.step === '2');
      expect(await settled(w.page)).toEqual({ iteration: 2, dSteps: 2 });
      set.stepD();
      set.stepG();
      const expected2 = await expectedReadouts(set, data);
      expect(await shownReadouts(w.page, Object.keys(expected2))).toEqual(expected2);
      const tensors = await w.page.locator('#gan [data-testid="gan-tensors"]').getAttribute('data-tensors');
      expect(Number(tensors)).toBeGreaterThan(0);

      // Play advances the counter; Pause stops it, and the views catch up with the last iteration
      await button('Play').click();
      await w.page.waitForFunction(() => Number((document.querySelector('#gan [data-testid="gan-iteration"]') as HTMLElement)?.dataset.iteration) >= 40, undefined, { timeout: 90_000 });
      await button('Pause').click();
      const stopped = await settled(w.page);
      expect(stopped.iteration).toBeGreaterThanOrEqual(40);
      expect(stopped.dSteps).toBe(stopped.iteration);
      await w.page.waitForTimeout(300);
      expect((await settled(w.page)).iteration).toBe(stopped.iteration);
      // the loss curves have points now, and the tensor count is what it was at iteration 2
      await w.page.locator('#gan .gan-loss-plot svg').waitFor();
      expect(await w.page.locator('#gan [data-testid="gan-tensors"]').getAttribute('data-tensors')).toBe(tensors);
      expect(await text(w.page, 'gan', 'gan-dloss-0')).not.toBe('…');
      expect(w.consoleErrors).toEqual([]);
      expect(w.failedRequests).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
      await w.page.close();
    } finally {
      set.dispose();
    }
  });

  it('draw mode: nothing to train until points are drawn; dragging and the keyboard add points and start a new run', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${chapter()}?gan.data=drawn`);
    await reach(w.page, 'gan');
    await w.page.locator('#gan [data-testid="gan-error"]', { hasText: 'Draw at least one point' }).waitFor({ timeout: 90_000 });
    expect(await w.page.locator('#gan .play-controls button.primary').isDisabled()).toBe(true);
    const count = () => w.page.locator('#gan [data-testid="gan-drawn-count"]').getAttribute('data-count').then(Number);
    expect(await count()).toBe(0);

    // a stroke from (−1, −1) to (1, 1) in data coordinates (the canvas spans [−2.5, 2.5]²)
    const canvas = w.page.locator('#gan [data-testid="gan-field-0"]');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    const at = (x: number, y: number) => [box.x + ((x + 2.5) / 5) * box.width, box.y + ((2.5 - y) / 5) * box.height] as const;
    await w.page.mouse.move(...at(-1, -1));
    await w.page.mouse.down();
    for (let t = 1; t <= 20; t++) await w.page.mouse.move(...at(-1 + t / 10, -1 + t / 10));
    await w.page.mouse.up();
    await w.page.waitForFunction(() => Number(document.querySelector('#gan [data-testid="gan-drawn-count"]')?.getAttribute('data-count')) > 5);
    const drawn = await count();
    expect(drawn).toBeLessThanOrEqual(21);
    // a run on the drawing starts: the error goes, Play is enabled, the views show iteration 0
    await w.page.locator('#gan [data-testid="gan-error"]').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await settled(w.page)).toEqual({ iteration: 0, dSteps: 0 });
    expect(await w.page.locator('#gan .play-controls button.primary').isDisabled()).toBe(false);
    const jsdBefore = await text(w.page, 'gan', 'gan-jsd-0');
    // the drawn line's samples are not the ring: no modes to count
    expect(await text(w.page, 'gan', 'gan-modes-0')).toBe('—');

    // keyboard: focus the plot, move the cross to (1, −1.5) and add a point there
    await canvas.focus();
    for (let i = 0; i < 2; i++) await w.page.keyboard.press('Shift+ArrowRight');
    for (let i = 0; i < 3; i++) await w.page.keyboard.press('Shift+ArrowDown');
    await w.page.keyboard.press('Enter');
    await w.page.waitForFunction((n) => Number(document.querySelector('#gan [data-testid="gan-drawn-count"]')?.getAttribute('data-count')) === n + 1, drawn);
    // a new run on the new data: a point far from the line moves the data histogram, so the JSD changes
    await w.page.waitForFunction((before) => {
      const t = document.querySelector('#gan [data-testid="gan-jsd-0"]')?.textContent;
      return t && t !== '…' && t !== before;
    }, jsdBefore, { timeout: 60_000 });
    await w.page.keyboard.press('Backspace');
    await w.page.waitForFunction((n) => Number(document.querySelector('#gan [data-testid="gan-drawn-count"]')?.getAttribute('data-count')) === n, drawn);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});

describe('compare mode (#gan-compare)', () => {
  it('trains a saturating and a non-saturating run from one start, side by side; the saturating arrows are far shorter', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    await mount(w.page, 'gan-compare', 'gan-jsd-1');
    expect(await settled(w.page, 'gan-compare')).toEqual({ iteration: 0, dSteps: 300 });
    const t = (tid: string) => text(w.page, 'gan-compare', tid);
    expect(await w.page.locator('#gan-compare .gan-field h4').allTextContents()).toEqual([
      'Saturating: saturating log(1 − D)', 'Non-saturating: non-saturating −log D',
    ]);
    expect(await w.page.locator('#gan-compare canvas').count()).toBe(2);
    // same seed, same weights, same head start: the same samples and the same discriminator
    for (const k of ['jsd', 'meand', 'modes', 'dloss', 'klf']) expect(await t(`gan-${k}-0`)).toBe(await t(`gan-${k}-1`));
    // the discriminator rejects the fakes confidently, and the saturating gradient is D/(1 − D) times the other
    expect(num(await t('gan-meand-0'))).toBeLessThan(0.05);
    expect(num(await t('gan-grad-1')) / num(await t('gan-grad-0'))).toBeGreaterThan(10);
    // the loss control is fixed in compare mode
    expect(await w.page.locator('#gan-compare').getByLabel('Generator loss', { exact: true }).isDisabled()).toBe(true);

    await w.page.locator('#gan-compare .play-controls').getByRole('button', { name: 'Step', exact: true }).click();
    await w.page.waitForFunction(() => (document.querySelector('#gan-compare [data-testid="gan-view-step"]') as HTMLElement)?.dataset.step === '1');
    expect(await settled(w.page, 'gan-compare')).toEqual({ iteration: 1, dSteps: 301 });
    // one generator update apart: the two runs' samples have parted
    expect(await t('gan-gloss-0')).not.toBe(await t('gan-gloss-1'));
    expect(num(await t('gan-gloss-0'))).toBeLessThanOrEqual(0);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});

describe('gallery', () => {
  it('mounts the three GAN widgets with their numbers', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${site()}gallery/`);
    await mount(w.page, 'g-gan-losses', 'gl-d');
    expect(await text(w.page, 'g-gan-losses', 'gl-d')).toBe('0.0200');
    await mount(w.page, 'g-gan-optimal-d', 'od-v');
    expect(await text(w.page, 'g-gan-optimal-d', 'od-v')).toBe(await text(w.page, 'g-gan-optimal-d', 'od-identity'));
    await mount(w.page, 'g-gan-2d', 'gan-jsd-0');
    expect(await text(w.page, 'g-gan-2d', 'gan-modes-0')).toBe('0 of 8');
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});
