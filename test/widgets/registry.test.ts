import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { widgetSpecs } from '../../src/widgets/specs';
import { widgetComponents } from '../../src/widgets/registry';
import { coerceParam, validateParam } from '../../src/widgets/types';

describe('widget registry', () => {
  it('has a component for every spec and a spec for every component', () => {
    expect(Object.keys(widgetComponents).sort()).toEqual(Object.keys(widgetSpecs).sort());
  });

  it('specs are well formed: names, defaults in range, examples valid', () => {
    for (const [name, s] of Object.entries(widgetSpecs)) {
      expect(s.name).toBe(name);
      expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(s.height).toBeGreaterThan(100);
      for (const [k, p] of Object.entries(s.params)) {
        expect(coerceParam(p, p.default), `${name}.${k} default`).toEqual({ value: p.default, ok: true });
        if (p.kind === 'number' || p.kind === 'int') {
          expect(p.min).toBeLessThan(p.max);
          if (p.log) expect(p.min).toBeGreaterThan(0);
        }
        expect(p.label.length).toBeGreaterThan(0);
      }
      expect(s.examples.length, `${name} has named examples`).toBeGreaterThan(0);
      const exNames = new Set<string>();
      for (const ex of s.examples) {
        expect(exNames.has(ex.name)).toBe(false);
        exNames.add(ex.name);
        for (const [k, v] of Object.entries(ex.params)) {
          expect(s.params[k], `${name} example ${ex.name} param ${k}`).toBeDefined();
          expect(validateParam(k, s.params[k], String(v)), `${name} example ${ex.name}`).toBeNull();
        }
      }
    }
  });

  it('each widget is placed in the chapter its spec names', () => {
    const files = readdirSync('content').filter((f) => f.endsWith('.md'));
    for (const s of Object.values(widgetSpecs)) {
      const file = files.find((f) => f.replace(/\.md$/, '').replace(/^\d+[-_]/, '') === s.chapter);
      expect(file, `${s.name}: chapter ${s.chapter}`).toBeDefined();
      expect(readFileSync(`content/${file}`, 'utf8')).toMatch(new RegExp(`^::${s.name}\\[`, 'm'));
    }
  });
});
