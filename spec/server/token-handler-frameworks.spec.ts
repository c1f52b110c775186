import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServerAdapter } from '@whatwg-node/server';
import express from 'express';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { createTokenHandler, type TokenHandler } from '../../src/server/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';

/** A framework app serving the handler at /api/video-token on 127.0.0.1, as the README mounts it. */
interface Mounted {
  url: string;
  close(): Promise<void>;
}
const mounts: Record<string, (handler: TokenHandler) => Promise<Mounted>> = {
  'Express 5 with express.json() before the mount': async (handler) => {
    const app = express();
    app.use(express.json());
    app.use('/api/video-token', createServerAdapter(handler));
    return listenExpress(app);
  },
  'Express 5 with express.json(), express.urlencoded() and express.text() before the mount': async (handler) => {
    const app = express();
    app.use(express.json(), express.urlencoded(), express.text());
    app.use('/api/video-token', createServerAdapter(handler));
    return listenExpress(app);
  },
  'Express 5 without a body parser': async (handler) => {
    const app = express();
    app.use('/api/video-token', createServerAdapter(handler));
    return listenExpress(app);
  },
  "Fastify 5 through @whatwg-node/server's documented route": async (handler) => {
    const app = Fastify();
    const adapter = createServerAdapter<{ req: FastifyRequest; reply: FastifyReply }>(handler);
    app.route({
      url: '/api/video-token',
      method: ['GET', 'POST', 'OPTIONS'],
      handler: (req, reply) => adapter.handleNodeRequestAndResponse(req, reply, { req, reply }),
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `${address}/api/video-token`, close: () => app.close() };
  },
};

async function listenExpress(app: ReturnType<typeof express>): Promise<Mounted> {
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/video-token`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

for (const [name, mount] of Object.entries(mounts)) {
  describe(`rx-bearer/server createTokenHandler in ${name} (real HTTP)`, () => {
    let api: ApiVideoTestServer;
    let handler: TokenHandler;
    let app: Mounted;
    beforeEach(async () => {
      api = await createApiVideoTestServer();
      handler = createTokenHandler({ apiKey: 'test-api-key', baseUrl: api.url, retry: { maxAttempts: 1 }, authorize: () => true, timeout: 3000 });
      app = await mount(handler);
    });
    afterEach(async () => {
      handler.dispose();
      await app.close();
      await api.close();
    });
    const ask = async (body: string) => {
      const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };

    it('answers a {} login with a token at once', async () => {
      const started = performance.now();
      const answer = await ask('{}');
      expect(answer.status).toBe(200);
      expect(typeof answer.json['access_token']).toBe('string');
      expect(performance.now() - started).toBeLessThan(1000);
      expect(api.counts['POST /auth/api-key']).toBe(1);
    });

    it('honours {refused}: a revoked token reported costs one refresh and is never handed back', async () => {
      const first = (await ask('{}')).json['access_token'] as string;
      api.revokeAll();
      const answer = await ask(JSON.stringify({ refused: first }));
      expect(answer.status).toBe(200);
      expect(answer.json['access_token']).not.toBe(first);
      expect(api.counts['POST /auth/refresh']).toBe(1);
    });

    it('refuses what a cross-site form can send (form-encoded, text/plain, multipart) with 415, whatever a middleware parsed (outside review, 2026-12-03)', async () => {
      // whatwg-node re-serialises a body a parser left in req.body as JSON, with a JSON content type: the client's is the one checked.
      const forms: Array<[string, string]> = [
        ['application/x-www-form-urlencoded', 'a=b'],
        ['text/plain', '{}'],
        ['multipart/form-data; boundary=x', '--x\r\ncontent-disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n'],
      ];
      for (const [type, body] of forms) {
        const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': type }, body, signal: AbortSignal.timeout(5000) });
        expect(response.status).withContext(type).toBe(415);
      }
      expect(api.counts['POST /auth/api-key']).toBeUndefined();
    });

    it('refuses a 9 KB body with 413, and a JSON array with 400', async () => {
      expect((await ask(JSON.stringify({ refused: 'x'.repeat(9000) }))).status).toBe(413);
      expect((await ask('[1,2]')).status).toBe(400);
      expect(api.counts['POST /auth/api-key']).toBeUndefined();
    });
  });
}

describe('rx-bearer/server createTokenHandler behind a middleware that reads the body and keeps nothing (Express 5, real HTTP)', () => {
  it('answers 400 at once instead of waiting for a stream that already ended', async () => {
    const api = await createApiVideoTestServer();
    const handler = createTokenHandler({ apiKey: 'test-api-key', baseUrl: api.url, authorize: () => true });
    const app = express();
    app.use((req, _res, next) => void req.on('data', () => {}).on('end', () => next()));
    app.use('/api/video-token', createServerAdapter(handler));
    const mounted = await listenExpress(app);
    try {
      const started = performance.now();
      const response = await fetch(mounted.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(5000) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { title: string }).title).toMatch(/already read by a middleware/);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(api.counts['POST /auth/api-key']).toBeUndefined();
    } finally {
      handler.dispose();
      await mounted.close();
      await api.close();
    }
  });
});
