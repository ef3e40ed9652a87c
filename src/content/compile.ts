/**
 * The build-time content compiler (runs in Node, never in the browser).
 *
 * Markdown with front matter, math and directives → an HTML string with KaTeX already rendered
 * (HTML + MathML), a table of contents and the list of widgets it places. Every mistake an author
 * can make stops the build with `file:line:col` and a plain message: TeX that KaTeX rejects, an
 * unknown widget, an unknown or out-of-range widget parameter, a duplicate widget id, an unknown
 * callout, a broken chapter link, bad front matter.
 */
import { unified, type Plugin } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import remarkMath from 'remark-math';
import remarkDirective from 'remark-directive';
import remarkRehype from 'remark-rehype';
import rehypeSlug from 'rehype-slug';
import rehypeKatex from 'rehype-katex';
import rehypeStringify from 'rehype-stringify';
import { visit, SKIP } from 'unist-util-visit';
import { toString as hastToString } from 'hast-util-to-string';
import { parse as parseYaml } from 'yaml';
import { VFile } from 'vfile';
import type { Root as MdRoot, RootContent, PhrasingContent, Paragraph, Link, Text } from 'mdast';
import type { Root as HastRoot, Element } from 'hast';
import { macros } from './macros.ts';
import { validateParam, parseValidParam, type Params, type WidgetSpec } from '../widgets/types.ts';

export interface TocEntry {
  id: string;
  text: string;
  depth: 2 | 3;
}

export interface WidgetPlacement {
  id: string;
  name: string;
  /** Parameters the chapter sets (validated and parsed); the rest take the spec's defaults. */
  params: Params;
  /** Figure number within the chapter, e.g. "2.3". */
  figure: string;
}

export interface ChapterMeta {
  slug: string;
  title: string;
  summary: string;
  order: number;
  kind: 'chapter' | 'page';
}

export interface CompiledChapter extends ChapterMeta {
  html: string;
  toc: TocEntry[];
  widgets: WidgetPlacement[];
  /** Whether the page contains any math (then it needs KaTeX's stylesheet). */
  hasMath: boolean;
}

export interface CompileContext {
  /** Registered widget specs by name. */
  specs: Readonly<Record<string, WidgetSpec>>;
  /** Slugs of every chapter/page, for `chapter:` links. */
  slugs: ReadonlySet<string>;
  /** Site base path, e.g. "/" or "/repo/". */
  base: string;
}

/** A content error with its position, formatted as `file:line:col: message`. */
export class ContentError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  constructor(file: string, line: number, column: number, reason: string) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'ContentError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

const CALLOUTS: Record<string, { tag: string; title: (attrs: Record<string, string>, n: number) => string }> = {
  objectives: { tag: 'section', title: () => 'You will learn' },
  derivation: { tag: 'section', title: (a) => (a.title ? `Derivation: ${a.title}` : 'Derivation') },
  exercise: { tag: 'section', title: (a, n) => (a.title ? `Exercise ${n}: ${a.title}` : `Exercise ${n}`) },
  aside: { tag: 'aside', title: (a) => a.title ?? 'Aside' },
  recap: { tag: 'section', title: () => 'Recap' },
};

// An answer already lowered inside its exercise (the visitor reaches it after its parent).
const HANDLED_ANSWER = '\u0000answer';

/** Slug from a file name: `02-evaluation.md` → `evaluation`. */
export function slugFromPath(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.md$/, '').replace(/^\d+[-_]/, '');
}

interface Position {
  start: { line: number; column: number; offset?: number };
  end: { line: number; column: number; offset?: number };
}

function fail(file: string, pos: Position | undefined, reason: string): never {
  throw new ContentError(file, pos?.start.line ?? 1, pos?.start.column ?? 1, reason);
}

/** Parse and check the YAML front matter. */
function readFrontMatter(tree: MdRoot, file: string, slug: string): ChapterMeta {
  const node = tree.children.find((n) => n.type === 'yaml');
  if (!node || node.type !== 'yaml') fail(file, undefined, 'missing front matter: start the file with ---, title, summary and order, then ---');
  let data: unknown;
  try {
    data = parseYaml(node.value);
  } catch (e) {
    const err = e as { linePos?: { line: number; col: number }[]; message: string };
    const lp = err.linePos?.[0];
    // The YAML starts on the line after the opening fence.
    throw new ContentError(file, (lp?.line ?? 0) + 1, lp?.col ?? 1, `front matter is not valid YAML: ${err.message.split('\n')[0]}`);
  }
  if (typeof data !== 'object' || data === null) fail(file, node.position, 'front matter must be a mapping with title, summary and order');
  const d = data as Record<string, unknown>;
  if (typeof d.title !== 'string' || !d.title.trim()) fail(file, node.position, 'front matter needs a "title"');
  if (typeof d.summary !== 'string' || !d.summary.trim()) fail(file, node.position, 'front matter needs a "summary"');
  if (typeof d.order !== 'number' || !Number.isFinite(d.order)) fail(file, node.position, 'front matter needs a numeric "order"');
  const kind = d.kind ?? 'chapter';
  if (kind !== 'chapter' && kind !== 'page') fail(file, node.position, 'front matter "kind" must be chapter or page');
  return { slug, title: d.title.trim(), summary: d.summary.trim(), order: d.order, kind };
}

/** Rebuild the source text of a node from the file (used to put non-directives back as text). */
function sourceOf(source: string, pos: Position | undefined): string {
  if (!pos || pos.start.offset === undefined || pos.end.offset === undefined) return '';
  return source.slice(pos.start.offset, pos.end.offset);
}

function titleParagraph(text: string): Paragraph {
  return {
    type: 'paragraph',
    data: { hName: 'p', hProperties: { className: ['callout-title'] } },
    children: [{ type: 'text', value: text }],
  };
}

/**
 * The remark plugin that checks and lowers directives: callouts to sections, widgets to figure
 * placeholders, foreign text directives back to text, `chapter:` links to real URLs.
 */
function directives(ctx: CompileContext, file: string, source: string, chapterNumber: string, widgets: WidgetPlacement[]): Plugin<[], MdRoot> {
  return () => (tree) => {
    const ids = new Set<string>();
    let exercise = 0;
    let figure = 0;

    visit(tree, (node, index, parent) => {
      if (node.type === 'textDirective') {
        // `ratio 3:4`, `at 10:30`, `note:this`: not ours, so it stays prose exactly as written.
        if (parent && index !== undefined) {
          const text: Text = { type: 'text', value: sourceOf(source, node.position) || `:${node.name}` };
          parent.children.splice(index, 1, text as never);
          return [SKIP, index];
        }
        return;
      }

      if (node.type === 'link' && node.url.startsWith('chapter:')) {
        const [slug, hash] = node.url.slice('chapter:'.length).split('#');
        if (!ctx.slugs.has(slug)) fail(file, node.position, `link to unknown chapter "${slug}" (known: ${[...ctx.slugs].sort().join(', ')})`);
        (node as Link).url = `${ctx.base}chapters/${slug}/${hash ? `#${hash}` : ''}`;
        return;
      }

      if (node.type === 'containerDirective') {
        const attrs = (node.attributes ?? {}) as Record<string, string>;
        if (node.name === HANDLED_ANSWER) return;
        if (node.name === 'answer') {
          fail(file, node.position, 'an "answer" must sit inside an exercise (give the exercise more colons than the answer: ::::exercise … :::answer … ::: … ::::)');
        }
        const callout = CALLOUTS[node.name];
        if (!callout) fail(file, node.position, `unknown callout ":::${node.name}" (known: ${Object.keys(CALLOUTS).join(', ')})`);
        if (node.name === 'exercise') {
          exercise += 1;
          const answers = node.children.filter((c) => c.type === 'containerDirective' && c.name === 'answer');
          if (answers.length !== 1) fail(file, node.position, `an exercise needs exactly one ":::answer" inside it, found ${answers.length}`);
          const answer = answers[0] as Extract<RootContent, { type: 'containerDirective' }>;
          answer.data = { hName: 'details', hProperties: { className: ['answer'] } };
          answer.children.unshift({
            type: 'paragraph',
            data: { hName: 'summary' },
            children: [{ type: 'text', value: 'Show the answer' }],
          });
          // Mark as handled so the visitor does not reject it as a stray answer.
          (answer as { name: string }).name = HANDLED_ANSWER;
        }
        node.data = {
          hName: callout.tag,
          hProperties: { className: ['callout', `callout-${node.name}`] },
        };
        node.children.unshift(titleParagraph(callout.title(attrs, exercise)));
        return;
      }

      if (node.type === 'leafDirective') {
        const spec = ctx.specs[node.name];
        if (!spec) {
          const known = Object.keys(ctx.specs).sort();
          fail(file, node.position, `unknown widget "${node.name}"${known.length ? ` (known: ${known.join(', ')})` : ' (no widgets are registered)'}`);
        }
        const attrs = { ...((node.attributes ?? {}) as Record<string, string>) };
        const id = attrs.id;
        delete attrs.id;
        delete attrs.class;
        if (!id) fail(file, node.position, `widget "${node.name}" needs an id: ::${node.name}[Caption]{#some-id}`);
        if (!/^[a-z][a-z0-9-]*$/.test(id)) fail(file, node.position, `widget id "${id}" must be lower-case letters, digits and dashes, starting with a letter`);
        if (ids.has(id)) fail(file, node.position, `duplicate widget id "${id}"`);
        ids.add(id);
        const params: Params = {};
        for (const [k, raw] of Object.entries(attrs)) {
          const p = spec.params[k];
          if (!p) fail(file, node.position, `widget "${node.name}" has no parameter "${k}" (it has: ${Object.keys(spec.params).join(', ')})`);
          const problem = validateParam(k, p, raw);
          if (problem) fail(file, node.position, `widget "${node.name}": ${problem}`);
          params[k] = parseValidParam(p, raw);
        }
        figure += 1;
        const fig = `${chapterNumber}${figure}`;
        widgets.push({ id, name: node.name, params, figure: fig });
        const caption = node.children as PhrasingContent[];
        node.data = {
          hName: 'figure',
          hProperties: {
            className: ['widget'],
            id,
            dataWidget: node.name,
            dataParams: JSON.stringify(params),
            style: `--widget-height:${spec.height}px;--widget-height-narrow:${spec.heightNarrow ?? spec.height}px`,
          },
        };
        node.children = [
          { type: 'text', value: '', data: { hName: 'div', hProperties: { className: ['widget-mount'] } } } as unknown as PhrasingContent,
          {
            type: 'emphasis',
            data: { hName: 'figcaption' },
            children: [
              { type: 'strong', children: [{ type: 'text', value: `Figure ${fig}. ` }] },
              ...(caption.length ? caption : [{ type: 'text', value: spec.title } as Text]),
            ],
          },
        ];
        return SKIP;
      }
      return;
    });
  };
}

/** rehype: record the table of contents and add anchor links to headings. */
function headings(toc: TocEntry[]): Plugin<[], HastRoot> {
  return () => (tree) => {
    visit(tree, 'element', (el: Element) => {
      if ((el.tagName === 'h2' || el.tagName === 'h3') && typeof el.properties.id === 'string') {
        const id = el.properties.id;
        toc.push({ id, text: hastToString(el).trim(), depth: el.tagName === 'h2' ? 2 : 3 });
        el.children.push({
          type: 'element',
          tagName: 'a',
          properties: { className: ['anchor'], href: `#${id}`, ariaLabel: `Link to “${hastToString(el).trim()}”` },
          children: [{ type: 'text', value: '#' }],
        });
      }
    });
  };
}

/**
 * rehype: wrap each `##` section (heading up to the next `##`) in <section class="chapter-section">,
 * so the browser can skip layout and paint of sections far from the viewport
 * (CSS content-visibility: auto). Long chapters carry megabytes of KaTeX markup; laying all of it
 * out before the first paint made the largest contentful paint seconds late.
 */
function sections(): Plugin<[], HastRoot> {
  return () => (tree) => {
    const out: HastRoot['children'] = [];
    let current: Element | null = null;
    for (const node of tree.children) {
      if (node.type === 'element' && node.tagName === 'h2') {
        current = { type: 'element', tagName: 'section', properties: { className: ['chapter-section'] }, children: [] };
        out.push(current);
      }
      if (current) current.children.push(node as Element);
      else out.push(node);
    }
    tree.children = out;
  };
}

/**
 * Compile one chapter. Throws ContentError (with file:line:col) on any author mistake.
 * @param source the Markdown text
 * @param file the path used in messages
 */
export function compileChapter(source: string, file: string, ctx: CompileContext): CompiledChapter {
  const slug = slugFromPath(file);
  const mdProcessor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkMath).use(remarkDirective);
  const vfile = new VFile({ path: file, value: source });
  const mdast = mdProcessor.parse(vfile) as MdRoot;
  const meta = readFrontMatter(mdast, file, slug);
  const chapterNumber = meta.kind === 'chapter' ? `${meta.order}.` : '';

  const toc: TocEntry[] = [];
  const widgets: WidgetPlacement[] = [];
  let hasMath = false;
  visit(mdast, (n) => {
    if (n.type === 'inlineMath' || n.type === 'math') hasMath = true;
  });

  const pipeline = unified()
    .use(directives(ctx, file, source, chapterNumber, widgets))
    .use(remarkRehype)
    .use(rehypeSlug)
    .use(headings(toc))
    .use(sections())
    // A fresh macros object per chapter: KaTeX writes \gdef definitions into it.
    .use(rehypeKatex, { macros: macros(), strict: 'ignore', output: 'htmlAndMathml' })
    .use(rehypeStringify);

  const hast = pipeline.runSync(mdast, vfile);
  for (const m of vfile.messages) {
    if (m.source === 'rehype-katex') {
      const cause = m.cause as Error | undefined;
      const reason = (cause?.message ?? m.reason).replace(/^KaTeX parse error: /, '');
      // Display math becomes <pre><code>; only the <pre> keeps the source position.
      const placed = [...(m.ancestors ?? [])].reverse().find((a) => a.position)?.position;
      const line = m.line ?? placed?.start.line ?? 1;
      const column = m.column ?? placed?.start.column ?? 1;
      throw new ContentError(file, line, column, `TeX that KaTeX rejects: ${reason}`);
    }
  }
  const html = pipeline.stringify(hast as HastRoot, vfile);
  return { ...meta, html, toc, widgets, hasMath };
}

export interface ChapterSource {
  path: string;
  source: string;
}

/** Compile a set of chapters together (links between them are checked), sorted by order. */
export function compileAll(files: readonly ChapterSource[], specs: Readonly<Record<string, WidgetSpec>>, base: string): CompiledChapter[] {
  const slugs = new Set(files.map((f) => slugFromPath(f.path)));
  const seen = new Map<string, string>();
  for (const f of files) {
    const s = slugFromPath(f.path);
    if (seen.has(s)) throw new ContentError(f.path, 1, 1, `two content files share the slug "${s}" (also ${seen.get(s)})`);
    seen.set(s, f.path);
  }
  const ctx: CompileContext = { specs, slugs, base };
  return files.map((f) => compileChapter(f.source, f.path, ctx)).sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}
