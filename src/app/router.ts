/**
 * A small client-side router: the site has four kinds of page, so a library would be weight
 * without benefit. URLs live under Vite's base path (e.g. /repo/ on GitHub Pages).
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'home' }
  | { name: 'chapter'; slug: string }
  | { name: 'gallery' }
  | { name: 'notfound'; path: string };

export const BASE = import.meta.env.BASE_URL;

/** Turn a path under the base into a route. */
export function parseRoute(pathname: string): Route {
  let p = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname === BASE.replace(/\/$/, '') ? '' : null;
  if (p === null) return { name: 'notfound', path: pathname };
  p = p.replace(/index\.html$/, '');
  if (p === '') return { name: 'home' };
  const m = /^chapters\/([a-z0-9-]+)\/?$/.exec(p);
  if (m) return { name: 'chapter', slug: m[1] };
  if (/^gallery\/?$/.test(p)) return { name: 'gallery' };
  return { name: 'notfound', path: pathname };
}

/** href for a path relative to the base, e.g. href('chapters/vae/'). */
export function href(path: string): string {
  return BASE + path.replace(/^\//, '');
}

const listeners = new Set<() => void>();
function emit() {
  for (const l of listeners) l();
}
if (typeof window !== 'undefined') window.addEventListener('popstate', emit);

/**
 * Scroll a heading (or any element) into view and keep it there while the page settles: sections
 * far from the viewport are laid out lazily (content-visibility), so the first jump uses estimated
 * heights and the target can move as the sections around it render. Re-aim for a few frames.
 */
export function scrollToId(id: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  el.scrollIntoView();
  let frames = 0;
  const settle = () => {
    const top = el.getBoundingClientRect().top;
    const want = parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) || 0;
    if (Math.abs(top - want) > 2) el.scrollIntoView();
    if (++frames < 20) requestAnimationFrame(settle);
  };
  requestAnimationFrame(settle);
}

/** Navigate within the app (pushState), then scroll to the hash target or the top. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.href);
  const samePage = url.pathname === window.location.pathname && url.search === window.location.search;
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  emit();
  if (!samePage) {
    if (!url.hash) window.scrollTo(0, 0);
  }
  if (url.hash) {
    // Wait for the new page to render before scrolling to its heading.
    requestAnimationFrame(() => scrollToId(decodeURIComponent(url.hash.slice(1))));
  }
}

/** Notify subscribers that the query string changed (widgets write it with replaceState). */
export function notifyLocationChange(): void {
  emit();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The current location, re-rendering on navigation. */
export function useLocation(): { pathname: string; search: string; hash: string } {
  const key = useSyncExternalStore(subscribe, () => window.location.pathname + '\u0000' + window.location.search);
  const [pathname, search] = key.split('\u0000');
  return { pathname, search, hash: window.location.hash };
}

/**
 * Click handler for any container: in-app links navigate without a reload. Modified clicks,
 * other origins, downloads and targets keep the browser's behaviour.
 */
export function interceptLinks(e: MouseEvent | React.MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith(BASE)) return;
  e.preventDefault();
  if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) {
    // In-page anchor: record it in history and scroll until the lazily laid-out page settles.
    history.pushState(history.state, '', url.hash);
    scrollToId(decodeURIComponent(url.hash.slice(1)));
    return;
  }
  navigate(url.pathname + url.search + url.hash);
}
