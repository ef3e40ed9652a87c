import { useEffect, useRef } from 'react';

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

/**
 * One grey image on a canvas, one canvas pixel per image pixel, scaled up by CSS with crisp edges.
 * Intensity 0 is the page's raised background and 1 its text colour, so the image follows the
 * light and dark themes (it is redrawn when the theme attribute changes).
 */
export function DigitCanvas({ pixels, side, label, testId, meta }: { pixels: Float32Array | null; side: number; label: string; testId?: string; meta?: Record<string, string | number> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    if (!el || !pixels) return;
    const draw = () => {
      const ctx = el.getContext('2d');
      if (!ctx) return;
      const style = getComputedStyle(el);
      const ink = parseColor(style.getPropertyValue('--text')) ?? [20, 20, 20];
      const paper = parseColor(style.getPropertyValue('--bg-raised')) ?? [255, 255, 255];
      const img = ctx.createImageData(side, side);
      for (let i = 0; i < side * side; i++) {
        const v = Math.min(1, Math.max(0, pixels[i]));
        for (let c = 0; c < 3; c++) img.data[4 * i + c] = Math.round(paper[c] + (ink[c] - paper[c]) * v);
        img.data[4 * i + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
    };
    draw();
    const mo = new MutationObserver(draw);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => mo.disconnect();
  }, [pixels, side]);
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta ?? {})) data[`data-${k}`] = String(v);
  return <canvas ref={canvas} className="diff-digit" width={side} height={side} role="img" aria-label={label} data-testid={testId} {...data} />;
}
