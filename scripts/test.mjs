#!/usr/bin/env node
/**
 * `npm test`: unit tests (Node) and end-to-end tests (headless Chromium against the built site,
 * served under a sub-path as on GitHub Pages), then one line `N passed, N failed` counting both.
 *
 *   node scripts/test.mjs             everything
 *   node scripts/test.mjs --unit-only
 *   node scripts/test.mjs --e2e-only  (still builds the site first)
 *
 * A browser is found at CHROME_PATH or as chromium / chromium-browser / google-chrome; on Debian,
 * as root, Debian's chromium is installed with apt when none is there. Browsers are never
 * downloaded by Playwright.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { runnerImport } from 'vite';

const args = new Set(process.argv.slice(2));
const unit = !args.has('--e2e-only');
const e2e = !args.has('--unit-only');
const BASE = '/notebook/';
const OUT = 'dist-test';
const RESULTS = 'test-results.json';

function run(cmd, argv, env = {}) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

async function ensureChrome() {
  const { module } = await runnerImport('./test/e2e/browser.ts');
  let found = module.findChrome();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log('No Chromium found: installing Debian\'s chromium with apt-get …');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { DEBIAN_FRONTEND: 'noninteractive' });
    found = module.findChrome();
  }
  return found;
}

let extraFailures = 0;
const projects = [];
if (unit) projects.push('--project', 'unit');
if (e2e) {
  const chrome = await ensureChrome();
  if (!chrome) {
    console.error('No Chromium is available and it could not be installed: the end-to-end tests will fail. Set CHROME_PATH to a Chrome or Chromium binary.');
  } else {
    console.log(`Browser: ${chrome}`);
  }
  console.log(`Building the site under ${BASE} into ${OUT}/ …`);
  // NODE_ENV must be production for the build: an inherited "test" or "development" (from a test
  // runner or a shell) would bundle React's development build.
  const status = run('npx', ['vite', 'build', '--outDir', OUT, '--emptyOutDir', '--logLevel', 'warn'], { BASE_PATH: BASE, NODE_ENV: 'production' });
  if (status !== 0) {
    console.error('The build failed, so the end-to-end tests cannot run.');
    extraFailures += 1;
  } else {
    projects.push('--project', 'e2e');
  }
}

rmSync(RESULTS, { force: true });
let status = 0;
if (projects.length) {
  status = run('npx', ['vitest', 'run', ...projects, '--reporter=default', '--reporter=json', `--outputFile.json=${RESULTS}`], { E2E_DIST: OUT, E2E_BASE: BASE });
}

let passed = 0;
let failed = extraFailures;
if (existsSync(RESULTS)) {
  const r = JSON.parse(readFileSync(RESULTS, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0);
  // A file that fails to load runs no tests but must still count as a failure.
  for (const f of r.testResults ?? []) if (f.status === 'failed' && (f.assertionResults ?? []).length === 0) failed += 1;
} else if (projects.length) {
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || status !== 0 ? 1 : 0);
