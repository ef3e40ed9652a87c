import { useCallback, useEffect, useRef } from 'react';
import { drawField, fieldColors, toData, type FieldScene } from './field';

/** Largest drawn side of one field, CSS pixels (present mode may use more). */
const MAX_SIDE = 560;
const MAX_SIDE_PRESENT = 900;

export interface FieldCanvasProps {
  index: number;
  /** The scene to draw, read at draw time (the parent keeps it in a ref). */
  getScene: (index: number) => FieldScene;
  /** The parent calls the registered function to redraw after new views arrive. */
  register: (index: number, draw: (() => void) | null) => void;
  label: string;
  present: boolean;
  testId: string;
  /** Draw mode: pointer and keyboard input in data coordinates. */
  drawing?: {
    onStroke: (phase: 'start' | 'move' | 'end', x: number, y: number) => void;
    onKey: (e: React.KeyboardEvent<HTMLCanvasElement>) => void;
    onFocusChange: (focused: boolean) => void;
  };
}

/** One square canvas that keeps its backing store at the device pixel ratio and redraws on resize and theme changes. */
export function FieldCanvas({ index, getScene, register, label, present, testId, drawing }: FieldCanvasProps) {
  const host = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const side = useRef(0);

  const draw = useCallback(() => {
    const cv = canvas.current;
    const size = side.current;
    if (!cv || size <= 0) return;
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const px = Math.round(size * dpr);
    if (cv.width !== px || cv.height !== px) {
      cv.width = px;
      cv.height = px;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawField(ctx, size, getScene(index), fieldColors(cv));
  }, [getScene, index]);

  useEffect(() => {
    register(index, draw);
    return () => register(index, null);
  }, [register, index, draw]);

  useEffect(() => {
    const el = host.current, cv = canvas.current;
    if (!el || !cv) return;
    const fit = () => {
      const s = Math.max(120, Math.min(el.clientWidth, present ? MAX_SIDE_PRESENT : MAX_SIDE));
      if (s === side.current) return;
      side.current = s;
      cv.style.width = `${s}px`;
      cv.style.height = `${s}px`;
      draw();
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    // The theme toggle changes the CSS variables the colours come from.
    const mo = new MutationObserver(draw);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    return () => {
      ro.disconnect();
      mo.disconnect();
    };
  }, [draw, present]);

  const toDataAt = (e: React.PointerEvent<HTMLCanvasElement>): [number, number] => {
    const rect = e.currentTarget.getBoundingClientRect();
    return toData(((e.clientX - rect.left) * side.current) / rect.width, ((e.clientY - rect.top) * side.current) / rect.height, side.current);
  };

  return (
    <div ref={host} className="gan-canvas-host">
      <canvas
        ref={canvas}
        role="img"
        aria-label={label}
        data-testid={testId}
        tabIndex={drawing ? 0 : undefined}
        className={drawing ? 'gan-canvas drawing' : 'gan-canvas'}
        onPointerDown={drawing ? (e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          drawing.onStroke('start', ...toDataAt(e));
        } : undefined}
        onPointerMove={drawing ? (e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) drawing.onStroke('move', ...toDataAt(e));
        } : undefined}
        onPointerUp={drawing ? (e) => drawing.onStroke('end', ...toDataAt(e)) : undefined}
        onPointerCancel={drawing ? (e) => drawing.onStroke('end', ...toDataAt(e)) : undefined}
        onKeyDown={drawing?.onKey}
        onFocus={drawing ? () => drawing.onFocusChange(true) : undefined}
        onBlur={drawing ? () => drawing.onFocusChange(false) : undefined}
      />
    </div>
  );
}
