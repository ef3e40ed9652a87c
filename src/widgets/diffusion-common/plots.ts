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

/** Set data-* attributes on a plot so tests and the benchmark can read what it was drawn from. */
export function tagged<E extends Element>(el: E, data: Record<string, string | number>): E {
  for (const [k, v] of Object.entries(data)) el.setAttribute(`data-${k}`, String(v));
  return el;
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

/** A square scatter of a 2-D cloud. */
export function cloudPlot(width: number, o: CloudPlotOptions): SVGSVGElement | HTMLElement {
  const k = o.present ? 2 : 1;
  const size = Math.min(width, o.height ?? width);
  return Plot.plot({
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
      Plot.dot(cloudRows(o.points), { x: 'x', y: 'y', r: (o.r ?? 1.6) * (o.present ? 1.5 : 1), fill: o.fill ?? 'var(--series-1)', fillOpacity: o.opacity ?? 0.7, stroke: 'none', clip: true }),
    ],
  }) as SVGSVGElement | HTMLElement;
}
