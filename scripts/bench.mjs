#!/usr/bin/env node
/**
 * `npm run bench`: builds the site under /notebook/ into .bench-dist/, serves it on 127.0.0.1 with
 * the e2e tests' Pages-like server, measures it in headless Chromium, prints tables and writes the
 * same figures to bench-results.json. Targets are reported (target, measured, met), never asserted:
 * this is not a test and is not part of `npm test`.
 *
 *   node scripts/bench.mjs [--runs N] [--only pages,kde] [--presses N] [--no-build]
 *
 *   --runs N      cold page loads per page (default 5): medians and p95 are over these
 *   --only a,b    run only these suites (see scripts/bench/suites.mjs)
 *   --presses N   timed slider presses per backend in the kde suite (default 40, at least 30)
 *   --no-build    reuse .bench-dist/ from an earlier run
 *
 * The machine is shared and noisy and its WebGL is software (SwiftShader): compare the ratios to
 * the baselines measured in the same run rather than raw times between runs.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runnerImport } from 'vite';
import { renderTable } from './bench/lib.mjs';
import { suites } from './bench/suites.mjs';

const BASE = '/notebook/';
const OUT = '.bench-dist';
const RESULTS = 'bench-results.json';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    presses: { type: 'string', default: '40' },
    'no-build': { type: 'boolean', default: false },
  },
});
const runs = Number(flags.runs);
const presses = Number(flags.presses);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1.');
if (!Number.isInteger(presses) || presses < 30) throw new Error('--presses takes a whole number ≥ 30 (fewer makes p95 meaningless).');
const only = flags.only ? flags.only.split(',').map((s) => s.trim()).filter(Boolean) : null;
const unknown = (only ?? []).filter((n) => !suites.some((s) => s.name === n));
if (unknown.length) throw new Error(`Unknown suite ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}.`);
const chosen = suites.filter((s) => !only || only.includes(s.name));

const { module: browserModule } = await runnerImport('./test/e2e/browser.ts');
const { module: serverModule } = await runnerImport('./test/e2e/server.ts');
const chrome = browserModule.findChrome();
if (!chrome) throw new Error('No Chromium found: set CHROME_PATH or install Debian\'s chromium.');

if (!flags['no-build'] || !existsSync(`${OUT}/index.html`)) {
  console.log(`Building the site under ${BASE} into ${OUT}/ …`);
  const r = spawnSync('npx', ['vite', 'build', '--outDir', OUT, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit', env: { ...process.env, BASE_PATH: BASE, NODE_ENV: 'production' } });
  if (r.status !== 0) throw new Error('The build failed.');
}

const server = await serverModule.serveStatic(OUT, BASE);

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? null,
  node: process.version,
  // Debian's chromium wrapper script writes noise to stderr; only stdout is the version.
  chromium: execFileSync(chrome, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
  // How busy the shared machine was (1-minute load average, at start and end): context for the times.
  load: { start: loadavg()[0], end: NaN },
};
const started = new Date();
const ctx = {
  site: server.url,
  dist: OUT,
  runs,
  options: { runs, presses, only },
  launch: () => browserModule.launch(),
  log: (m) => console.log(`  … ${m}`),
};

// A suite that fails is reported and the others still run: a partial result beats none.
const results = {};
const failures = {};
try {
  for (const suite of chosen) {
    console.log(`Suite ${suite.name}: ${suite.description}`);
    try {
      results[suite.name] = await suite.run(ctx);
    } catch (e) {
      failures[suite.name] = e instanceof Error ? e.stack ?? e.message : String(e);
      console.error(`Suite ${suite.name} failed: ${failures[suite.name]}`);
    }
  }
} finally {
  await server.close();
}

machine.load.end = loadavg()[0];
console.log(`\n${machine.chromium}, ${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, load average ${machine.load.start.toFixed(1)} → ${machine.load.end.toFixed(1)}; site at ${server.url}\n`);
for (const r of Object.values(results)) for (const t of r.tables) console.log(`${renderTable(t)}\n`);
const targets = Object.values(results).flatMap((r) => r.targets);
console.log(renderTable({
  title: 'Targets (reported, not asserted)',
  columns: ['target', 'measured', 'met'],
  rows: targets.map((t) => ({ target: t.target, measured: t.measured, met: t.met ? 'yes' : 'NO' })),
}));

writeFileSync(RESULTS, `${JSON.stringify({ started: started.toISOString(), seconds: (Date.now() - started) / 1000, machine, options: ctx.options, suites: results, failures }, null, 2)}\n`);
console.log(`\nWrote ${RESULTS}.`);
if (Object.keys(failures).length) {
  console.error(`Failed suites: ${Object.keys(failures).join(', ')}.`);
  process.exit(1);
}
