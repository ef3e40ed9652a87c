import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { chapters, loaders } from 'virtual:chapters';
import type { CompiledChapter, TocEntry } from '../content/compile';
import { href, scrollToId } from './router';
import { WidgetSlot } from '../ui/WidgetSlot';

/**
 * Wait (briefly) for the KaTeX faces most formulas use. Laying math out in a fallback font and
 * again when the real one arrives moves the text around it; the pages preload these faces, so the
 * wait is usually nothing. Never longer than FONT_WAIT_MS: a slow font must not hold the text back.
 */
const FONT_WAIT_MS = 800;
function mathFontsReady(): Promise<unknown> {
  if (!('fonts' in document)) return Promise.resolve();
  const faces = ['1em KaTeX_Main', 'italic 1em KaTeX_Math', 'bold 1em KaTeX_Main', '1em KaTeX_AMS', '1em KaTeX_Size1', '1em KaTeX_Size2'];
  return Promise.race([
    Promise.all(faces.map((f) => document.fonts.load(f).catch(() => undefined))),
    new Promise((r) => setTimeout(r, FONT_WAIT_MS)),
  ]);
}

interface Mount {
  el: Element;
  id: string;
  name: string;
  params: Record<string, unknown>;
}

/** Highlight the TOC entry of the section being read. */
function useActiveHeading(toc: TocEntry[], ready: boolean): string | null {
  const [active, setActive] = useState<string | null>(toc[0]?.id ?? null);
  useEffect(() => {
    if (!ready || toc.length === 0) return;
    const els = toc.map((t) => document.getElementById(t.id)).filter((e): e is HTMLElement => !!e);
    const visible = new Map<string, boolean>();
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) visible.set(e.target.id, e.isIntersecting);
        // The active section is the last heading above the reading line.
        const line = window.innerHeight * 0.25;
        let current = els[0]?.id ?? null;
        for (const el of els) if (el.getBoundingClientRect().top <= line) current = el.id;
        setActive(current);
      },
      { rootMargin: '0px 0px -70% 0px', threshold: [0, 1] },
    );
    els.forEach((el) => io.observe(el));
    const onScroll = () => {
      const line = window.innerHeight * 0.25;
      let current = els[0]?.id ?? null;
      for (const el of els) if (el.getBoundingClientRect().top <= line) current = el.id;
      setActive(current);
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      io.disconnect();
      window.removeEventListener('scroll', onScroll);
    };
  }, [toc, ready]);
  return active;
}

function Toc({ toc, active }: { toc: TocEntry[]; active: string | null }) {
  if (toc.length === 0) return null;
  const list = (
    <ol>
      {toc.map((t) => (
        <li key={t.id} className={`toc-depth-${t.depth}`}>
          <a href={`#${t.id}`} aria-current={active === t.id ? 'location' : undefined}>{t.text}</a>
        </li>
      ))}
    </ol>
  );
  return (
    <nav className="toc" aria-label="On this page">
      <details className="toc-mobile">
        <summary>On this page</summary>
        {list}
      </details>
      <div className="toc-desktop">
        <p className="toc-heading">On this page</p>
        {list}
      </div>
    </nav>
  );
}

/** Open every answer while printing, so a printed chapter has its solutions; restore afterwards. */
function usePrintOpensAnswers(root: React.RefObject<HTMLElement | null>) {
  useEffect(() => {
    let opened: HTMLDetailsElement[] = [];
    const before = () => {
      opened = [...(root.current?.querySelectorAll<HTMLDetailsElement>('details:not([open])') ?? [])];
      opened.forEach((d) => (d.open = true));
    };
    const after = () => opened.forEach((d) => (d.open = false));
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, [root]);
}

export default function ChapterPage({ slug }: { slug: string }) {
  const [chapter, setChapter] = useState<CompiledChapter | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mounts, setMounts] = useState<Mount[]>([]);
  const body = useRef<HTMLDivElement>(null);
  const article = useRef<HTMLElement>(null);

  useEffect(() => {
    let live = true;
    loaders[slug]()
      .then(async (m) => {
        if (m.default.hasMath) await mathFontsReady();
        if (live) setChapter(m.default);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [slug]);

  // Find the widget placeholders in the prose and mount widgets into them with portals.
  useLayoutEffect(() => {
    if (!chapter || !body.current) return;
    const found: Mount[] = [];
    body.current.querySelectorAll('figure.widget').forEach((fig) => {
      const el = fig.querySelector('.widget-mount');
      if (!el) return;
      let params: Record<string, unknown> = {};
      try {
        params = JSON.parse(fig.getAttribute('data-params') ?? '{}');
      } catch {
        // The build writes this attribute; an unreadable one means defaults.
      }
      found.push({ el, id: fig.id, name: fig.getAttribute('data-widget') ?? '', params });
    });
    setMounts(found);
    // Honour a #hash once the chapter has rendered (direct links to a section).
    if (window.location.hash) scrollToId(decodeURIComponent(window.location.hash.slice(1)));
  }, [chapter]);

  usePrintOpensAnswers(article);
  const active = useActiveHeading(chapter?.toc ?? [], !!chapter);

  if (error) {
    return (
      <div className="load-error" role="alert">
        <h1>This chapter did not load</h1>
        <p>{error}</p>
        <p>Check your connection and <button type="button" onClick={() => window.location.reload()}>reload the page</button>.</p>
      </div>
    );
  }
  if (!chapter) return <div className="page-loading" role="status">Loading the chapter…</div>;

  const list = chapters.filter((c) => c.kind === 'chapter');
  const i = list.findIndex((c) => c.slug === slug);
  const prev = i > 0 ? list[i - 1] : undefined;
  const next = i >= 0 && i + 1 < list.length ? list[i + 1] : undefined;

  return (
    <div className="chapter-layout">
      <Toc toc={chapter.toc} active={active} />
      <article className="chapter" ref={article}>
        <header className="chapter-header">
          {chapter.kind === 'chapter' && <p className="eyebrow">Chapter {chapter.order}</p>}
          <h1>{chapter.title}</h1>
          <p className="chapter-summary">{chapter.summary}</p>
        </header>
        <div className="prose" ref={body} dangerouslySetInnerHTML={{ __html: chapter.html }} />
        {mounts.map((m) => createPortal(<WidgetSlot id={m.id} name={m.name} params={m.params} />, m.el, m.id))}
        {chapter.kind === 'chapter' && (
          <nav className="prev-next" aria-label="Chapters">
            {prev ? (
              <a className="prev" href={href(`chapters/${prev.slug}/`)} rel="prev">
                <span className="dir">Previous</span> <span>{prev.order}. {prev.title}</span>
              </a>
            ) : <span />}
            {next ? (
              <a className="next" href={href(`chapters/${next.slug}/`)} rel="next">
                <span className="dir">Next</span> <span>{next.order}. {next.title}</span>
              </a>
            ) : <span />}
          </nav>
        )}
      </article>
    </div>
  );
}
