import { firstValueFrom, of } from 'rxjs';
import { createBearerAuth as createFromPackage } from 'rx-bearer';
import { provideBearerAuth } from '../../src/angular/index.js';
import { createBearerAuth } from '../../src/index.js';
import { tokenResponse } from '../../src/testing/marbles.js';
import { angularInjector } from '../angular/angular-injector.js';

const API = 'https://ws.api.video';
const CDN = 'https://cdn.example.com';
const options = { apiKey: 'key', baseUrl: API, allowedOrigins: [CDN] };

/**
 * Every URL an app might be handed, and whether the token may go with it.
 * Relative URLs resolve against the API root in the core and against the
 * page's base URI in Angular; the page here is served from the API's origin,
 * so both must give the same answer to every row.
 */
const table: Array<[url: string, getsToken: boolean, why: string]> = [
  [`${API}/videos`, true, 'the API'],
  ['/videos', true, 'relative, on the API'],
  ['videos?page=2', true, 'path-relative'],
  ['?page=2', true, 'query only'],
  ['/videos/../videos', true, 'dot segments stay on the origin'],
  ['https://WS.API.VIDEO/videos', true, 'host case'],
  ['HTTPS://ws.api.video/videos', true, 'scheme case'],
  ['https://ws.api.video:443/videos', true, 'default port spelled out'],
  ['https:evil.example/a', true, 'same scheme without slashes is a relative path on the API'],
  [`${CDN}/x`, true, 'an allowed origin'],
  ['https://evil.example/videos', false, 'another origin'],
  ['//evil.example/videos', false, 'scheme-relative'],
  ['/\\evil.example/a', false, 'slash backslash'],
  ['\\\\evil.example/a', false, 'two backslashes'],
  [' //evil.example/a', false, 'leading space'],
  ['/\t/evil.example/a', false, 'a tab inside the slashes'],
  ['\n//evil.example/a', false, 'leading newline'],
  ['http:evil.example/a', false, 'another scheme without slashes'],
  ['http://ws.api.video/videos', false, 'plain http on the API host'],
  ['https://ws.api.video:8443/videos', false, 'another port'],
  ['https://ws.api.video./videos', false, 'trailing dot: another origin'],
  ['https://ws.api.video.evil.example/videos', false, 'lookalike suffix'],
  ['https://evil-ws.api.video/videos', false, 'sibling host'],
  ['https://ws.api.video@evil.example/videos', false, 'userinfo in front of another host'],
  ['https://user:pass@ws.api.video/videos', false, 'userinfo on the API host'],
  ['https://evil.example#@ws.api.video/', false, 'fragment trick'],
  ['https://evil.example\\@ws.api.video/', false, 'backslash trick'],
  ['https://evil.example?@ws.api.video/', false, 'query trick'],
  ['https://wѕ.api.video/videos', false, 'IDN lookalike (Cyrillic s)'],
  ['https://ws.аpi.video/videos', false, 'IDN lookalike (Cyrillic a)'],
  ['http://cdn.example.com/x', false, 'allowed host over plain http'],
  ['https://cdn.example.com:444/x', false, 'allowed host, other port'],
  ['https://0x7f.1/', false, 'numeric host'],
  ['http://[::1]/', false, 'loopback'],
  ['javascript:alert(1)', false, 'javascript:'],
  ['data:text/plain,x', false, 'data:'],
  [`blob:${API}/0f8e`, false, 'blob: (its origin is the API, but it is no request)'],
  ['wss://ws.api.video/', false, 'websocket'],
  ['file:///etc/passwd', false, 'file:'],
  [`${API}/auth/api-key`, false, 'the login route'],
  ['/auth/refresh', false, 'the refresh route'],
  ['/auth/refresh/', false, 'refresh route, trailing slash'],
  ['/AUTH/Refresh', false, 'refresh route, other case'],
  ['/auth/%72efresh', false, 'refresh route, %-escaped'],
  ['/auth/x/../refresh', false, 'refresh route, dot segments'],
  ['/auth/refresh?x=1', false, 'refresh route with a query'],
  ['/auth/api-key#x', false, 'login route with a fragment'],
  ['/auth/refresh.', false, 'refresh route, trailing dot (IIS strips it)'],
  ['/auth/refresh%20', false, 'refresh route, trailing %-escaped space'],
  ['/auth/refresh%00', false, 'refresh route, trailing %-escaped NUL'],
  ['/auth/refresh%20/', false, 'refresh route, trailing space and slash'],
  ['/auth/refreshments', true, 'only the routes themselves'],
  [`${CDN}/auth/refresh`, true, "another origin's path is not baseUrl's auth route"],
];

/** auth.fetch with a fetch that records what it was given. */
async function coreSends(url: string, make = createBearerAuth): Promise<boolean | 'not sent'> {
  let authorization: string | null | undefined;
  const fetch = (async (_input: string, init: RequestInit) => {
    authorization = new Headers(init.headers).get('authorization');
    return new Response('{}');
  }) as unknown as typeof globalThis.fetch;
  const auth = make({ ...options, fetch, transport: { login: () => of(tokenResponse()), refresh: () => of(tokenResponse()) } });
  try {
    await firstValueFrom(auth.fetch(url)).catch(() => undefined);
  } finally {
    auth.dispose();
  }
  return authorization === undefined ? 'not sent' : authorization !== null;
}

/** Angular's HttpClient with bearerInterceptor, on a page served from the API's origin. */
function angularSends(url: string): boolean {
  const { http, controller, injector } = angularInjector([provideBearerAuth({ ...options, transport: { login: () => of(tokenResponse()), refresh: () => of(tokenResponse()) } })], {
    documentBase: `${API}/app/`,
  });
  try {
    http.get(url).subscribe({ error: () => undefined });
    const [request] = controller().match((candidate) => candidate.url === url);
    const sent = request!.request.headers.has('Authorization');
    request!.flush({});
    return sent;
  } finally {
    injector.destroy();
  }
}

describe('the credential scope: one answer for every hostile URL, from every part', () => {
  for (const [url, getsToken, why] of table) {
    it(`${getsToken ? 'gives' : 'refuses'} the token to ${JSON.stringify(url)} (${why}) in the scope, auth.fetch and the Angular interceptor`, async () => {
      const scope = createBearerAuth(options).scope;
      expect(scope.allowsToken(url)).withContext('scope').toBe(getsToken);
      const core = await coreSends(url);
      // A URL fetch refuses (userinfo, javascript:) is not sent at all, which also keeps the token home.
      expect(core === 'not sent' ? false : core).withContext('auth.fetch').toBe(getsToken);
      expect(angularSends(url)).withContext('Angular interceptor').toBe(getsToken);
    });
  }

  it('gives the same answers from the built package', async () => {
    const answers = await Promise.all(table.map(([url]) => coreSends(url, createFromPackage as unknown as typeof createBearerAuth)));
    expect(answers.map((sent) => (sent === 'not sent' ? false : sent))).toEqual(table.map(([, getsToken]) => getsToken));
  });

  describe('in Angular, relative URLs resolve against the page, not the API (default-deny)', () => {
    const sends = (documentBase: string | undefined, extra = {}) => {
      const { http, controller, injector } = angularInjector([provideBearerAuth({ ...options, ...extra, transport: { login: () => of(tokenResponse()), refresh: () => of(tokenResponse()) } })], {
        ...(documentBase ? { documentBase } : {}),
      });
      try {
        http.get('/videos').subscribe({ error: () => undefined });
        const request = controller().expectOne('/videos');
        const sent = request.request.headers.has('Authorization');
        request.flush({});
        return sent;
      } finally {
        injector.destroy();
      }
    };

    it('a page on another origin gets no token on its relative URLs', () => {
      expect(sends('https://app.example.com/')).toBeFalse();
    });

    it('unless the app lists its own origin (it proxies the API)', () => {
      expect(sends('https://app.example.com/', { allowedOrigins: ['https://app.example.com'] })).toBeTrue();
    });

    it('and without a document base URI, relative URLs get no token', () => {
      expect(sends(undefined)).toBeFalse();
    });
  });
});
