/**
 * The benchmark's suites, in the order they run. To add one (GAN iterations/s and frame times,
 * VAE steps/s, diffusion training and sampling time, metrics latency, …), write
 * scripts/bench/<name>.mjs exporting by default
 *
 *   { name, description, async run(ctx) → { tables, targets, data } }
 *
 * and list it here. `ctx` holds: site (the served URL, ending in the base path), dist (the built
 * folder), runs (--runs), options (all parsed flags), launch() (a fresh headless Chromium with its
 * own profile: `{ context, close }`), log(message). `tables` are printed ({ title, columns, rows,
 * notes }), `targets` ({ target, measured, met }) are reported and never asserted, and everything
 * goes into bench-results.json. lib.mjs has statistics, gzip sizes and a frame-time recorder.
 */
import pages from './pages.mjs';
import kde from './kde.mjs';
import gan from './gan.mjs';
import vae from './vae.mjs';
import diffusion from './diffusion.mjs';
import metrics from './metrics.mjs';

export const suites = [pages, kde, gan, vae, diffusion, metrics];
