/**
 * One handwritten digit for the noise-schedule widget, from the digits file served with the site
 * (fetched once per page, shared by every copy of the widget; never from another origin).
 */
import { DIGITS_PATH, parseDigits, type Digits } from '../../core/vae/digits';

let digitsPromise: Promise<Digits> | null = null;

export function loadDigitsFile(): Promise<Digits> {
  if (!digitsPromise) {
    const url = `${import.meta.env.BASE_URL}${DIGITS_PATH}`;
    digitsPromise = fetch(url)
      .then((r) => {
        if (!r.ok) throw new Error(`The digits could not be loaded from ${url} (HTTP ${r.status}).`);
        return r.arrayBuffer();
      })
      .then(parseDigits)
      .catch((e: unknown) => {
        digitsPromise = null;
        throw e;
      });
  }
  return digitsPromise;
}

/** The pixels (in [0, 1], row-major) of the first image of class `label`, and its side. */
export function firstDigit(d: Digits, label: number): { pixels: Float32Array; side: number } {
  const size = d.width * d.height;
  for (let i = 0; i < d.count; i++) {
    if (d.labels[i] === label) return { pixels: d.images.subarray(i * size, (i + 1) * size), side: d.width };
  }
  throw new Error(`The digits file has no image of a ${label}.`);
}
