import { inspect } from 'node:util';
import * as src from '../src/index.js';

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

  it('prints without the brand that marks them', () => {
    expect(inspect(new src.AuthError('rejected', 'no'))).not.toContain('rx-bearer.error');
  });

  it('DEFAULTS cannot be changed for every client', () => {
    expect(Object.isFrozen(src.DEFAULTS)).toBeTrue();
    expect(Object.isFrozen(src.DEFAULTS.retry)).toBeTrue();
  });
});
