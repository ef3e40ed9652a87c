import { defineSpec } from '../types.ts';

/** Score-function versus reparameterised (pathwise) estimates of ∇_μ E_{z∼N(μ,σ²)}[f(z)]. */
export const reparamTrickSpec = defineSpec({
  name: 'reparam-trick',
  title: 'The reparameterisation trick, measured',
  description: 'Estimate the gradient of E[f(z)] with respect to μ for z ∼ N(μ, σ²) with the score-function and the reparameterised estimators, a thousand times over: histograms of the estimates, their means against the exact gradient, and their variances.',
  chapter: 'vae',
  height: 1220,
  heightNarrow: 1910,
  params: {
    f: {
      kind: 'enum', label: 'Function f(z)', options: ['quadratic', 'sine', 'step'],
      optionLabels: ['z² (quadratic)', 'sin z', 'step 1[z > 0]'], default: 'quadratic',
    },
    mu: { kind: 'number', label: 'Mean μ', min: -3, max: 3, step: 0.05, default: 1 },
    sigma: { kind: 'number', label: 'Standard deviation σ', min: 0.1, max: 3, step: 0.01, default: 1, log: true },
    samples: { kind: 'int', label: 'Draws per estimate n', min: 1, max: 1000, step: 1, default: 10, log: true },
    seed: { kind: 'int', label: 'Seed', min: 1, max: 9999, step: 1, default: 1 },
  },
  examples: [
    { name: 'quadratic', title: 'f(z) = z², μ = 1, σ = 1', description: 'Both unbiased; per draw the score function has variance 30 against the pathwise 4 (the chapter’s table).', params: { f: 'quadratic', mu: 1, sigma: 1, samples: 1 } },
    { name: 'narrow', title: 'A narrow q', description: 'σ = 0.2: the score-function variance grows like μ⁴/σ², the pathwise one shrinks like σ².', params: { f: 'quadratic', mu: 2, sigma: 0.2, samples: 10 } },
    { name: 'wide-sine', title: 'When the score function wins', description: 'sin z with μ = −1.3, σ = 1.7: here the score-function estimator has the lower variance.', params: { f: 'sine', mu: -1.3, sigma: 1.7, samples: 10 } },
    { name: 'step', title: 'A step: the pathwise estimator fails', description: 'The step’s derivative is 0 wherever it exists, so every pathwise estimate is 0, while the true gradient is φ(μ/σ)/σ.', params: { f: 'step', mu: 0.5, sigma: 1, samples: 10 } },
  ],
});
