/**
 * What the noise-schedule widget reads out, React-free so the end-to-end tests can recompute it.
 */
import type { ScheduleReadout } from '../../core/diffusion/schedules';

/** Points in each noised cloud: enough to see the shape, few enough to redraw on every slider move. */
export const CLOUD_POINTS = 600;

/** The quantities read out at t, in table order. */
export const READOUT_ROWS: { key: keyof ScheduleReadout; label: string; title: string }[] = [
  { key: 'beta', label: 'β_t', title: 'Variance of the noise added at step t.' },
  { key: 'alphaBar', label: 'ᾱ_t', title: 'Product of α_s = 1 − β_s for s ≤ t: the variance of the signal part.' },
  { key: 'sqrtAlphaBar', label: '√ᾱ_t', title: 'Signal coefficient of x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε.' },
  { key: 'sqrtOneMinusAlphaBar', label: '√(1 − ᾱ_t)', title: 'Noise coefficient.' },
  { key: 'logSnr', label: 'log SNR(t)', title: 'log(ᾱ_t / (1 − ᾱ_t)), in nats; +∞ at t = 0.' },
  { key: 'posteriorVariance', label: 'β̃_t', title: 'Variance of the posterior q(x_{t−1} | x_t, x₀): (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t.' },
];
