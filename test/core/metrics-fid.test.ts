import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { fid, frechetDistance, frechetDistance2x2 } from '../../src/core/metrics/fid';
import { meanAndCovariance, sqrtmNewtonSchulz, squaredDistances, traceSqrtProduct, traceSqrtProduct2x2 } from '../../src/core/metrics/linalg';
import { pointSet, type PointSet } from '../../src/core/metrics/common';
import { expectedFidApprox, sampleGaussian } from '../../src/core/metrics/toyGaussians';
import { fidRef, frechetDistanceRef, meanCovRef, sqrtmPsdRef, symmetricEigenRef, traceSqrtProductRef } from '../../src/core/ref/metrics';
import { mulberry32, normalSampler } from '../../src/core/random';

/** A random symmetric positive definite d × d matrix A Aᵀ / d + floor·I (row-major, float64). */
function randomSpd(d: number, seed: number, floor = 0.05, scale = 1): Float64Array {
  const normal = normalSampler(mulberry32(seed));
  const a = Array.from({ length: d * d }, () => normal());
  const s = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let v = 0;
    for (let k = 0; k < d; k++) v += a[i * d + k] * a[j * d + k];
    s[i * d + j] = (scale * v) / d + (i === j ? floor : 0);
  }
  return s;
}
const randomVec = (d: number, seed: number) => { const n = normalSampler(mulberry32(seed)); return Float64Array.from({ length: d }, () => n()); };
const trace = (s: ArrayLike<number>, d: number) => { let t = 0; for (let i = 0; i < d; i++) t += s[i * d + i]; return t; };

async function expectNoLeak<T>(f: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const r = await f();
  expect(tf.memory().numTensors).toBe(before);
  return r;
}

describe('float64 reference linear algebra', () => {
  it('Jacobi eigendecomposition reconstructs the matrix and the PSD square root squares back', () => {
    for (const d of [2, 5, 16]) {
      const a = randomSpd(d, d);
      const { values, vectors } = symmetricEigenRef(a, d);
      const r = sqrtmPsdRef(a, d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
        let back = 0, sq = 0;
        for (let k = 0; k < d; k++) {
          back += vectors[i * d + k] * values[k] * vectors[j * d + k];
          sq += r[i * d + k] * r[k * d + j];
        }
        expect(Math.abs(back - a[i * d + j])).toBeLessThan(1e-12);
        expect(Math.abs(sq - a[i * d + j])).toBeLessThan(1e-12);
      }
    }
  });

  it('the Fréchet distance of commuting (diagonal) covariances is Σ (√a − √b)² + ‖Δμ‖²', () => {
    const a = [1, 4, 0.25], b = [2, 1, 0.25];
    const s1 = new Float64Array(9), s2 = new Float64Array(9);
    a.forEach((v, i) => { s1[i * 4] = v; });
    b.forEach((v, i) => { s2[i * 4] = v; });
    const expected = a.reduce((s, v, i) => s + (Math.sqrt(v) - Math.sqrt(b[i])) ** 2, 0) + 0.5 ** 2 + 1;
    expect(frechetDistanceRef([0.5, 0, 1], s1, [0, 0, 0], s2, 3).fid).toBeCloseTo(expected, 12);
  });
});

describe('the exact 2 × 2 square-root identity', () => {
  it('tr √(Σ₁Σ₂) = √(tr(Σ₁Σ₂) + 2√(det Σ₁ det Σ₂)) matches the eigendecomposition to 1e-12', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const s1 = randomSpd(2, seed, seed % 5 === 0 ? 0 : 0.01), s2 = randomSpd(2, 100 + seed);
      const exact = traceSqrtProduct2x2(s1, s2), ref = traceSqrtProductRef(s1, s2, 2);
      expect(Math.abs(exact - ref)).toBeLessThan(1e-12 * (1 + ref));
    }
  });

  it('holds for a singular covariance (rank 1) without any regularisation', () => {
    const line = [1, 2, 2, 4]; // rank 1: points along (1, 2)
    const s2 = randomSpd(2, 7);
    expect(traceSqrtProduct2x2(line, s2)).toBeCloseTo(traceSqrtProductRef(line, s2, 2), 10);
  });

  it('FD is exactly 0 for equal Gaussians and exactly ‖Δμ‖² for a pure mean shift (float64)', () => {
    const s = randomSpd(2, 3);
    expect(frechetDistance2x2([0.3, -1], s, [0.3, -1], s)).toBeLessThan(1e-14);
    expect(frechetDistance2x2([0.3, -1], s, [1.3, 1], s)).toBeCloseTo(1 + 4, 12);
  });
});

describe('Newton–Schulz in float32 on the device', () => {
  it('sqrtmNewtonSchulz squares back to A and matches the float64 square root', () => {
    for (const d of [3, 16, 48]) {
      const a = randomSpd(d, 11 * d);
      const [sqrt, inv] = tf.tidy(() => {
        const r = sqrtmNewtonSchulz(tf.tensor2d(Array.from(a), [d, d]));
        return [r.sqrt.dataSync(), tf.matMul(r.sqrt, r.invSqrt).dataSync()];
      });
      const ref = sqrtmPsdRef(a, d);
      let err = 0, scale = 0, invErr = 0;
      for (let i = 0; i < d * d; i++) {
        err = Math.max(err, Math.abs(sqrt[i] - ref[i]));
        scale = Math.max(scale, Math.abs(ref[i]));
        invErr = Math.max(invErr, Math.abs(inv[i] - (i % (d + 1) === 0 ? 1 : 0)));
      }
      console.info(`NS sqrt d=${d}: max |float32 − float64| = ${err.toExponential(2)} (max entry ${scale.toFixed(2)}), ‖A^½A^−½ − I‖max = ${invErr.toExponential(2)}`);
      expect(err).toBeLessThan(1e-5 * scale);
      expect(invErr).toBeLessThan(1e-3);
    }
  });

  it('traceSqrtProduct matches tr (Σ₁Σ₂)^½ in float64 within 2e-5 of tr Σ₁ + tr Σ₂', () => {
    for (const d of [2, 3, 8, 32, 64]) {
      const s1 = randomSpd(d, d), s2 = randomSpd(d, 1000 + d, 0.01, 2);
      const t = tf.tidy(() => traceSqrtProduct(tf.tensor2d(Array.from(s1), [d, d]), tf.tensor2d(Array.from(s2), [d, d])).trace.dataSync()[0]);
      const ref = traceSqrtProductRef(s1, s2, d);
      const err = Math.abs(t - ref) / (trace(s1, d) + trace(s2, d));
      console.info(`tr √(Σ₁Σ₂) d=${d}: float32 ${t.toFixed(5)}, float64 ${ref.toFixed(5)}, error / (tr Σ₁ + tr Σ₂) = ${err.toExponential(2)}`);
      expect(err).toBeLessThan(2e-5);
    }
  });

  it('squaredDistances equals the direct sum of squared differences', () => {
    const a = sampleGaussian(7, 5, 1), b = sampleGaussian(9, 5, 2);
    const dist = tf.tidy(() => squaredDistances(tf.tensor2d(Float32Array.from(a.data), [7, 5]), tf.tensor2d(Float32Array.from(b.data), [9, 5])).dataSync());
    for (let i = 0; i < 7; i++) for (let j = 0; j < 9; j++) {
      let s = 0;
      for (let c = 0; c < 5; c++) s += (a.data[i * 5 + c] - b.data[j * 5 + c]) ** 2;
      expect(Math.abs(dist[i * 9 + j] - s)).toBeLessThan(1e-5 * (1 + s));
    }
  });

  it('meanAndCovariance matches the float64 sample moments', () => {
    const p = sampleGaussian(300, 6, 5, 2, 3);
    const [mean, cov] = tf.tidy(() => {
      const r = meanAndCovariance(tf.tensor2d(Float32Array.from(p.data), [300, 6]));
      return [r.mean.dataSync(), r.cov.dataSync()];
    });
    const ref = meanCovRef(p);
    ref.mean.forEach((m, i) => expect(Math.abs(mean[i] - m)).toBeLessThan(1e-5));
    ref.cov.forEach((c, i) => expect(Math.abs(cov[i] - c)).toBeLessThan(1e-4));
  });
});

describe('frechetDistance between given Gaussians (tfjs)', () => {
  it('is 0 for equal Gaussians and ‖Δμ‖² for a pure mean shift, within 1e-5 of tr Σ₁ + tr Σ₂', async () => {
    for (const d of [4, 16, 64]) {
      const s = randomSpd(d, 5 * d), mu = randomVec(d, d), shifted = mu.map((v, i) => v + (i % 3) * 0.1);
      const tol = 1e-5 * 2 * trace(s, d);
      const same = await expectNoLeak(() => frechetDistance(mu, s, mu, s));
      expect(same.method).toBe('newtonSchulz');
      expect(same.fid).toBeLessThan(tol);
      const shift = await frechetDistance(mu, s, shifted, s);
      const dmu2 = mu.reduce((acc, v, i) => acc + (v - shifted[i]) ** 2, 0);
      expect(Math.abs(shift.fid - dmu2)).toBeLessThan(tol);
      expect(shift.meanTerm).toBeCloseTo(dmu2, 5);
      expect(shift.warning).toBeNull();
    }
  });

  it('matches the float64 reference for random covariances (error reported)', async () => {
    for (const d of [2, 3, 10, 32, 64]) {
      const s1 = randomSpd(d, 3 * d), s2 = randomSpd(d, 7 * d, 0.02, 1.5);
      const mu1 = randomVec(d, d), mu2 = randomVec(d, d + 1);
      const r = await frechetDistance(mu1, s1, mu2, s2, { method: 'newtonSchulz' });
      const ref = frechetDistanceRef(mu1, s1, mu2, s2, d);
      const err = Math.abs(r.fid - ref.fid);
      console.info(`FD d=${d}: float32 ${r.fid.toFixed(5)}, float64 ${ref.fid.toFixed(5)}, |error| = ${err.toExponential(2)} (relative ${(err / ref.fid).toExponential(2)})`);
      // float32 arithmetic (~1e-5 of the traces) plus the ridge's bias (about ε per dimension).
      expect(err).toBeLessThan(2e-5 * (trace(s1, d) + trace(s2, d)) + 2 * d * r.ridge);
      expect(r.warning).toBeNull();
    }
  });

  it('in 1-D is the univariate Fréchet distance (μ₁ − μ₂)² + (σ₁ − σ₂)²', async () => {
    const r = await frechetDistance([0.5], [4], [-1], [0.25]);
    expect(Math.abs(r.fid - (1.5 ** 2 + (2 - 0.5) ** 2))).toBeLessThan(1e-5 * 4.25);
  });

  it('uses the exact formula for d = 2, agreeing with Newton–Schulz', async () => {
    const s1 = randomSpd(2, 1), s2 = randomSpd(2, 2);
    const exact = await frechetDistance([0, 1], s1, [1, 0], s2);
    const ns = await frechetDistance([0, 1], s1, [1, 0], s2, { method: 'newtonSchulz' });
    expect(exact.method).toBe('exact2x2');
    expect(exact.fid).toBeCloseTo(frechetDistanceRef([0, 1], s1, [1, 0], s2, 2).fid, 12);
    expect(Math.abs(ns.fid - exact.fid)).toBeLessThan(1e-5 * (trace(s1, 2) + trace(s2, 2)));
  });

  it('rejects malformed Gaussians with plain messages', async () => {
    await expect(frechetDistance([], [], [], [])).rejects.toThrow(/mean is empty/);
    await expect(frechetDistance([0, 0], [1, 0, 0], [0, 0], [1, 0, 0, 1])).rejects.toThrow(/needs 4/);
    await expect(frechetDistance([0, 0], [1, 0.5, 0, 1], [0, 0], [1, 0, 0, 1])).rejects.toThrow(/not symmetric/);
    await expect(frechetDistance([0, 0], [-1, 0, 0, 1], [0, 0], [1, 0, 0, 1])).rejects.toThrow(/negative/);
    await expect(frechetDistance([0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1], { method: 'exact2x2' })).rejects.toThrow(/needs d = 2/);
  });
});

describe('fid from sample sets (tfjs)', () => {
  it('2-D: matches the float64 FID of the same samples', async () => {
    const a = sampleGaussian(500, 2, 1), b = sampleGaussian(400, 2, 2, 0.3, 1.5);
    const r = await expectNoLeak(() => fid(a, b));
    const ref = fidRef(a, b);
    expect(r.method).toBe('exact2x2');
    // float32 sample moments: relative error ~1e-6 of the traces.
    expect(Math.abs(r.fid - ref.fid)).toBeLessThan(1e-5 * (1 + ref.fid));
    expect(r.meanTerm + r.covTerm).toBeCloseTo(r.fid, 12);
  });

  it('d = 16 and 64: Newton–Schulz FID matches the float64 FID (error reported)', async () => {
    for (const d of [16, 64]) {
      const a = sampleGaussian(600, d, 3 * d), b = sampleGaussian(600, d, 5 * d, 0.05, 1.2);
      const r = await expectNoLeak(() => fid(a, b));
      const ref = fidRef(a, b);
      const ca = meanCovRef(a).cov, cb = meanCovRef(b).cov;
      const err = Math.abs(r.fid - ref.fid);
      console.info(`FID d=${d}, n=600: float32 ${r.fid.toFixed(5)}, float64 ${ref.fid.toFixed(5)}, |error| = ${err.toExponential(2)}`);
      expect(err).toBeLessThan(2e-5 * (trace(ca, d) + trace(cb, d)));
      expect(r.warning).toBeNull();
    }
  });

  it('FID(P, P) → 0: two samples of the same Gaussian follow E[FID] ≈ 2d/n + d(d+1)/(2(n−1))', () => {
    // float64 reference, 20 seeds: the bias is positive at every n and shrinks like 1/n.
    const d = 6;
    let previous = Infinity;
    for (const n of [250, 1000, 4000]) {
      let mean = 0;
      for (let s = 0; s < 20; s++) mean += fidRef(sampleGaussian(n, d, 2 * s + 1), sampleGaussian(n, d, 2 * s + 2)).fid / 20;
      const approx = expectedFidApprox(d, n);
      expect(mean).toBeGreaterThan(0);
      expect(mean).toBeLessThan(previous);
      expect(Math.abs(mean - approx) / approx).toBeLessThan(0.15);
      previous = mean;
    }
  });

  it('the same points give FID 0 (up to float32 rounding of the moments)', async () => {
    const a = sampleGaussian(200, 8, 9);
    const r = await fid(a, a);
    expect(r.fid).toBeLessThan(1e-5 * 8);
  });

  it('degenerate input: messages, never NaN', async () => {
    const one = pointSet(new Float64Array([1, 2]), 2);
    const empty = pointSet(new Float64Array(0), 2);
    const ok = sampleGaussian(50, 2, 1);
    await expect(fid(empty, ok)).rejects.toThrow(/real set is empty/);
    await expect(fid(ok, one)).rejects.toThrow(/generated set has 1 point; this needs at least 2/);
    await expect(fid(ok, sampleGaussian(50, 3, 1))).rejects.toThrow(/different dimensions/);

    // fewer samples than dimensions: singular covariance, regularised and said so
    const few = sampleGaussian(10, 16, 4), many = sampleGaussian(500, 16, 5);
    const r = await expectNoLeak(() => fid(few, many));
    expect(Number.isFinite(r.fid)).toBe(true);
    expect(r.warning).toMatch(/10 points in 16 dimensions/);
    expect(r.warning).toMatch(/ridge/);
    // The ridge moves each zero eigenvalue's term by up to 2√(ελ): 0.3% here; allow 1%.
    expect(Math.abs(r.fid - fidRef(few, many).fid)).toBeLessThan(1e-2 * r.fid);

    // more points than dimensions, but all on a plane in 3-D: singular, regularised and said so
    const flat = sampleGaussian(300, 3, 6);
    const plane = pointSet(Float64Array.from(flat.data, (v, i) => (i % 3 === 2 ? 0.5 : v)), 3);
    const p = await fid(plane, sampleGaussian(300, 3, 7));
    expect(Number.isFinite(p.fid)).toBe(true);
    expect(p.warning).toMatch(/real covariance is singular/);
    expect(Math.abs(p.fid - fidRef(plane, sampleGaussian(300, 3, 7)).fid)).toBeLessThan(1e-2 * p.fid);

    // every point the same in each set (zero covariances): FID is the squared mean distance
    const dotA = pointSet(new Float64Array(30).fill(1), 3), dotB = pointSet(new Float64Array(30).fill(2), 3);
    const z = await fid(dotA, dotB);
    expect(z.fid).toBeCloseTo(3, 6);
    expect(z.warning).toMatch(/zero spread/);

    // collinear 2-D points: the exact formula needs no ridge, and says so
    const line: PointSet = pointSet(Float64Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? i / 100 : i / 50)), 2);
    const l = await fid(line, sampleGaussian(100, 2, 8));
    expect(l.warning).toMatch(/singular.*no regularisation/);
    expect(Math.abs(l.fid - fidRef(line, sampleGaussian(100, 2, 8)).fid)).toBeLessThan(1e-4 * (1 + l.fid));
  });
});
