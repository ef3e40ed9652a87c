/**
 * A static server with GitHub Pages' rules, for the end-to-end tests and the benchmark: the site
 * lives under a base path; a folder serves its index.html (a folder without its trailing slash
 * redirects to it); anything else gets 404.html with status 404.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.bin': 'application/octet-stream',
};

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

export interface StaticServer {
  url: string;
  close: () => Promise<void>;
}

/** Serve `root` at http://127.0.0.1:<port><base>. */
export async function serveStatic(root: string, base: string, port = 0): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path = decodeURIComponent(url.pathname);
    const send = async (file: string, status = 200) => {
      const body = await readFile(file);
      res.writeHead(status, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(body);
    };
    if (!path.startsWith(base)) {
      if (path === base.replace(/\/$/, '')) {
        res.writeHead(301, { location: base });
        res.end();
        return;
      }
      await send(join(root, '404.html'), 404);
      return;
    }
    const rest = path.slice(base.length);
    path = rest === '' ? '' : normalize(rest).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path);
    if (await isFile(file)) return send(file);
    if (!path.endsWith('/') && path !== '' && (await isFile(join(file, 'index.html')))) {
      res.writeHead(301, { location: `${url.pathname}/${url.search}` });
      res.end();
      return;
    }
    if (await isFile(join(file, 'index.html'))) return send(join(file, 'index.html'));
    await send(join(root, '404.html'), 404);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const p = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${p}${base}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
