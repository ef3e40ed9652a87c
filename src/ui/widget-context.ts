/**
 * What a widget component receives from its slot: its own store, its spec, its id, and whether it
 * is being presented full screen. Controls read their parameter through these hooks.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { WidgetStore, WidgetState } from '../widgets/store';
import type { ParamValue, WidgetSpec } from '../widgets/types';

export interface WidgetContextValue {
  id: string;
  spec: WidgetSpec;
  store: WidgetStore;
  present: boolean;
}

export const WidgetContext = createContext<WidgetContextValue | null>(null);

export function useWidget(): WidgetContextValue {
  const v = useContext(WidgetContext);
  if (!v) throw new Error('useWidget must be used inside a widget slot.');
  return v;
}

/** Select from this widget's store. */
export function useWidgetState<T>(select: (s: WidgetState) => T): T {
  return useStore(useWidget().store, select);
}

/** One parameter's current value. */
export function useParam<T extends ParamValue>(name: string): T {
  return useWidgetState((s) => s.params[name]) as T;
}
