import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { contentPlugin } from './src/content/vite-plugin.ts';

/** The site's base path: "/" locally, "/<repo>/" on GitHub Pages (set BASE_PATH when building). */
function basePath(): string {
  const raw = process.env.BASE_PATH?.trim();
  if (!raw) return '/';
  return `/${raw.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
}

export default defineConfig({
  base: basePath(),
  plugins: [react(), contentPlugin({ dir: process.env.CONTENT_DIR ?? 'content', routes: ['gallery'] })],
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
