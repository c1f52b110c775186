import * as oauth from 'oauth4webapi';
import { parseOption } from '../core.js';
import { cappedFetch } from './capped-fetch.js';
import { OAuthDiscoveryError } from './errors.js';

/** Where a source finds its authorization server: `issuer` (discovered) or `tokenEndpoint` (no discovery). */
export interface ServerOptions {
  /** The issuer identifier; its metadata comes from RFC 8414's well-known URL, else OpenID Connect's. */
  issuer?: string;
  /** The token endpoint itself, instead of `issuer`. */
  tokenEndpoint?: string;
  /** Accept plain http for issuers and token endpoints (discovered ones included) that are not loopback. @default false */
  allowInsecureHttp?: boolean;
  /** The fetch of discovery and token requests. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** The authorization server as oauth4webapi wants it, found once per client (a failed discovery is tried again at the next cycle). */
export interface ResolvedServer {
  /** The issuer or the token endpoint, for naming a shared session and for messages. */
  readonly name: string;
  metadata(): Promise<oauth.AuthorizationServer>;
  /** oauth4webapi's request options: the capped, non-redirecting fetch and http where allowed. */
  readonly http: { [oauth.customFetch]: ReturnType<typeof cappedFetch>; [oauth.allowInsecureRequests]: boolean };
}

/** Discovery: RFC 8414 first (its well-known URL inserted before the issuer's path), the OpenID configuration when that is absent. */
async function discover(issuer: URL, http: ResolvedServer['http'], allowInsecureHttp: boolean): Promise<oauth.AuthorizationServer> {
  const failures: unknown[] = [];
  for (const algorithm of ['oauth2', 'oidc'] as const) {
    try {
      const response = await oauth.discoveryRequest(issuer, { algorithm, ...http });
      const metadata = await oauth.processDiscoveryResponse(issuer, response);
      if (typeof metadata.token_endpoint !== 'string') throw new TypeError('the metadata has no token_endpoint');
      try {
        parseOption('token_endpoint', metadata.token_endpoint, allowInsecureHttp);
      } catch (cause) {
        throw new OAuthDiscoveryError('insecure', issuer.href, 'its token_endpoint is not https (set allowInsecureHttp: true to accept that)', { cause });
      }
      return metadata;
    } catch (error) {
      if (error instanceof OAuthDiscoveryError) throw error;
      failures.push(error);
    }
  }
  throw new OAuthDiscoveryError('failed', issuer.href, 'no usable metadata at its RFC 8414 or OpenID Connect well-known URL', { cause: failures });
}

/** Validates where tokens are asked for, once, in the source's factory (a TypeError naming the option). */
export function resolveServer(options: ServerOptions): ResolvedServer {
  const { issuer, tokenEndpoint, allowInsecureHttp = false, fetch: fetchImpl = globalThis.fetch } = options;
  if ((issuer === undefined) === (tokenEndpoint === undefined)) throw new TypeError('"issuer" or "tokenEndpoint" option is required (one of them, not both)');
  if (typeof fetchImpl !== 'function') throw new TypeError('"fetch" option must be a function');
  const http = { [oauth.customFetch]: cappedFetch(fetchImpl), [oauth.allowInsecureRequests]: true } as ResolvedServer['http'];
  if (tokenEndpoint !== undefined) {
    const url = parseOption('tokenEndpoint', tokenEndpoint, allowInsecureHttp);
    const metadata: oauth.AuthorizationServer = { issuer: url.origin, token_endpoint: url.href };
    return { name: url.href, http, metadata: () => Promise.resolve(metadata) };
  }
  const url = parseOption('issuer', issuer, allowInsecureHttp);
  let found: Promise<oauth.AuthorizationServer> | undefined;
  return {
    name: url.href,
    http,
    metadata: () => {
      found ??= discover(url, http, allowInsecureHttp);
      // Cached for the client's life once it succeeds; a failure is not kept, so the next cycle tries again.
      found.catch(() => (found = undefined));
      return found;
    },
  };
}
