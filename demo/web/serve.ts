// npm run demo:web: the browser demo. Serves on 127.0.0.1 a page that loads
// the browser build of rx-bearer (dist/browser.mjs) and talks to the embedded
// api.video-compatible server; the page's buttons drive the server's tricks.
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiVideoTestServer } from '../../src/testing/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const DEMO_KEY = 'web-demo-api-key';
const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json' };

/** URL prefixes served from folders; ES modules without an extension get '.js' tried (rxjs' ESM build imports that way). */
const folders: Array<[string, string]> = [
  ['/vendor/rxjs/', 'node_modules/rxjs/dist/esm/'],
  ['/vendor/jwt-decode/', 'node_modules/jwt-decode/build/esm/'],
  ['/vendor/tslib/', 'node_modules/tslib/'],
  ['/dist/', 'dist/'],
];
/** The page itself: named files only, so this file (which names the key) is never served from the same folder. */
const pageFiles: Record<string, string> = { '/': 'demo/web/index.html', '/index.html': 'demo/web/index.html', '/app.js': 'demo/web/app.js' };

async function serveFile(res: ServerResponse, pathname: string): Promise<void> {
  const page = pageFiles[pathname];
  const entry = page === undefined ? folders.find(([start]) => pathname.startsWith(start)) : undefined;
  if (page === undefined && entry === undefined) return void res.writeHead(404).end('not found');
  const base = join(root, entry?.[1] ?? '');
  const wanted = page === undefined ? normalize(join(base, pathname.slice(entry![0].length))) : join(root, page);
  if (!wanted.startsWith(base.endsWith(sep) ? base : base + sep)) return void res.writeHead(403).end();
  for (const candidate of page === undefined ? [wanted, `${wanted}.js`, join(wanted, 'index.js')] : [wanted]) {
    const body = await readFile(candidate).catch(() => undefined);
    if (body) return void res.writeHead(200, { 'content-type': types[extname(candidate)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  }
  res.writeHead(404).end('not found');
}

export async function startWebDemo({ port = 0, ttl = 8 } = {}) {
  const api = await createApiVideoTestServer({ apiKey: DEMO_KEY, ttl, cors: true });
  const stats = () => ({ logins: api.counts['POST /auth/api-key'] ?? 0, refreshes: api.counts['POST /auth/refresh'] ?? 0, unauthorized: api.unauthorized });
  const control: Record<string, () => unknown> = {
    // A new page starts clean: failures armed by an earlier page's buttons do not carry over.
    'GET /config': () => (api.reset(), { apiUrl: api.url, apiKey: DEMO_KEY, ttl }),
    'GET /stats': stats,
    'POST /control/revoke': () => (api.revokeAll(), stats()),
    'POST /control/fail-auth': () => (api.fail('POST /auth/refresh', { status: 503, count: 3 }), api.fail('POST /auth/api-key', { status: 503, count: 3 }), stats()),
  };
  const http = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const action = control[`${req.method} ${pathname}`];
    if (action) return void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(action()));
    if (req.method !== 'GET') return void res.writeHead(405).end();
    serveFile(res, pathname).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  return {
    url,
    api,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await api.close();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const demo = await startWebDemo({ port: Number(process.env['PORT'] ?? 0) });
  process.stdout.write(`rx-bearer web demo: ${demo.url}  (api.video-compatible server at ${demo.api.url}; Ctrl-C to stop)\n`);
  const stop = () => void demo.close().then(() => process.exit(0));
  process.on('SIGINT', stop).on('SIGTERM', stop);
}
