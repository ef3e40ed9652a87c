/**
 * Plain float64 references for the GAN chapter: the oracle the tfjs code in `core/gan` is tested
 * against. Nothing here imports tfjs; every function is written from the formulas, in the
 * notation of the notes (logit a, D = σ(a), generator G_θ, discriminator parameters φ).
 *
 * API:
 * - `sigmoid(a)`, `softplus(a)`, `logit(p)`: numerically stable scalar helpers.
 * - `generatorLossRef(a, kind)`, `generatorLossGradRef(a, kind)`: one sample's generator loss
 *   as a function of the discriminator's logit, and its derivative d/da.
 * - `discriminatorLossRef(realLogits, fakeLogits, kind)`: the batch discriminator loss.
 * - `mlpForwardRef(params, x, n)`: the forward pass of `core/models/mlp.ts` in float64.
 * - `adamRef(...)`, `sgdRef(...)`: one optimiser update in float64 (Kingma & Ba, Algorithm 1).
 * - `numericalGradient(f, x, h)`: central finite differences.
 */
import type { Activation } from '../models/mlp';

/** The three generator losses the chapter compares. */
export type GeneratorLossKind = 'saturating' | 'nonSaturating' | 'leastSquares';

/** σ(a) = 1 / (1 + e^{−a}), evaluated without overflow for either sign of a. */
export function sigmoid(a: number): number {
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}

/** softplus(a) = log(1 + e^a), stable for large |a| (≈ a for a ≫ 0, ≈ e^a for a ≪ 0). */
export function softplus(a: number): number {
  return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
}

/** logit(p) = log(p / (1 − p)), the inverse of σ. p must lie in (0, 1). */
export function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}

/**
 * One generated sample's generator loss as a function of the discriminator's logit a = a(G(z)),
 * D = σ(a):
 * - saturating: log(1 − D) = −softplus(a) (the minimax game's own term; G minimises it)
 * - nonSaturating: −log D = softplus(−a)
 * - leastSquares: ½ (a − 1)², where the least-squares GAN reads a as a raw score, not a logit.
 */
export function generatorLossRef(a: number, kind: GeneratorLossKind): number {
  switch (kind) {
    case 'saturating': return -softplus(a);
    case 'nonSaturating': return softplus(-a);
    case 'leastSquares': return 0.5 * (a - 1) * (a - 1);
  }
}

/**
 * d/da of `generatorLossRef`: saturating −σ(a), non-saturating −(1 − σ(a)) = −σ(−a),
 * least squares a − 1.
 */
export function generatorLossGradRef(a: number, kind: GeneratorLossKind): number {
  switch (kind) {
    case 'saturating': return -sigmoid(a);
    case 'nonSaturating': return -sigmoid(-a);
    case 'leastSquares': return a - 1;
  }
}

/**
 * The discriminator's loss on a batch (it minimises this, i.e. maximises V(D, G)):
 * - saturating / nonSaturating (the same D loss): mean_real softplus(−a) + mean_fake softplus(a)
 *   = −mean log D(x) − mean log(1 − D(G(z))) = −V̂(D, G).
 * - leastSquares: ½ mean_real (a − 1)² + ½ mean_fake a².
 */
export function discriminatorLossRef(realLogits: ArrayLike<number>, fakeLogits: ArrayLike<number>, kind: GeneratorLossKind): number {
  let real = 0, fake = 0;
  for (let i = 0; i < realLogits.length; i++) {
    const a = realLogits[i];
    real += kind === 'leastSquares' ? 0.5 * (a - 1) * (a - 1) : softplus(-a);
  }
  for (let i = 0; i < fakeLogits.length; i++) {
    const a = fakeLogits[i];
    fake += kind === 'leastSquares' ? 0.5 * a * a : softplus(a);
  }
  return real / realLogits.length + fake / fakeLogits.length;
}

/** The parameters of an MLP as plain arrays: weights[l] is row-major [sizes[l], sizes[l+1]]. */
export interface MlpParamsRef {
  sizes: readonly number[];
  activation: Activation;
  weights: ArrayLike<number>[];
  biases: ArrayLike<number>[];
}

function activateRef(v: number, a: Activation): number {
  switch (a) {
    case 'relu': return v > 0 ? v : 0;
    // 0.2 is the slope `core/models/mlp.ts` uses
    case 'leakyRelu': return v > 0 ? v : 0.2 * v;
    case 'tanh': return Math.tanh(v);
    case 'elu': return v > 0 ? v : Math.expm1(v);
    case 'swish': return v * sigmoid(v);
    case 'linear': return v;
  }
}

/**
 * Forward pass of `Mlp.apply` in float64: x is row-major [n, sizes[0]]; returns [n, sizes.at(-1)].
 * Hidden layers apply the activation, the last layer is linear.
 */
export function mlpForwardRef(p: MlpParamsRef, x: ArrayLike<number>, n: number): Float64Array {
  let h = Float64Array.from(x);
  const layers = p.sizes.length - 1;
  for (let l = 0; l < layers; l++) {
    const fanIn = p.sizes[l], fanOut = p.sizes[l + 1];
    const w = p.weights[l], b = p.biases[l];
    const out = new Float64Array(n * fanOut);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < fanOut; j++) {
        let s = b[j];
        for (let i = 0; i < fanIn; i++) s += h[r * fanIn + i] * w[i * fanOut + j];
        out[r * fanOut + j] = l + 1 < layers ? activateRef(s, p.activation) : s;
      }
    }
    h = out;
  }
  return h;
}

/** Adam's state for one parameter vector: first and second moment estimates and the step t. */
export interface AdamStateRef {
  m: Float64Array;
  v: Float64Array;
  t: number;
}

/**
 * One Adam update in place (Kingma & Ba 2015, Algorithm 1):
 * m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ),
 * θ ← θ − η m̂ / (√v̂ + ε).
 */
export function adamRef(theta: Float64Array, grad: ArrayLike<number>, state: AdamStateRef, lr: number, beta1: number, beta2: number, epsilon: number): void {
  state.t += 1;
  const c1 = 1 - beta1 ** state.t, c2 = 1 - beta2 ** state.t;
  for (let i = 0; i < theta.length; i++) {
    const g = grad[i];
    state.m[i] = beta1 * state.m[i] + (1 - beta1) * g;
    state.v[i] = beta2 * state.v[i] + (1 - beta2) * g * g;
    theta[i] -= (lr * (state.m[i] / c1)) / (Math.sqrt(state.v[i] / c2) + epsilon);
  }
}

/** One plain gradient-descent update in place: θ ← θ − η g. */
export function sgdRef(theta: Float64Array, grad: ArrayLike<number>, lr: number): void {
  for (let i = 0; i < theta.length; i++) theta[i] -= lr * grad[i];
}

/** ∂f/∂xᵢ by central differences (f(x + h eᵢ) − f(x − h eᵢ)) / 2h; error O(h²) for smooth f. */
export function numericalGradient(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-6): Float64Array {
  const p = Float64Array.from(x);
  const g = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const keep = p[i];
    p[i] = keep + h;
    const up = f(p);
    p[i] = keep - h;
    const down = f(p);
    p[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}
