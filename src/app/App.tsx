import { lazy, Suspense, useEffect } from 'react';
import { chapters } from 'virtual:chapters';
import { href, interceptLinks, parseRoute, useLocation } from './router';
import { setTheme, useTheme } from './theme';
import { Home } from './Home';
import { NotFound } from './NotFound';

import ChapterPage from './ChapterPage';

// The gallery loads on demand; chapter bodies are fetched by ChapterPage.
const Gallery = lazy(() => import('./Gallery'));

const SITE = 'Deep generative models, live';

function ThemeToggle() {
  const theme = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="theme-toggle" onClick={() => setTheme(next)} aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`}>
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
      <span className="theme-toggle-text">{theme === 'dark' ? 'Light' : 'Dark'}</span>
    </button>
  );
}

export function App() {
  const { pathname } = useLocation();
  const route = parseRoute(pathname);
  const chapter = route.name === 'chapter' ? chapters.find((c) => c.slug === route.slug) : undefined;

  useEffect(() => {
    document.title =
      route.name === 'home' ? SITE
      : route.name === 'gallery' ? `Widget gallery · ${SITE}`
      : chapter ? `${chapter.title} · ${SITE}`
      : `Page not found · ${SITE}`;
  }, [route.name, chapter]);

  let page;
  if (route.name === 'home') page = <Home />;
  else if (route.name === 'gallery') page = <Gallery />;
  else if (route.name === 'chapter' && chapter) page = <ChapterPage key={chapter.slug} slug={chapter.slug} />;
  else page = <NotFound path={pathname} />;

  const notation = chapters.find((c) => c.slug === 'notation');
  return (
    <div className="app" onClick={interceptLinks}>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="site-header">
        <a className="site-title" href={href('')} aria-label={`${SITE}: home`}>
          <svg aria-hidden="true" viewBox="0 0 64 64" width="28" height="28"><rect width="64" height="64" rx="12" fill="var(--accent)" /><path d="M6 50 C 18 50, 22 14, 32 14 S 46 50, 58 50" fill="none" stroke="var(--accent-contrast)" strokeWidth="5" strokeLinecap="round" /></svg>
          <span>{SITE}</span>
        </a>
        <nav aria-label="Site" className="site-nav">
          <a href={href('')} aria-current={route.name === 'home' ? 'page' : undefined}>Chapters</a>
          {notation && <a href={href('chapters/notation/')} aria-current={chapter?.slug === 'notation' ? 'page' : undefined}>Notation</a>}
          <a href={href('gallery/')} aria-current={route.name === 'gallery' ? 'page' : undefined}>Gallery</a>
          <ThemeToggle />
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<div className="page-loading" role="status">Loading…</div>}>{page}</Suspense>
      </main>
      <footer className="site-footer">
        <p>Runs entirely in your browser: nothing is sent anywhere. Text and widgets written for this notebook; sources cited in each chapter.</p>
      </footer>
    </div>
  );
}
