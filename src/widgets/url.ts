/**
 * Widget state in the query string: `?<id>.<param>=value`. Reading is lenient (clamp, default,
 * never throw) because URLs are typed, truncated and tampered with; writing records only shareable
 * parameters that differ from the page's baseline, so links stay short.
 */
import { coerceParam, type Params, type ParamValue, type WidgetSpec } from './types';

/** Longest value we look at: anything longer is not a number or option name we could accept. */
const MAX_VALUE_LENGTH = 64;

/**
 * The parameters a URL sets for widget `id`, coerced into range. Unknown keys are ignored.
 * @returns only the parameters present (and readable) in the URL
 */
export function readUrlParams(search: string, id: string, spec: WidgetSpec): Params {
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(search);
  } catch {
    return {};
  }
  const out: Params = {};
  const prefix = `${id}.`;
  for (const [key, raw] of q) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (!Object.prototype.hasOwnProperty.call(spec.params, name)) continue;
    const p = spec.params[name];
    if (p.share === false) continue;
    if (raw.length > MAX_VALUE_LENGTH) {
      out[name] = p.default;
      continue;
    }
    out[name] = coerceParam(p, raw).value;
  }
  return out;
}

/**
 * Format a value for the URL: whole numbers for ints, six significant digits for other numbers
 * (enough that every slider position survives a reload, short enough to keep links readable).
 */
export function formatParam(spec: WidgetSpec, name: string, v: ParamValue): string {
  const p = spec.params[name];
  if ((p.kind === 'number' || p.kind === 'int') && typeof v === 'number') {
    return p.kind === 'int' ? String(Math.round(v)) : String(Number(v.toPrecision(6)));
  }
  return String(v);
}

/**
 * A new query string with widget `id`'s shareable params that differ from `baseline`, keeping
 * every other key (other widgets, `present`, `backend`) untouched.
 */
export function writeUrlParams(search: string, id: string, spec: WidgetSpec, params: Params, baseline: Params): string {
  const q = new URLSearchParams(search);
  const prefix = `${id}.`;
  for (const key of [...q.keys()]) if (key.startsWith(prefix)) q.delete(key);
  for (const [name, p] of Object.entries(spec.params)) {
    if (p.share === false) continue;
    const v = params[name];
    if (v === undefined) continue;
    const s = formatParam(spec, name, v);
    if (s !== formatParam(spec, name, baseline[name] ?? p.default)) q.set(`${prefix}${name}`, s);
  }
  const out = q.toString();
  return out ? `?${out}` : '';
}
