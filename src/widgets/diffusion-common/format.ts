/**
 * Number formatting shared by the diffusion widgets and their end-to-end tests (React-free, so
 * the tests can import it and compare the page's text with numbers computed in Node).
 */

/** A real minus sign, as typeset text uses. */
const minus = (s: string) => s.replace(/-/g, '−');

/**
 * `sig` significant digits; exponent form below 10⁻³ and from 10⁴ up (ᾱ_T = 2.4·10⁻⁹ and
 * SNR(1) = 24,220 both stay readable); ±∞ spelled out; 0 as "0".
 */
export function fmtSig(v: number, sig = 4): string {
  if (Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v < 0 ? '−∞' : '+∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e4) return minus(v.toExponential(sig - 1).replace('e+', 'e'));
  return minus(v.toPrecision(sig));
}

/** Fixed decimals with a real minus sign. */
export function fmtFixed(v: number, digits = 3): string {
  if (Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v < 0 ? '−∞' : '+∞';
  return minus(v.toFixed(digits));
}

/** Milliseconds as "850 ms" or "2.31 s". */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Schedule names as the chapter writes them. */
export const SCHEDULE_LABELS: Record<string, string> = {
  linear: 'Linear (10⁻⁴ to 0.02)',
  cosine: 'Cosine (s = 0.008)',
  sigmoid: 'Sigmoid (−3 to 3, κ = 1)',
  quadratic: 'Quadratic (√β linear)',
};

/** Short schedule names for legends and table headers. */
export const SCHEDULE_SHORT: Record<string, string> = { linear: 'linear', cosine: 'cosine', sigmoid: 'sigmoid', quadratic: 'quadratic' };

/** Data set names for the select boxes. */
export const DATASET_LABELS: Record<string, string> = {
  swissroll: 'Swiss roll',
  moons: 'Two moons',
  ring: 'Ring of eight Gaussians',
  drawn: 'Drawn by you',
};
