import * as main from '../src/index.js';

/**
 * The main entry exports what the docs document (#24): createBearerAuth, the transport a custom one
 * wraps, the error classes and their codes. DEFAULTS left it (the options table documents each
 * default); the store contract's types stay, since rx-bearer/redis's declarations import them from here.
 */
describe("rx-bearer's main entry", () => {
  it('exports only the documented values', () => {
    expect(Object.keys(main).sort()).toEqual([
      'AuthError',
      'AuthTimeoutError',
      'DisposedError',
      'ERROR_CODES',
      'FetchUnavailableError',
      'HttpError',
      'InvalidTokenResponseError',
      'NetworkError',
      'ResponseParseError',
      'RxBearerError',
      'ServerRenderingError',
      'createBearerAuth',
      'createHttpTransport',
      'isRxBearerError',
    ]);
  });
});
