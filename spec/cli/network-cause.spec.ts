import { networkCause, withNetworkCause } from '../../src/cli/network-cause.js';
import { AuthError, ERROR_CODES, FetchUnavailableError, NetworkError } from '../../src/index.js';

/** An error with a `code` and a `cause`, the way fetch, undici and rx-bearer chain them. */
const coded = (code: string, cause?: unknown) => Object.assign(new Error(code, { cause }), { code });
const refused = () => coded('ECONNREFUSED');

describe('networkCause (CLI)', () => {
  it('passes over a FetchUnavailableError: ERR_FETCH_UNAVAILABLE is rx-bearer\'s code, not a system error code', () => {
    expect(networkCause(new FetchUnavailableError())).toBeUndefined();
    // Why cross-fetch did not load is what the user needs.
    expect(networkCause(new FetchUnavailableError({ cause: coded('ERR_MODULE_NOT_FOUND') }))).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('passes over every code of ERROR_CODES, down to the system code under it', () => {
    for (const code of ERROR_CODES) {
      expect(networkCause(coded(code))).withContext(code).toBeUndefined();
      expect(networkCause(coded(code, refused()))).withContext(code).toBe('ECONNREFUSED, connection refused');
    }
  });

  it('still reports system codes that look like rx-bearer\'s (ERR_…), with their meaning', () => {
    const tls = coded('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(networkCause(new AuthError('unavailable', 'x', { cause: new NetworkError('https://x.example', { cause: tls }) }))).toBe('ERR_TLS_CERT_ALTNAME_INVALID, TLS certificate not trusted');
    expect(networkCause(coded('ERR_AUTH_SOMETHING_ELSE'))).toBe('ERR_AUTH_SOMETHING_ELSE');
  });

  it("withNetworkCause gives the core's \"(ECONNREFUSED)\" its meaning instead of naming the code twice", () => {
    const error = new AuthError('unavailable', 'Authentication failed: Network error calling http://x (ECONNREFUSED)', { cause: new NetworkError('http://x', { cause: refused() }) });
    expect(withNetworkCause(error.message, error)).toBe('Authentication failed: Network error calling http://x (ECONNREFUSED, connection refused)');
    // A message that does not name it yet gets it appended; one without a cause stays as it is.
    expect(withNetworkCause('stopped', error)).toBe('stopped (ECONNREFUSED, connection refused)');
    expect(withNetworkCause('The API key was rejected (HTTP 401)', new AuthError('rejected', 'x'))).toBe('The API key was rejected (HTTP 401)');
  });
});
