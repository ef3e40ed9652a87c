/**
 * Plain float64 references for the metrics library (`core/metrics`): the oracle the tfjs
 * versions are tested against. Straightforward loops, O(N²) where the metric is, no tfjs.
 *
 * Exports:
 * - `meanCovRef(p)`: sample mean and unbiased covariance.
 * - `symmetricEigenRef(a, d)`: eigenvalues and eigenvectors of a symmetric matrix (cyclic Jacobi).
 * - `sqrtmPsdRef(a, d)`: the PSD square root V diag(√max(λ, 0)) Vᵀ.
 * - `traceSqrtProductRef(s1, s2, d)`: tr (Σ₁^½ Σ₂ Σ₁^½)^½ = tr (Σ₁Σ₂)^½.
 * - `frechetDistanceRef(mu1, s1, mu2, s2, d)`: ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½).
 * - `fidRef(real, generated)`: FID from two point sets.
 * - `cubicKernelRef(x, i, y, j, d)`: (xᵢᵀyⱼ/d + 1)³.
 * - `mmd2UnbiasedRef(real, rIdx, generated, gIdx)`: unbiased MMD² with the cubic kernel on subsets.
 * - `kidRef(real, generated, subsets)`: KID mean and population std over given subsets.
 * - `kthNeighbourSqRef(p, k)`: squared distance of each point to its k-th nearest other point.
 * - `precisionRecallRef(real, generated, k)`: Kynkäänniemi et al. (2019) precision and recall.
 * - `memorisationRatioRef(train, heldOut, generated)`: mean NN distance ratio to the training set.
 * - `inceptionScoreRef(probs, n, numClasses)`: IS with its entropy split.
 * - `mixturePosteriorRef(p, mixture)`: Bayes posterior over the components of a 2-D mixture.
 * - `meanSqPairDistanceRef(p)`: mean of ‖zᵢ − zⱼ‖² over pairs i < j.
 * - `mmdStatisticRef(pooled, labels, columns, kernel)`: MMD²_u per labelling, (multiscale) Gaussian or cubic kernel.
 * - `diagGaussianLogDensityRef(x, mean, logVar)`, `logQ2Ref(logQ0, logQ1, alpha)`,
 *   `kdeLogLikelihoodRef(train, query, h)`: the likelihood widget's densities.
 */
import type { PointSet } from '../metrics/common';
import type { Mixture2D } from '../data2d';

/** Sample mean [d] and unbiased covariance [d × d, row-major] in float64. */
export function meanCovRef(p: PointSet): { mean: Float64Array; cov: Float64Array } {
  const { n, d, data } = p;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const da = data[i * d + a] - mean[a];
      for (let b = 0; b < d; b++) cov[a * d + b] += da * (data[i * d + b] - mean[b]);
    }
  }
  for (let k = 0; k < d * d; k++) cov[k] /= n - 1;
  return { mean, cov };
}

/**
 * Eigen-decomposition of a symmetric d × d matrix by cyclic Jacobi rotations (each rotation
 * zeroes one off-diagonal pair; sweeps repeat until the off-diagonal mass vanishes).
 * @returns eigenvalues [d] and eigenvectors as the columns of a row-major d × d matrix.
 */
export function symmetricEigenRef(a: ArrayLike<number>, d: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, total = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const x = m[i * d + j] * m[i * d + j];
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q];
        if (apq === 0) continue;
        const theta = (m[q * d + q] - m[p * d + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = m[k * d + p], akq = m[k * d + q];
          m[k * d + p] = c * akp - s * akq;
          m[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = m[p * d + k], aqk = m[q * d + k];
          m[p * d + k] = c * apk - s * aqk;
          m[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p], vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = m[i * d + i];
  return { values, vectors: v };
}

/** Square root of a symmetric PSD matrix, V diag(√max(λ, 0)) Vᵀ (negative rounding → 0). */
export function sqrtmPsdRef(a: ArrayLike<number>, d: number): Float64Array {
  const { values, vectors } = symmetricEigenRef(a, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const r = Math.sqrt(Math.max(0, values[k]));
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] += vectors[i * d + k] * r * vectors[j * d + k];
  }
  return out;
}

function matMul(a: ArrayLike<number>, b: ArrayLike<number>, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const aik = a[i * d + k];
    for (let j = 0; j < d; j++) out[i * d + j] += aik * b[k * d + j];
  }
  return out;
}

/** tr (Σ₁Σ₂)^½, computed as the sum of √λ over the eigenvalues of Σ₁^½ Σ₂ Σ₁^½. */
export function traceSqrtProductRef(s1: ArrayLike<number>, s2: ArrayLike<number>, d: number): number {
  const r = sqrtmPsdRef(s1, d);
  const m = matMul(matMul(r, s2, d), r, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) {
    const avg = 0.5 * (m[i * d + j] + m[j * d + i]);
    m[i * d + j] = avg;
    m[j * d + i] = avg;
  }
  const { values } = symmetricEigenRef(m, d);
  let t = 0;
  for (const l of values) t += Math.sqrt(Math.max(0, l));
  return t;
}

/** Fréchet distance between N(μ₁, Σ₁) and N(μ₂, Σ₂) in float64 (no ridge). */
export function frechetDistanceRef(mu1: ArrayLike<number>, s1: ArrayLike<number>, mu2: ArrayLike<number>, s2: ArrayLike<number>, d: number): { fid: number; meanTerm: number; covTerm: number } {
  let meanTerm = 0, tr = 0;
  for (let i = 0; i < d; i++) {
    meanTerm += (mu1[i] - mu2[i]) ** 2;
    tr += s1[i * d + i] + s2[i * d + i];
  }
  const covTerm = tr - 2 * traceSqrtProductRef(s1, s2, d);
  return { fid: meanTerm + covTerm, meanTerm, covTerm };
}

/** FID between two point sets in float64. */
export function fidRef(real: PointSet, generated: PointSet): { fid: number; meanTerm: number; covTerm: number } {
  const a = meanCovRef(real), b = meanCovRef(generated);
  return frechetDistanceRef(a.mean, a.cov, b.mean, b.cov, real.d);
}

/** The KID kernel (xᵢᵀyⱼ / d + 1)³ between row i of x and row j of y. */
export function cubicKernelRef(x: PointSet, i: number, y: PointSet, j: number): number {
  const d = x.d;
  let dot = 0;
  for (let c = 0; c < d; c++) dot += x.data[i * d + c] * y.data[j * d + c];
  return (dot / d + 1) ** 3;
}

/** Unbiased MMD² with the cubic kernel between the rows rIdx of `real` and gIdx of `generated`. */
export function mmd2UnbiasedRef(real: PointSet, rIdx: ArrayLike<number>, generated: PointSet, gIdx: ArrayLike<number>): number {
  const m = rIdx.length, mg = gIdx.length;
  let xx = 0, yy = 0, xy = 0;
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) if (a !== b) xx += cubicKernelRef(real, rIdx[a], real, rIdx[b]);
  for (let a = 0; a < mg; a++) for (let b = 0; b < mg; b++) if (a !== b) yy += cubicKernelRef(generated, gIdx[a], generated, gIdx[b]);
  for (let a = 0; a < m; a++) for (let b = 0; b < mg; b++) xy += cubicKernelRef(real, rIdx[a], generated, gIdx[b]);
  return xx / (m * (m - 1)) + yy / (mg * (mg - 1)) - (2 * xy) / (m * mg);
}

/** KID over given subsets: mean and population standard deviation of MMD²_u. */
export function kidRef(real: PointSet, generated: PointSet, subsets: { real: Int32Array[]; generated: Int32Array[] }): { kid: number; std: number; values: Float64Array } {
  const S = subsets.real.length;
  const values = new Float64Array(S);
  for (let s = 0; s < S; s++) values[s] = mmd2UnbiasedRef(real, subsets.real[s], generated, subsets.generated[s]);
  let mean = 0;
  for (const v of values) mean += v;
  mean /= S;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { kid: mean, std: Math.sqrt(ss / S), values };
}

function sqDist(a: PointSet, i: number, b: PointSet, j: number): number {
  let s = 0;
  for (let c = 0; c < a.d; c++) {
    const t = a.data[i * a.d + c] - b.data[j * b.d + c];
    s += t * t;
  }
  return s;
}

/** For each point, the squared distance to its k-th nearest neighbour among the other points. */
export function kthNeighbourSqRef(p: PointSet, k: number): Float64Array {
  const out = new Float64Array(p.n);
  const row = new Float64Array(p.n - 1);
  for (let i = 0; i < p.n; i++) {
    let c = 0;
    for (let j = 0; j < p.n; j++) if (j !== i) row[c++] = sqDist(p, i, p, j);
    row.sort();
    out[i] = row[k - 1];
  }
  return out;
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019): a point is covered by a set if it
 * lies inside the k-NN ball (closed) of some member of that set.
 * precision = fraction of generated points covered by the real set; recall = the converse.
 */
export function precisionRecallRef(real: PointSet, generated: PointSet, k: number): { precision: number; recall: number } {
  const rReal = kthNeighbourSqRef(real, k), rGen = kthNeighbourSqRef(generated, k);
  let prec = 0, rec = 0;
  for (let g = 0; g < generated.n; g++) {
    for (let r = 0; r < real.n; r++) if (sqDist(generated, g, real, r) <= rReal[r]) { prec++; break; }
  }
  for (let r = 0; r < real.n; r++) {
    for (let g = 0; g < generated.n; g++) if (sqDist(real, r, generated, g) <= rGen[g]) { rec++; break; }
  }
  return { precision: prec / generated.n, recall: rec / real.n };
}

function meanNearestDistance(query: PointSet, train: PointSet): number {
  let s = 0;
  for (let q = 0; q < query.n; q++) {
    let best = Infinity;
    for (let t = 0; t < train.n; t++) best = Math.min(best, sqDist(query, q, train, t));
    s += Math.sqrt(best);
  }
  return s / query.n;
}

/** Mean distance from generated points to their nearest training point, over the same for held-out real points. */
export function memorisationRatioRef(train: PointSet, heldOut: PointSet, generated: PointSet): number {
  return meanNearestDistance(generated, train) / meanNearestDistance(heldOut, train);
}

/**
 * Inception Score from class probabilities probs [n, K] (row-major), with its split:
 * IS = exp(H(p̄) − (1/n) Σᵢ H(pᵢ)), p̄ = (1/n) Σᵢ pᵢ, using 0 log 0 = 0.
 */
export function inceptionScoreRef(probs: ArrayLike<number>, n: number, numClasses: number): { is: number; marginalEntropy: number; meanConditionalEntropy: number } {
  const pbar = new Float64Array(numClasses);
  let hc = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < numClasses; c++) {
      const p = probs[i * numClasses + c];
      pbar[c] += p / n;
      if (p > 0) hc -= (p * Math.log(p)) / n;
    }
  }
  let hm = 0;
  for (const p of pbar) if (p > 0) hm -= p * Math.log(p);
  return { is: Math.exp(hm - hc), marginalEntropy: hm, meanConditionalEntropy: hc };
}

/**
 * Bayes posterior p(c | x) ∝ w_c N(x; μ_c, σ² I) over the components of an isotropic 2-D
 * mixture, for every point; returns [n, K] row-major probabilities (log-sum-exp normalised).
 */
export function mixturePosteriorRef(p: PointSet, mixture: Mixture2D): Float64Array {
  const K = mixture.means.length, v = mixture.std * mixture.std;
  const out = new Float64Array(p.n * K);
  const logits = new Float64Array(K);
  for (let i = 0; i < p.n; i++) {
    const x = p.data[2 * i], y = p.data[2 * i + 1];
    let max = -Infinity;
    for (let c = 0; c < K; c++) {
      const dx = x - mixture.means[c][0], dy = y - mixture.means[c][1];
      logits[c] = Math.log(mixture.weights[c]) - (dx * dx + dy * dy) / (2 * v);
      max = Math.max(max, logits[c]);
    }
    let z = 0;
    for (let c = 0; c < K; c++) z += Math.exp(logits[c] - max);
    for (let c = 0; c < K; c++) out[i * K + c] = Math.exp(logits[c] - max) / z;
  }
  return out;
}

/** Mean squared distance over all pairs i < j (equals 2 tr of the unbiased covariance). */
export function meanSqPairDistanceRef(p: PointSet): number {
  let s = 0;
  for (let i = 0; i < p.n; i++) for (let j = i + 1; j < p.n; j++) s += sqDist(p, i, p, j);
  return s / ((p.n * (p.n - 1)) / 2);
}

/**
 * The permutation test's statistic MMD²_u for each labelling (1 = real, 0 = generated), straight
 * from the definition, with the average of Gaussian kernels exp(−‖zᵢ − zⱼ‖²/(2(fσ)²)) over the
 * factors f (one factor [1]: a single Gaussian), or the cubic KID kernel for 'cubic'.
 * @param labels [N, C] row-major, one labelling per column.
 */
export function mmdStatisticRef(pooled: PointSet, labels: ArrayLike<number>, columns: number, kernelSpec: 'cubic' | { sigma: number; factors: readonly number[] }): Float64Array {
  const N = pooled.n, out = new Float64Array(columns);
  const kernel = kernelSpec === 'cubic'
    ? (i: number, j: number) => cubicKernelRef(pooled, i, pooled, j)
    : (i: number, j: number) => {
      const d2 = sqDist(pooled, i, pooled, j);
      let k = 0;
      for (const f of kernelSpec.factors) k += Math.exp(-d2 / (2 * (f * kernelSpec.sigma) ** 2));
      return k / kernelSpec.factors.length;
    };
  const K = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) K[i * N + j] = kernel(i, j);
  for (let c = 0; c < columns; c++) {
    let xx = 0, yy = 0, xy = 0, n = 0;
    for (let i = 0; i < N; i++) if (labels[i * columns + c] === 1) n++;
    const m = N - n;
    for (let i = 0; i < N; i++) {
      const li = labels[i * columns + c] === 1;
      for (let j = 0; j < N; j++) {
        if (i === j) continue;
        const lj = labels[j * columns + c] === 1;
        if (li && lj) xx += K[i * N + j];
        else if (!li && !lj) yy += K[i * N + j];
        else if (li) xy += K[i * N + j];
      }
    }
    out[c] = xx / (n * (n - 1)) + yy / (m * (m - 1)) - (2 * xy) / (n * m);
  }
  return out;
}

/** log N(x; mean, diag(exp(logVar))) for each row of x, in nats. */
export function diagGaussianLogDensityRef(x: PointSet, mean: ArrayLike<number>, logVar: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.n);
  const D = x.d;
  let c = 0;
  for (let j = 0; j < D; j++) c += -0.5 * (Math.log(2 * Math.PI) + logVar[j]);
  for (let i = 0; i < x.n; i++) {
    let s = c;
    for (let j = 0; j < D; j++) s -= (x.data[i * D + j] - mean[j]) ** 2 / (2 * Math.exp(logVar[j]));
    out[i] = s;
  }
  return out;
}

/** log q₂ = log(α q₀ + (1 − α) q₁) from log q₀ and log q₁ by log-sum-exp. */
export function logQ2Ref(logQ0: number, logQ1: number, alpha: number): number {
  const a = Math.log(alpha) + logQ0;
  const b = alpha < 1 ? Math.log(1 - alpha) + logQ1 : -Infinity;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * Mean log-likelihood of the query rows under the Gaussian KDE on `train` with bandwidth h:
 * q_h(x) = (1/N) Σₙ N(x; xₙ, h² I), in nats per point.
 */
export function kdeLogLikelihoodRef(train: PointSet, query: PointSet, h: number): number {
  const D = train.d, N = train.n;
  const logNorm = -Math.log(N) - 0.5 * D * Math.log(2 * Math.PI * h * h);
  const terms = new Float64Array(N);
  let total = 0;
  for (let q = 0; q < query.n; q++) {
    let max = -Infinity;
    for (let t = 0; t < N; t++) {
      terms[t] = -sqDist(query, q, train, t) / (2 * h * h);
      max = Math.max(max, terms[t]);
    }
    let s = 0;
    for (let t = 0; t < N; t++) s += Math.exp(terms[t] - max);
    total += logNorm + max + Math.log(s);
  }
  return total / query.n;
}
