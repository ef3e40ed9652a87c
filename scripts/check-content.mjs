#!/usr/bin/env node
// Compile every chapter in content/ and report the first error as file:line:col (exit 1), or
// one line per chapter (exit 0). Uses Vite's module runner so the TypeScript compiler runs as is.
import { runnerImport } from 'vite';

const { module } = await runnerImport('./src/content/vite-plugin.ts');
try {
  const chapters = module.compileContentDir('content', '/');
  for (const c of chapters) {
    const kb = (c.html.length / 1024).toFixed(0);
    console.log(`ok  ${c.slug.padEnd(28)} ${String(c.toc.length).padStart(3)} headings  ${String(c.widgets.length).padStart(2)} widgets  ${kb} KiB`);
  }
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
