import { firstValueFrom } from 'rxjs';
import { createBearerAuth, type BearerAuth } from '../src/index.js';
import { credentialScope } from '../src/credential-scope.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../src/testing/index.js';

/**
 * Auth-route spellings, and what a server on the way may make of each. A
 * spelling counts as an auth route (no bearer token) when some common server
 * or proxy in front of the API would route it to /auth/api-key or
 * /auth/refresh: a false match only keeps the token home, a miss sends it to
 * the route that must never see it.
 */
const table: Array<[path: string, isAuthRoute: boolean, why: string]> = [
  ['/auth/refresh', true, 'the route'],
  ['/auth/api-key', true, 'the login route'],
  ['/auth/refresh%2f', true, "%2F: nginx decodes it to '/' when it proxies"],
  ['/auth/refresh%252f', true, '%252F: a proxy decodes once (nginx), the app again: a trailing slash'],
  ['/auth/refresh%25252f', true, 'triple-encoded: decoded until nothing changes'],
  ['/auth%2frefresh', true, 'an encoded slash between the segments'],
  ['/auth/refresh%3Fx', true, "%3F: nginx's decoded $uri put back into a URL starts a query there"],
  ['/auth/refresh%253Fx', true, "a double-encoded '?'"],
  ['/auth/refresh%23x', true, "%23: a decoded '#' ends the path the same way"],
  ['/auth/api-key%c0%ae', true, "overlong UTF-8 for '.': lenient decoders (old IIS, Tomcat, Java) give a trailing dot, which IIS strips"],
  ['/auth/api-key%C0%AE', true, 'the same, upper case'],
  ['/auth/api-key%e0%80%ae', true, "three-byte overlong '.'"],
  ['/auth/api-key%c0%af', true, "overlong '/': a trailing slash"],
  ['/auth/refresh%5c', true, "%5C: IIS takes '\\' for '/'"],
  ['/auth/x/%2e%2e/refresh', true, 'encoded dot segments'],
  ['/auth/x/%252e%252e/refresh', true, 'double-encoded dot segments, resolved after decoding'],
  ['/auth/x/..;/refresh', true, "Tomcat's '..;' is '..'"],
  ['/auth/x//%252e%252e/refresh', true, 'slashes merged before dot segments resolve (nginx)'],
  ['/%252e%252e/%252e%252e/auth/refresh', true, 'dot segments never climb above the root'],
  ['/videos/%2e%2e/auth/refresh', true, 'climbing out of /videos'],
  ['/auth/refresh%00', true, 'a trailing NUL'],
  ['/AUTH/Refresh%2F', true, 'case folded'],
  ['/%61uth/%72efresh', true, 'escaped letters: no literal "auth" to find'],
  ['/auth./refresh', true, "a segment's trailing dot (IIS)"],
  ['/auth/refresh%ff', false, 'not UTF-8 and not overlong: another path for every server'],
  ['/auth/refreshments', false, 'a longer name is another route'],
  ['/auth/refresh-token', false, 'so is a suffix'],
  ['/videos%3F/auth/refresh', false, "a decoded '?' ends the path before the auth route"],
  ['/videos/auth%2frefresh', false, 'an auth route below another path'],
  ['/videos', false, 'the API'],
  ['/videos/%252e', false, 'a double-encoded dot elsewhere'],
];

describe('the credential scope: auth-route spellings (table)', () => {
  const scope = credentialScope({ baseUrl: 'https://ws.api.video' });
  for (const [path, isAuthRoute, why] of table) {
    it(`${JSON.stringify(path)} ${isAuthRoute ? 'is' : 'is not'} an auth route (${why})`, () => {
      expect(scope.isAuthRoute(path)).toBe(isAuthRoute);
      expect(scope.allowsToken(path)).toBe(!isAuthRoute);
    });
  }

  it('applies the same decoding on a baseUrl with a path', () => {
    const below = credentialScope({ baseUrl: 'https://api.example.com/v1' });
    expect(below.isAuthRoute('/v1/auth/refresh%252f')).toBeTrue();
    expect(below.isAuthRoute('/v1%2fauth/api-key%c0%ae')).toBeTrue();
    expect(below.isAuthRoute('/auth/refresh')).toBeFalse();
  });

  it('applies it to tokenUrl, the app’s own auth route', () => {
    const withTokenUrl = credentialScope({ baseUrl: 'https://ws.api.video', tokenUrl: 'https://ws.api.video/api/token' });
    expect(withTokenUrl.allowsToken('/api/token%3Fx')).toBeFalse();
    expect(withTokenUrl.allowsToken('/api/tokens')).toBeTrue();
  });

  describe('over HTTP: auth.fetch sends no bearer to any auth spelling, and does to the rest', () => {
    let server: ApiVideoTestServer;
    let auth: BearerAuth;
    beforeAll(async () => {
      server = await createApiVideoTestServer();
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
      await firstValueFrom(auth.refresh());
    });
    afterAll(async () => {
      auth.dispose();
      await server.close();
    });

    it('every row, as the server received it', async () => {
      const sent: boolean[] = [];
      for (const [path] of table) {
        server.reset();
        await firstValueFrom(auth.fetch(path, { method: 'GET' })).catch(() => undefined);
        sent.push(server.log.some((entry) => entry.hadAuthorization));
      }
      expect(sent).toEqual(table.map(([, isAuthRoute]) => !isAuthRoute));
    });
  });
});
