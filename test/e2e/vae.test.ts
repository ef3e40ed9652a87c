import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, watchedPage, type Browser } from './browser';
import { origin, site } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const chapter = (query = '') => `${site()}chapters/vae/${query}`;
const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();
/** "−7.419" → −7.419 (the widgets print a real minus sign). */
const num = (s: string) => Number(s.replace('−', '-'));

/**
 * Bring a widget's top into view. (Not scrollIntoViewIfNeeded on the figure: that centres it, and
 * the β-VAE's figure is taller than two screens, which leaves its top, where the lazy loader looks,
 * more than its 600 px margin above the viewport.)
 */
async function scrollTo(page: Page, widget: string): Promise<void> {
  await page.locator(`#${widget}`).waitFor({ state: 'attached' });
  await page.evaluate((id) => document.getElementById(id)!.scrollIntoView({ block: 'start' }), widget);
}

/** Wait until a readout shows something other than the "…" placeholder, and return it. */
async function readout(page: Page, widget: string, testId: string): Promise<string> {
  const sel = `#${widget} [data-testid="${testId}"]`;
  await scrollTo(page, widget);
  await page.waitForFunction((s) => {
    const t = document.querySelector(s)?.textContent ?? '…';
    return t !== '…' && t !== '';
  }, sel, { timeout: 90_000 });
  return text(page, sel);
}

/** The step the β-VAE's readouts were computed at. */
const viewStep = async (page: Page, id = 'beta-vae') => Number(await readout(page, id, 'vae-view-step'));
/** The live step counter beside Play ("step 123"). */
const counter = async (page: Page, id = 'beta-vae') => Number((await text(page, `#${id} [data-testid="vae-step"]`)).replace(/\D/g, '') || NaN);

async function waitForViewStep(page: Page, atLeast: number, id = 'beta-vae'): Promise<void> {
  await page.waitForFunction(([wid, n]) => Number(document.querySelector(`#${wid} [data-testid="vae-view-step"]`)?.textContent) >= Number(n), [id, atLeast] as const, { timeout: 120_000 });
}

async function pause(page: Page, id = 'beta-vae'): Promise<number> {
  await page.locator(`#${id} .play-controls button`, { hasText: 'Pause' }).click();
  // Pausing brings the readouts up to the last step taken.
  await page.waitForFunction((wid) => {
    const shown = Number(document.querySelector(`#${wid} [data-testid="vae-view-step"]`)?.textContent);
    const live = Number((document.querySelector(`#${wid} [data-testid="vae-step"]`)?.textContent ?? '').replace(/\D/g, ''));
    return shown === live;
  }, id, { timeout: 60_000 });
  return viewStep(page, id);
}

describe('VAE chapter widgets', () => {
  it('all three mount in chapter 3 with the numbers of the text; the digits come from the site itself', async () => {
    const w = await watchedPage(browser.context, origin());
    const digits: { url: string; status: number }[] = [];
    w.page.on('response', (r) => {
      if (r.url().endsWith('.bin')) digits.push({ url: r.url(), status: r.status() });
    });
    await w.page.goto(chapter());

    // Reparameterisation, placed with f = z², μ = 1, σ = 1, n = 1: exact gradient 2, per-draw variances 30 and 4.
    expect(await readout(w.page, 'reparam', 'rp-exact')).toBe('2.0000');
    const scoreVar = await readout(w.page, 'reparam', 'rp-score-var');
    const pathVar = await readout(w.page, 'reparam', 'rp-path-var');
    expect(scoreVar).toMatch(/\(30\.000\)$/);
    expect(pathVar).toMatch(/\(4\.000\)$/);
    // 1,000 replicates: sample variances within ±20 % of the exact ones, means within 4 standard errors.
    expect(Math.abs(num(scoreVar.split(' ')[0]) - 30)).toBeLessThan(6);
    expect(Math.abs(num(pathVar.split(' ')[0]) - 4)).toBeLessThan(0.8);
    for (const id of ['rp-score-mean', 'rp-path-mean']) {
      const [mean, se] = (await readout(w.page, 'reparam', id)).split(' ± ').map(num);
      expect(Math.abs(mean - 2)).toBeLessThan(4 * se);
    }
    // The ratio shown is the ratio of the two sample variances shown.
    const ratio = num(await readout(w.page, 'reparam', 'rp-ratio'));
    expect(Math.abs(ratio - num(scoreVar.split(' ')[0]) / num(pathVar.split(' ')[0]))).toBeLessThan(0.01);
    expect(await text(w.page, '#reparam .controls')).toContain('the exact variances are 30.000 (score function) and 4.000 (reparameterised)');

    // ELBO gap, with the chapter's numbers: w = 2, b = 0, s = 1, x = 3 and q = N(0, 1).
    expect(await readout(w.page, 'elbo-gap', 'eg-logpx')).toBe('−2.624');
    expect(await readout(w.page, 'elbo-gap', 'eg-elbo')).toBe('−7.419');
    expect(await readout(w.page, 'elbo-gap', 'eg-gap')).toBe('4.795');
    expect(await readout(w.page, 'elbo-gap', 'eg-sum')).toBe('−2.624');
    expect(await readout(w.page, 'elbo-gap', 'eg-posterior')).toBe('N(1.200, 0.200)');
    // q is the prior, so KL(q ‖ p(z)) = 0 and the ELBO is all reconstruction term.
    expect(await readout(w.page, 'elbo-gap', 'eg-recon')).toBe('−7.419');
    expect(await readout(w.page, 'elbo-gap', 'eg-klprior')).toBe('0.000');

    // β-VAE on digits: the untrained model's readouts, with −ELBO = D + R.
    expect(await viewStep(w.page)).toBe(0);
    const negElbo = num(await readout(w.page, 'beta-vae', 'vae-neg-elbo'));
    const d = num(await readout(w.page, 'beta-vae', 'vae-distortion'));
    const r = num(await readout(w.page, 'beta-vae', 'vae-rate'));
    expect(Math.abs(negElbo - (d + r))).toBeLessThanOrEqual(0.11);
    // The decoder starts at the mean image: far below 784 log 2 ≈ 543 nats, far above a trained model.
    expect(negElbo).toBeGreaterThan(150);
    expect(negElbo).toBeLessThan(260);
    expect(await readout(w.page, 'beta-vae', 'vae-active')).toMatch(/^\d of 2$/);
    await w.page.waitForSelector('#beta-vae canvas.vae-manifold[data-filled="true"]');
    expect(digits).toEqual([{ url: `${site()}data/generated/digits.bin`, status: 200 }]);
    // The size the page states is the size it fetched: 495,016 bytes.
    expect(await text(w.page, '#beta-vae .vae-notes')).toContain('Served with this page: 495 kB for 5,000 digits');
    expect(w.consoleErrors).toEqual([]);
    expect(w.failedRequests).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    await w.page.close();
  });

  it('Play trains on digits: the step counter and the loss curve move, the negative ELBO falls, tensors stay put', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    expect(await viewStep(w.page)).toBe(0);
    const start = num(await readout(w.page, 'beta-vae', 'vae-neg-elbo'));
    const tensorsAt = async () => Number(await w.page.locator('#beta-vae [data-testid="vae-tensors"]').getAttribute('data-tensors'));
    // The model trains in a Web Worker, on the backend the page chose (the badge's).
    const thread = w.page.locator('#beta-vae [data-testid="vae-thread"]');
    expect(await thread.getAttribute('data-thread')).toBe('worker');
    expect(await thread.getAttribute('data-backend')).toBe(await w.page.locator('#beta-vae .backend-badge').getAttribute('data-backend'));
    await w.page.locator('#beta-vae .play-controls button', { hasText: 'Play' }).click();
    await w.page.waitForFunction(() => Number(document.querySelector('#beta-vae .vae-loss > div')?.getAttribute('data-points')) >= 4, null, { timeout: 120_000 });
    await waitForViewStep(w.page, 40);
    const step = await pause(w.page);
    expect(step).toBeGreaterThanOrEqual(40);
    expect(await counter(w.page)).toBe(step);
    const points = Number(await w.page.locator('#beta-vae .vae-loss > div').getAttribute('data-points'));
    expect(points).toBeGreaterThanOrEqual(4);
    expect(Number(await w.page.locator('#beta-vae .vae-loss > div').getAttribute('data-last'))).toBeGreaterThan(0);
    // Seen: about 204 → 190 nats after 40 steps.
    expect(num(await readout(w.page, 'beta-vae', 'vae-neg-elbo'))).toBeLessThan(start - 5);
    const tensors = await tensorsAt();
    expect(tensors).toBeGreaterThan(0);
    // Step takes exactly one step while paused, and owns no more tensors than before.
    await w.page.locator('#beta-vae .play-controls button', { hasText: 'Step' }).click();
    await waitForViewStep(w.page, step + 1);
    expect(await counter(w.page)).toBe(step + 1);
    expect(await tensorsAt()).toBe(tensors);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });

  it('moving β mid-run changes the KL trend, leaves a mark in the rate–distortion plane, and goes into the URL', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter('?beta-vae.data=pinwheel&beta-vae.hidden=64&beta-vae.beta=0.05'));
    expect(await viewStep(w.page)).toBe(0);
    await w.page.locator('#beta-vae .play-controls button', { hasText: 'Play' }).click();
    await waitForViewStep(w.page, 100);
    const first = await pause(w.page);
    const rateLow = num(await readout(w.page, 'beta-vae', 'vae-rate'));
    // Seen: about 5 nats at β = 0.05 after 100 steps.
    expect(rateLow).toBeGreaterThan(1.5);
    const slider = w.page.locator('#beta-vae').getByLabel('β (weight on the KL term)');
    await slider.focus();
    await w.page.keyboard.press('End');
    expect(await slider.getAttribute('aria-valuetext')).toBe('10');
    await w.page.locator('#beta-vae .play-controls button', { hasText: 'Play' }).click();
    await waitForViewStep(w.page, first + 100);
    await pause(w.page);
    const rateHigh = num(await readout(w.page, 'beta-vae', 'vae-rate'));
    // Seen: about 0.01 nats 100 steps after β = 10: the posterior collapses onto the prior.
    expect(rateHigh).toBeLessThan(0.2 * rateLow);
    expect(await readout(w.page, 'beta-vae', 'vae-active')).toMatch(/^[01] of 2$/);
    // The KL-per-dimension labels add up to the rate shown (each rounded to 0.01).
    const perDim = (await w.page.locator('#beta-vae .vae-kl-dims g[aria-label="text"] text').allTextContents()).map(num);
    expect(perDim).toHaveLength(2);
    expect(Math.abs(perDim[0] + perDim[1] - rateHigh)).toBeLessThanOrEqual(0.015);
    expect(Number(await w.page.locator('#beta-vae .vae-rd svg').getAttribute('data-marks'))).toBe(1);
    await w.page.waitForFunction(() => new URLSearchParams(location.search).get('beta-vae.beta') === '10');
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });

  it('the reparameterisation widget: the step function makes every pathwise estimate 0; more draws shrink both variances', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter('?reparam.f=step&reparam.mu=0.5&reparam.samples=10'));
    // φ(0.5)/1 = 0.35207.
    expect(await readout(w.page, 'reparam', 'rp-exact')).toBe('0.3521');
    await w.page.waitForFunction(() => (document.querySelector('#reparam [data-testid="rp-path-mean"]')?.textContent ?? '').startsWith('0 ± 0'));
    expect(await text(w.page, '#reparam .widget-message')).toMatch(/pathwise estimate is 0/);
    const [mean, se] = (await readout(w.page, 'reparam', 'rp-score-mean')).split(' ± ').map(num);
    expect(Math.abs(mean - 0.3521)).toBeLessThan(4 * se);
    // Back to z² (μ = 0.5, σ = 1) and up to n = 1000 with the keyboard: the exact n-draw variances are
    // (μ⁴/σ² + 14μ² + 15σ²)/1000 = 0.0186 and 4σ²/1000 = 0.004.
    await w.page.locator('#reparam').getByLabel('Function f(z)', { exact: true }).selectOption('quadratic');
    const n = w.page.locator('#reparam').getByLabel('Draws per estimate n');
    await n.focus();
    await w.page.keyboard.press('End');
    await w.page.waitForFunction(() => /\(0\.019\)$/.test(document.querySelector('#reparam [data-testid="rp-score-var"]')?.textContent ?? ''));
    expect(await text(w.page, '#reparam [data-testid="rp-path-var"]')).toMatch(/\(0\.004\)$/);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });

  it('the ELBO gap: the total stays at log p(x) while q moves, and the gap closes exactly at the posterior', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    expect(await readout(w.page, 'elbo-gap', 'eg-gap')).toBe('4.795');
    const widget = w.page.locator('#elbo-gap');
    await widget.getByRole('button', { name: 'Set q to the posterior' }).click();
    await w.page.waitForFunction(() => document.querySelector('#elbo-gap [data-testid="eg-gap"]')?.textContent === '0.000');
    expect(await text(w.page, '#elbo-gap [data-testid="eg-elbo"]')).toBe('−2.624');
    // Keyboard: nudge q's mean away from the posterior; the gap opens, ELBO + gap does not move.
    const mean = widget.getByLabel('Mean of q');
    await mean.focus();
    for (let i = 0; i < 30; i++) await w.page.keyboard.press('ArrowRight');
    await w.page.waitForFunction(() => document.querySelector('#elbo-gap [data-testid="eg-gap"]')?.textContent !== '0.000');
    // 30 presses of 0.01 put q at N(1.5, 0.2), so the gap is (1.5 − 1.2)²/(2 · 0.2) = 0.225 nats.
    await w.page.waitForFunction(() => document.querySelector('#elbo-gap [data-testid="eg-gap"]')?.textContent === '0.225');
    expect(await text(w.page, '#elbo-gap [data-testid="eg-sum"]')).toBe('−2.624');
    // Pointer: a click on the (mean, sd) plane moves q there; the total still does not move.
    const plane = widget.locator('.elbo-plane svg');
    await plane.scrollIntoViewIfNeeded();
    const box = (await plane.boundingBox())!;
    const before = await text(w.page, '#elbo-gap [data-testid="eg-elbo"]');
    await w.page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await w.page.waitForFunction((v) => document.querySelector('#elbo-gap [data-testid="eg-elbo"]')?.textContent !== v, before);
    expect(await text(w.page, '#elbo-gap [data-testid="eg-sum"]')).toBe('−2.624');
    await w.page.waitForFunction(() => new URLSearchParams(location.search).has('elbo-gap.qMean'));
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });

  it('all three mount in the gallery; present mode plays and pauses the β-VAE with Space', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${site()}gallery/`);
    expect(await readout(w.page, 'g-elbo-gap', 'eg-gap')).toBe('4.795');
    expect(await readout(w.page, 'g-reparam-trick', 'rp-exact')).not.toBe('');
    expect(await viewStep(w.page, 'g-beta-vae')).toBe(0);
    await w.page.goto(chapter('?present=beta-vae&beta-vae.data=moons&beta-vae.hidden=32'));
    await w.page.waitForSelector('#beta-vae.presenting');
    expect(await viewStep(w.page)).toBe(0);
    await w.page.keyboard.press('Space');
    await w.page.waitForFunction(() => Number((document.querySelector('#beta-vae [data-testid="vae-step"]')?.textContent ?? '').replace(/\D/g, '')) >= 20);
    await w.page.keyboard.press('Space');
    await w.page.waitForSelector('#beta-vae .play-controls button[aria-pressed="false"]');
    const stopped = await counter(w.page);
    await w.page.waitForTimeout(300);
    expect(await counter(w.page)).toBe(stopped);
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});
