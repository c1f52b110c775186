import { createBearerAuth, type BearerAuthOptions } from '../src/index.js';

const create = (options: Partial<BearerAuthOptions>) => () => createBearerAuth({ apiKey: 'k-secret-value', ...options } as BearerAuthOptions);

describe('options validation', () => {
  const bad: Array<[string, Partial<BearerAuthOptions>]> = [
    ['apiKey', { apiKey: '' }],
    ['apiKey', { apiKey: 42 as never }],
    ['baseUrl', { baseUrl: 'not a url' }],
    ['baseUrl', { baseUrl: 'ftp://ws.api.video' }],
    ['baseUrl', { baseUrl: 'http://ws.api.video' }],
    ['refreshLeadTime', { refreshLeadTime: -1 }],
    ['refreshLeadTime', { refreshLeadTime: NaN }],
    ['requestTimeout', { requestTimeout: 0 }],
    ['retry.maxAttempts', { retry: { maxAttempts: 0 } }],
    ['retry.maxAttempts', { retry: { maxAttempts: 1.5 } }],
    ['retry.initialDelay', { retry: { initialDelay: Infinity } }],
    ['retry.maxDelay', { retry: { initialDelay: 1000, maxDelay: 10 } }],
    ['refreshOn', { refreshOn: 'sometimes' as never }],
    ['fetch', { fetch: 'fetch' as never }],
    ['scheduler', { scheduler: {} as never }],
    ['transport', { transport: { login: () => null } as never }],
    ['store', { store: { read: () => null } as never }],
    ['allowedOrigins', { allowedOrigins: ['::nope::'] }],
    ['allowedOrigins', { allowedOrigins: 'https://a.example' as never }],
    // Entries that would weaken the boundary: token in clear, an opaque origin, a path that suggests a narrower scope, credentials.
    ['allowedOrigins', { allowedOrigins: ['http://cdn.example.com'] }],
    ['allowedOrigins', { allowedOrigins: ['ws.api.video:443'] }],
    ['allowedOrigins', { allowedOrigins: ['wss://ws.api.video'] }],
    ['allowedOrigins', { allowedOrigins: ['https://cdn.example.com/videos'] }],
    ['allowedOrigins', { allowedOrigins: ['https://user:k-secret-value@cdn.example.com'] }],
    ['allowedOrigins', { allowedOrigins: [42 as never] }],
    ['baseUrl', { baseUrl: 'https://user:k-secret-value@ws.api.video' }],
    ['baseUrl', { baseUrl: 'https://k-secret-value@ws.api.video' }],
    ['baseUrl', { baseUrl: 'https://ws.api.video/?k-secret-value' }],
    ['baseUrl', { baseUrl: 'https://ws.api.video/#k-secret-value' }],
    // Beyond setTimeout's range (2^31 - 1 ms) a wait fires at once.
    ['requestTimeout', { requestTimeout: 2 ** 31 }],
    ['retry.initialDelay', { retry: { initialDelay: 2 ** 31, maxDelay: 2 ** 32 } }],
    ['retry.maxDelay', { retry: { maxDelay: 2 ** 31 } }],
  ];
  for (const [name, options] of bad) {
    it(`throws a TypeError naming "${name}" for ${JSON.stringify(options)}`, () => {
      expect(create(options)).toThrowMatching((error) => error instanceof TypeError && error.message.includes(`"${name}"`) && !error.message.includes('k-secret-value'));
    });
  }

  it('explains why plain http is refused, and accepts it for loopback or when allowed', () => {
    expect(create({ baseUrl: 'http://ws.api.video' })).toThrowError(TypeError, /in clear/);
    for (const baseUrl of ['http://127.0.0.1:8080', 'http://localhost:3000', 'http://[::1]:9']) {
      expect(create({ baseUrl })).not.toThrow();
    }
    expect(create({ baseUrl: 'http://ws.api.video', allowInsecureHttp: true })).not.toThrow();
  });

  it('accepts loopback http origins and https origins with a trailing slash or the default port', () => {
    expect(create({ allowedOrigins: ['http://127.0.0.1:9000', 'https://cdn.example.com/', 'https://cdn.example.com:443'] })).not.toThrow();
    expect(create({ allowedOrigins: ['http://cdn.example.com'], allowInsecureHttp: true })).not.toThrow();
    expect(create({ requestTimeout: 2 ** 31 - 1, retry: { maxDelay: 2 ** 31 - 1 } })).not.toThrow();
  });

  it('throws for a missing options object', () => {
    expect(() => createBearerAuth(undefined as never)).toThrowError(TypeError, /"options"/);
  });
});
