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

const chapter = () => `${site()}chapters/evaluation/`;
const readout = (page: Page, id = 'kde') => page.locator(`#${id} [data-testid="kde-p-query"]`);

async function mountedValue(page: Page, id = 'kde'): Promise<string> {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  await page.waitForFunction((wid) => {
    const t = document.querySelector(`#${wid} [data-testid="kde-p-query"]`)?.textContent ?? '…';
    return t !== '…' && t !== '';
  }, id, { timeout: 60_000 });
  return (await readout(page, id).textContent())!;
}

describe('KDE bandwidth widget', () => {
  it('mounts in chapter 2 with the lecture answer p̂(−0.5) = 0.1367, no errors', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    expect(await mountedValue(w.page)).toBe('0.1367');
    await w.page.waitForSelector('#kde .backend-badge');
    expect(w.consoleErrors).toEqual([]);
    expect(w.failedRequests).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    await w.page.close();
  });

  it('arrow keys on "Bandwidth h" change the readout and the URL; reloading restores both', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    const first = await mountedValue(w.page);
    const slider = w.page.getByLabel('Bandwidth h').first();
    await slider.focus();
    for (let i = 0; i < 10; i++) await w.page.keyboard.press('ArrowRight');
    await w.page.waitForFunction((v) => document.querySelector('#kde [data-testid="kde-p-query"]')?.textContent !== v, first);
    const moved = (await readout(w.page).textContent())!;
    expect(moved).not.toBe(first);
    await w.page.waitForFunction(() => new URLSearchParams(location.search).has('kde.h'));
    const h = new URL(w.page.url()).searchParams.get('kde.h')!;
    expect(Number(h)).toBeGreaterThan(1);
    await w.page.reload();
    expect(await mountedValue(w.page)).toBe(moved);
    expect(await w.page.getByLabel('Bandwidth h').first().getAttribute('aria-valuetext')).toBe(String(Number(Number(h).toPrecision(3))));
    await w.page.close();
  });

  it('hostile URL parameters are clamped, not fatal', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${chapter()}?kde.h=1e300&kde.kernel=%3Cscript%3E&kde.x=NaN&kde.bins=-4&kde.data=six&__proto__.x=1`);
    await mountedValue(w.page);
    expect(await w.page.getByLabel('Bandwidth h').first().getAttribute('aria-valuetext')).toBe('5');
    expect(await w.page.getByLabel('Kernel', { exact: true }).first().inputValue()).toBe('gaussian');
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });

  it('present mode opens from its button and closes with Escape; its URL is shareable', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    await mountedValue(w.page);
    const button = w.page.locator('#kde .widget-toolbar button', { hasText: 'Present' });
    await button.focus();
    await w.page.keyboard.press('Enter');
    await w.page.waitForSelector('#kde.presenting[role="dialog"]');
    expect(new URL(w.page.url()).searchParams.get('present')).toBe('kde');
    const box = await w.page.locator('#kde').boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(1280 - 20); // the viewport, less a reserved scrollbar gutter
    await w.page.keyboard.press('Escape');
    await w.page.waitForFunction(() => !document.querySelector('#kde.presenting'));
    expect(new URL(w.page.url()).searchParams.get('present')).toBeNull();
    // Opening the present-mode URL directly presents the widget.
    await w.page.goto(`${chapter()}?present=kde`);
    await w.page.waitForSelector('#kde.presenting');
    expect(await mountedValue(w.page)).toBe('0.1367');
    await w.page.close();
  });

  it('clicking the plot adds a point and the estimate changes', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(chapter());
    const before = await mountedValue(w.page);
    const count = await w.page.locator('#kde .point-list li').count();
    await w.page.getByRole('button', { name: 'Add a point at x*' }).click();
    await w.page.waitForFunction((n) => document.querySelectorAll('#kde .point-list li').length === n + 1, count);
    await w.page.waitForFunction((v) => document.querySelector('#kde [data-testid="kde-p-query"]')?.textContent !== v, before);
    await w.page.getByRole('button', { name: 'Remove the point at −0.50' }).click();
    await w.page.waitForFunction((v) => document.querySelector('#kde [data-testid="kde-p-query"]')?.textContent === v, before);
    await w.page.close();
  });

  it('mounts in the gallery', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${site()}gallery/`);
    expect(await mountedValue(w.page, 'g-kde-bandwidth')).toBe('0.1367');
    expect(w.consoleErrors).toEqual([]);
    await w.page.close();
  });
});

describe('backends', () => {
  for (const backend of ['cpu', 'wasm', 'webgl'] as const) {
    it(`?backend=${backend} computes the same answer and names itself on the badge`, async () => {
      const w = await watchedPage(browser.context, origin());
      await w.page.goto(`${chapter()}?backend=${backend}`);
      expect(await mountedValue(w.page)).toBe('0.1367');
      expect(await w.page.locator('#kde .backend-badge').getAttribute('data-backend')).toBe(backend);
      expect(w.consoleErrors).toEqual([]);
      await w.page.close();
    });
  }

  it('with WebGL unavailable, the widget still works and says why', async () => {
    // Chromium's --disable-webgl flags leave OffscreenCanvas WebGL on, so make every canvas refuse
    // WebGL contexts, as a browser without WebGL does.
    const noGl = await launch();
    try {
      await noGl.context.addInitScript(() => {
        for (const C of [HTMLCanvasElement, typeof OffscreenCanvas === 'undefined' ? null : OffscreenCanvas]) {
          if (!C) continue;
          const original = C.prototype.getContext as (this: unknown, type: string, ...rest: unknown[]) => unknown;
          (C.prototype as unknown as { getContext: unknown }).getContext = function (this: unknown, type: string, ...rest: unknown[]) {
            return /webgl/i.test(type) ? null : original.call(this, type, ...rest);
          };
        }
      });
      const w = await watchedPage(noGl.context, origin());
      await w.page.goto(chapter());
      expect(await mountedValue(w.page)).toBe('0.1367');
      const badge = w.page.locator('#kde .backend-badge');
      expect(await badge.getAttribute('data-backend')).toBe('wasm');
      expect(await badge.getAttribute('aria-label')).toMatch(/WebGL is not available/);
      // Asking for WebGL anyway falls back and says so.
      await w.page.goto(`${chapter()}?backend=webgl`);
      expect(await mountedValue(w.page)).toBe('0.1367');
      expect(await badge.getAttribute('data-backend')).toBe('wasm');
      expect(await badge.getAttribute('aria-label')).toMatch(/did not start/);
    } finally {
      await noGl.close();
    }
  });
});

describe('a lost WebGL context', () => {
  it('moves the page to the next backend, says so, and the widget recomputes correctly', async () => {
    const b = await launch();
    try {
      // Keep a handle on every WebGL context the page creates, so the test can lose it.
      await b.context.addInitScript(() => {
        const keep: WebGLRenderingContext[] = [];
        (window as unknown as { __gl: typeof keep }).__gl = keep;
        for (const C of [HTMLCanvasElement, typeof OffscreenCanvas === 'undefined' ? null : OffscreenCanvas]) {
          if (!C) continue;
          const original = C.prototype.getContext as (this: unknown, type: string, ...rest: unknown[]) => unknown;
          (C.prototype as unknown as { getContext: unknown }).getContext = function (this: unknown, type: string, ...rest: unknown[]) {
            const ctx = original.call(this, type, ...rest);
            if (ctx && /webgl/i.test(type)) keep.push(ctx as WebGLRenderingContext);
            return ctx;
          };
        }
      });
      const w = await watchedPage(b.context, origin());
      await w.page.goto(`${chapter()}?backend=webgl`);
      expect(await mountedValue(w.page)).toBe('0.1367');
      const badge = w.page.locator('#kde .backend-badge');
      expect(await badge.getAttribute('data-backend')).toBe('webgl');
      // Readouts one slider step right and back again, computed on the healthy WebGL backend.
      const slider = w.page.getByLabel('Bandwidth h').first();
      const value = () => w.page.textContent('#kde [data-testid="kde-p-query"]');
      const stepAndRead = async (key: string, from: string | null) => {
        await slider.focus();
        await w.page.keyboard.press(key);
        await w.page.waitForFunction((v) => document.querySelector('#kde [data-testid="kde-p-query"]')?.textContent !== v, from);
        return value();
      };
      const right = await stepAndRead('ArrowRight', '0.1367');
      const back = await stepAndRead('ArrowLeft', right);
      await w.page.evaluate(() => {
        for (const gl of (window as unknown as { __gl: WebGLRenderingContext[] }).__gl) gl.getExtension('WEBGL_lose_context')?.loseContext();
      });
      await w.page.waitForFunction(() => document.querySelector('#kde .backend-badge')?.getAttribute('data-backend') !== 'webgl');
      await w.page.waitForSelector('#kde .backend-note');
      expect(await w.page.textContent('#kde .backend-note')).toMatch(/context was lost/);
      // The widget rebuilt its tensors on the new backend and computes the same numbers.
      expect(await stepAndRead('ArrowRight', back)).toBe(right);
      expect(await stepAndRead('ArrowLeft', right)).toBe(back);
    } finally {
      await b.close();
    }
  });
});
