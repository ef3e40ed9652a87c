import { useEffect, useLayoutEffect, useRef, useState } from 'react';

/**
 * Hosts an Observable Plot (or any element) and redraws it when its inputs or its width change.
 * `render` receives the available width in CSS pixels and returns the element to show.
 * `label` describes the figure for screen readers.
 */
export function PlotView({ render, label, className, minHeight }: { render: (width: number) => Element; label: string; className?: string; minHeight?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = host.current;
    if (!el || width <= 0) return;
    const node = render(width);
    el.replaceChildren(node);
  }, [render, width]);

  return <div ref={host} className={`plot-view ${className ?? ''}`} role="img" aria-label={label} style={minHeight ? { minHeight } : undefined} />;
}
