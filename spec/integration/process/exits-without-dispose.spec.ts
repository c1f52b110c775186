import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/index.js';

/**
 * Node scripts (child processes) that use the built package ('rx-bearer' resolves to dist/) and never call
 * dispose(): each must exit on its own. Moved from the lifetime specs, which run in-process on src/.
 */
const run = promisify(execFile);

describe('lifetime and politeness over HTTP', () => {
  let server: ApiVideoTestServer;

  beforeEach(async () => {
    server = await createApiVideoTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('a Node script that makes two requests and never calls dispose() exits within a second of its last request', async () => {
    const script = `
      const { createBearerAuth } = await import('rx-bearer');
      const { firstValueFrom } = await import('rxjs');
      const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: process.env.BASE_URL });
      await firstValueFrom(auth.json('/videos'));
      await firstValueFrom(auth.json('/videos'));
      const last = Date.now();
      process.on('exit', () => console.log(JSON.stringify({ afterLast: Date.now() - last })));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, BASE_URL: server.url }, timeout: 20_000 });
    expect(JSON.parse(stdout).afterLast).toBeLessThan(1000); // a one-hour token: its refresh timer would have held the process
    expect(server.counts['GET /videos']).toBe(2);
  }, 30_000);
});

describe('review of issue 13 (over HTTP)', () => {
  let server: ApiVideoTestServer;

  beforeEach(async () => {
    server = await createApiVideoTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const exitsAfterLast = async (body: string) => {
    const script = `
      const { createBearerAuth } = await import('rx-bearer');
      const { firstValueFrom } = await import('rxjs');
      const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: process.env.BASE_URL, refreshLeadTime: 1500, requestTimeout: 1000 });
      ${body}
      const last = Date.now();
      process.on('exit', () => console.log(JSON.stringify({ afterLast: Date.now() - last })));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, BASE_URL: server.url }, timeout: 20_000 }).catch(
      // Killed at the timeout: it never exited.
      (error: { killed?: boolean; stdout?: string }) => ({ stdout: error.killed ? JSON.stringify({ afterLast: 1e9 }) : error.stdout ?? '' }),
    );
    return (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { afterLast: number }).afterLast;
  };

  it('a script whose only request was aborted while the login hangs exits, and sends no more logins', async () => {
    server.fail('POST /auth/api-key', { hang: true, count: 100 });
    const afterLast = await exitsAfterLast(`
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('the user left')), 200);
      await firstValueFrom(auth.json('/videos', { signal: controller.signal })).catch(() => undefined);
    `);
    // Was: the process lives ~52 s more (5 logins of 10 s timeouts), killed here at 20 s.
    expect(afterLast).toBeLessThan(2000);
    expect(server.counts['POST /auth/api-key']).toBe(1);
  }, 30_000);

  it('a script whose last request started a background refresh-ahead that hangs still exits', async () => {
    server.ttl = 2;
    server.fail('POST /auth/refresh', { hang: true, count: 100 }); // the first auth call is a login: only the refresh hangs
    const afterLast = await exitsAfterLast(`
      await firstValueFrom(auth.json('/videos'));
      await new Promise((resolve) => setTimeout(resolve, 1300)); // inside the 1.5 s lead window of a 2 s token
      await firstValueFrom(auth.json('/videos')); // succeeds with the old token, starts the refresh-ahead
    `);
    // Was: retried 5 times with its timeouts (~55 s). Now the refresh on the wire may finish (its refresh token may
    // be spent), within requestTimeout (1 s here), and is not retried once nobody wants a token.
    expect(afterLast).toBeLessThan(3000);
    expect(server.counts['GET /videos']).toBe(2);
    expect(server.counts['POST /auth/refresh']).toBe(1);
  }, 30_000);
});
