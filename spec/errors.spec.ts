import { inspect } from 'node:util';
import * as src from '../src/index.js';
import * as oauth2 from '../src/oauth2/index.js';
import { DEFAULTS } from '../src/options.js';

describe('errors', () => {
  const make = (lib: typeof src) => [
    new lib.AuthError('rejected', 'no'),
    new lib.HttpError({ status: 500, url: 'https://x.example' }),
    new lib.InvalidTokenResponseError('bad'),
    new lib.NetworkError('https://x.example'),
    new lib.AuthTimeoutError('login', 10),
    new lib.ResponseParseError('https://x.example'),
    new lib.DisposedError(),
    new lib.ServerRenderingError(),
  ];

  /** One instance of every error class src/index.ts exports; an exported class missing here fails the next spec. */
  const instances: Record<string, () => src.RxBearerError> = {
    RxBearerError: () => new src.RxBearerError('ERR_AUTH', 'x'),
    AuthError: () => new src.AuthError('rejected', 'no'),
    FetchUnavailableError: () => new src.FetchUnavailableError(),
    HttpError: () => new src.HttpError({ status: 500, url: 'https://x.example' }),
    InvalidTokenResponseError: () => new src.InvalidTokenResponseError('bad'),
    NetworkError: () => new src.NetworkError('https://x.example'),
    AuthTimeoutError: () => new src.AuthTimeoutError('login', 10),
    ResponseParseError: () => new src.ResponseParseError('https://x.example'),
    DisposedError: () => new src.DisposedError(),
    ServerRenderingError: () => new src.ServerRenderingError(),
    OAuthError: () => new oauth2.OAuthError(400, { error: 'invalid_client', errorDescription: undefined, errorUri: undefined }),
    OAuthDiscoveryError: () => new oauth2.OAuthDiscoveryError('failed', 'https://x.example', 'no'),
  };
  // rx-bearer/oauth2's classes count too: ERR_OAUTH_DISCOVERY is one of its codes.
  const errorClasses = Object.entries({ ...src, ...oauth2 }).filter(
    (entry): entry is [string, typeof src.RxBearerError] => typeof entry[1] === 'function' && (entry[1] === src.RxBearerError || entry[1].prototype instanceof src.RxBearerError),
  );

  it('every exported error class has a code in ERROR_CODES (instance and static), and every code of the list is some class\'s', () => {
    expect(errorClasses.map(([name]) => name).sort()).toEqual(Object.keys(instances).sort());
    const codes: readonly string[] = src.ERROR_CODES;
    const made = new Set<string>();
    for (const [name, make] of Object.entries(instances)) {
      const error = make();
      expect(codes).withContext(name).toContain(error.code);
      if (name !== 'RxBearerError') made.add(error.code);
      const staticCode = (error.constructor as { code?: unknown }).code;
      if (staticCode !== undefined) expect(codes).withContext(`${name}.code`).toContain(staticCode as string);
    }
    expect([...made].sort()).toEqual([...codes].sort());
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('ERROR_CODES cannot be changed for every caller', () => {
    expect(Object.isFrozen(src.ERROR_CODES)).toBeTrue();
  });

  it('each class carries its stable code as a static, which its instances use', () => {
    for (const error of make(src)) {
      expect(error.code).toBe((error.constructor as unknown as { code: string }).code);
      expect(error.code).toMatch(/^ERR_[A-Z_]+$/);
    }
  });

  it("does not mistake another library's error with a look-alike code or name for one of ours", () => {
    const axiosLike = Object.assign(new Error('Network Error'), { name: 'AxiosError', code: 'ERR_NETWORK' });
    const namedLike = Object.assign(new Error('x'), { name: 'HttpError', code: 'ERR_HTTP' });
    expect(src.isRxBearerError(axiosLike)).toBeFalse();
    expect(src.isRxBearerError(namedLike)).toBeFalse();
    expect(src.isRxBearerError({ code: 'ERR_AUTH' })).toBeFalse();
  });

  // The fields read after each guard compile only because the guard narrows (TS2339 on RxBearerError before):
  // `npm run typecheck` covers this file, compat/types the packed declarations under every module setting.
  it("isRxBearerError(e, code) answers for that code only, and gives that code's class's fields", () => {
    // RxBearerError itself is left out: made with a code by hand, it passes for that code's class (the guard trusts the code).
    const seen = Object.entries(instances).filter(([name]) => name !== 'RxBearerError').map(([, make]) => {
      const e: unknown = make();
      if (src.isRxBearerError(e, 'ERR_HTTP')) return ['http', e.status, e.url];
      if (src.isRxBearerError(e, 'ERR_TIMEOUT')) return ['timeout', e.name];
      if (src.isRxBearerError(e, 'ERR_FETCH_UNAVAILABLE')) return ['no fetch', e.reason];
      if (src.isRxBearerError(e, 'ERR_AUTH')) return ['auth', e.reason, e.status];
      if (src.isRxBearerError(e, 'ERR_OAUTH_DISCOVERY')) return ['discovery', e.code, e instanceof oauth2.OAuthDiscoveryError && e.reason];
      return src.isRxBearerError(e) ? ['other', e.code] : ['not ours'];
    });
    expect(seen).toEqual([
      ['auth', 'rejected', undefined],
      ['no fetch', 'unavailable'], // an AuthError whose code is not ERR_AUTH: the ERR_AUTH guard's false answer kept it possible
      ['http', 500, 'https://x.example'],
      ['other', 'ERR_INVALID_TOKEN_RESPONSE'],
      ['other', 'ERR_NETWORK'],
      ['timeout', 'AuthTimeoutError'],
      ['other', 'ERR_RESPONSE_PARSE'],
      ['other', 'ERR_DISPOSED'],
      ['other', 'ERR_SERVER_RENDERING'],
      ['auth', 'rejected', 400], // OAuthError is an AuthError with code ERR_AUTH
      ['discovery', 'ERR_OAUTH_DISCOVERY', 'failed'],
    ]);
    const code: src.RxBearerErrorCode | undefined = undefined;
    expect(src.isRxBearerError(new src.DisposedError(), code)).toBeTrue(); // a code that may be undefined still compiles
  });

  it('prints without the brand that marks them', () => {
    expect(inspect(new src.AuthError('rejected', 'no'))).not.toContain('rx-bearer.error');
  });

  it('DEFAULTS cannot be changed for every client', () => {
    expect(Object.isFrozen(DEFAULTS)).toBeTrue();
    expect(Object.isFrozen(DEFAULTS.retry)).toBeTrue();
  });
});
