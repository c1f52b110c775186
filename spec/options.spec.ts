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
    ['allowedOrigins', { allowedOrigins: ['::nope::'] }],
    ['allowedOrigins', { allowedOrigins: 'https://a.example' as never }],
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

  it('throws for a missing options object', () => {
    expect(() => createBearerAuth(undefined as never)).toThrowError(TypeError, /"options"/);
  });
});
