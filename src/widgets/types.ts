/**
 * What a widget declares about itself, once. The spec drives directive validation at build time,
 * URL parsing, the controls, the gallery and the end-to-end tests. Specs are React-free so the
 * content compiler can import them in Node.
 */

interface ParamBase {
  /** Label shown beside the control, e.g. "Bandwidth h". */
  label: string;
  /** Mirrored to the URL so a link reproduces the view (default true). */
  share?: boolean;
  /** One sentence of help, shown as the control's description. */
  help?: string;
}

/** A number on a slider. `int` params only take whole values. */
export interface NumberParam extends ParamBase {
  kind: 'number' | 'int';
  min: number;
  max: number;
  step: number;
  default: number;
  /** Slider moves on a log scale (min must be > 0). */
  log?: boolean;
  unit?: string;
}

/** One of a fixed set of named options. */
export interface EnumParam extends ParamBase {
  kind: 'enum';
  options: readonly string[];
  /** Human labels for the options, same order. */
  optionLabels?: readonly string[];
  default: string;
}

export interface BooleanParam extends ParamBase {
  kind: 'boolean';
  default: boolean;
}

export type ParamSpec = NumberParam | EnumParam | BooleanParam;
export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export interface WidgetExample {
  /** Short id, used in URLs and test names. */
  name: string;
  title: string;
  /** What the example shows, one or two sentences. */
  description: string;
  /** Parameter overrides relative to the defaults. */
  params: Params;
}

export interface WidgetSpec {
  /** Registered name, as used in the directive `::name[…]{…}`. */
  name: string;
  title: string;
  /** One sentence for the gallery. */
  description: string;
  /** Slug of the chapter the widget belongs to. */
  chapter: string;
  /** Height in CSS pixels reserved before the widget loads (no layout shift), at desktop widths. */
  height: number;
  /** Height reserved below 760 px of viewport width, where controls stack under the plots. */
  heightNarrow?: number;
  /** Whether the widget runs (trains or animates): present mode maps Space to Play/Pause. */
  runs?: boolean;
  params: Record<string, ParamSpec>;
  examples: readonly WidgetExample[];
}

/** Declare a spec with its parameter names kept as literal types. */
export function defineSpec<P extends Record<string, ParamSpec>>(spec: Omit<WidgetSpec, 'params'> & { params: P }): WidgetSpec & { params: P } {
  return spec;
}

/** Default value of every parameter. */
export function defaultParams(spec: WidgetSpec): Params {
  const out: Params = {};
  for (const [k, p] of Object.entries(spec.params)) out[k] = p.default;
  return out;
}

/** Number of decimals a step implies (0.01 → 2), for display and URL output. */
export function stepDecimals(step: number): number {
  if (!Number.isFinite(step) || step <= 0) return 0;
  const s = String(step);
  const e = s.indexOf('e-');
  if (e >= 0) return Number(s.slice(e + 2));
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * Parse one raw value for a parameter leniently: clamp to range, snap ints, fall back to the
 * default on anything unreadable. Never throws. Returns the value and whether it was usable as given.
 */
export function coerceParam(p: ParamSpec, raw: unknown): { value: ParamValue; ok: boolean } {
  switch (p.kind) {
    case 'number':
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return { value: p.default, ok: false };
      let v = Math.min(p.max, Math.max(p.min, n));
      if (p.kind === 'int') v = Math.round(v);
      return { value: v, ok: v === n };
    }
    case 'enum': {
      const s = String(raw);
      return p.options.includes(s) ? { value: s, ok: true } : { value: p.default, ok: false };
    }
    case 'boolean': {
      if (raw === true || raw === 'true' || raw === '1') return { value: true, ok: true };
      if (raw === false || raw === 'false' || raw === '0') return { value: false, ok: true };
      return { value: p.default, ok: false };
    }
  }
}

/**
 * Strict check used by the content compiler: returns an error sentence for a value a chapter
 * author wrote, or null when it is valid.
 */
export function validateParam(name: string, p: ParamSpec, raw: string): string | null {
  switch (p.kind) {
    case 'number':
    case 'int': {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) return `parameter "${name}" must be a number, got "${raw}"`;
      if (p.kind === 'int' && !Number.isInteger(n)) return `parameter "${name}" must be a whole number, got ${raw}`;
      if (n < p.min || n > p.max) return `parameter "${name}" = ${raw} is out of range [${p.min}, ${p.max}]`;
      return null;
    }
    case 'enum':
      return p.options.includes(raw) ? null : `parameter "${name}" must be one of ${p.options.join(', ')}; got "${raw}"`;
    case 'boolean':
      return raw === 'true' || raw === 'false' ? null : `parameter "${name}" must be true or false, got "${raw}"`;
  }
}

/** Parse a value an author wrote once it has passed validateParam. */
export function parseValidParam(p: ParamSpec, raw: string): ParamValue {
  return coerceParam(p, raw).value;
}
