/**
 * Every registered widget's spec, by name. React-free: the content compiler imports it in Node.
 * Adding a widget: write src/widgets/<name>/spec.ts, add it here, and add its component to
 * src/widgets/registry.ts.
 */
import type { WidgetSpec } from './types';

export const widgetSpecs: Readonly<Record<string, WidgetSpec>> = Object.fromEntries(
  ([] as WidgetSpec[]).map((s) => [s.name, s]),
);
