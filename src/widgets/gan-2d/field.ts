/**
 * The 2-D GAN's main view, drawn on a <canvas> (an SVG of a few thousand marks costs more than a
 * frame to rebuild, and this view is redrawn about ten times a second while training): the
 * discriminator as a heat map, the real points, the generator's manifold, the generated samples
 * and their gradient arrows, the mixture's modes, and the reader's drawing. Colours come from the
 * page's CSS variables, so both themes and present mode work.
 */
import type { GanSnapshot } from '../../core/gan/trainer';
import type { GridSpec } from '../../core/gan/gridDivergence';
import type { Mixture2D } from '../../core/data2d';

/** The plotted box, the same as the grid divergences' (the data sets lie within about ±2). */
export const BOX = { xMin: -2.5, xMax: 2.5, yMin: -2.5, yMax: 2.5 } as const;
/** Arrow length per unit of ‖∂ℓ/∂x‖, in data units, and the longest arrow drawn. One scale for every run, so compare mode's arrows are comparable. */
const ARROW_SCALE = 0.12;
const ARROW_MAX = 0.5;
/** Draw an arrow on every this many generated samples. */
const ARROW_EVERY = 3;

export interface FieldColors {
  real: string;
  fake: string;
  arrow: string;
  manifold: string;
  text: string;
  soft: string;
  bg: string;
  drawn: string;
  realRgb: [number, number, number];
  fakeRgb: [number, number, number];
}

function rgbOf(color: string): [number, number, number] {
  const c = color.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
  if (hex) {
    const h = hex[1].length === 3 ? hex[1].replace(/./g, (d) => d + d) : hex[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  const m = /rgba?\(([^)]+)\)/.exec(c);
  if (m) {
    const [r, g, b] = m[1].split(/[ ,]+/).map(Number);
    return [r, g, b];
  }
  return [128, 128, 128];
}

/** The page's colours for this element (read at each draw: the theme can change at any time). */
export function fieldColors(el: Element): FieldColors {
  const cs = getComputedStyle(el);
  const v = (name: string) => cs.getPropertyValue(name).trim() || '#808080';
  return {
    real: v('--series-1'), fake: v('--series-2'), arrow: v('--series-4'), manifold: v('--text-soft'), text: v('--text'),
    soft: v('--text-soft'), bg: v('--bg-raised'), drawn: v('--series-5'),
    realRgb: rgbOf(v('--series-1')), fakeRgb: rgbOf(v('--series-2')),
  };
}

export interface FieldScene {
  real: ArrayLike<number> | null;
  snapshot: GanSnapshot | null;
  heatGrid: GridSpec;
  showHeat: boolean;
  showManifold: boolean;
  showArrows: boolean;
  mixture: Mixture2D | null;
  isCovered: Uint8Array | null;
  /** The reader's points (draw mode), drawn larger. */
  drawn: ReadonlyArray<readonly [number, number]> | null;
  /** The keyboard cursor (draw mode, when the canvas has focus). */
  cursor: readonly [number, number] | null;
  /** Thicker marks for present mode. */
  scale: number;
}

/** Map data coordinates to canvas pixels (y up). */
export function toPixel(x: number, y: number, size: number): [number, number] {
  return [((x - BOX.xMin) / (BOX.xMax - BOX.xMin)) * size, ((BOX.yMax - y) / (BOX.yMax - BOX.yMin)) * size];
}

/** Map canvas pixels back to data coordinates. */
export function toData(px: number, py: number, size: number): [number, number] {
  return [BOX.xMin + (px / size) * (BOX.xMax - BOX.xMin), BOX.yMax - (py / size) * (BOX.yMax - BOX.yMin)];
}

const heatCanvas = typeof document !== 'undefined' ? document.createElement('canvas') : null;

/** D(x) over the plane: the real colour where D > ½ (D says real), the fake colour where D < ½. */
function drawHeat(ctx: CanvasRenderingContext2D, grid: Float32Array, spec: GridSpec, size: number, c: FieldColors) {
  if (!heatCanvas) return;
  const r = spec.bins;
  heatCanvas.width = r;
  heatCanvas.height = r;
  const hctx = heatCanvas.getContext('2d');
  if (!hctx) return;
  const img = hctx.createImageData(r, r);
  for (let j = 0; j < r; j++) {
    for (let i = 0; i < r; i++) {
      const d = grid[j * r + i];
      const rgb = d >= 0.5 ? c.realRgb : c.fakeRgb;
      // canvas rows run downwards, grid rows (j) upwards
      const o = 4 * ((r - 1 - j) * r + i);
      img.data[o] = rgb[0];
      img.data[o + 1] = rgb[1];
      img.data[o + 2] = rgb[2];
      img.data[o + 3] = Number.isFinite(d) ? Math.round(255 * 0.5 * Math.abs(2 * d - 1)) : 0;
    }
  }
  hctx.putImageData(img, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  const [x0, y0] = toPixel(spec.xMin, spec.yMax, size);
  const [x1, y1] = toPixel(spec.xMax, spec.yMin, size);
  ctx.drawImage(heatCanvas, x0, y0, x1 - x0, y1 - y0);
  ctx.restore();
}

function dots(ctx: CanvasRenderingContext2D, xy: ArrayLike<number>, size: number, radius: number, color: string, alpha: number) {
  ctx.fillStyle = color;
  ctx.globalAlpha = alpha;
  ctx.beginPath();
  for (let i = 0; i + 1 < xy.length; i += 2) {
    const x = xy[i], y = xy[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const [px, py] = toPixel(x, y, size);
    ctx.moveTo(px + radius, py);
    ctx.arc(px, py, radius, 0, 2 * Math.PI);
  }
  ctx.fill();
  ctx.globalAlpha = 1;
}

/** The real points change only with the data set: drawn once per data set, size and colour, then copied. */
const realLayers = new WeakMap<object, { canvas: HTMLCanvasElement; key: string }>();

function realLayer(real: ArrayLike<number>, size: number, c: FieldColors, scale: number): HTMLCanvasElement | null {
  const dpr = window.devicePixelRatio || 1;
  const key = `${size}|${dpr}|${c.real}|${scale}`;
  let entry = realLayers.get(real as object);
  if (!entry || entry.key !== key) {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = Math.round(size * dpr);
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    dots(ctx, real, size, 1.3 * scale, c.real, 0.45);
    entry = { canvas, key };
    realLayers.set(real as object, entry);
  }
  return entry.canvas;
}

/** Draw the whole scene. `size` is the canvas's CSS size in pixels; the context is already scaled for the device pixel ratio. */
export function drawField(ctx: CanvasRenderingContext2D, size: number, scene: FieldScene, c: FieldColors): void {
  const s = scene.scale;
  ctx.clearRect(0, 0, size, size);

  if (scene.showHeat && scene.snapshot?.grid) drawHeat(ctx, scene.snapshot.grid, scene.heatGrid, size, c);

  // light grid at the integers, labelled along two edges
  ctx.strokeStyle = c.soft;
  ctx.globalAlpha = 0.25;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let v = -2; v <= 2; v++) {
    const [px] = toPixel(v, 0, size);
    const [, py] = toPixel(0, v, size);
    ctx.moveTo(px, 0);
    ctx.lineTo(px, size);
    ctx.moveTo(0, py);
    ctx.lineTo(size, py);
  }
  ctx.stroke();
  ctx.globalAlpha = 0.8;
  ctx.fillStyle = c.soft;
  ctx.font = `${Math.round(10 * Math.max(1, s * 0.8))}px system-ui, sans-serif`;
  for (let v = -2; v <= 2; v++) {
    const [px] = toPixel(v, 0, size);
    const [, py] = toPixel(0, v, size);
    ctx.fillText(String(v).replace('-', '−'), px + 2, size - 3);
    if (v !== -2) ctx.fillText(String(v).replace('-', '−'), 3, py - 2);
  }
  ctx.globalAlpha = 1;

  if (scene.real) {
    const layer = realLayer(scene.real, size, c, s);
    if (layer) ctx.drawImage(layer, 0, 0, size, size);
  }

  if (scene.mixture) {
    ctx.lineWidth = 1.5 * s;
    scene.mixture.means.forEach(([mx, my], m) => {
      const [px, py] = toPixel(mx, my, size);
      const r = (3 * scene.mixture!.std * size) / (BOX.xMax - BOX.xMin);
      ctx.beginPath();
      ctx.arc(px, py, r, 0, 2 * Math.PI);
      ctx.strokeStyle = scene.isCovered?.[m] ? c.real : c.soft;
      ctx.setLineDash(scene.isCovered?.[m] ? [] : [3, 3]);
      ctx.stroke();
    });
    ctx.setLineDash([]);
  }

  const snap = scene.snapshot;
  if (snap && scene.showManifold && snap.manifold) {
    const { xy, rows, cols } = snap.manifold;
    ctx.strokeStyle = c.manifold;
    ctx.globalAlpha = 0.55;
    ctx.lineWidth = 0.8 * s;
    ctx.beginPath();
    const line = (idx: (t: number) => number, n: number) => {
      let pen = false;
      for (let t = 0; t < n; t++) {
        const k = idx(t);
        const x = xy[2 * k], y = xy[2 * k + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) {
          pen = false;
          continue;
        }
        const [px, py] = toPixel(x, y, size);
        if (pen) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        pen = true;
      }
    };
    for (let j = 0; j < rows; j++) line((i) => j * cols + i, cols);
    if (rows > 1) for (let i = 0; i < cols; i++) line((j) => j * cols + i, rows);
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  if (snap) dots(ctx, snap.samples, size, 2 * s, c.fake, 0.85);

  if (snap && scene.showArrows) {
    ctx.strokeStyle = c.arrow;
    ctx.lineWidth = 1.2 * s;
    ctx.beginPath();
    const unit = size / (BOX.xMax - BOX.xMin);
    for (let i = 0; 2 * i + 1 < snap.samples.length; i += ARROW_EVERY) {
      const x = snap.samples[2 * i], y = snap.samples[2 * i + 1];
      const gx = -snap.grad[2 * i], gy = -snap.grad[2 * i + 1];
      const norm = Math.hypot(gx, gy);
      if (!Number.isFinite(norm) || norm === 0 || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      const len = Math.min(ARROW_MAX, ARROW_SCALE * norm);
      const [px, py] = toPixel(x, y, size);
      const ex = px + (gx / norm) * len * unit, ey = py - (gy / norm) * len * unit;
      ctx.moveTo(px, py);
      ctx.lineTo(ex, ey);
      // a small head, only on arrows long enough to carry one
      if (len * unit > 6) {
        const ang = Math.atan2(ey - py, ex - px), h = 4 * s;
        ctx.moveTo(ex, ey);
        ctx.lineTo(ex - h * Math.cos(ang - 0.5), ey - h * Math.sin(ang - 0.5));
        ctx.moveTo(ex, ey);
        ctx.lineTo(ex - h * Math.cos(ang + 0.5), ey - h * Math.sin(ang + 0.5));
      }
    }
    ctx.stroke();
  }

  if (scene.drawn && scene.drawn.length) {
    ctx.fillStyle = c.drawn;
    ctx.strokeStyle = c.bg;
    ctx.lineWidth = 1;
    for (const [x, y] of scene.drawn) {
      const [px, py] = toPixel(x, y, size);
      ctx.beginPath();
      ctx.arc(px, py, 3.5 * s, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }

  if (scene.cursor) {
    const [px, py] = toPixel(scene.cursor[0], scene.cursor[1], size);
    ctx.strokeStyle = c.text;
    ctx.lineWidth = 1.5 * s;
    ctx.beginPath();
    ctx.moveTo(px - 9 * s, py);
    ctx.lineTo(px + 9 * s, py);
    ctx.moveTo(px, py - 9 * s);
    ctx.lineTo(px, py + 9 * s);
    ctx.stroke();
  }

  ctx.strokeStyle = c.soft;
  ctx.globalAlpha = 0.6;
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
  ctx.globalAlpha = 1;
}
