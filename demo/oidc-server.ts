// A real authorization server for the specs and npm run demo -- --oauth2: oidc-provider 8 (certified OpenID provider) mounted at
// /oidc on the project's one test server (createApiVideoTestServer), whose API routes accept the
// provider's access tokens (acceptToken). Issuer with a path: http://127.0.0.1:PORT/oidc.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../src/testing/index.js';

export interface OidcServer {
  readonly api: ApiVideoTestServer;
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly provider: Provider;
  /** POSTs to the token endpoint the provider answered (its own count, faults excluded). */
  readonly tokenRequests: number;
  /** The grant_type and client of each token request, as the provider saw them. */
  readonly grants: ReadonlyArray<{ grantType: string; clientId: string | undefined; basic: boolean }>;
  /** Issues a refresh token for `clientId` as an authorization-code login would. */
  refreshTokenFor(clientId?: string): Promise<string>;
  /** Revokes every access token issued so far (the API then answers 401). */
  revokeAccessTokens(): Promise<void>;
  close(): Promise<void>;
}

/** oidc-provider's storage, in memory and per server (its default adapter is shared and warns at every start). */
function memoryAdapter() {
  const store = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  const live = (key: string) => {
    const entry = store.get(key);
    if (entry && entry.expiresAt < Date.now()) store.delete(key);
    return store.get(key)?.payload;
  };
  return class MemoryAdapter {
    constructor(private readonly name: string) {}
    key = (id: string) => `${this.name}:${id}`;
    async upsert(id: string, payload: Record<string, unknown>, expiresIn: number) {
      store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    }
    async find(id: string) {
      return live(this.key(id));
    }
    async findByUid(uid: string) {
      for (const [key, { payload }] of store) if (key.startsWith(`${this.name}:`) && payload['uid'] === uid) return live(key);
      return undefined;
    }
    async findByUserCode(userCode: string) {
      for (const [key, { payload }] of store) if (key.startsWith(`${this.name}:`) && payload['userCode'] === userCode) return live(key);
      return undefined;
    }
    async consume(id: string) {
      const payload = live(this.key(id));
      if (payload) payload['consumed'] = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, { payload }] of store) if (payload['grantId'] === grantId) store.delete(key);
    }
  };
}

/** One RSA signing key per process: generating one per server would cost every spec ~100 ms. */
let key: Record<string, unknown> | undefined;
const signingKey = () => (key ??= { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' });

export const SECRET = 'se+cr%et/:=&';

export async function startOidcServer({ ttl = 60, rotate = true }: { ttl?: number; rotate?: boolean } = {}): Promise<OidcServer> {
  let provider: Provider | undefined;
  const revoked = new Set<string>();
  const api = await createApiVideoTestServer({
    acceptToken: async (token) => {
      if (revoked.has(token)) return false;
      const found = (await provider!.ClientCredentials.find(token)) ?? (await provider!.AccessToken.find(token));
      return found !== undefined && !found.isExpired;
    },
  });
  const issuer = `${api.url}/oidc`;
  provider = new Provider(issuer, {
    clients: [
      { client_id: 'svc', client_secret: SECRET, grant_types: ['client_credentials', 'refresh_token', 'authorization_code'], redirect_uris: ['http://127.0.0.1/cb'], response_types: ['code'], scope: 'api:read api:write' },
      { client_id: 'post', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'api:read' },
    ],
    adapter: memoryAdapter(),
    jwks: { keys: [signingKey()] },
    cookies: { keys: ['spec-cookie-key'] },
    scopes: ['openid', 'offline_access', 'api:read', 'api:write'],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false }, introspection: { enabled: true }, revocation: { enabled: true } },
    ttl: { ClientCredentials: ttl, AccessToken: ttl, RefreshToken: 3600, Grant: 3600, IdToken: 3600, Session: 3600, Interaction: 3600 },
    rotateRefreshToken: rotate,
    issueRefreshToken: async () => true,
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  } as never);
  provider.proxy = false;
  let tokenRequests = 0;
  const grants: Array<{ grantType: string; clientId: string | undefined; basic: boolean }> = [];
  const callback = provider.callback();
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (req.method === 'POST' && url.startsWith('/oidc/token')) {
      tokenRequests++;
      const basic = /^basic /i.test(req.headers.authorization ?? '');
      grants.push({ grantType: '', clientId: undefined, basic });
    }
    (req as { originalUrl?: string }).originalUrl = url;
    req.url = url.slice('/oidc'.length) || '/';
    return callback(req, res);
  };
  provider.on('grant.success', (ctx: { oidc: { params?: { grant_type?: string }; client?: { clientId: string } } }) => {
    const last = grants.at(-1);
    if (last) Object.assign(last, { grantType: ctx.oidc.params?.grant_type ?? '', clientId: ctx.oidc.client?.clientId });
  });
  api.mount('/oidc/', listener);
  const tokenEndpoint = `${issuer}/token`;

  return {
    api,
    issuer,
    tokenEndpoint,
    provider,
    get tokenRequests() {
      return tokenRequests;
    },
    grants,
    async refreshTokenFor(clientId = 'svc') {
      const client = await provider!.Client.find(clientId);
      const grant = new provider!.Grant({ accountId: 'user-1', clientId });
      grant.addOIDCScope('openid offline_access');
      grant.addResourceScope(issuer, 'api:read');
      const grantId = await grant.save();
      const token = new provider!.RefreshToken({ accountId: 'user-1', client, grantId, scope: 'openid offline_access', gty: 'authorization_code', rotations: 0, iiat: Math.floor(Date.now() / 1000) } as never);
      return token.save();
    },
    async revokeAccessTokens() {
      for (const entry of api.log) if (entry.token) revoked.add(entry.token);
    },
    close: () => api.close(),
  };
}
