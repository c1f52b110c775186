import * as oauth from 'oauth4webapi';
import { defer, from, switchMap, type Observable } from 'rxjs';
import type { SourceTokenResponse, TokenSource } from '../core.js';
import { printable, resolveClient, type ClientOptions } from './client.js';
import { abortable, toCycleError, toSourceResponse } from './token-request.js';

export interface ClientCredentialsOptions extends ClientOptions {
  clientSecret: string;
  /** Space-separated scopes to ask for. @default none (the server's default) */
  scope?: string;
  /** RFC 8707 resource indicator(s): the API(s) the token is for. */
  resource?: string | readonly string[];
  /** Auth0's `audience` parameter: the API identifier. */
  audience?: string;
}

/**
 * Tokens from the OAuth 2.0 client credentials grant (RFC 6749 §4.4), for
 * machine-to-machine calls. Each renewal is a new client-credentials request
 * (an answer without a refresh token is the norm); with a `store`, a fleet
 * shares one token per expiry.
 *
 * @example
 * const auth = createBearerAuth({
 *   source: clientCredentials({ issuer: 'https://auth.example.com', clientId: 'svc', clientSecret: process.env.CLIENT_SECRET!, scope: 'api:read' }),
 *   baseUrl: 'https://api.example.com',
 * });
 */
export function clientCredentials(options: ClientCredentialsOptions): TokenSource {
  const resolved = resolveClient(options, 'clientCredentials');
  if (!resolved.confidential) throw new TypeError('"clientSecret" option must be a non-empty string');
  const { scope, resource, audience } = options;
  const parameters = new URLSearchParams();
  if (scope !== undefined) parameters.set('scope', String(scope));
  for (const value of resource === undefined ? [] : [resource].flat()) parameters.append('resource', String(value));
  if (audience !== undefined) parameters.set('audience', String(audience));
  const { server, client, auth } = resolved;
  const secrets = [options.clientSecret];

  const token = (): Observable<SourceTokenResponse> =>
    defer(() => from(server.metadata())).pipe(
      switchMap((as) =>
        abortable(async (signal) => {
          try {
            const response = await oauth.clientCredentialsGrantRequest(as, client, auth, parameters, { ...server.http, signal });
            return toSourceResponse(await oauth.processClientCredentialsResponse(as, client, response));
          } catch (error) {
            throw await toCycleError(error, as.token_endpoint ?? server.name, secrets);
          }
        }),
      ),
    );
  return printable({ token, shareAs: resolved.shareAs, confidential: true }, resolved.description);
}
