/**
 * Plot pieces shared by the diffusion widgets: a square scatter of a 2-D cloud, circles of
 * N(0, I), and placeholders. Colours only through CSS variables so both themes and a projector work.
 */
import * as Plot from '@observablehq/plot';

export function plotStyle(present: boolean) {
  return { fontSize: present ? '17px' : '12px', background: 'transparent' };
}

/** Rows {x, y} of a flat cloud, at most `max` of them (the first ones: the sets are drawn i.i.d.). */
export function cloudRows(xy: ArrayLike<number>, max = Infinity): { x: number; y: number }[] {
  const n = Math.min(Math.floor(xy.length / 2), max);
  const out = new Array<{ x: number; y: number }>(n);
  for (let i = 0; i < n; i++) out[i] = { x: xy[2 * i], y: xy[2 * i + 1] };
  return out;
}

/** Points on the circle of radius r around the origin (the k-σ contour of N(0, I)). */
export function circleRows(r: number, segments = 96): { x: number; y: number }[] {
  return Array.from({ length: segments + 1 }, (_, i) => {
    const a = (2 * Math.PI * i) / segments;
    return { x: r * Math.cos(a), y: r * Math.sin(a) };
  });
}

/** A paragraph standing in for a plot that has nothing to show yet. */
export function placeholder(text: string): Element {
  const p = document.createElement('p');
  p.className = 'widget-note';
  p.textContent = text;
  return p;
}

/**
 * Drop the <style> element Observable Plot puts in every plot (its rules are in global.css, in
 * the diffusion widgets' section). Adding or removing a stylesheet makes the browser restyle the
 * whole page, tens of milliseconds on a chapter; these plots are redrawn while training runs.
 */
export function lean<E extends Element>(plot: E): E {
  for (const el of Array.from(plot.children)) if (el.tagName.toLowerCase() === 'style') el.remove();
  return plot;
}

/** Set data-* attributes on a plot so tests and the benchmark can read what it was drawn from. */
export function tagged<E extends Element>(el: E, data: Record<string, string | number>): E {
  for (const [k, v] of Object.entries(data)) el.setAttribute(`data-${k}`, String(v));
  return el;
}

/** A cloud drawn on the canvas layer of `withCanvasDots`. */
export interface DotLayer {
  /** Flat [x0, y0, x1, y1, …]. */
  points: ArrayLike<number>;
  /** Draw at most this many points (the first ones). */
  max?: number;
  /** A colour or a CSS variable, e.g. 'var(--series-2)'. */
  fill: string;
  /** Radius in CSS pixels. */
  r: number;
  opacity: number;
}

type Scaled = Element & { scale?: (name: string) => { apply: (v: number) => number; range?: number[] } | undefined };

/** Resolve 'var(--name)' against the page's root style (where the theme sets its colours). */
function resolveColour(c: string): string {
  const m = /^var\((--[\w-]+)\)$/.exec(c.trim());
  return m ? getComputedStyle(document.documentElement).getPropertyValue(m[1]).trim() || '#888' : c;
}

/**
 * An Observable Plot with point clouds drawn on a canvas over its plot area instead of as SVG
 * circles: a redraw then restyles, lays out and paints one element rather than thousands, which
 * is what keeps a frame short while a widget animates. The canvas follows the light/dark theme.
 * Returns a wrapper holding the plot (still tagged and labelled as before) and the canvas.
 */
export function withCanvasDots<E extends Element>(plot: E, layers: DotLayer[]): HTMLElement {
  const svg = plot as unknown as Scaled;
  const w = Number(plot.getAttribute('width')), h = Number(plot.getAttribute('height'));
  const sx = svg.scale?.('x'), sy = svg.scale?.('y');
  const wrap = document.createElement('div');
  wrap.className = 'diff-canvas-plot';
  wrap.style.width = `${w}px`;
  wrap.style.height = `${h}px`;
  const canvas = document.createElement('canvas');
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  canvas.setAttribute('aria-hidden', 'true');
  wrap.append(plot, canvas);
  if (!sx || !sy) return wrap;
  const draw = () => {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const [x0, x1] = sx.range ?? [0, w], [y0, y1] = sy.range ?? [h, 0];
    ctx.save();
    ctx.beginPath();
    ctx.rect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
    ctx.clip();
    for (const layer of layers) {
      ctx.fillStyle = resolveColour(layer.fill);
      ctx.globalAlpha = layer.opacity;
      const n = Math.min(Math.floor(layer.points.length / 2), layer.max ?? Infinity);
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        const px = sx.apply(layer.points[2 * i]), py = sy.apply(layer.points[2 * i + 1]);
        if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
        ctx.moveTo(px + layer.r, py);
        ctx.arc(px, py, layer.r, 0, 2 * Math.PI);
      }
      ctx.fill();
    }
    ctx.restore();
  };
  draw();
  // Redraw on a theme change while the canvas is on the page; stop watching once it is replaced.
  const mo = new MutationObserver(() => (canvas.isConnected ? draw() : mo.disconnect()));
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return wrap;
}

export interface CloudPlotOptions {
  points: ArrayLike<number>;
  domain: [number, number];
  present: boolean;
  fill?: string;
  /** Draw the 1σ and 2σ circles of N(0, I). */
  normalCircles?: boolean;
  height?: number;
  r?: number;
  opacity?: number;
  /** Axis labels (omitted for small multiples). */
  axes?: boolean;
}

/** The frame of a square scatter of a 2-D cloud (axes, N(0, I) circles); the points go on a canvas. */
function cloudPlot(width: number, o: CloudPlotOptions) {
  const k = o.present ? 2 : 1;
  const size = Math.min(width, o.height ?? width);
  return lean(Plot.plot({
    width: size,
    height: size,
    marginLeft: o.axes ? 34 : 8,
    marginBottom: o.axes ? 30 : 8,
    marginTop: 8,
    marginRight: 8,
    style: plotStyle(o.present),
    x: { domain: o.domain, label: o.axes ? 'x₁' : null, ticks: o.axes ? 5 : [] },
    y: { domain: o.domain, label: o.axes ? 'x₂' : null, ticks: o.axes ? 5 : [] },
    marks: [
      Plot.frame({ stroke: 'var(--text-soft)', strokeOpacity: 0.4 }),
      o.normalCircles ? Plot.line(circleRows(1), { x: 'x', y: 'y', stroke: 'var(--text-soft)', strokeDasharray: '3 3', strokeWidth: k }) : null,
      o.normalCircles ? Plot.line(circleRows(2), { x: 'x', y: 'y', stroke: 'var(--text-soft)', strokeDasharray: '3 3', strokeWidth: k }) : null,
    ],
  }));
}

/** `cloudPlot` with its points on a canvas layer (see `withCanvasDots`); returns [wrapper, plot]. */
export function cloudPlotCanvas(width: number, o: CloudPlotOptions): [HTMLElement, Element] {
  const plot = cloudPlot(width, o);
  return [withCanvasDots(plot, [{ points: o.points, fill: o.fill ?? 'var(--series-1)', r: (o.r ?? 1.6) * (o.present ? 1.5 : 1), opacity: o.opacity ?? 0.7 }]), plot];
}
