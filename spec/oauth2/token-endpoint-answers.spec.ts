import type { IncomingMessage, ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { createBearerAuth } from '../../src/index.js';
import { clientCredentials, refreshTokenGrant } from '../../src/oauth2/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';

/**
 * What an OAuth token endpoint may answer that oidc-provider never does (a refresh answer without a
 * refresh_token, a token without expires_in), from a small token endpoint mounted on the one test server,
 * over real HTTP; and the browser guard rail for a client secret.
 */
describe('OAuth sources: token endpoint answers oidc-provider never gives, and the browser guard rail', () => {
  let api: ApiVideoTestServer;
  let sent: URLSearchParams[];
  let answer: (form: URLSearchParams) => Record<string, unknown>;
  const accessTokens = new Set<string>();
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

  beforeEach(async () => {
    sent = [];
    api = await createApiVideoTestServer({ acceptToken: (token) => accessTokens.has(token) });
    api.mount('/oauth/', (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        sent.push(form);
        const json = answer(form);
        if (typeof json['access_token'] === 'string') accessTokens.add(json['access_token']);
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(json));
      });
    });
  });
  afterEach(async () => {
    accessTokens.clear();
    await api.close();
  });

  it('a refresh answer without a refresh_token keeps the old one (RFC 6749 §6): the next exchange sends it again, onRotate gets it', async () => {
    let n = 0;
    answer = () => ({ token_type: 'Bearer', access_token: `at-${++n}`, expires_in: 3600 });
    const rotated: string[] = [];
    const auth = createBearerAuth({
      source: refreshTokenGrant({ tokenEndpoint: `${api.url}/oauth/token`, clientId: 'svc', clientSecret: 's3cret', refreshToken: 'rt-original', onRotate: (next) => void rotated.push(next) }),
      baseUrl: api.url,
    });
    try {
      await firstValueFrom(auth.json('/videos'));
      await firstValueFrom(auth.refresh());
      expect(sent.map((form) => [form.get('grant_type'), form.get('refresh_token')])).toEqual([
        ['refresh_token', 'rt-original'],
        ['refresh_token', 'rt-original'],
      ]);
      expect(rotated).toEqual(['rt-original', 'rt-original']);
    } finally {
      auth.dispose();
    }
  });

  it('a 500 whose status text and headers echo the client secret or the refresh token: the error says [redacted] (outside review, 2026-12-03)', async () => {
    api.fail('POST /oauth/token', { status: 500, statusText: 'bad secret s3cret-of-the-client', headers: { 'x-echo': 'rt-original-secret' } });
    const auth = createBearerAuth({
      source: refreshTokenGrant({ tokenEndpoint: `${api.url}/oauth/token`, clientId: 'svc', clientSecret: 's3cret-of-the-client', refreshToken: 'rt-original-secret' }),
      baseUrl: api.url,
      retry: { maxAttempts: 1 },
    });
    try {
      const seen: unknown[] = [];
      auth.state$.subscribe((state) => seen.push(state));
      seen.push(await firstValueFrom(auth.json('/videos')).catch((caught: unknown) => caught));
      const printed = seen.map((item) => `${String(item)} ${inspect(item, { depth: Infinity, showHidden: true })} ${JSON.stringify(item)}`).join('\n');
      expect(String(seen.at(-1))).toContain('HTTP 500 bad secret [redacted]');
      expect(printed).not.toContain('s3cret-of-the-client');
      expect(printed).not.toContain('rt-original-secret');
    } finally {
      auth.dispose();
    }
  });

  it("a token without expires_in lives until the JWT's exp: renewed ahead of it, not at once and not never", async () => {
    let n = 0;
    answer = () => {
      const now = Math.floor(Date.now() / 1000);
      return { token_type: 'Bearer', access_token: jwt({ iat: now, exp: now + 3600, n: ++n }) };
    };
    const auth = createBearerAuth({ source: clientCredentials({ tokenEndpoint: `${api.url}/oauth/token`, clientId: 'svc', clientSecret: 's3cret' }), baseUrl: api.url });
    try {
      await firstValueFrom(auth.json('/videos'));
      await firstValueFrom(auth.json('/videos'));
      const state = await firstValueFrom(auth.state$);
      expect(state.status).toBe('authenticated');
      expect(state.expiresAt! - Date.now()).toBeGreaterThan(3500_000);
      expect(state.expiresAt! - Date.now()).toBeLessThanOrEqual(3600_000);
      expect(sent.length).toBe(1);
    } finally {
      auth.dispose();
    }
  });

  for (const name of ['window', 'document'] as const) {
    it(`refuses a source with a client secret where a ${name} exists, unless dangerouslyAllowBrowser`, () => {
      (globalThis as Record<string, unknown>)[name] = {};
      try {
        const secretSource = () => clientCredentials({ tokenEndpoint: 'https://auth.example.com/token', clientId: 'svc', clientSecret: 'cs-value-9' });
        expect(() => createBearerAuth({ source: secretSource(), baseUrl: 'https://api.example.com' })).toThrowMatching(
          (error) => error instanceof TypeError && /client secret/.test(error.message) && /dangerouslyAllowBrowser/.test(error.message) && !error.message.includes('cs-value-9'),
        );
        createBearerAuth({ source: secretSource(), baseUrl: 'https://api.example.com', dangerouslyAllowBrowser: true }).dispose();
      } finally {
        delete (globalThis as Record<string, unknown>)[name];
      }
    });
  }
});
