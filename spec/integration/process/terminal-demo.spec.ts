import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);
const demo = (args: string[] = [], env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'demo/terminal.ts', ...args], { timeout: 45_000, env: { ...process.env, ...env } });

describe("npm run demo (the README's first command), piped", () => {
  it('tells the five chapters as a plain-text timeline and ends by itself with the expected counts', async () => {
    const started = Date.now();
    const { stdout } = await demo([], { FORCE_COLOR: '1' }); // piped: no colour even so
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stdout).not.toMatch(/\x1b\[/);
    for (const chapter of ['1. Cold start', '2. Timer refreshes', '3. Revocation storm', '4. Auth outage', '5. The refresh token is rejected']) {
      expect(stdout).toContain(chapter);
    }
    expect(stdout).toMatch(/^ +time +token\$ +state\$ +auth calls +requests$/m);
    expect(stdout).toContain('50 × GET /videos → 50 ok');
    expect(stdout).toContain('30 × GET /videos → 30 ok');
    const summary = /summary: logins (\d+), refreshes (\d+), 401s (\d+), requests ok (\d+), failed (\d+)/.exec(stdout);
    expect(summary).not.toBeNull();
    const [logins, refreshes, unauthorized, ok, failed] = summary!.slice(1).map(Number);
    expect(logins).toBe(2); // the cold start, and after the rejected refresh token
    expect(refreshes).toBeGreaterThanOrEqual(7); // timer refreshes, the storm's one, three 503s and their success, the rejected one
    expect(unauthorized).toBe(30); // exactly the storm's requests, each resent once
    expect(ok).toBeGreaterThanOrEqual(100);
    expect(failed).toBe(0);
  }, 50_000);

  it('--oauth2 tells the same story with a client-credentials source against the embedded oidc-provider', async () => {
    const { stdout, stderr } = await demo(['--oauth2']);
    expect(stdout).toContain('an embedded oidc-provider at http://127.0.0.1:');
    for (const chapter of ['1. Cold start', '2. Timer refreshes', '3. Revocation storm', '4. Auth outage', '5. The token endpoint answers 429']) expect(stdout).toContain(chapter);
    expect(stdout).toContain('50 × GET /videos → 50 ok');
    expect(stdout).toContain('30 × GET /videos → 30 ok');
    const summary = /401s (\d+), requests ok (\d+), failed (\d+), token requests at the authorization server (\d+)/.exec(stdout);
    expect(summary).not.toBeNull();
    const [unauthorized, ok, failed, tokenRequests] = summary!.slice(1).map(Number);
    expect(unauthorized).toBe(30); // the storm's requests, each resent once with one new token
    expect(failed).toBe(0);
    expect(ok).toBeGreaterThanOrEqual(100);
    // cold start, 1-2 timer renewals, the storm's one, the outage's success, chapter 5's: one request per renewal.
    expect(tokenRequests).toBeGreaterThanOrEqual(5);
    expect(tokenRequests).toBeLessThanOrEqual(7);
    expect(stdout + stderr).not.toContain('se+cr%et');
  }, 50_000);

  for (const [label, args, env, message] of [
    ['a bad flag', ['--colour'], {}, /^demo: Unknown option '--colour'/],
    ['--base-url without APIVIDEO_API_KEY', ['--base-url', 'https://sandbox.api.video'], { APIVIDEO_API_KEY: '' }, /^demo: APIVIDEO_API_KEY is not set/],
  ] as const) {
    it(`exits 2 with a one-line error for ${label}`, async () => {
      const error = (await demo([...args], env).catch((caught: unknown) => caught)) as { code: number; stderr: string; stdout: string };
      expect(error.code).toBe(2);
      expect(error.stderr).toMatch(message);
      expect(error.stderr.trim().split('\n').length).toBe(1);
      expect(error.stdout).toBe('');
    });
  }

  it('with --base-url and no server answering, ends with exit code 1 and a one-line reason naming the cause, instead of hanging', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const error = (await demo(['--base-url', `http://127.0.0.1:${port}`], { APIVIDEO_API_KEY: 'any-key' }).catch((caught: unknown) => caught)) as { code: number; stderr: string; stdout: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/^demo: stopped: Authentication failed after \d+ attempts: Network error calling http:\/\/127\.0\.0\.1:\d+\/auth\/api-key \(ECONNREFUSED, connection refused\)\n$/);
    expect(error.stdout).toContain('1. Cold start');
  }, 50_000);
});
