/**
 * The small global store of app-wide facts: which tfjs backend is active (for the badge) and why.
 * Per-widget state lives in per-instance stores (src/widgets/store.ts), never here.
 */
import { create } from 'zustand';

export type BackendName = 'webgl' | 'wasm' | 'cpu';

export interface AppState {
  backend: BackendName | null;
  /** Human note about the choice, e.g. "WebGL is software-rendered here; WASM is faster." */
  backendNote: string | null;
  /** WebGL with 16-bit floats only (some phones). */
  halfPrecision: boolean;
  /** True when the page had to fall back from the backend it wanted: the note is then shown visibly. */
  fellBack: boolean;
  /** Increments whenever the backend changes at run time: widgets rebuild their tensors. */
  backendEpoch: number;
  setBackend: (b: BackendName, note: string | null, halfPrecision: boolean, fellBack?: boolean) => void;
}

export const useAppStore = create<AppState>((set) => ({
  backend: null,
  backendNote: null,
  halfPrecision: false,
  fellBack: false,
  backendEpoch: 0,
  setBackend: (backend, backendNote, halfPrecision, fellBack = false) =>
    set((s) => ({ backend, backendNote, halfPrecision, fellBack, backendEpoch: s.backend && s.backend !== backend ? s.backendEpoch + 1 : s.backendEpoch })),
}));
