import { createRequire } from 'node:module';
import * as src from '../../../src/index.js';

// Moved from spec/errors.spec.ts: it loads the built CommonJS copy (dist/index.cjs), which npm test builds first.
const require = createRequire(import.meta.url);

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

  it('isRxBearerError recognises the errors of another copy of the package (the CommonJS build), by code too', () => {
    const cjs = require('../../../dist/index.cjs') as typeof src;
    for (const error of make(cjs)) {
      expect(error instanceof src.RxBearerError).toBeFalse();
      expect(src.isRxBearerError(error)).withContext(error.name).toBeTrue();
      expect(src.isRxBearerError(error, error.code)).toBeTrue();
    }
    expect(cjs.isRxBearerError(new src.NetworkError('https://x.example'), 'ERR_NETWORK')).toBeTrue();
  });
});
