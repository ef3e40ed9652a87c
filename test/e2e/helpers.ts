import { readdirSync, existsSync } from 'node:fs';
import { inject } from 'vitest';

/** The site URL (with its base path) served by global-setup. */
export const site = () => inject('siteUrl');
export const origin = () => new URL(inject('siteUrl')).origin;

/** Slugs of the chapters and pages that were built (one folder each). */
export function builtSlugs(): string[] {
  const dir = `${process.env.E2E_DIST ?? 'dist-test'}/chapters`;
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Slugs the content folder defines, for checking that every one was built. */
export function contentSlugs(): string[] {
  const dir = process.env.CONTENT_DIR ?? 'content';
  return readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => f.replace(/\.md$/, '').replace(/^\d+[-_]/, '')).sort();
}
