/**
 * React glue for TrainingLoop: builds a trainer when the widget mounts (and again on Reset or when
 * its structural inputs change), drives it from the widget store's `playing` flag, holds it while
 * the widget is off-screen or the tab is hidden, reports divergence in the widget's message line,
 * and disposes the trainer only after its loop has settled.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { browserClock, TrainingLoop, type LoopStatus } from '../core/tf/loop';
import type { Trainer } from '../core/tf/trainer';
import { useWidget, useWidgetState } from './widget-context';
import { useAppStore } from './appStore';

export interface UseTrainingLoopOptions<M extends Record<string, number>> {
  /** Build a fresh trainer (may be async: data loading, tfjs init). */
  create: () => Promise<Trainer<M>> | Trainer<M>;
  /** Inputs that require a new trainer (architecture, data set, seed). Changing one resets. */
  deps: readonly unknown[];
  onMetrics?: (m: M, step: number) => void;
  /** After each frame of steps, e.g. to redraw views every N steps. */
  onFrame?: (stepsThisFrame: number, trainer: Trainer<M>) => void;
  /** Called with each new trainer (after a reset too). */
  onTrainer?: (trainer: Trainer<M>) => void;
  readEvery?: number;
  budgetMs?: number;
}

export interface TrainingLoopHandle<M extends Record<string, number>> {
  trainer: Trainer<M> | null;
  status: LoopStatus;
  /** Build a new trainer from scratch (the Reset button). */
  reset: () => void;
  /** Take n steps now (the Step button). */
  step: (n?: number) => Promise<void>;
  /** Error while building the trainer, in plain words. */
  error: string | null;
}

export function useTrainingLoop<M extends Record<string, number>>(o: UseTrainingLoopOptions<M>): TrainingLoopHandle<M> {
  const { store } = useWidget();
  const playing = useWidgetState((s) => s.playing);
  const [generation, setGeneration] = useState(0);
  const [trainer, setTrainer] = useState<Trainer<M> | null>(null);
  const [status, setStatus] = useState<LoopStatus>('idle');
  const [error, setError] = useState<string | null>(null);
  const loopRef = useRef<TrainingLoop<M> | null>(null);
  // A backend switch (e.g. a lost WebGL context) invalidates every tensor: rebuild the trainer.
  const backendEpoch = useAppStore((s) => s.backendEpoch);
  // Callbacks change every render; the loop reads the latest through a ref.
  const cb = useRef(o);
  cb.current = o;

  useEffect(() => {
    let cancelled = false;
    let loop: TrainingLoop<M> | null = null;
    setError(null);
    Promise.resolve()
      .then(() => cb.current.create())
      .then((t) => {
        if (cancelled) {
          t.dispose();
          return;
        }
        loop = new TrainingLoop<M>(t, {
          clock: browserClock(),
          readEvery: cb.current.readEvery ?? 20,
          budgetMs: cb.current.budgetMs ?? 10,
          onMetrics: (m, s) => cb.current.onMetrics?.(m, s),
          onFrame: (n) => cb.current.onFrame?.(n, t),
          onStatus: (s, msg) => {
            setStatus(s);
            if (msg) store.getState().setMessage(msg);
            if (s === 'diverged' || s === 'done' || (s === 'paused' && msg)) store.getState().setPlaying(false);
          },
        });
        loopRef.current = loop;
        setTrainer(t);
        cb.current.onTrainer?.(t);
        if (document.hidden) loop.hold('hidden');
        if (store.getState().playing) loop.play();
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      });
    return () => {
      cancelled = true;
      loopRef.current = null;
      setTrainer(null);
      void loop?.dispose();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [generation, store, backendEpoch, ...o.deps]);

  // Play/Pause from the store (buttons, Space in present mode).
  useEffect(() => {
    const loop = loopRef.current;
    if (!loop) return;
    if (playing) {
      store.getState().setMessage(null);
      loop.play();
    } else loop.pause();
  }, [playing, trainer, store]);

  // Hold while hidden or off-screen.
  const { id } = useWidget();
  useEffect(() => {
    const onVis = () => (document.hidden ? loopRef.current?.hold('hidden') : loopRef.current?.release('hidden'));
    document.addEventListener('visibilitychange', onVis);
    const figure = document.getElementById(id);
    let io: IntersectionObserver | null = null;
    if (figure && 'IntersectionObserver' in window) {
      io = new IntersectionObserver((entries) => {
        for (const e of entries) (e.isIntersecting ? loopRef.current?.release('offscreen') : loopRef.current?.hold('offscreen'));
      });
      io.observe(figure);
    }
    return () => {
      document.removeEventListener('visibilitychange', onVis);
      io?.disconnect();
    };
  }, [id, trainer]);

  const reset = useCallback(() => {
    store.getState().setPlaying(false);
    store.getState().setMessage(null);
    setGeneration((g) => g + 1);
  }, [store]);

  const step = useCallback(async (n = 1) => {
    await loopRef.current?.stepNow(n);
  }, []);

  return { trainer, status, reset, step, error };
}
