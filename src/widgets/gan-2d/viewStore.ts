/**
 * The live views' latest numbers, outside React state: the parts of the widget that show them
 * subscribe (useSyncExternalStore), so a refresh ten times a second re-renders the readouts and
 * the canvases' labels, not the whole widget with its twenty controls.
 */
import { useSyncExternalStore } from 'react';
import type { GanRunSetMetrics } from '../../core/gan/runs';
import type { GanReadouts } from '../../core/gan/views';
import type { GanSnapshot } from '../../core/gan/trainer';

export interface RunView {
  snapshot: GanSnapshot;
  readouts: GanReadouts;
}

export interface Views {
  /** Iteration (generator updates) and discriminator updates the views were computed at. */
  step: number;
  dSteps: number;
  runs: RunView[];
  /** tf.memory().numTensors right after the refresh. */
  tensors: number;
}

export interface ViewState {
  views: Views | null;
  metrics: GanRunSetMetrics | null;
  /** Bumped when the history curves should be redrawn. */
  historyVersion: number;
}

export interface ViewStore {
  get(): ViewState;
  set(patch: Partial<ViewState>): void;
  subscribe(listener: () => void): () => void;
}

export function createViewStore(): ViewStore {
  let state: ViewState = { views: null, metrics: null, historyVersion: 0 };
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useViewState<T>(store: ViewStore, select: (s: ViewState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}
