import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { widgetSpecs } from '../widgets/specs';
import { widgetComponents, type WidgetComponent } from '../widgets/registry';
import { createWidgetStore, initialParams, type WidgetStore } from '../widgets/store';
import { readUrlParams, writeUrlParams } from '../widgets/url';
import type { Params, WidgetSpec } from '../widgets/types';
import { notifyLocationChange, useLocation } from '../app/router';
import { ErrorBoundary } from './ErrorBoundary';
import { WidgetContext } from './widget-context';
import { BackendBadge } from './BackendBadge';

const URL_DEBOUNCE_MS = 250;
/** Start loading a widget when it is this close to the viewport. */
const NEAR_VIEWPORT = '600px 0px';

/** Mirror shareable params to the query string, debounced, with history.replaceState. */
function useUrlSync(id: string, spec: WidgetSpec, store: WidgetStore, baseline: Params) {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsub = store.subscribe((s, prev) => {
      if (s.params === prev.params) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const search = writeUrlParams(window.location.search, id, spec, store.getState().params, baseline);
        if (search !== window.location.search) {
          history.replaceState(history.state, '', window.location.pathname + search + window.location.hash);
          notifyLocationChange();
        }
      }, URL_DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsub();
    };
  }, [id, spec, store, baseline]);
}

function useNearViewport(ref: React.RefObject<Element | null>, force: boolean): boolean {
  const [near, setNear] = useState(force);
  useEffect(() => {
    if (near || !ref.current) return;
    if (!('IntersectionObserver' in window)) {
      setNear(true);
      return;
    }
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setNear(true);
    }, { rootMargin: NEAR_VIEWPORT });
    // Watch the whole figure (its reserved height), not just the frame at its top: a reader who
    // lands in the middle of a tall widget must still get it.
    io.observe(ref.current.closest('figure') ?? ref.current);
    return () => io.disconnect();
  }, [ref, near]);
  return near || force;
}

function isInteractive(el: EventTarget | null): boolean {
  return el instanceof HTMLElement && !!el.closest('button, input, select, textarea, a, [contenteditable], [role="slider"]');
}

export interface WidgetSlotProps {
  id: string;
  name: string;
  /** Parameters from the chapter's directive (the page's baseline). */
  params: Record<string, unknown>;
}

/**
 * A widget's frame: its own store (defaults < directive < URL), URL mirroring, lazy loading near
 * the viewport with its height reserved by the surrounding figure, an error boundary, the backend
 * badge, Reset, and present mode (`?present=<id>`: full screen, Escape leaves, Space plays).
 */
export function WidgetSlot({ id, name, params }: WidgetSlotProps) {
  const spec = widgetSpecs[name];
  if (!spec) return <p className="widget-error" role="alert">This page names a widget “{name}” that does not exist.</p>;
  return <KnownWidgetSlot id={id} spec={spec} params={params} />;
}

function KnownWidgetSlot({ id, spec, params }: { id: string; spec: WidgetSpec; params: Record<string, unknown> }) {
  const baseline = useMemo(() => initialParams(spec, params as Params, {}), [spec, params]);
  const [store] = useState(() => createWidgetStore(spec, baseline, initialParams(spec, params as Params, readUrlParams(window.location.search, id, spec))));
  useUrlSync(id, spec, store, baseline);

  const { search } = useLocation();
  const present = new URLSearchParams(search).get('present') === id;
  const frame = useRef<HTMLDivElement>(null);
  const presentButton = useRef<HTMLButtonElement>(null);
  const near = useNearViewport(frame, present);
  const [attempt, setAttempt] = useState(0);
  const Component = useMemo(() => {
    const load = widgetComponents[spec.name];
    return load ? lazy<WidgetComponent>(load) : null;
    // A retry builds a fresh lazy component so a failed chunk load is fetched again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [spec.name, attempt]);

  const setPresent = useCallback((on: boolean) => {
    const q = new URLSearchParams(window.location.search);
    if (on) q.set('present', id);
    else q.delete('present');
    const s = q.toString();
    const url = window.location.pathname + (s ? `?${s}` : '') + window.location.hash;
    if (on) history.pushState({ present: id }, '', url);
    else history.replaceState(null, '', url);
    notifyLocationChange();
  }, [id]);

  // Present mode: the figure itself becomes a full-screen dialog, so state and training carry on.
  useEffect(() => {
    const figure = frame.current?.closest('figure') ?? frame.current;
    if (!present || !figure) return;
    figure.classList.add('presenting');
    // content-visibility implies layout containment, which would trap a fixed-position figure
    // inside its section: the presenting widget's section gives it up while presenting.
    const section = figure.closest('.chapter-section');
    section?.classList.add('holds-presenting');
    figure.setAttribute('role', 'dialog');
    figure.setAttribute('aria-modal', 'true');
    figure.setAttribute('aria-label', `${spec.title} (presenting)`);
    if (!figure.hasAttribute('tabindex')) figure.setAttribute('tabindex', '-1');
    document.documentElement.classList.add('has-presenting');
    (figure as HTMLElement).focus({ preventScroll: true });
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        setPresent(false);
      } else if ((e.key === ' ' || e.code === 'Space') && spec.runs && !isInteractive(e.target)) {
        e.preventDefault();
        const s = store.getState();
        s.setPlaying(!s.playing);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      figure.classList.remove('presenting');
      section?.classList.remove('holds-presenting');
      figure.removeAttribute('role');
      figure.removeAttribute('aria-modal');
      figure.removeAttribute('aria-label');
      document.documentElement.classList.remove('has-presenting');
      presentButton.current?.focus({ preventScroll: true });
    };
  }, [present, spec, store, setPresent]);

  const ctx = useMemo(() => ({ id, spec, store, present }), [id, spec, store, present]);
  const message = useStore(store, (s) => s.message);

  return (
    <WidgetContext.Provider value={ctx}>
      <div className="widget-frame" ref={frame}>
        <div className="widget-toolbar">
          <span className="widget-title">{spec.title}</span>
          <BackendBadge />
          <button type="button" className="tool-button" onClick={() => store.getState().reset()} title="Back to this figure's starting values">
            Reset view
          </button>
          <button
            type="button"
            ref={presentButton}
            className="tool-button"
            aria-pressed={present}
            onClick={() => setPresent(!present)}
            title={present ? 'Leave present mode (Escape)' : 'Show this widget alone, full screen, for a projector'}
          >
            {present ? 'Exit present mode' : 'Present'}
          </button>
        </div>
        {message && <p className="widget-message" role="status">{message}</p>}
        <ErrorBoundary what={spec.title} onRetry={() => setAttempt((a) => a + 1)}>
          {near && Component ? (
            <Suspense fallback={<div className="widget-loading" role="status">Loading {spec.title}…</div>}>
              <Component key={attempt} />
            </Suspense>
          ) : (
            <div className="widget-loading" aria-hidden="true" />
          )}
        </ErrorBoundary>
      </div>
    </WidgetContext.Provider>
  );
}
