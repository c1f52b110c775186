import { FetchUnavailableError } from './default-fetch-error.js';

let crossFetch: Promise<typeof fetch> | undefined;

/**
 * Loads cross-fetch once. The ESM build keeps this `import()`; the CommonJS
 * build turns it into `require()` (rollup's dynamicImportInCjs: false), which
 * works where a dynamic import inside CommonJS does not (Jest without
 * --experimental-vm-modules). The ESM one is marked for bundlers to leave
 * alone, so a bundle for a platform with fetch does not carry node-fetch.
 */
const loadCrossFetch = (): Promise<typeof fetch> =>
  (crossFetch ??= import('cross-fetch').then(
    (module) => (module.default ?? module) as unknown as typeof fetch,
    (cause: unknown) => {
      crossFetch = undefined;
      throw new FetchUnavailableError({ cause });
    },
  ));

/**
 * The platform's fetch, looked up at each call (so a polyfill or a test's
 * stub installed later is honoured); cross-fetch is loaded, on first use,
 * only where there is no global fetch, so Node 18+ and browsers never load it.
 * Where neither exists the call fails with a FetchUnavailableError.
 */
export const defaultFetch: typeof fetch = (input, init) => {
  if (typeof globalThis.fetch === 'function') return globalThis.fetch(input, init);
  return loadCrossFetch().then((fetchImpl) => fetchImpl(input, init));
};
