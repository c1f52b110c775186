import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/index.js';
import { selfSignedCertificate } from './tls.js';
import { eventually } from '../../helpers/http.js';

const API_KEY = 'cli-secret-api-key-7d2e';

/** A 127.0.0.1 port where nothing listens: bound, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** An https server on 127.0.0.1 with a throwaway self-signed certificate. */
async function selfSignedServer() {
  const server = createHttpsServer(await selfSignedCertificate(), (_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/cli.mjs, the package's bin) with a bounded lifetime. */
function cli(args: string[], env: Record<string, string | undefined> = { APIVIDEO_API_KEY: API_KEY }, onStart?: (child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/cli.mjs', ...args], { env: { PATH: process.env['PATH'], ...env }, timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    onStart?.(child);
  });
}

describe('the rx-bearer CLI (built, against the test server)', () => {
  let server: ApiVideoTestServer;
  const runs: Run[] = [];
  const run = async (...args: Parameters<typeof cli>) => {
    const result = await cli(...args);
    runs.push(result);
    return result;
  };

  beforeEach(async () => {
    server = await createApiVideoTestServer({ apiKey: API_KEY });
  });
  afterEach(async () => {
    for (const { stdout, stderr } of runs.splice(0)) {
      expect(stdout + stderr).withContext('the API key must never be printed').not.toContain(API_KEY);
    }
    await server.close();
  });

  it('token prints the access token alone, and it works on GET /videos', async () => {
    const { code, stdout, stderr } = await run(['token', '--base-url', server.url]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const list = await fetch(`${server.url}/videos`, { headers: { authorization: `Bearer ${stdout.trim()}` } });
    expect(list.status).toBe(200);
  });

  it('reads the key from --api-key-file', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'rx-bearer-')), 'key');
    await writeFile(file, `${API_KEY}\n`);
    const { code, stdout } = await run(['token', '--base-url', server.url, '--api-key-file', file], {});
    expect(code).toBe(0);
    expect(server.issued.has(stdout.trim())).toBeTrue();
  });

  it('token --json prints any expiry the library accepts, even expires_in: 1e13 (clamped to what a Date holds)', async () => {
    server.ttl = 1e13;
    const result = await run(['token', '--json', '--base-url', server.url]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(jasmine.objectContaining({ expires_in: 1e13, expires_at: '+275760-09-13T00:00:00.000Z' }));
  });

  it('token --json prints the response with expires_at, and the refresh token only when asked', async () => {
    const plain = JSON.parse((await run(['token', '--json', '--base-url', server.url])).stdout) as Record<string, unknown>;
    expect(plain).toEqual({ token_type: 'Bearer', expires_in: 3600, access_token: jasmine.any(String), expires_at: jasmine.any(String) });
    const expiresAt = Date.parse(plain['expires_at'] as string);
    expect(Math.abs(expiresAt - (Date.now() + 3600_000))).toBeLessThan(60_000);
    const full = JSON.parse((await run(['token', '--json', '--include-refresh-token', '--base-url', server.url])).stdout) as Record<string, unknown>;
    expect(server.issuedRefreshTokens.has(full['refresh_token'] as string)).toBeTrue();
  });

  it('watch prints JSON lines through at least two refreshes and stops on SIGTERM within 1 s', async () => {
    server.ttl = 1.2; // refreshed every 0.6 s (half the lifetime)
    let stoppedAt = 0;
    const result = await cli(['watch', '--base-url', server.url], undefined, (child) => {
      void eventually(() => (server.counts['POST /auth/refresh'] ?? 0) >= 2, 10_000).then(() => {
        stoppedAt = Date.now();
        child.kill('SIGTERM');
      });
    });
    runs.push(result);
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(lines.filter((entry) => entry['event'] === 'state' && entry['status'] === 'refreshing').length).toBeGreaterThanOrEqual(2);
    expect(lines.filter((entry) => entry['event'] === 'token' && entry['has_token']).length).toBeGreaterThanOrEqual(3);
    expect(lines.every((entry) => typeof entry['time'] === 'string' && 'expires_at' in entry && !('token' in entry))).toBeTrue();
  });

  it('watch --show-token includes the token, and a rejected key ends watch with code 3', async () => {
    server.rejectApiKey();
    const { code, stderr, stdout } = await run(['watch', '--show-token', '--base-url', server.url]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^rx-bearer: The API key was rejected \(HTTP 400\)\n$/);
    expect(stdout).toContain('"status":"error"');
    server.rejectApiKey(false);
    const shown = cli(['watch', '--show-token', '--base-url', server.url], undefined, (child) => {
      void eventually(() => server.issued.size === 1).then(() => setTimeout(() => child.kill('SIGINT'), 100));
    });
    const watched = await shown;
    runs.push(watched);
    expect(watched.stdout).toContain(`"token":"${[...server.issued][0]}"`);
  });

  it('request sends one call and prints the body, across a revocation too', async () => {
    const first = await run(['request', '/videos', '--base-url', server.url]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual(jasmine.objectContaining({ data: [] }));
    const created = await run(['request', '/videos', '--data', '{"title":"from the shell"}', '--base-url', server.url]);
    expect(JSON.parse(created.stdout)).toEqual(jasmine.objectContaining({ title: 'from the shell' }));
    server.revokeAll({ refreshTokens: true });
    server.fail('GET /videos', { status: 401 }); // the first attempt is refused: one refresh, then the resend succeeds
    const after = await run(['request', '/videos', '--base-url', server.url]);
    expect(after.code).toBe(0);
    expect(server.counts['GET /videos']).toBe(3);
  });

  it('request exits 5 and prints the problem body for a non-2xx answer', async () => {
    const { code, stdout, stderr } = await run(['request', '/nowhere', '--base-url', server.url]);
    expect(code).toBe(5);
    expect(JSON.parse(stdout)).toEqual(jasmine.objectContaining({ status: 404 }));
    expect(stderr).toMatch(/^rx-bearer: HTTP 404 .*\/nowhere\n$/);
  });

  const errors: Array<[string, () => Parameters<typeof cli>, number, RegExp]> = [
    ['a missing key', () => [['token', '--base-url', server.url], {}], 2, /^rx-bearer: no API key: set APIVIDEO_API_KEY or pass --api-key-file PATH\n$/],
    ['an unreadable key file', () => [['token', '--api-key-file', '/nonexistent/key'], {}], 2, /^rx-bearer: cannot read the API key file \/nonexistent\/key\n$/],
    ['a plain --api-key flag', () => [['token', `--api-key=${API_KEY}`]], 2, /^rx-bearer: --api-key is not accepted .*\n$/],
    ['no command (the help goes to stderr)', () => [[]], 2, /^rx-bearer: api\.video bearer tokens for the shell\n[\s\S]*Exit codes:/],
    ['an unknown flag', () => [['token', '--colour']], 2, /^rx-bearer: Unknown option '--colour' \(see rx-bearer --help\)\n$/],
    ['an unknown command', () => [['login']], 2, /^rx-bearer: unknown command "login".*\n$/],
    ['invalid --data', () => [['request', '/videos', '--data', '{nope']], 2, /^rx-bearer: --data must be valid JSON\n$/],
    ['a plain-http base URL', () => [['token', '--base-url', 'http://api.example.com']], 2, /^rx-bearer: --base-url must be https, or http on localhost, 127\.0\.0\.1 or \[::1\]; pass --allow-insecure-http .*\n$/],
    ['a rejected key', () => [['token', '--base-url', server.url], { APIVIDEO_API_KEY: 'wrong-key' }], 3, /^rx-bearer: The API key was rejected \(HTTP 400\)\n$/],
    ['a refused connection, naming ECONNREFUSED', () => [['token', '--base-url', `http://127.0.0.1:${refusedPort}`]], 4, /^rx-bearer: Authentication failed after \d+ attempts: Network error calling http:\/\/127\.0\.0\.1:\d+\/auth\/api-key \(ECONNREFUSED, connection refused\)\n$/],
    ['a host that does not resolve, naming the DNS error', () => [['token', '--base-url', 'https://no-such-host.invalid']], 4, /^rx-bearer: Authentication failed after \d+ attempts: Network error calling https:\/\/no-such-host\.invalid\/auth\/api-key \((ENOTFOUND, host not found|EAI_AGAIN, DNS lookup failed, try again)\)\n$/],
    ['a plain-http URL let through by --allow-insecure-http, where nothing listens', () => [['token', '--allow-insecure-http', '--base-url', `http://127.0.0.2:${refusedPort}`]], 4, /^rx-bearer: .*Network error calling http:\/\/127\.0\.0\.2:\d+\/auth\/api-key \(ECONNREFUSED, connection refused\)\n$/],
  ];
  let refusedPort = 0;
  beforeAll(async () => {
    refusedPort = await closedPort();
  });
  for (const [label, args, exitCode, message] of errors) {
    it(`exits ${exitCode} with ${exitCode === 2 && label.startsWith('no command') ? 'the help' : 'one line'} on stderr for ${label}`, async () => {
      const { code, stdout, stderr } = await run(...args());
      expect(code).toBe(exitCode);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
    });
  }

  it('exits 4 naming the certificate error for a server whose TLS certificate is not trusted', async () => {
    const tls = await selfSignedServer();
    try {
      const { code, stderr } = await run(['token', '--base-url', tls.url]);
      expect(code).toBe(4);
      expect(stderr).toMatch(/^rx-bearer: .*Network error calling https:\/\/127\.0\.0\.1:\d+\/auth\/api-key \(\w*(SELF_SIGNED|CERT)\w*, TLS certificate not trusted\)\n$/);
    } finally {
      await tls.close();
    }
  });

  for (const help of [['--help'], ['-h'], ['help']]) {
    it(`prints the usage with every exit code for "rx-bearer ${help.join(' ')}", and exits 0`, async () => {
      const { code, stdout, stderr } = await run(help);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      for (const exitCode of [0, 1, 2, 3, 4, 5]) expect(stdout).toMatch(new RegExp(`^  ${exitCode}  \\S`, 'm'));
      expect(stdout).toContain('--allow-insecure-http');
      expect(stdout).toContain('curl -H "Authorization: Bearer $(npx --no rx-bearer token)"');
    });
  }
  /**
   * What the CLI prints is chosen by the server: before, `token --json` printed an
   * echoed `apiKey` field, `request` wrote ESC ]0;pwned BEL ESC [2J to the
   * terminal, and `token` printed a CR/LF token that `curl -H "…$(rx-bearer token)"`
   * would send as extra header lines.
   */
  describe('prints nothing the server chose raw', () => {
    const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/; // every control character but tab and LF

    it('token --json prints only the token response fields: an echoed apiKey, and anything else, is left out', async () => {
      const answer = { token_type: 'Bearer', expires_in: 60, access_token: 'eyJ.echo.test', refresh_token: 'r-1', apiKey: API_KEY, note: '\u009b2J\u001b]0;pwned\u0007' };
      server.fail('POST /auth/api-key', { status: 200, body: JSON.stringify(answer) });
      const { code, stdout } = await run(['token', '--json', '--include-refresh-token', '--base-url', server.url]);
      expect(code).toBe(0);
      expect(Object.keys(JSON.parse(stdout) as object).sort()).toEqual(['access_token', 'expires_at', 'expires_in', 'refresh_token', 'token_type']);
      expect(stdout).not.toMatch(raw);
    });

    it('token --json escapes C1 controls in a field it prints, and stays valid JSON', async () => {
      server.fail('POST /auth/api-key', { status: 200, body: JSON.stringify({ token_type: 'Bearer', expires_in: 60, access_token: 'eyJ.c1.test', refresh_token: 'r\u009b2J' }) });
      const { code, stdout } = await run(['token', '--json', '--include-refresh-token', '--base-url', server.url]);
      expect(code).toBe(0);
      expect(stdout).not.toMatch(raw);
      expect(stdout).toContain('r\\u009b2J');
      expect((JSON.parse(stdout) as { refresh_token: string }).refresh_token).toBe('r\u009b2J');
    });

    for (const token of ['tok-3f9a\r\nX-Injected: yes', 'tok-3f9a\u001b[2J', 'tok-3f9a\u20ac']) {
      it(`token prints nothing for the unusable token ${JSON.stringify(token)}, and exits 4 with one escaped line`, async () => {
        server.fail('POST /auth/api-key', { status: 200, count: 10, body: JSON.stringify({ token_type: 'Bearer', expires_in: 60, access_token: token, refresh_token: 'r' }) });
        const { code, stdout, stderr } = await run(['token', '--base-url', server.url]);
        expect(code).toBe(4);
        expect(stdout).toBe('');
        expect(stderr).toMatch(/^rx-bearer: [^\n]*access_token[^\n]*\n$/);
        expect(stderr).not.toContain('tok-3f9a');
        expect(stderr.slice(0, -1)).not.toMatch(raw);
      });
    }

    it("request escapes the terminal sequences of a body and of a status text, keeping the body's lines", async () => {
      const body = '\u001b]0;pwned\u0007\u001b[2J{"a":1}\r\n{"b":"\rc"}\n';
      // Node writes the reason phrase as Latin-1 and fetch reads it as UTF-8: these bytes arrive as U+009B (a C1 CSI) and U+202E (right-to-left override).
      server.fail('GET /videos', { status: 500, statusText: 'Oops\u00c2\u009b2J \u00e2\u0080\u00aex', body });
      const { code, stdout, stderr } = await run(['request', '/videos', '--base-url', server.url]);
      expect(code).toBe(5);
      expect(stdout).toBe('\\x1b]0;pwned\\x07\\x1b[2J{"a":1}\r\n{"b":"\\rc"}\n');
      expect(stderr).toMatch(/^rx-bearer: HTTP 500 Oops\\x9b2J \\u202ex from http:\/\/127\.0\.0\.1:\d+\/videos\n$/);
    });
  });
});
