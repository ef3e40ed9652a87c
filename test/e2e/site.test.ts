import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, watchedPage, type Browser } from './browser';
import { builtSlugs, contentSlugs, origin, site } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('every page', () => {
  it('builds one page per content file', () => {
    expect(builtSlugs()).toEqual(contentSlugs());
    expect(builtSlugs().length).toBeGreaterThan(0);
  });

  const paths = () => ['', 'gallery/', ...builtSlugs().map((s) => `chapters/${s}/`)];

  it('loads with no console error, no failed request and nothing from another origin', async () => {
    for (const path of paths()) {
      const w = await watchedPage(browser.context, origin());
      const res = await w.page.goto(site() + path, { waitUntil: 'networkidle' });
      expect(res?.status(), path).toBe(200);
      await w.page.waitForSelector('main h1');
      expect(w.consoleErrors, path).toEqual([]);
      expect(w.failedRequests, path).toEqual([]);
      expect(w.foreignRequests, path).toEqual([]);
      await w.page.close();
    }
  });

  it('chapters render their title, headings and typeset math with MathML', async () => {
    for (const slug of builtSlugs()) {
      const w = await watchedPage(browser.context, origin());
      await w.page.goto(`${site()}chapters/${slug}/`);
      await w.page.waitForSelector('.prose');
      const info = await w.page.evaluate(() => ({
        h1: document.querySelector('main h1')?.textContent ?? '',
        h2: document.querySelectorAll('.prose h2').length,
        katex: document.querySelectorAll('.prose .katex').length,
        mathml: document.querySelectorAll('.prose .katex math').length,
        rawDollars: /\$\$|\\\(|\\begin\{/.test((document.querySelector('.prose') as HTMLElement).innerText),
        katexErrors: document.querySelectorAll('.katex-error').length,
        fontOk: getComputedStyle(document.querySelector('.prose .katex') ?? document.body).fontFamily,
      }));
      expect(info.h1.length, slug).toBeGreaterThan(0);
      expect(info.h2, slug).toBeGreaterThan(0);
      expect(info.katexErrors, slug).toBe(0);
      expect(info.rawDollars, slug).toBe(false);
      if (info.katex > 0) {
        expect(info.mathml, slug).toBe(info.katex);
        expect(info.fontOk, slug).toMatch(/KaTeX/);
      }
      await w.page.close();
    }
  });
});

describe('navigation', () => {
  it('a deep link under the sub-path loads directly and on reload', async () => {
    const slug = builtSlugs().find((s) => s !== 'notation')!;
    const w = await watchedPage(browser.context, origin());
    const res = await w.page.goto(`${site()}chapters/${slug}/`);
    expect(res?.status()).toBe(200);
    await w.page.waitForSelector('.prose h2');
    const title = await w.page.textContent('main h1');
    await w.page.reload();
    await w.page.waitForSelector('.prose h2');
    expect(await w.page.textContent('main h1')).toBe(title);
    expect(new URL(w.page.url()).pathname).toBe(`${new URL(site()).pathname}chapters/${slug}/`);
    await w.page.close();
  });

  it('home lists the chapters and links to them without a reload', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(site());
    await w.page.waitForSelector('.chapter-list a');
    const links = await w.page.$$eval('.chapter-list a', (as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    expect(links.length).toBeGreaterThan(0);
    await w.page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await w.page.click('.chapter-list a');
    await w.page.waitForSelector('.prose h2');
    expect(await w.page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await w.page.close();
  });

  it('table-of-contents links scroll to their headings', async () => {
    const slug = builtSlugs().find((s) => s !== 'notation')!;
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${site()}chapters/${slug}/`);
    await w.page.waitForSelector('.toc-desktop a');
    const links = await w.page.$$('.toc-desktop a');
    // A middle heading and the last one (every section above it is laid out lazily).
    let id = '';
    for (const target of [links[Math.min(links.length - 1, 3)], links[links.length - 1]]) {
      id = (await target.getAttribute('href'))!.slice(1);
      await target.click();
      await w.page.waitForFunction((hid) => {
        const r = document.getElementById(hid)!.getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight / 2;
      }, id);
      await w.page.waitForTimeout(500); // still there once the page has settled
      const top = await w.page.evaluate((hid) => document.getElementById(hid)!.getBoundingClientRect().top, id);
      expect(top).toBeGreaterThanOrEqual(0);
      expect(top).toBeLessThan(450);
    }
    expect(new URL(w.page.url()).hash).toBe(`#${id}`);
    await w.page.close();
  });

  it('previous and next links connect the chapters', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(site());
    await w.page.waitForSelector('.chapter-list a');
    const first = await w.page.$eval('.chapter-list a', (a) => (a as HTMLAnchorElement).href);
    await w.page.goto(first);
    await w.page.waitForSelector('.prev-next a.next');
    const h1 = await w.page.textContent('main h1');
    await w.page.click('.prev-next a.next');
    await w.page.waitForFunction((old) => document.querySelector('main h1')?.textContent !== old, h1);
    await w.page.waitForSelector('.prev-next a.prev');
    await w.page.close();
  });

  it('an unknown route shows a helpful 404 page', async () => {
    const w = await watchedPage(browser.context, origin());
    const res = await w.page.goto(`${site()}chapters/no-such-chapter/`);
    expect(res?.status()).toBe(404);
    await w.page.waitForSelector('.not-found h1');
    expect(await w.page.textContent('.not-found h1')).toMatch(/not found/i);
    expect(await w.page.$$eval('.not-found ul a', (a) => a.length)).toBe(builtSlugs().length);
    await w.page.close();
  });
});

describe('reading comfort', () => {
  it('the theme toggle switches and persists across a reload', async () => {
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(site());
    const before = await w.page.evaluate(() => document.documentElement.dataset.theme);
    await w.page.click('.theme-toggle');
    const after = await w.page.evaluate(() => document.documentElement.dataset.theme);
    expect(after).not.toBe(before);
    const bg = await w.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await w.page.reload();
    expect(await w.page.evaluate(() => document.documentElement.dataset.theme)).toBe(after);
    expect(await w.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(bg);
    await w.page.click('.theme-toggle');
    await w.page.close();
  });

  it('exercise answers are collapsed and expand from the keyboard', async () => {
    const slug = builtSlugs().find((s) => s !== 'notation')!;
    const w = await watchedPage(browser.context, origin());
    await w.page.goto(`${site()}chapters/${slug}/`);
    await w.page.waitForSelector('details.answer > summary');
    const summary = w.page.locator('details.answer > summary').first();
    expect(await summary.evaluate((s) => (s.parentElement as HTMLDetailsElement).open)).toBe(false);
    await summary.focus();
    await w.page.keyboard.press('Enter');
    expect(await summary.evaluate((s) => (s.parentElement as HTMLDetailsElement).open)).toBe(true);
    await w.page.close();
  });

  it('fits a 360 px phone without sideways scrolling of the page', async () => {
    const phone = await launch([], { viewport: { width: 360, height: 740 } });
    try {
      const w = await watchedPage(phone.context, origin());
      for (const slug of builtSlugs()) {
        await w.page.goto(`${site()}chapters/${slug}/`);
        await w.page.waitForSelector('.prose');
        const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, slug).toBeLessThanOrEqual(1);
      }
    } finally {
      await phone.close();
    }
  });
});
