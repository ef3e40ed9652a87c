import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compileAll, compileChapter, ContentError, slugFromPath } from '../../src/content/compile';
import { testSpec } from './testSpec';

const specs = { 'test-widget': testSpec };
const dir = 'test/content/fixtures/';
const read = (f: string) => ({ path: dir + f, source: readFileSync(dir + f, 'utf8') });
const ctx = { specs, slugs: new Set(['good', 'other']), base: '/base/' };

function errorOf(f: string): ContentError {
  try {
    compileChapter(read(f).source, dir + f, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(ContentError);
    return e as ContentError;
  }
  throw new Error(`${f} compiled but should have failed`);
}

describe('a well-formed chapter', () => {
  const [good, other] = compileAll([read('good.md'), read('other.md')], specs, '/base/');

  it('reads front matter and sorts by order', () => {
    expect(good).toMatchObject({ slug: 'good', title: 'A test chapter', order: 9, kind: 'chapter' });
    expect(other).toMatchObject({ slug: 'other', kind: 'page', hasMath: false });
  });

  it('renders math at build time with HTML and MathML and no raw TeX delimiters', () => {
    expect(good.hasMath).toBe(true);
    expect(good.html).toContain('class="katex"');
    expect(good.html).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML"');
    expect(good.html).toContain('class="katex-display"');
    expect(good.html).not.toMatch(/\$\$/);
    // the macro \KL expanded
    expect(good.html).toContain('KL');
  });

  it('builds a table of contents and heading anchors', () => {
    expect(good.toc).toEqual([
      { id: 'kernel-density-estimation', text: 'Kernel density estimation', depth: 2 },
      { id: 'a-subsection', text: 'A subsection', depth: 3 },
    ]);
    expect(good.html).toContain('<h2 id="kernel-density-estimation">');
    expect(good.html).toContain('href="#kernel-density-estimation"');
  });

  it('keeps prose that merely contains colons', () => {
    expect(good.html).toContain('A ratio 3:4 and a time 10:30 and note:this stay prose.');
  });

  it('lowers callouts: derivation, exercise with a collapsible answer, aside, recap, objectives', () => {
    expect(good.html).toContain('class="callout callout-derivation"');
    expect(good.html).toContain('Derivation: It integrates to one');
    expect(good.html).toMatch(/<section class="callout callout-exercise"><p class="callout-title">Exercise 1: Six points<\/p>/);
    expect(good.html).toMatch(/<details class="answer">\s*<summary>Show the answer<\/summary>/);
    expect(good.html).toContain('<aside class="callout callout-aside"><p class="callout-title">Why 1/h</p>');
    expect(good.html).toContain('class="callout callout-recap"');
    expect(good.html).toContain('You will learn');
  });

  it('places widgets as figures with reserved height, parsed params and numbered captions', () => {
    expect(good.widgets).toEqual([
      { id: 'first', name: 'test-widget', params: { h: 0.5, kernel: 'epanechnikov' }, figure: '9.1' },
      { id: 'second', name: 'test-widget', params: {}, figure: '9.2' },
    ]);
    expect(good.html).toContain('<figure class="widget" id="first" data-widget="test-widget"');
    expect(good.html).toContain('style="--widget-height:300px;--widget-height-narrow:300px"');
    expect(good.html).toMatch(/<figcaption><strong>Figure 9\.1\. <\/strong>A caption with <span class="katex">/);
    // an empty caption falls back to the widget's title
    expect(good.html).toContain('<strong>Figure 9.2. </strong>Test widget</figcaption>');
  });

  it('resolves chapter links under the base path', () => {
    expect(good.html).toContain('href="/base/chapters/other/#top"');
  });

  it('renders a page with no math and no widgets', () => {
    expect(other.html).toContain('<p>Plain words only.</p>');
    expect(other.widgets).toEqual([]);
  });

  it('derives slugs from file names', () => {
    expect(slugFromPath('content/02-evaluation.md')).toBe('evaluation');
    expect(slugFromPath('content/notation.md')).toBe('notation');
  });
});

describe('malformed chapters stop the build with file:line:col', () => {
  const cases: [string, number, number, RegExp][] = [
    ['bad-tex.md', 9, 19, /TeX that KaTeX rejects: .*expected '}'/],
    ['bad-tex-display.md', 9, 1, /TeX that KaTeX rejects: .*Undefined control sequence: \\undefinedmacro/],
    ['unknown-widget.md', 9, 1, /unknown widget "no-such-widget" \(known: test-widget\)/],
    ['unknown-param.md', 9, 1, /widget "test-widget" has no parameter "bandwidth" \(it has: h, n, kernel\)/],
    ['out-of-range.md', 9, 1, /parameter "h" = 99 is out of range \[0\.01, 10\]/],
    ['bad-enum.md', 9, 1, /parameter "kernel" must be one of gaussian, epanechnikov; got "box"/],
    ['duplicate-id.md', 13, 1, /duplicate widget id "same"/],
    ['missing-id.md', 9, 1, /widget "test-widget" needs an id/],
    ['unknown-callout.md', 9, 1, /unknown callout ":::theorem"/],
    ['exercise-no-answer.md', 9, 1, /an exercise needs exactly one ":::answer" inside it, found 0/],
    ['bad-link.md', 7, 5, /link to unknown chapter "nowhere"/],
    ['bad-yaml.md', 3, 1, /front matter is not valid YAML/],
    ['missing-order.md', 1, 1, /front matter needs a numeric "order"/],
    ['no-front-matter.md', 1, 1, /missing front matter/],
  ];
  for (const [f, line, col, re] of cases) {
    it(`${f} → ${line}:${col}`, () => {
      const e = errorOf(f);
      expect(e.reason).toMatch(re);
      expect([e.line, e.column]).toEqual([line, col]);
      expect(e.message.startsWith(`${dir}${f}:${line}:${col}: `)).toBe(true);
    });
  }
});
