import * as oauth from 'oauth4webapi';
import { resolveServer, type ResolvedServer, type ServerOptions } from './authorization-server.js';

/** How the client authenticates to the token endpoint (RFC 6749 §2.3.1). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

export interface ClientOptions extends ServerOptions {
  clientId: string;
  /** Never logged, printed or stored; a source holding one needs `dangerouslyAllowBrowser` in a browser. */
  clientSecret?: string;
  /** @default 'client_secret_basic' (the id and secret form-encoded, so `+ % / : = &` work), or 'client_secret_post' */
  clientAuth?: ClientAuthMethod;
}

export interface ResolvedClient {
  readonly server: ResolvedServer;
  readonly client: oauth.Client;
  readonly auth: oauth.ClientAuth;
  /** Names the client without its secret: the server, the id and a SHA-256 of the secret (Node only; undefined elsewhere). */
  readonly shareAs: string | undefined;
  readonly confidential: boolean;
  /** What prints of the source: never the secret. */
  readonly description: Readonly<Record<string, string>>;
}

/** A SHA-256 of the secret where node:crypto is at hand (stores are Node-only); elsewhere the source cannot be shared. */
function digest(text: string): string | undefined {
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const crypto = node?.getBuiltinModule?.('node:crypto') as typeof import('node:crypto') | undefined;
  return crypto?.createHash('sha256').update(text).digest('base64url');
}

/** Validates the client options once, in the source's factory: a TypeError names the option, never its value. */
export function resolveClient(options: ClientOptions, kind: string): ResolvedClient {
  if (options === null || typeof options !== 'object') throw new TypeError(`${kind}() needs an options object`);
  const { clientId, clientSecret, clientAuth = 'client_secret_basic' } = options;
  if (typeof clientId !== 'string' || clientId === '') throw new TypeError('"clientId" option must be a non-empty string');
  if (clientSecret !== undefined && (typeof clientSecret !== 'string' || clientSecret === '')) throw new TypeError('"clientSecret" option must be a non-empty string');
  if (clientAuth !== 'client_secret_basic' && clientAuth !== 'client_secret_post') {
    throw new TypeError('"clientAuth" option must be \'client_secret_basic\' or \'client_secret_post\'');
  }
  const server = resolveServer(options);
  const auth = clientSecret === undefined ? oauth.None() : clientAuth === 'client_secret_post' ? oauth.ClientSecretPost(clientSecret) : oauth.ClientSecretBasic(clientSecret);
  const hash = digest(`${clientSecret ?? ''}`);
  return {
    server,
    client: { client_id: clientId },
    auth,
    shareAs: hash === undefined ? undefined : `${server.name}\n${clientId}\n${hash}`,
    confidential: clientSecret !== undefined,
    description: { type: kind, server: server.name, clientId },
  };
}

/** Makes a source print as its description only: String, JSON.stringify and util.inspect never show a secret. */
export function printable<T extends object>(source: T, description: Readonly<Record<string, string>>): T {
  const text = `${description['type']}(${description['server']}, ${description['clientId']})`;
  return Object.defineProperties(source, {
    toJSON: { value: () => ({ ...description }) },
    toString: { value: () => text },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => text },
  });
}
