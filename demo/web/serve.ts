// npm run demo:web: the browser demo. Serves on 127.0.0.1 a page that loads
// the browser build of rx-bearer (dist/browser.mjs). The page gets its tokens
// from this server's token endpoint (rx-bearer/server's createTokenHandler),
// which holds the API key and talks to the embedded api.video-compatible
// server; the page calls that API server directly with the tokens, as a page
// calls ws.api.video. The page's buttons drive the API server's tricks.
import { createServerAdapter } from '@whatwg-node/server';
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTokenHandler } from '../../src/server/index.js';
import { createApiVideoTestServer } from '../../src/testing/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Known to this process only: no answer to the page contains it (spec/integration/browser/web-demo.spec.ts scans them all). */
const DEMO_KEY = 'web-demo-api-key';
const TOKEN_PATH = '/api/video-token';
/** The most auth-log entries one answer carries; a page further behind gets the rest at its next poll. */
const LOG_PAGE = 100;
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
  const apiStarted = Date.now(); // the API server's log times count from about now
  const api = await createApiVideoTestServer({ apiKey: DEMO_KEY, ttl, cors: true });
  let origins: string[] = [];
  const tokenHandler = createTokenHandler({
    apiKey: DEMO_KEY,
    baseUrl: api.url,
    retry: { maxDelay: 4000 },
    // The demo's policy, not a login: a browser sets Origin itself on every POST and no page can
    // forge it, so this lets in pages served by this demo and refuses every other site's (a page on
    // the web POSTing to 127.0.0.1, or one reached through DNS rebinding). It does not tell people
    // apart: any program on this machine can send that header. That is enough here, on loopback
    // with a made-up key for a fake API server; a real app checks its own session (README, "The server half").
    authorize: (request) => origins.includes(request.headers.get('origin') ?? ''),
  });
  const tokenEndpoint = createServerAdapter(tokenHandler);

  /** Bumped by every /config: a page polling with an older one is told that a newer page reset the log. */
  let epoch = 0;
  /** The API server's auth calls from index `since` on (login or refresh, status, how long ago), as the page draws them. */
  const authLog = (since: number) => {
    const log = api.log;
    const entries: Array<{ kind: string; status: number; ago: number }> = [];
    let next = since;
    for (; next < log.length && entries.length < LOG_PAGE; next++) {
      const { path, status, time } = log[next]!;
      if (path === '/auth/api-key' || path === '/auth/refresh') {
        entries.push({ kind: path === '/auth/api-key' ? 'login' : 'refresh', status, ago: Math.max(0, Date.now() - apiStarted - time) });
      }
    }
    return { entries, next };
  };

  const stats = () => ({ logins: api.counts['POST /auth/api-key'] ?? 0, refreshes: api.counts['POST /auth/refresh'] ?? 0, unauthorized: api.unauthorized });
  const control: Record<string, (query: URLSearchParams) => [number, unknown]> = {
    // A new page starts clean: failures armed by an earlier page's buttons do not carry over, nor does the log.
    // The token endpoint's session does: it is the server's, shared by every page, as in an app.
    'GET /config': () => (api.reset(), [200, { apiUrl: api.url, tokenUrl: TOKEN_PATH, ttl, epoch: ++epoch }]),
    'GET /auth-log': (query) => {
      if (query.get('epoch') !== String(epoch)) return [410, { error: 'a newer page reset the demo' }];
      const since = Number(query.get('since'));
      if (!Number.isSafeInteger(since) || since < 0 || since > api.log.length) return [400, { error: '"since" must be an index the last answer gave' }];
      return [200, authLog(since)];
    },
    'GET /stats': () => [200, stats()],
    'POST /control/revoke': () => (api.revokeAll(), [200, stats()]),
    'POST /control/fail-auth': () => (api.fail('POST /auth/refresh', { status: 503, count: 3 }), api.fail('POST /auth/api-key', { status: 503, count: 3 }), [200, stats()]),
  };
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === TOKEN_PATH) return void tokenEndpoint(req, res);
    const action = control[`${req.method} ${url.pathname}`];
    if (action) {
      const [status, body] = action(url.searchParams);
      return void res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    }
    if (req.method !== 'GET') return void res.writeHead(405).end();
    serveFile(res, url.pathname).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const { port: actualPort } = http.address() as AddressInfo;
  const url = `http://127.0.0.1:${actualPort}/`;
  origins = [`http://127.0.0.1:${actualPort}`, `http://localhost:${actualPort}`];
  return {
    url,
    api,
    async close() {
      tokenHandler.dispose();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await api.close();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const demo = await startWebDemo({ port: Number(process.env['PORT'] ?? 0) });
  process.stdout.write(`rx-bearer web demo: ${demo.url}  (token endpoint ${demo.url.slice(0, -1)}${TOKEN_PATH}; api.video-compatible server at ${demo.api.url}; Ctrl-C to stop)\n`);
  const stop = () => void demo.close().then(() => process.exit(0));
  process.on('SIGINT', stop).on('SIGTERM', stop);
}
