import { inspect } from 'node:util';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { AuthError, createBearerAuth, type BearerAuth } from '../../src/index.js';
import { clientCredentials, OAuthDiscoveryError, OAuthError } from '../../src/oauth2/index.js';
import { settleAll } from '../helpers/http.js';
import { SECRET, startOidcServer, type OidcServer } from './oidc-server.js';

const fastRetry = { initialDelay: 5, maxDelay: 20 };

describe('clientCredentials against oidc-provider over real HTTP', () => {
  let server: OidcServer;
  let auth: BearerAuth | undefined;
  beforeEach(async () => {
    server = await startOidcServer();
  });
  afterEach(async () => {
    auth?.dispose();
    auth = undefined;
    await server.close();
  });
  const create = (options: Partial<Parameters<typeof clientCredentials>[0]> = {}, extra: object = {}) =>
    (auth = createBearerAuth({
      source: clientCredentials({ issuer: server.issuer, clientId: 'svc', clientSecret: SECRET, scope: 'api:read', ...options }),
      baseUrl: server.api.url,
      retry: fastRetry,
      ...extra,
    }));

  it('discovers an issuer with a path (RFC 8414 first, then OpenID), makes one token request for 20 concurrent first requests, and the API accepts the token', async () => {
    const client = create();
    const result = await settleAll(Array.from({ length: 20 }, () => client.json('/videos')));
    expect(result.ok).toBe(20);
    expect(server.tokenRequests).toBe(1);
    expect(server.grants).toEqual([{ grantType: 'client_credentials', clientId: 'svc', basic: true }]);
    // RFC 8414 puts the well-known segment before the issuer's path: tried once, then the OpenID configuration, once.
    expect(server.api.counts['GET /.well-known/oauth-authorization-server/oidc']).toBe(1);
    expect(server.api.counts['GET /oidc/.well-known/openid-configuration']).toBe(1);
    await firstValueFrom(client.refresh());
    expect(server.tokenRequests).toBe(2);
    expect(server.api.counts['GET /oidc/.well-known/openid-configuration']).toBe(1); // discovery cached for the client's life
  });

  it('prefers RFC 8414 metadata when the server has it', async () => {
    const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).text();
    server.api.mount('/.well-known/oauth-authorization-server/oidc', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(metadata));
    server.api.reset();
    const client = create();
    await firstValueFrom(client.json('/videos'));
    expect(server.api.counts['GET /oidc/.well-known/openid-configuration']).toBeUndefined();
    expect(server.tokenRequests).toBe(1);
  });

  it('uses tokenEndpoint without discovery, and client_secret_post when asked (the secret with + % / : = & works both ways)', async () => {
    auth = createBearerAuth({
      source: clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'post', clientSecret: SECRET, clientAuth: 'client_secret_post' }),
      baseUrl: server.api.url,
    });
    await firstValueFrom(auth.json('/videos'));
    expect(server.grants).toEqual([{ grantType: 'client_credentials', clientId: 'post', basic: false }]);
    expect(Object.keys(server.api.counts).some((route) => route.includes('well-known'))).toBeFalse();
  });

  it('a revoked token: the API answers 401 invalid_token, one new token and one resend', async () => {
    const client = create();
    await firstValueFrom(client.json('/videos'));
    await server.revokeAccessTokens();
    const result = await settleAll(Array.from({ length: 10 }, () => client.json('/videos')));
    expect(result.ok).toBe(10);
    expect(server.tokenRequests).toBe(2);
  });

  it('invalid_client is AuthError rejected naming the OAuth error, with no secret anywhere', async () => {
    const wrong = 'wrong+secret/=&';
    auth = createBearerAuth({ source: clientCredentials({ issuer: server.issuer, clientId: 'svc', clientSecret: wrong }), baseUrl: server.api.url, retry: fastRetry });
    const error = await firstValueFrom(auth.json('/videos')).catch((e: unknown) => e);
    expect(error).toEqual(jasmine.any(AuthError));
    const cause = error instanceof OAuthError ? error : (error as AuthError).cause;
    expect(cause).toEqual(jasmine.any(OAuthError));
    expect((cause as OAuthError).error).toBe('invalid_client');
    expect((cause as OAuthError).reason).toBe('rejected');
    expect((error as AuthError).reason).toBe('rejected');
    expect((error as Error).message).toContain('invalid_client');
    expect((error as Error).message).not.toContain('API key');
    expect(server.tokenRequests).toBe(1); // a verdict is not retried
    for (const text of [String(error), inspect(error, { depth: 5 }), JSON.stringify(auth), inspect(auth, { depth: 5 }), JSON.stringify(auth.toJSON())]) {
      expect(text).not.toContain(wrong);
    }
  });

  it('invalid_scope is rejected with the server error code on the error', async () => {
    const client = create({ clientId: 'post', clientAuth: 'client_secret_post', scope: 'api:write' });
    const error = (await firstValueFrom(client.json('/videos')).catch((e: unknown) => e)) as AuthError;
    expect(error).toEqual(jasmine.any(OAuthError));
    const oauthError = (error instanceof OAuthError ? error : error.cause) as OAuthError;
    expect(oauthError.error).toBe('invalid_scope');
    expect(error.reason).toBe('rejected');
  });

  it('a 503 then a 429 with Retry-After on the token endpoint are retried with backoff', async () => {
    server.api.fail('POST /oidc/token', { status: 503 });
    server.api.fail('POST /oidc/token', { status: 429, headers: { 'retry-after': '0' } } as never);
    const client = create();
    await firstValueFrom(client.json('/videos'));
    expect(server.api.counts['POST /oidc/token']).toBe(3);
    expect(server.tokenRequests).toBe(1);
  });

  it('a redirecting token endpoint is AuthError redirected: never followed, the secret never sent elsewhere', async () => {
    server.api.fail('POST /oidc/token', { status: 307, headers: { location: `${server.api.url}/oidc/token` } } as never);
    const client = create();
    const error = (await firstValueFrom(client.json('/videos')).catch((e: unknown) => e)) as AuthError;
    expect(error.reason).toBe('redirected');
    expect(server.api.counts['POST /oidc/token']).toBe(1);
  });

  it('http issuers and token endpoints only for loopback hosts; an insecure discovered endpoint is OAuthDiscoveryError', async () => {
    expect(() => clientCredentials({ issuer: 'http://auth.example.com', clientId: 'svc', clientSecret: SECRET })).toThrowError(TypeError, /"issuer" option must be https/);
    expect(() => clientCredentials({ tokenEndpoint: 'http://auth.example.com/token', clientId: 'svc', clientSecret: SECRET })).toThrowError(TypeError, /"tokenEndpoint"/);
    expect(() => clientCredentials({ issuer: 'https://a.example', tokenEndpoint: 'https://a.example/t', clientId: 'svc', clientSecret: SECRET })).toThrowError(TypeError);
    expect(() => clientCredentials({ issuer: 'https://a.example', clientId: 'svc', clientSecret: '' })).toThrowError(TypeError, /clientSecret/);
    const metadata = { issuer: server.issuer, token_endpoint: 'http://auth.example.com/token' };
    server.api.mount('/.well-known/oauth-authorization-server/oidc', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metadata)));
    const client = create({}, { retry: { maxAttempts: 1 } });
    const error = (await firstValueFrom(client.json('/videos')).catch((e: unknown) => e)) as AuthError;
    expect(error).toEqual(jasmine.any(AuthError));
    expect(error.cause).toEqual(jasmine.any(OAuthDiscoveryError));
    expect((error.cause as OAuthDiscoveryError).reason).toBe('insecure');
    expect((error.cause as OAuthDiscoveryError).code).toBe('ERR_OAUTH_DISCOVERY');
    expect(server.tokenRequests).toBe(0);
  });

  it('a failed discovery is OAuthDiscoveryError failed', async () => {
    auth = createBearerAuth({ source: clientCredentials({ issuer: `${server.api.url}/nowhere`, clientId: 'svc', clientSecret: SECRET }), baseUrl: server.api.url, retry: { maxAttempts: 1 } });
    const error = (await firstValueFrom(auth.json('/videos')).catch((e: unknown) => e)) as AuthError;
    expect(error.cause).toEqual(jasmine.any(OAuthDiscoveryError));
    expect((error.cause as OAuthDiscoveryError).reason).toBe('failed');
  });

  it('the source prints no secret, and source is exclusive with apiKey and tokenUrl', () => {
    const source = clientCredentials({ issuer: server.issuer, clientId: 'svc', clientSecret: SECRET });
    for (const text of [String(source), JSON.stringify(source), inspect(source, { depth: 5, showHidden: true })]) expect(text).not.toContain(SECRET);
    expect(source.shareAs).not.toContain(SECRET);
    expect(() => createBearerAuth({ source, apiKey: 'k' })).toThrowError(TypeError, /"source"/);
    expect(() => createBearerAuth({ source, tokenUrl: '/t' })).toThrowError(TypeError, /"source"/);
  });

  it('token$ renews ahead of expiry with a new client-credentials request', async () => {
    await server.close();
    server = await startOidcServer({ ttl: 2 });
    const client = create({}, { refreshLeadTime: 1000 });
    const tokens = await lastValueFrom(client.token$.pipe(take(3), toArray()));
    expect(tokens.filter((token) => token !== null).length).toBe(2);
    expect(server.tokenRequests).toBe(2);
    expect(server.grants.every((grant) => grant.grantType === 'client_credentials')).toBeTrue();
  });
});
