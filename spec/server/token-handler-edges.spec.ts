import { createServerAdapter } from '@whatwg-node/server';
import { VirtualTimeScheduler } from 'rxjs';
import { createTokenHandler, type TokenHandler } from '../../src/server/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';

const CHUNK = 65_536;
const LIMIT = 8192;

/** A body this spec controls: `total` bytes in chunks of `chunk`, counting what the handler pulled out of it. */
function countedBody(total: number, chunk = CHUNK, fill = 0x20) {
  const counted = { given: 0, cancelled: false };
  const bytes = new Uint8Array(chunk).fill(fill);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counted.given >= total) return controller.close();
        const next = bytes.subarray(0, Math.min(chunk, total - counted.given));
        counted.given += next.byteLength;
        controller.enqueue(next);
      },
      cancel() {
        counted.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counted };
}

const post = (body: BodyInit | ReadableStream<Uint8Array>, init: RequestInit = {}) =>
  new Request('http://app.example/api/video-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half', ...init } as RequestInit);

/** Resolves once every microtask and pending I/O callback so far has run. */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('rx-bearer/server createTokenHandler at its edges', () => {
  let api: ApiVideoTestServer;
  const handlers: TokenHandler[] = [];
  const make = (options: Partial<Parameters<typeof createTokenHandler>[0]> = {}) => {
    const handler = createTokenHandler({ apiKey: 'test-api-key', baseUrl: api.url, retry: { maxAttempts: 1 }, authorize: () => true, ...options });
    handlers.push(handler);
    return handler;
  };
  beforeEach(async () => (api = await createApiVideoTestServer()));
  afterEach(async () => {
    for (const handler of handlers.splice(0)) handler.dispose();
    await api.close();
  });

  describe('checks before it reads', () => {
    it('answers a 256 MiB body from an unauthorized caller 401 having pulled at most one chunk of it, and calls authorize() before reading', async () => {
      const { stream, counted } = countedBody(256 * 2 ** 20);
      let pulledWhenAuthorized = -1;
      const handler = make({ authorize: () => ((pulledWhenAuthorized = counted.given), false) });
      const response = await handler(post(stream));
      expect(response.status).toBe(401);
      expect(pulledWhenAuthorized).toBeLessThanOrEqual(CHUNK);
      expect(counted.given).toBeLessThanOrEqual(CHUNK);
      expect(api.counts['POST /auth/api-key']).toBeUndefined();
    });

    it('answers a 256 MiB body from an authorized caller 413 having read at most the limit plus one chunk, and cancels the stream', async () => {
      const { stream, counted } = countedBody(256 * 2 ** 20);
      const response = await make()(post(stream));
      expect(response.status).toBe(413);
      expect(counted.given).toBeLessThanOrEqual(LIMIT + CHUNK);
      expect(counted.cancelled).toBeTrue();
      expect(api.counts['POST /auth/api-key']).toBeUndefined();
    });

    it('counts bytes, not characters, as the body streams in small chunks', async () => {
      const json = (euros: number) => new TextEncoder().encode(JSON.stringify({ refused: '€'.repeat(euros) }));
      const stream = (bytes: Uint8Array) => {
        let at = 0;
        return new ReadableStream<Uint8Array>({ pull: (c) => (at >= bytes.length ? c.close() : c.enqueue(bytes.subarray(at, (at += 100)))) });
      };
      const over = json(2800); // 2,815 characters, 8,415 bytes
      const under = json(2700); // 8,115 bytes
      expect(new TextDecoder().decode(over).length).toBeLessThan(LIMIT);
      const handler = make();
      expect((await handler(post(stream(over)))).status).toBe(413);
      expect((await handler(post(stream(under)))).status).toBe(200);
    });

    it('refuses an announced Content-Length over the limit after authorize(), reading nothing', async () => {
      const { stream, counted } = countedBody(10_000);
      const response = await make()(post(stream, { headers: { 'content-type': 'application/json', 'content-length': '10000' } }));
      expect(response.status).toBe(413);
      expect(counted.given).toBeLessThanOrEqual(CHUNK);
    });

    it('over HTTP: a 256 MiB body from an unauthorized caller is answered 401 at once, and the server holds none of it', async () => {
      const handler = make({ authorize: () => false });
      api.mount('/api/video-token', createServerAdapter(handler));
      const { stream, counted } = countedBody(256 * 2 ** 20);
      const rss = process.memoryUsage().rss;
      const started = performance.now();
      const response = await fetch(`${api.url}/api/video-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
      expect(response.status).toBe(401);
      await response.text();
      expect(performance.now() - started).toBeLessThan(2000);
      // What the client pushed into the socket buffers before the answer, not what the server kept.
      expect(counted.given).toBeLessThan(32 * 2 ** 20);
      expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 2 ** 20);
    });

    it('over HTTP: a body sent at 1 byte per 200 ms is cut off at the handler\'s deadline', async () => {
      const handler = make({ timeout: 1000 });
      api.mount('/api/video-token', createServerAdapter(handler));
      let timer: NodeJS.Timeout | undefined;
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => void (timer = setInterval(() => controller.enqueue(new Uint8Array([0x20])), 200)),
        cancel: () => clearInterval(timer),
      });
      const started = performance.now();
      try {
        const response = await fetch(`${api.url}/api/video-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
        const elapsed = performance.now() - started;
        expect(response.status).toBe(503);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(elapsed).toBeGreaterThanOrEqual(950);
        expect(elapsed).toBeLessThan(2000);
        await response.body?.cancel();
      } finally {
        clearInterval(timer);
      }
    });
  });

  describe('a deadline of its own', () => {
    it('answers 503 problem JSON at its default deadline of 10 s (virtual time), with api.video\'s login hanging', async () => {
      const scheduler = new VirtualTimeScheduler();
      const hanging: typeof fetch = (_input, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true }));
      const handler = make({ scheduler, fetch: hanging, retry: { maxAttempts: 10 } });
      let answer: Response | undefined;
      void handler(post('{}')).then((response) => (answer = response));
      await turns();
      scheduler.maxFrames = 9_999;
      scheduler.flush();
      await turns();
      expect(answer).toBeUndefined();
      scheduler.maxFrames = 10_000;
      scheduler.flush();
      await turns();
      expect(answer?.status).toBe(503);
      expect(answer?.headers.get('content-type')).toBe('application/problem+json');
      expect(await answer?.json()).toEqual({ type: 'about:blank', title: 'The token service did not answer in time', status: 503 });
    });

    it('answers 20 browsers 503 at its deadline over HTTP while the login hangs, then serves them once api.video answers', async () => {
      const handler = make({ timeout: 800 });
      api.mount('/api/video-token', createServerAdapter(handler));
      api.fail('POST /auth/api-key', { hang: true, count: 100 });
      const started = performance.now();
      const ask = () => fetch(`${api.url}/api/video-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const answers = await Promise.all(Array.from({ length: 20 }, ask));
      const elapsed = performance.now() - started;
      expect(answers.map((response) => response.status)).toEqual(Array(20).fill(503));
      expect(elapsed).toBeLessThan(1800);
      await Promise.all(answers.map((response) => response.text()));
    });

    it('stops waiting when the caller gives up (request.signal over HTTP), leaving nothing unhandled', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const handler = make(); // the default 10 s deadline
        const settled: number[] = [];
        api.mount(
          '/api/video-token',
          createServerAdapter((request: Request, context: unknown) => {
            const started = performance.now();
            return handler(request, context).finally(() => settled.push(performance.now() - started));
          }),
        );
        api.fail('POST /auth/api-key', { hang: true, count: 100 });
        const gaveUp = fetch(`${api.url}/api/video-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(300) });
        await expectAsync(gaveUp).toBeRejected();
        const deadline = performance.now() + 1500;
        while (settled.length === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(settled.length).toBe(1);
        expect(settled[0]).toBeLessThan(1000);
        handler.dispose();
        await turns(10);
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('rejects a timeout that is not a positive finite number of ms, naming the option', () => {
      for (const timeout of [0, -1, Number.NaN, Infinity, '5000', null]) {
        expect(() => createTokenHandler({ apiKey: 'k', authorize: () => true, timeout: timeout as never }))
          .withContext(String(timeout))
          .toThrowError(TypeError, /"timeout"/);
      }
    });
  });

  describe('corsOrigins', () => {
    it('refuses plain http off loopback and any wildcard at creation, naming the option', () => {
      for (const origin of ['http://app.example.com', 'http://10.0.0.2:8080', 'https://*.example', '*', 'http://*.localhost', 'ftp://app.example']) {
        expect(() => createTokenHandler({ apiKey: 'k', authorize: () => true, corsOrigins: [origin] }))
          .withContext(origin)
          .toThrowError(TypeError, /"corsOrigins"/);
      }
    });

    it('accepts https origins and http ones on loopback', () => {
      const handler = createTokenHandler({
        apiKey: 'k',
        authorize: () => true,
        corsOrigins: ['https://app.example.com', 'http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:5173'],
      });
      handler.dispose();
    });
  });

  describe('an API key given at the first request', () => {
    it('is created without the key (as a build evaluates the module), answers 500 without it, and works once it is there', async () => {
      const env: { APIVIDEO_API_KEY?: string } = {};
      const handler = make({ apiKey: () => env.APIVIDEO_API_KEY });
      const missing = await handler(post('{}'));
      expect(missing.status).toBe(500);
      expect(await missing.json()).toEqual({ type: 'about:blank', title: 'The token endpoint has no API key', status: 500 });
      expect(api.counts['POST /auth/api-key']).toBeUndefined();
      env.APIVIDEO_API_KEY = 'test-api-key';
      const answer = await handler(post('{}'));
      expect(answer.status).toBe(200);
      expect(await answer.text()).not.toContain('test-api-key');
      expect(api.counts['POST /auth/api-key']).toBe(1);
    });

    it('still checks the other options at creation', () => {
      expect(() => createTokenHandler({ apiKey: () => undefined, baseUrl: 'not a url', authorize: () => true })).toThrowError(TypeError, /"baseUrl"/);
      expect(() => createTokenHandler({ apiKey: '', authorize: () => true })).toThrowError(TypeError, /"apiKey"/);
    });
  });
});
