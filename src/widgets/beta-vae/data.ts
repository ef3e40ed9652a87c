/**
 * The β-VAE widget's data: the digits file served with the site (fetched once per page, then
 * shared by every copy of the widget) and the seeded 2-D toy sets.
 */
import { DIGITS_PATH, digitsSplit, parseDigits } from '../../core/vae/digits';
import { toyDataset, type VaeDataset } from '../../core/vae/model';
import type { Dataset2D } from '../../core/data2d';

export interface WidgetData {
  train: VaeDataset;
  evaluation: VaeDataset;
  /** 10 for digits, the toy set's number of components otherwise. */
  classes: number;
  /** Image side (28) for digits; 0 for 2-D points. */
  side: number;
  /** Bytes fetched (digits only). */
  bytes: number;
  /** The digits file as fetched (digits only), to hand a copy to the training worker. */
  file?: ArrayBuffer;
}

/** Rows kept apart for the views and the evaluation terms. */
export const EVALUATION_ROWS = 500;
/** Points drawn for a toy set's training rows. */
export const TOY_ROWS = 2000;

const TOY_CLASSES: Record<string, number> = { pinwheel: 5, rings: 2, moons: 2 };

// The file is immutable for the page's lifetime; one fetch serves every widget that needs it.
let digitsPromise: Promise<WidgetData> | null = null;

/** Parse a digits file and split off the evaluation rows (the page and the worker do the same). */
export function digitsData(buffer: ArrayBuffer): WidgetData {
  const digits = parseDigits(buffer);
  const { train, evaluation } = digitsSplit(digits, EVALUATION_ROWS);
  return { train, evaluation, classes: digits.classes, side: digits.width, bytes: buffer.byteLength, file: buffer };
}

/** Fetch and parse the digits from this site (never another origin). */
export function loadDigits(): Promise<WidgetData> {
  if (!digitsPromise) {
    const url = `${import.meta.env.BASE_URL}${DIGITS_PATH}`;
    digitsPromise = fetch(url)
      .then((r) => {
        if (!r.ok) throw new Error(`The digits could not be loaded from ${url} (HTTP ${r.status}).`);
        return r.arrayBuffer();
      })
      .then(digitsData)
      .catch((e: unknown) => {
        digitsPromise = null;
        throw e;
      });
  }
  return digitsPromise;
}

/** A seeded toy set: TOY_ROWS training points, the first EVALUATION_ROWS of them for the views. */
export function toyData(name: Dataset2D, seed: number): WidgetData {
  const train = toyDataset(name, TOY_ROWS, seed);
  const evaluation: VaeDataset = { x: train.x.subarray(0, EVALUATION_ROWS * 2), count: EVALUATION_ROWS, dim: 2, labels: train.labels?.subarray(0, EVALUATION_ROWS) };
  return { train, evaluation, classes: TOY_CLASSES[name] ?? 1, side: 0, bytes: 0 };
}
