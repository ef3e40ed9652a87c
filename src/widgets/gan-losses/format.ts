/**
 * Number formatting shared by the GAN chapter's widgets and their end-to-end tests (which format
 * the expected values with the same function, so a test compares the very strings on screen).
 * Typographic minus, fixed decimals, exponent form outside [10⁻³, 10⁴).
 */
export function fmt(v: number, digits = 3): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v < 0 ? '−∞' : '∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toFixed(digits);
  return s.replace(/-/g, '−');
}
