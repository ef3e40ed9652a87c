import { describe, expect, it } from 'vitest';
import { readUrlParams, writeUrlParams } from '../../src/widgets/url';
import { createWidgetStore, initialParams } from '../../src/widgets/store';
import { coerceParam, defaultParams, type ParamValue, type WidgetSpec } from '../../src/widgets/types';
import { widgetSpecs } from '../../src/widgets/specs';
import { mulberry32 } from '../../src/core/random';
import { kdeBandwidthSpec as spec } from '../../src/widgets/kde-bandwidth/spec';

function inRange(s: WidgetSpec, name: string, v: ParamValue): boolean {
  const p = s.params[name];
  if (p.kind === 'enum') return p.options.includes(v as string);
  if (p.kind === 'boolean') return typeof v === 'boolean';
  if (typeof v !== 'number' || !Number.isFinite(v) || v < p.min || v > p.max) return false;
  return p.kind !== 'int' || Number.isInteger(v);
}

describe('URL codec', () => {
  it('round-trips every shareable parameter of every widget', () => {
    for (const s of Object.values(widgetSpecs)) {
      const baseline = defaultParams(s);
      const rng = mulberry32(9);
      const params = { ...baseline };
      for (const [name, p] of Object.entries(s.params)) {
        if (p.kind === 'enum') params[name] = p.options[Math.floor(rng() * p.options.length)];
        else if (p.kind === 'boolean') params[name] = !p.default;
        else params[name] = coerceParam(p, p.min + (p.max - p.min) * rng()).value;
      }
      const search = writeUrlParams('?other=1&present=x', 'w1', s, params, baseline);
      expect(search).toContain('other=1');
      expect(search).toContain('present=x');
      const back = readUrlParams(search, 'w1', s);
      for (const [name, p] of Object.entries(s.params)) {
        if (p.share === false) continue;
        const want = params[name];
        const got = back[name] ?? baseline[name];
        if (typeof want === 'number') expect(Math.abs((got as number) - want) / Math.max(1e-9, Math.abs(want))).toBeLessThan(1e-5);
        else expect(got).toBe(want);
      }
    }
  });

  it('writes only what differs from the baseline, and nothing for other widgets', () => {
    const baseline = initialParams(spec, { h: 1 }, {});
    expect(writeUrlParams('', 'kde', spec, baseline, baseline)).toBe('');
    const s = writeUrlParams('?kde2.h=3', 'kde', spec, { ...baseline, h: 0.5 }, baseline);
    expect(new URLSearchParams(s).get('kde.h')).toBe('0.5');
    expect(new URLSearchParams(s).get('kde2.h')).toBe('3');
    expect([...new URLSearchParams(s).keys()]).toHaveLength(2);
    // Moving back to the baseline removes the key again.
    expect(writeUrlParams(s, 'kde', spec, baseline, baseline)).toBe('?kde2.h=3');
  });

  it('1,000 random and hostile query strings never throw and always give in-range values', () => {
    const rng = mulberry32(2024);
    const nasty = ['', 'NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '0x10', '  7  ', '%', '%E0%A4%A', '<script>', '__proto__', 'constructor', 'null', 'undefined', '[]', '{}', 'true', 'false', '١٢', '1,5', '.', '-', '+', 'e', 'x'.repeat(5000), '\u0000', '😀', '0.000000000001', '99999999999999999999'];
    const names = [...Object.keys(spec.params), '__proto__', 'constructor', 'toString', 'h.h', ''];
    for (let i = 0; i < 1000; i++) {
      const parts: string[] = [];
      const k = 1 + Math.floor(rng() * 6);
      for (let j = 0; j < k; j++) {
        const id = rng() < 0.8 ? 'kde' : ['', 'KDE', 'kde.', '%6bde'][Math.floor(rng() * 4)];
        const name = names[Math.floor(rng() * names.length)];
        const value = rng() < 0.5 ? nasty[Math.floor(rng() * nasty.length)] : String((rng() - 0.5) * 10 ** Math.floor(rng() * 12));
        parts.push(rng() < 0.1 ? `${id}.${name}` : `${encodeURIComponent(`${id}.${name}`)}=${rng() < 0.5 ? encodeURIComponent(value) : value}`);
      }
      const search = '?' + parts.join(rng() < 0.9 ? '&' : ';');
      let params: Record<string, ParamValue> = {};
      expect(() => (params = readUrlParams(search, 'kde', spec))).not.toThrow();
      const merged = initialParams(spec, {}, params);
      for (const name of Object.keys(spec.params)) expect(inRange(spec, name, merged[name]), `${search} → ${name}=${String(merged[name])}`).toBe(true);
      expect(Object.keys(merged).sort()).toEqual(Object.keys(spec.params).sort());
    }
  });
});

describe('per-instance stores', () => {
  it('take defaults < directive < URL, and two instances never share state', () => {
    const directive = { h: 0.4, kernel: 'uniform' };
    const url = readUrlParams('?a.h=2&a.bins=500', 'a', spec);
    const init = initialParams(spec, directive, url);
    expect(init.h).toBe(2);
    expect(init.kernel).toBe('uniform');
    expect(init.bins).toBe(80);
    expect(init.n).toBe(spec.params.n.default);
    const a = createWidgetStore(spec, initialParams(spec, directive, {}), init);
    const b = createWidgetStore(spec, initialParams(spec, directive, {}), initialParams(spec, directive, {}));
    a.getState().setParam('h', 3);
    expect(a.getState().params.h).toBe(3);
    expect(b.getState().params.h).toBe(0.4);
  });

  it('clamp what they are given and reset to the page baseline', () => {
    const baseline = initialParams(spec, { h: 0.4 }, {});
    const s = createWidgetStore(spec, baseline, baseline);
    s.getState().setParam('h', 1e9);
    expect(s.getState().params.h).toBe(5);
    s.getState().setParam('n', 3.7);
    expect(s.getState().params.n).toBe(10);
    s.getState().setParam('kernel', 'box');
    expect(s.getState().params.kernel).toBe('gaussian');
    s.getState().setParam('nonexistent', 1);
    expect('nonexistent' in s.getState().params).toBe(false);
    s.getState().reset();
    expect(s.getState().params).toEqual(baseline);
  });
});
