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

export interface ImageGridProps {
  /** Pixel values in [0, 1] (clipped), image after image, `count · side²` values. */
  images: ArrayLike<number>;
  count: number;
  cols: number;
  side: number;
  /** Images to frame (1 = framed), e.g. the samples that came from q₀. */
  marked?: ArrayLike<number>;
  label: string;
  className?: string;
  testId?: string;
}

/**
 * A grid of grey images on one canvas at one canvas pixel per image pixel, scaled up by CSS with
 * crisp edges. 0 is the page's background colour and 1 its text colour; a marked image gets a
 * frame in the reference colour (`--series-3`). Redrawn when the theme changes.
 */
export function ImageGrid({ images, count, cols, side, marked, label, className, testId }: ImageGridProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // A frame (and the gap between images) of about an eighth of an image, at least one pixel.
  const gap = Math.max(1, Math.round(side / 8));
  const rows = Math.ceil(count / cols);
  const width = cols * (side + 2 * gap);
  const height = rows * (side + 2 * gap);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const draw = () => {
      const ctx = el.getContext('2d');
      if (!ctx) return;
      const style = getComputedStyle(el);
      const ink = parseColor(style.getPropertyValue('--text')) ?? [20, 20, 20];
      const paper = parseColor(style.getPropertyValue('--bg-raised')) ?? [255, 255, 255];
      const frame = parseColor(style.getPropertyValue('--series-3')) ?? [21, 128, 61];
      const img = ctx.createImageData(width, height);
      const px = img.data;
      const put = (x: number, y: number, c: readonly number[]) => {
        const k = 4 * (y * width + x);
        px[k] = c[0];
        px[k + 1] = c[1];
        px[k + 2] = c[2];
        px[k + 3] = 255;
      };
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) put(x, y, paper);
      const size = side * side;
      for (let n = 0; n < count; n++) {
        const ox = (n % cols) * (side + 2 * gap), oy = Math.floor(n / cols) * (side + 2 * gap);
        if (marked?.[n]) {
          for (let y = 0; y < side + 2 * gap; y++) for (let x = 0; x < side + 2 * gap; x++) put(ox + x, oy + y, frame);
        }
        for (let y = 0; y < side; y++) {
          for (let x = 0; x < side; x++) {
            const v = Math.min(1, Math.max(0, images[n * size + y * side + x]));
            put(ox + gap + x, oy + gap + y, [paper[0] + v * (ink[0] - paper[0]), paper[1] + v * (ink[1] - paper[1]), paper[2] + v * (ink[2] - paper[2])]);
          }
        }
      }
      ctx.putImageData(img, 0, 0);
    };
    draw();
    const mo = new MutationObserver(draw);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    return () => mo.disconnect();
  }, [images, count, cols, side, marked, gap, width, height]);

  return <canvas ref={canvas} width={width} height={height} role="img" aria-label={label} className={`image-grid ${className ?? ''}`} data-testid={testId} />;
}
