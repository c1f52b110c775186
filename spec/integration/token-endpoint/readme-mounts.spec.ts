import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServerAdapter } from '@whatwg-node/server';
import express from 'express';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/index.js';

/**
 * The README's token-handler.mjs, verbatim, run from the built package
 * ('rx-bearer/server') as an app imports it: evaluated without
 * APIVIDEO_API_KEY, as `next build` or Angular SSR route extraction
 * evaluates it, then mounted as the README mounts it.
 */
describe("README's token endpoint module (the built package)", () => {
  let api: ApiVideoTestServer;
  let tokenHandler: ((request: Request, context?: unknown) => Promise<Response>) & { dispose(): void };
  const saved = { key: process.env['APIVIDEO_API_KEY'], base: process.env['APIVIDEO_BASE_URL'] };
  const post = (url: string, cookie = 'session=ok') =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}', signal: AbortSignal.timeout(5000) });

  beforeAll(async () => {
    api = await createApiVideoTestServer();
    delete process.env['APIVIDEO_API_KEY'];
    process.env['APIVIDEO_BASE_URL'] = api.url;
    const module = './token-handler.mjs'; // a path in a variable: the .mjs has no declarations, on purpose (it is the README's JS)
    ({ tokenHandler } = (await import(module)) as { tokenHandler: typeof tokenHandler });
  });
  afterAll(async () => {
    tokenHandler?.dispose();
    await api.close();
    for (const [name, value] of [['APIVIDEO_API_KEY', saved.key], ['APIVIDEO_BASE_URL', saved.base]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('is shown verbatim in the token endpoint guide', async () => {
    const [readme, module] = await Promise.all([readFile('docs/guides/token-endpoint.md', 'utf8'), readFile('spec/integration/token-endpoint/token-handler.mjs', 'utf8')]);
    expect(readme.includes(module.trim())).toBeTrue();
  });

  it('evaluates without the key, fails the first request clearly (500, never the key), then works once the key is set, in Express with express.json(), node:http and a Next.js route handler', async () => {
    const app = express();
    app.use(express.json());
    app.use('/api/video-token', createServerAdapter(tokenHandler));
    const servers: Server[] = [app.listen(0, '127.0.0.1'), createServer(createServerAdapter(tokenHandler)).listen(0, '127.0.0.1')];
    await Promise.all(servers.map((server) => new Promise((resolve) => (server.listening ? resolve(null) : server.once('listening', resolve)))));
    const urls = servers.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/video-token`);
    // app/api/video-token/route.js, as the README writes it
    const POST = (request: Request) => tokenHandler(request);
    const nextCall = (cookie = 'session=ok') =>
      POST(new Request('http://app.example/api/video-token', { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' }));
    try {
      for (const response of [...(await Promise.all(urls.map((url) => post(url)))), await nextCall()]) {
        expect(response.status).toBe(500);
        expect(await response.json()).toEqual({ type: 'about:blank', title: 'The token endpoint has no API key', status: 500 });
      }
      expect((await post(urls[0]!, 'session=none')).status).toBe(401);
      process.env['APIVIDEO_API_KEY'] = 'test-api-key';
      const answers = [...(await Promise.all(urls.map((url) => post(url)))), await nextCall()];
      expect(answers.map((response) => response.status)).toEqual([200, 200, 200]);
      const tokens = await Promise.all(answers.map(async (response) => ((await response.json()) as { access_token: string }).access_token));
      expect(new Set(tokens).size).toBe(1);
      expect(api.counts['POST /auth/api-key']).toBe(1);
    } finally {
      for (const server of servers) server.closeAllConnections(), server.close();
    }
  });
});
