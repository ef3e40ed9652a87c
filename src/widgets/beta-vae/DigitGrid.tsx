import { useEffect, useRef } from 'react';

/** "#rrggbb", "#rgb" or "rgb(r, g, b)" → [r, g, b]; null when unreadable. */
function parseColor(c: string): [number, number, number] | null {
  const s = c.trim();
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as [number, number, number];
  m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as [number, number, number];
  m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return null;
}

/** Ink and paper from the theme's CSS variables, so the images follow light, dark and print. */
function themeColors(el: Element): { ink: [number, number, number]; paper: [number, number, number] } {
  const style = getComputedStyle(el);
  return {
    ink: parseColor(style.getPropertyValue('--text')) ?? [20, 20, 20],
    paper: parseColor(style.getPropertyValue('--bg-raised')) ?? [255, 255, 255],
  };
}

export interface DigitGridProps {
  /** Pixel intensities in [0, 1], image after image (count·side²). */
  images: Float32Array | null;
  /** Images per row. */
  cols: number;
  rows: number;
  side: number;
  /** Gap between images, in image pixels. */
  gap?: number;
  label: string;
  className?: string;
  testId?: string;
}

/**
 * A grid of grey images on one canvas (one pixel per image pixel, scaled up by CSS with crisp
 * edges). Intensity 0 is the page's background colour, 1 its text colour; redrawn when the theme
 * changes.
 */
export function DigitGrid({ images, cols, rows, side, gap = 1, label, className, testId }: DigitGridProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = cols * side + (cols - 1) * gap;
  const height = rows * side + (rows - 1) * gap;

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const draw = () => {
      const ctx = el.getContext('2d');
      if (!ctx) return;
      const { ink, paper } = themeColors(el);
      const img = ctx.createImageData(width, height);
      const px = img.data;
      for (let i = 0; i < width * height; i++) {
        px[4 * i] = paper[0];
        px[4 * i + 1] = paper[1];
        px[4 * i + 2] = paper[2];
        px[4 * i + 3] = 255;
      }
      const size = side * side;
      const count = images ? Math.min(rows * cols, Math.floor(images.length / size)) : 0;
      for (let n = 0; n < rows * cols; n++) {
        const ox = (n % cols) * (side + gap), oy = Math.floor(n / cols) * (side + gap);
        for (let y = 0; y < side; y++) {
          for (let x = 0; x < side; x++) {
            const v = n < count ? Math.min(1, Math.max(0, images![n * size + y * side + x])) : 0;
            const k = 4 * ((oy + y) * width + ox + x);
            px[k] = paper[0] + v * (ink[0] - paper[0]);
            px[k + 1] = paper[1] + v * (ink[1] - paper[1]);
            px[k + 2] = paper[2] + v * (ink[2] - paper[2]);
          }
        }
      }
      ctx.putImageData(img, 0, 0);
    };
    draw();
    const mo = new MutationObserver(draw);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    return () => mo.disconnect();
  }, [images, cols, rows, side, gap, width, height]);

  return (
    <canvas
      ref={canvas}
      width={width}
      height={height}
      role="img"
      aria-label={label}
      className={`digit-grid ${className ?? ''}`}
      data-testid={testId}
      data-filled={images ? 'true' : 'false'}
    />
  );
}
