import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  biasVersusN, expectedFidApprox, generatedMixture, realMixture, toyControlsForPreset, toyData, toyGeneratedData,
  toyMetricsPanel, toyPanelFlags, toyPerfectFid, toyRealData, TOY_DEFAULTS, TOY_FAILURE_TABLE, type PanelEntry, type PanelMetric, type ToyPanel, type ToyPresetName,
} from '../../src/core/metrics/toyGaussians';
import { createMetricCache } from '../../src/core/metrics/common';
import { MEMORISE_NOISE } from '../../src/core/metrics/toyGaussians';

describe('toy-Gaussian data', () => {
  it('default controls reproduce the real mixture; data are seeded', () => {
    for (const real of ['ring8', 'grid25'] as const) {
      const rm = realMixture(real);
      const gm = generatedMixture(rm, { ...TOY_DEFAULTS, real });
      expect(gm.std).toBe(rm.std);
      gm.means.forEach((m, i) => { expect(m[0]).toBeCloseTo(rm.means[i][0], 14); expect(m[1]).toBeCloseTo(rm.means[i][1], 14); });
      gm.weights.forEach((w, i) => expect(w).toBeCloseTo(rm.weights[i], 14));
    }
    const a = toyData({ ...TOY_DEFAULTS, nReal: 50, nGenerated: 40 }), b = toyData({ ...TOY_DEFAULTS, nReal: 50, nGenerated: 40 });
    expect(a.generated.data).toEqual(b.generated.data);
    expect(a.real.data).toEqual(b.real.data);
    expect(a.real.data).not.toEqual(a.heldOut.data);
    expect(a.generated.n).toBe(40);
    const c = toyData({ ...TOY_DEFAULTS, nReal: 50, nGenerated: 40, seed: 2 });
    expect(c.real.data).not.toEqual(a.real.data);
  });

  it('the controls transform the mixture as documented', () => {
    const rm = realMixture('ring8');
    const shifted = generatedMixture(rm, { ...TOY_DEFAULTS, shiftX: 0.3, shiftY: -0.1 });
    shifted.means.forEach((m, i) => { expect(m[0]).toBeCloseTo(rm.means[i][0] + 0.3, 12); expect(m[1]).toBeCloseTo(rm.means[i][1] - 0.1, 12); });
    // A rotation by 45° maps the ring of 8 onto itself.
    const rotated = generatedMixture(rm, { ...TOY_DEFAULTS, rotation: 45 });
    rotated.means.forEach((m) => expect(Math.min(...rm.means.map((r) => Math.hypot(r[0] - m[0], r[1] - m[1])))).toBeLessThan(1e-12));
    expect(generatedMixture(rm, { ...TOY_DEFAULTS, spread: 2.5 }).std).toBeCloseTo(0.25, 12);
    const dropped = generatedMixture(rm, { ...TOY_DEFAULTS, dropModes: 3 });
    expect(dropped.weights.slice(5)).toEqual([0, 0, 0]);
    expect(dropped.weights[0]).toBeCloseTo(1 / 5, 12);
    const collapsed = generatedMixture(rm, { ...TOY_DEFAULTS, collapse: 0.5, collapseModes: 2 });
    expect(collapsed.weights[0]).toBeCloseTo(0.5 / 8 + 0.25, 12);
    expect(collapsed.weights[7]).toBeCloseTo(0.5 / 8, 12);
    for (const m of [shifted, rotated, dropped, collapsed]) expect(m.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
  });

  it('memorised points are training points plus noise of MEMORISE_NOISE · σ', () => {
    const d = toyData({ ...TOY_DEFAULTS, nReal: 100, nGenerated: 60, memorise: 0.5 });
    expect(d.isCopy.reduce((s, v) => s + v, 0)).toBe(30);
    const noise = MEMORISE_NOISE * d.realMixture.std;
    for (let i = 0; i < 60; i++) {
      let best = Infinity;
      for (let j = 0; j < 100; j++) best = Math.min(best, Math.hypot(d.generated.data[2 * i] - d.real.data[2 * j], d.generated.data[2 * i + 1] - d.real.data[2 * j + 1]));
      if (d.isCopy[i]) expect(best).toBeLessThan(6 * noise);
    }
  });

  it('toyGeneratedData reuses the real arrays (so a cache can skip real-set work)', () => {
    const realData = toyRealData({ ...TOY_DEFAULTS, nReal: 30 });
    const g = toyGeneratedData({ ...TOY_DEFAULTS, nReal: 30, spread: 2 }, realData);
    expect(g.real.data).toBe(realData.real.data);
    expect(toyData({ ...TOY_DEFAULTS, nReal: 30 }).real.data).toEqual(realData.real.data);
  });

  it('rejects impossible controls with plain messages', () => {
    const rm = realMixture('ring8');
    expect(() => generatedMixture(rm, { ...TOY_DEFAULTS, dropModes: 8 })).toThrow(/at least one must remain/);
    expect(() => generatedMixture(rm, { ...TOY_DEFAULTS, dropModes: 6, collapseModes: 3 })).toThrow(/between 1 and 2/);
    expect(() => generatedMixture(rm, { ...TOY_DEFAULTS, collapse: 1.5 })).toThrow(/\[0, 1\]/);
    expect(() => generatedMixture(rm, { ...TOY_DEFAULTS, spread: -1 })).toThrow(/≥ 0/);
    expect(() => toyData({ ...TOY_DEFAULTS, nGenerated: 0 })).toThrow(/positive integer/);
    expect(() => toyData({ ...TOY_DEFAULTS, memorise: 2 })).toThrow(/\[0, 1\]/);
  });
});

/** The panel's results, failing the test if any metric gave a message instead. */
type Values = { [K in keyof ToyPanel]: ToyPanel[K] extends PanelEntry<infer T> ? T : never };
function values(p: ToyPanel): Values {
  const out: Record<string, unknown> = {};
  for (const [key, e] of Object.entries(p)) {
    if (!e.ok) throw new Error(`${key}: ${e.error}`);
    out[key] = e.value;
  }
  return out as Values;
}

describe('the metric panel and the failure table', () => {
  it('a degenerate metric gives its message without blanking the others', async () => {
    const tiny = toyData({ ...TOY_DEFAULTS, nReal: 50, nGenerated: 3 });
    const p = await toyMetricsPanel(tiny);
    expect(p.precisionRecall.ok).toBe(false);
    if (!p.precisionRecall.ok) expect(p.precisionRecall.error).toMatch(/k < n/);
    expect(p.fid.ok && Number.isFinite(p.fid.value.fid)).toBe(true);
    expect(p.inception.ok).toBe(true);
    expect(p.kid.ok).toBe(true);
  });

  it('every cell of TOY_FAILURE_TABLE holds on the ring of 8 (N = 400), and the panel frees its tensors', async () => {
    // N = 400: KID's spread over subsets of 200 is still small enough for a 3σ criterion.
    const base = { ...TOY_DEFAULTS, nReal: 400, nGenerated: 400 };
    const options = { mmd: { permutations: 99 }, kid: { subsets: 10 } };
    const before = tf.memory().numTensors;
    const cache = createMetricCache();
    const realData = toyRealData(base);
    const panels = {} as Record<ToyPresetName, Values>;
    const raw = {} as Record<ToyPresetName, ToyPanel>;
    for (const name of ['perfect', 'shifted', 'blurry', 'modeCollapse', 'droppedModes', 'memorised'] as const) {
      raw[name] = await toyMetricsPanel(toyGeneratedData(toyControlsForPreset(name, base), realData), { ...options, cache });
      panels[name] = values(raw[name]);
    }
    expect(tf.memory().numTensors).toBe(before);
    const ok = panels.perfect;
    // The perfect model is not flagged by anything.
    expect(ok.fid.fid).toBeLessThan(0.01);
    expect(Math.abs(ok.kid.kid)).toBeLessThan(3 * ok.kid.std);
    expect(ok.precisionRecall.precision).toBeGreaterThan(0.9);
    expect(ok.precisionRecall.recall).toBeGreaterThan(0.9);
    expect(ok.inception.is).toBeGreaterThan(0.97 * ok.inceptionReal.is);
    expect(ok.mmd.pValue).toBeGreaterThan(0.05);
    expect(ok.memorisation.ratio).toBeGreaterThan(0.7);
    expect(ok.memorisation.ratio).toBeLessThan(1.4);
    // The perfect model's FID is the floor the FID flag compares with; toyPerfectFid recomputes it.
    const perfectFid = await toyPerfectFid(base, realData);
    expect(perfectFid).toBeCloseTo(ok.fid.fid, 6);
    expect(Object.values(toyPanelFlags(raw.perfect, perfectFid)).every((f) => f === false)).toBe(true);
    // The criteria for "flags" (TOY_FLAG_RULES, as the widget shows them): each metric moves
    // clearly the wrong way. Written out here as well, so that the table is checked against
    // numbers and not only against the function that the widget uses.
    const flags: Record<PanelMetric, (p: Values) => boolean> = {
      fid: (p) => p.fid.fid > 10 * ok.fid.fid && p.fid.fid > 0.02,
      kid: (p) => p.kid.kid > 3 * p.kid.std,
      precision: (p) => p.precisionRecall.precision < 0.8,
      recall: (p) => p.precisionRecall.recall < 0.8,
      is: (p) => p.inception.is < 0.9 * p.inceptionReal.is,
      mmd: (p) => p.mmd.pValue <= 0.05,
      memorisation: (p) => p.memorisation.ratio < 0.5 || p.memorisation.ratio > 2,
    };
    for (const [name, row] of Object.entries(TOY_FAILURE_TABLE) as [keyof typeof TOY_FAILURE_TABLE, Record<PanelMetric, boolean>][]) {
      const live = toyPanelFlags(raw[name], perfectFid);
      for (const [metric, flagged] of Object.entries(row) as [PanelMetric, boolean][]) {
        expect(flags[metric](panels[name]), `${name} / ${metric}`).toBe(flagged);
        expect(live[metric], `toyPanelFlags ${name} / ${metric}`).toBe(flagged);
      }
    }
    // A metric without a value (still computing, or a message) has no flag.
    const partial = toyPanelFlags({ fid: raw.shifted.fid, precisionRecall: { ok: false, error: 'k ≥ n' } }, null);
    expect(partial).toEqual({ fid: null, kid: null, precision: null, recall: null, is: null, mmd: null, memorisation: null });
    // And the numbers behind the story: IS counts the modes that are left.
    expect(panels.droppedModes.inception.is).toBeCloseTo(4, 0);
    expect(panels.modeCollapse.inception.is).toBeCloseTo(2, 0);
    expect(panels.memorised.memorisation.ratio).toBeLessThan(0.2);
  });
});

describe('bias versus N', () => {
  it('FID of two samples of one Gaussian sits near its predicted bias and falls with N; KID stays near 0', async () => {
    const before = tf.memory().numTensors;
    const r = await biasVersusN({ d: 8, ns: [40, 160, 640], seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.fidLimit).toBe(0);
    for (let i = 0; i < 3; i++) {
      expect(r.fidExpected[i]).toBeCloseTo(expectedFidApprox(8, r.ns[i]), 12);
      // One draw per N: within a factor 2 of the leading-order expectation.
      expect(r.fid[i]).toBeGreaterThan(0.5 * r.fidExpected[i]);
      expect(r.fid[i]).toBeLessThan(2 * r.fidExpected[i]);
      expect(Math.abs(r.kid[i])).toBeLessThan(3 * r.kidStd[i] + 1e-3);
    }
    expect(r.fid[2]).toBeLessThan(r.fid[0]);
    const few = await biasVersusN({ d: 16, ns: [10], seed: 1 });
    expect(few.warnings[0]).toMatch(/no more points than dimensions/);
    expect(Number.isFinite(few.fid[0])).toBe(true);
    await expect(biasVersusN({ d: 2, ns: [1], seed: 1 })).rejects.toThrow(/at least 2 points/);
  });
});
