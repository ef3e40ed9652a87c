/**
 * Number formatting for the evaluation widgets, React-free so the end-to-end tests can format
 * their expected values the same way. Minus signs are typographic (−), infinities are symbols,
 * and NaN never reaches the screen (it reads "—").
 */

/** Fixed decimals; tiny magnitudes switch to scientific notation so they never read as 0.000. */
export function fmtFixed(v: number, digits = 3): string {
  if (Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v < 0 ? '−∞' : '∞';
  if (v === 0) return (0).toFixed(digits);
  const a = Math.abs(v);
  const s = a >= 1e5 || a < 10 ** -digits / 2 ? v.toExponential(2) : v.toFixed(digits);
  return s.replace('-', '−');
}

/** Three significant digits for numbers that span decades (FID from 0.001 to 300). */
export function fmtSig(v: number, sig = 3): string {
  if (Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v < 0 ? '−∞' : '∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e5 || a < 1e-4 ? v.toExponential(sig - 1) : String(Number(v.toPrecision(sig)));
  return s.replace('-', '−');
}

/**
 * A permutation p-value: at its floor 1/(B + 1) it is a bound ("≤ 0.0099"), not a value: the
 * observed statistic beat every relabelling.
 */
export function fmtPValue(p: number, floor: number): string {
  if (p <= floor) return `≤ ${fmtSig(floor, 2)}`;
  return p < 0.01 ? fmtSig(p, 2) : p.toFixed(3);
}

/** Perplexities and other "effective counts": three significant digits, trailing zeros kept (3.10). */
export function fmtCount(v: number): string {
  if (Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return '∞';
  if (v >= 1000) return Math.round(v).toLocaleString('en');
  return v.toPrecision(3);
}
