import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DIGITS_HEADER_BYTES, DIGITS_PATH, digitsSplit, encodeDigits, parseDigits } from '../../src/core/vae/digits';

/** A digits file written byte by byte from the documented layout (independent of encodeDigits). */
function handBuilt(): ArrayBuffer {
  // Two 5×3 images (15 pixels: 2 bytes each at 1 bit, the last 1 bit of padding), labels 2 and 0 of 3 classes.
  const bytes = new Uint8Array(16 + 2 + 4);
  bytes.set([0x44, 0x47, 0x54, 0x53, 1, 1, 5, 0, 3, 0, 3, 0, 2, 0, 0, 0]);
  bytes.set([2, 0], 16);
  bytes.set([0b10000000, 0b00000010, 0b01111111, 0b11111110], 18);
  return bytes.buffer;
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

describe('digits parser', () => {
  it('reads a hand-built 1-bit file: header, labels and MSB-first pixels', () => {
    const d = parseDigits(handBuilt());
    expect([d.count, d.width, d.height, d.classes, d.bitsPerPixel]).toEqual([2, 5, 3, 3, 1]);
    expect(Array.from(d.labels)).toEqual([2, 0]);
    const first = Array.from(d.images.subarray(0, 15));
    expect(first).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const second = Array.from(d.images.subarray(15));
    expect(second).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('round-trips through encodeDigits at 1 and 8 bits', () => {
    const images = Float32Array.from({ length: 3 * 20 }, (_, i) => ((i * 37) % 256) / 255);
    const labels = [1, 0, 1];
    const eight = parseDigits(encodeDigits(images, labels, { width: 4, height: 5, classes: 2, bitsPerPixel: 8 }));
    eight.images.forEach((v, i) => expect(v).toBeCloseTo(images[i], 6));
    const one = parseDigits(encodeDigits(images, labels, { width: 4, height: 5, classes: 2, bitsPerPixel: 1 }));
    one.images.forEach((v, i) => expect(v).toBe(images[i] >= 0.5 ? 1 : 0));
    expect(Array.from(one.labels)).toEqual(labels);
  });

  it('rejects malformed files with plain messages', () => {
    const good = new Uint8Array(handBuilt());
    const corrupt = (edit: (b: Uint8Array) => void) => { const b = good.slice(); edit(b); return b.buffer; };
    expect(() => parseDigits(new ArrayBuffer(8))).toThrow(/too short/);
    expect(() => parseDigits(corrupt((b) => { b[0] = 0x58; }))).toThrow(/not a digits file/);
    expect(() => parseDigits(corrupt((b) => { b[4] = 2; }))).toThrow(/version 2/);
    expect(() => parseDigits(corrupt((b) => { b[5] = 4; }))).toThrow(/4 bits per pixel/);
    expect(() => parseDigits(corrupt((b) => { b[16] = 3; }))).toThrow(/label 3, outside 0…2/);
    expect(() => parseDigits(good.slice(0, good.length - 1).buffer)).toThrow(/needs 22/);
  });

  it('splits off a class-balanced evaluation prefix', () => {
    const d = parseDigits(encodeDigits(new Float32Array(40 * 4), Array.from({ length: 40 }, (_, i) => i % 10), { width: 2, height: 2, classes: 10, bitsPerPixel: 1 }));
    const { train, evaluation } = digitsSplit(d, 20);
    expect([evaluation.count, train.count, evaluation.dim]).toEqual([20, 20, 4]);
    expect(train.x.length).toBe(80);
    expect(() => digitsSplit(d, 40)).toThrow(/between 1 and 39/);
  });
});

describe('scripts/build-digits.mjs', () => {
  it('writes 5,000 balanced, interleaved 28×28 digits that match the mnist package, idempotently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'digits-'));
    try {
      const out = join(dir, 'digits.bin');
      const first = execFileSync(process.execPath, ['scripts/build-digits.mjs', '--out', out], { encoding: 'utf8' });
      expect(first).toMatch(/written/);
      const second = execFileSync(process.execPath, ['scripts/build-digits.mjs', '--out', out], { encoding: 'utf8' });
      expect(second).toMatch(/unchanged/);
      const bytes = readFileSync(out);
      expect(bytes.length).toBe(DIGITS_HEADER_BYTES + 5000 + 5000 * 98);
      const d = parseDigits(toArrayBuffer(bytes));
      expect([d.count, d.width, d.height, d.classes, d.bitsPerPixel]).toEqual([5000, 28, 28, 10, 1]);
      d.labels.forEach((c, k) => expect(c).toBe(k % 10));
      // Image k is the (k div 10)-th image of class k mod 10 in the package, thresholded at 0.5.
      const mnistDir = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
      for (const c of [0, 7]) {
        const source: number[] = JSON.parse(readFileSync(join(mnistDir, 'src', 'digits', `${c}.json`), 'utf8')).data;
        for (const i of [0, 123, 499]) {
          const k = i * 10 + c;
          const got = d.images.subarray(k * 784, (k + 1) * 784);
          for (let p = 0; p < 784; p++) expect(got[p]).toBe(source[i * 784 + p] >= 0.5 ? 1 : 0);
        }
      }
      const ink = d.images.reduce((s, v) => s + v, 0) / d.images.length;
      expect(ink).toBeGreaterThan(0.05);
      expect(ink).toBeLessThan(0.3);
      expect(() => execFileSync(process.execPath, ['scripts/build-digits.mjs', '--bits', '3', '--out', out], { stdio: 'pipe' })).toThrow(/--bits must be 1 or 8/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the served file, when it has been built, parses as 28×28 digits of 10 balanced classes', () => {
    const path = join('public', DIGITS_PATH);
    if (!existsSync(path)) return;
    const d = parseDigits(toArrayBuffer(readFileSync(path)));
    expect([d.width, d.height, d.classes]).toEqual([28, 28, 10]);
    expect(d.count).toBeGreaterThanOrEqual(1000);
    const perClass = new Array(10).fill(0);
    d.labels.forEach((c) => perClass[c]++);
    expect(Math.max(...perClass) - Math.min(...perClass)).toBeLessThanOrEqual(1);
  });
});
