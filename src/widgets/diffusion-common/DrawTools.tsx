import { useCallback, useId, useRef, useState, type ReactNode } from 'react';

export type DrawnPoint = readonly [number, number];

/** Drawn points live in the component (per-run state), never in the store or the URL. */
export function useDrawnPoints() {
  // The strokes' lengths, so Undo removes the last click, drag or button press as a whole.
  const [state, setState] = useState<{ points: DrawnPoint[]; strokes: number[] }>({ points: [], strokes: [] });
  /** Add points as one undoable stroke. */
  const add = useCallback((pts: DrawnPoint[]) => {
    if (pts.length === 0) return;
    setState((s) => ({ points: [...s.points, ...pts], strokes: [...s.strokes, pts.length] }));
  }, []);
  /** Extend the last stroke (a drag), or start one. */
  const extend = useCallback((pt: DrawnPoint, newStroke: boolean) => {
    setState((s) => ({
      points: [...s.points, pt],
      strokes: newStroke || s.strokes.length === 0 ? [...s.strokes, 1] : [...s.strokes.slice(0, -1), s.strokes[s.strokes.length - 1] + 1],
    }));
  }, []);
  const undo = useCallback(() => {
    setState((s) => (s.strokes.length === 0 ? s : { points: s.points.slice(0, s.points.length - s.strokes[s.strokes.length - 1]), strokes: s.strokes.slice(0, -1) }));
  }, []);
  const clear = useCallback(() => setState({ points: [], strokes: [] }), []);
  return { points: state.points, add, extend, undo, clear };
}

export type DrawnPoints = ReturnType<typeof useDrawnPoints>;

/** Points on a circle, for the keyboard's "add a ring" button. */
function ringAround(x: number, y: number, r: number, k: number): DrawnPoint[] {
  return Array.from({ length: k }, (_, i) => [x + r * Math.cos((2 * Math.PI * i) / k), y + r * Math.sin((2 * Math.PI * i) / k)] as const);
}

const LIMIT = 3;

/**
 * The keyboard way to draw: a point's coordinates, then add it, a ring around it, or a line to
 * the last point; undo and clear. The plot itself takes clicks and drags.
 */
export function DrawTools({ drawn, note }: { drawn: DrawnPoints; note?: string }) {
  const id = useId();
  const [x, setX] = useState(0);
  const [y, setY] = useState(0);
  const clamp = (v: number) => Math.max(-LIMIT, Math.min(LIMIT, Number.isFinite(v) ? v : 0));
  const last = drawn.points[drawn.points.length - 1];
  const lineTo = () => {
    if (!last) return;
    const k = 12;
    drawn.add(Array.from({ length: k }, (_, i) => [last[0] + ((x - last[0]) * (i + 1)) / k, last[1] + ((y - last[1]) * (i + 1)) / k] as const));
  };
  return (
    <div className="diff-draw" role="group" aria-label="Draw data points">
      <p className="widget-note">{note ?? 'Click or drag on the plot to draw points, or place them here:'}</p>
      <div className="diff-draw-xy">
        <label htmlFor={`${id}-x`}>x₁</label>
        <input id={`${id}-x`} type="number" min={-LIMIT} max={LIMIT} step={0.1} value={x} onChange={(e) => setX(clamp(Number(e.currentTarget.value)))} />
        <label htmlFor={`${id}-y`}>x₂</label>
        <input id={`${id}-y`} type="number" min={-LIMIT} max={LIMIT} step={0.1} value={y} onChange={(e) => setY(clamp(Number(e.currentTarget.value)))} />
      </div>
      <div className="diff-draw-buttons">
        <button type="button" onClick={() => drawn.add([[x, y]])}>Add a point</button>
        <button type="button" onClick={() => drawn.add(ringAround(x, y, 0.5, 16))}>Add a ring around it</button>
        <button type="button" onClick={lineTo} disabled={!last}>Add a line from the last point</button>
        <button type="button" onClick={drawn.undo} disabled={drawn.points.length === 0}>Undo</button>
        <button type="button" onClick={drawn.clear} disabled={drawn.points.length === 0}>Clear</button>
      </div>
      <p className="widget-note" aria-live="polite">{drawn.points.length} point{drawn.points.length === 1 ? '' : 's'} drawn.</p>
    </div>
  );
}

type Scaled = Element & { scale?: (n: string) => { invert?: (v: number) => number } | undefined };

/**
 * Makes the Observable Plot inside it a drawing surface: a click adds a point, a drag adds a stroke.
 * The listeners sit on this wrapper, which outlives the plots redrawn under it as points arrive,
 * so a drag carries on across redraws. Points are kept inside ±3 (the widgets' frame).
 */
export function DrawSurface({ drawn, enabled, children }: { drawn: DrawnPoints; enabled: boolean; children: ReactNode }) {
  const host = useRef<HTMLDivElement>(null);
  const state = useRef<{ down: boolean; last: DrawnPoint | null }>({ down: false, last: null });
  const toData = (e: React.PointerEvent): DrawnPoint | null => {
    const plot = host.current?.querySelector('svg') as Scaled | null;
    const sx = plot?.scale?.('x'), sy = plot?.scale?.('y');
    if (!plot || !sx?.invert || !sy?.invert) return null;
    const rect = plot.getBoundingClientRect();
    const width = Number(plot.getAttribute('width')), height = Number(plot.getAttribute('height'));
    const x = sx.invert(((e.clientX - rect.left) * width) / rect.width), y = sy.invert(((e.clientY - rect.top) * height) / rect.height);
    return Math.abs(x) <= LIMIT && Math.abs(y) <= LIMIT ? [Math.round(x * 100) / 100, Math.round(y * 100) / 100] : null;
  };
  if (!enabled) return <div>{children}</div>;
  return (
    <div
      ref={host}
      className="diff-draw-surface"
      onPointerDown={(e) => {
        const p = toData(e);
        if (!p) return;
        state.current = { down: true, last: p };
        e.currentTarget.setPointerCapture?.(e.pointerId);
        drawn.extend(p, true);
      }}
      onPointerMove={(e) => {
        const s = state.current;
        if (!s.down) return;
        const p = toData(e);
        // One point per 0.08 data units of travel: a stroke, not a pile.
        if (p && (!s.last || Math.hypot(p[0] - s.last[0], p[1] - s.last[1]) > 0.08)) {
          drawn.extend(p, false);
          s.last = p;
        }
      }}
      onPointerUp={() => { state.current = { down: false, last: null }; }}
      onPointerCancel={() => { state.current = { down: false, last: null }; }}
    >
      {children}
    </div>
  );
}
