/**
 * Vite plugin: compiles content/*.md at build time and serves the result as virtual modules.
 *
 * - `virtual:chapters`: the chapter index (titles, summaries, order, widget ids) and a lazy loader
 *   per chapter, so the home page never downloads chapter bodies.
 * - `virtual:chapter/<slug>`: one chapter's compiled HTML, TOC and widget placements.
 *
 * A content error fails the build with `file:line:col` (and shows Vite's overlay in dev).
 * At the end of a build it writes one `index.html` per route (chapters, gallery) and a `404.html`,
 * so every URL loads directly on a static host such as GitHub Pages, also on reload.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import type { Plugin, ViteDevServer } from 'vite';
import { compileAll, ContentError, type CompiledChapter } from './compile.ts';
import { widgetSpecs } from '../widgets/specs.ts';

const INDEX = 'virtual:chapters';
const CHAPTER = 'virtual:chapter/';

export interface ContentPluginOptions {
  /** Folder with the chapter Markdown files. */
  dir: string;
  /** Extra top-level routes that need their own index.html (e.g. gallery). */
  routes?: readonly string[];
}

/** Read and compile every chapter in `dir` (throws ContentError on the first mistake). */
export function compileContentDir(dir: string, base: string, root = process.cwd()): CompiledChapter[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => ({ path: relative(root, join(dir, f)), source: readFileSync(join(dir, f), 'utf8') }));
  return compileAll(files, widgetSpecs, base);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function contentPlugin(options: ContentPluginOptions): Plugin {
  let base = '/';
  let isBuild = false;
  let chapters: CompiledChapter[] | null = null;
  /** In a build, chapter bodies are JSON assets (fetched, not JavaScript): slug → file name. */
  const assetNames = new Map<string, string>();
  const assetFile = (c: CompiledChapter) => {
    const json = JSON.stringify(c);
    const hash = createHash('sha256').update(json).digest('hex').slice(0, 10);
    return { json, fileName: `assets/chapter-${c.slug}.${hash}.json` };
  };
  let server: ViteDevServer | undefined;

  const load = (): CompiledChapter[] => {
    if (!chapters) chapters = compileContentDir(options.dir, base);
    return chapters;
  };

  return {
    name: 'notebook-content',
    configResolved(config) {
      base = config.base;
      isBuild = config.command === 'build';
    },
    configureServer(s) {
      server = s;
    },
    buildStart() {
      chapters = null;
      for (const f of readdirSync(options.dir)) if (f.endsWith('.md')) this.addWatchFile(join(options.dir, f));
      try {
        load();
      } catch (e) {
        if (e instanceof ContentError) this.error(e.message);
        throw e;
      }
    },
    resolveId(id) {
      if (id === INDEX || id.startsWith(CHAPTER)) return `\0${id}`;
      return null;
    },
    load(id) {
      if (!id.startsWith('\0virtual:')) return null;
      let all: CompiledChapter[];
      try {
        all = load();
      } catch (e) {
        if (e instanceof ContentError) this.error(e.message);
        throw e;
      }
      if (id === `\0${INDEX}`) {
        const index = all.map(({ slug, title, summary, order, kind, widgets }) => ({
          slug, title, summary, order, kind, widgets: widgets.map((w) => ({ id: w.id, name: w.name })),
        }));
        let loaders: string;
        if (isBuild) {
          // Chapter bodies are large (KaTeX writes HTML and MathML): ship them as JSON, which the
          // browser fetches in parallel with the app (each chapter page preloads its own), rather
          // than as JavaScript that would count against the first-paint budget.
          loaders = all.map((c) => {
            const { json, fileName } = assetFile(c);
            assetNames.set(c.slug, fileName);
            this.emitFile({ type: 'asset', fileName, source: json });
            return `  ${JSON.stringify(c.slug)}: () => fetchChapter(${JSON.stringify(fileName)}),`;
          }).join('\n');
        } else {
          loaders = all.map((c) => `  ${JSON.stringify(c.slug)}: () => import(${JSON.stringify(CHAPTER + c.slug)}),`).join('\n');
        }
        const fetcher = `async function fetchChapter(file) {
  const res = await fetch(import.meta.env.BASE_URL + file);
  if (!res.ok) throw new Error('The chapter could not be downloaded (HTTP ' + res.status + ').');
  return { default: await res.json() };
}
`;
        return `${fetcher}export const chapters = ${JSON.stringify(index)};\nexport const loaders = {\n${loaders}\n};\n`;
      }
      const slug = id.slice(`\0${CHAPTER}`.length);
      const c = all.find((x) => x.slug === slug);
      if (!c) this.error(`no chapter with slug "${slug}"`);
      return `export default ${JSON.stringify(c)};\n`;
    },
    handleHotUpdate(ctx) {
      if (ctx.file.endsWith('.md') && ctx.file.includes(options.dir.replace(/^\.\//, ''))) {
        chapters = null;
        const mods = [...(server?.moduleGraph.idToModuleMap.values() ?? [])].filter((m) => m.id?.startsWith('\0virtual:'));
        for (const m of mods) server?.moduleGraph.invalidateModule(m);
        server?.ws.send({ type: 'full-reload' });
        return [];
      }
      return undefined;
    },
    generateBundle: {
      // After Vite's HTML plugin has emitted index.html.
      order: 'post',
      handler(_, bundle) {
      const indexAsset = bundle['index.html'];
      if (!indexAsset || indexAsset.type !== 'asset') return;
      const html = String(indexAsset.source);
      // The KaTeX faces nearly every formula uses: preloading them on chapter pages means math is
      // laid out once in its real font instead of shifting when the fonts arrive.
      const mathFonts = Object.keys(bundle)
        .filter((f) => /KaTeX_(Main-Regular|Main-Bold|Math-Italic|Size1-Regular|Size2-Regular|AMS-Regular|Caligraphic-Regular)-[^/]*\.woff2$/.test(f))
        .map((f) => `    <link rel="preload" href="${base}${f}" as="font" type="font/woff2" crossorigin="anonymous" />\n`)
        .join('');
      const page = (title: string, description: string, preload?: string, math = false) =>
        html
          .replace('</head>', `${preload ? `    <link rel="preload" href="${base}${preload}" as="fetch" crossorigin="anonymous" />\n` : ''}${math ? mathFonts : ''}  </head>`)
          .replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(title)}</title>`)
          .replace(/(<meta name="description" content=")[^"]*(")/, `$1${escapeHtml(description)}$2`);
      const site = 'Deep generative models, live';
      for (const c of load()) {
        this.emitFile({ type: 'asset', fileName: `chapters/${c.slug}/index.html`, source: page(`${c.title} · ${site}`, c.summary, assetNames.get(c.slug), c.hasMath) });
      }
      for (const r of options.routes ?? []) {
        this.emitFile({ type: 'asset', fileName: `${r}/index.html`, source: page(`${r[0].toUpperCase()}${r.slice(1)} · ${site}`, `The ${r} of ${site}.`) });
      }
      // Static hosts serve 404.html for unknown paths; the app renders its own not-found page.
      this.emitFile({ type: 'asset', fileName: '404.html', source: page(`Page not found · ${site}`, 'This page does not exist.') });
      },
    },
  };
}
