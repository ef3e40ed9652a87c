/**
 * One zustand store per widget instance, initialised from spec defaults < directive attributes <
 * URL ("initialize state with props"): two copies of a widget on one page never share state.
 * Stores hold plain values only: params, run status, a message. No tensors, no DOM.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { coerceParam, defaultParams, type Params, type ParamValue, type WidgetSpec } from './types';

export type RunStatus = 'idle' | 'running' | 'paused' | 'diverged' | 'done';

export interface WidgetState {
  params: Params;
  /** Whether the widget's animation or training is playing (Space toggles it in present mode). */
  playing: boolean;
  /** A plain message to show (a warning, why training paused). */
  message: string | null;
  setParam: (name: string, value: ParamValue) => void;
  setParams: (p: Params) => void;
  /** Back to the page's baseline (directive values over defaults). */
  reset: () => void;
  setPlaying: (playing: boolean) => void;
  setMessage: (message: string | null) => void;
}

export type WidgetStore = StoreApi<WidgetState>;

/** Merge sources in order of precedence, coercing every value into range. */
export function initialParams(spec: WidgetSpec, directive: Params, url: Params): Params {
  const out = defaultParams(spec);
  for (const src of [directive, url]) {
    for (const [k, v] of Object.entries(src)) {
      if (Object.prototype.hasOwnProperty.call(spec.params, k)) out[k] = coerceParam(spec.params[k], v).value;
    }
  }
  return out;
}

export function createWidgetStore(spec: WidgetSpec, baseline: Params, initial: Params): WidgetStore {
  return createStore<WidgetState>((set) => ({
    params: initial,
    playing: false,
    message: null,
    setParam: (name, value) =>
      set((s) => {
        const p = spec.params[name];
        if (!p) return s;
        const v = coerceParam(p, value).value;
        return s.params[name] === v ? s : { params: { ...s.params, [name]: v } };
      }),
    setParams: (patch) =>
      set((s) => {
        const next = { ...s.params };
        for (const [k, v] of Object.entries(patch)) if (spec.params[k]) next[k] = coerceParam(spec.params[k], v).value;
        return { params: next };
      }),
    reset: () => set({ params: { ...baseline }, message: null }),
    setPlaying: (playing) => set({ playing }),
    setMessage: (message) => set({ message }),
  }));
}
