/**
 * Serves the built site (built by scripts/test.mjs into dist-test under E2E_BASE) for the e2e
 * project. Tests read the URL with inject('siteUrl').
 */
import type { TestProject } from 'vitest/node';
import { existsSync } from 'node:fs';
import { serveStatic } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
    siteBase: string;
  }
}

export default async function setup(project: TestProject) {
  const root = process.env.E2E_DIST ?? 'dist-test';
  const base = process.env.E2E_BASE ?? '/notebook/';
  if (!existsSync(`${root}/index.html`)) throw new Error(`No built site in ${root}: run the tests with \`npm test\`, which builds it first.`);
  const server = await serveStatic(root, base);
  project.provide('siteUrl', server.url);
  project.provide('siteBase', base);
  return () => server.close();
}
