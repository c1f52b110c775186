/**
 * The platform's fetch, looked up at each call (so a polyfill or a test's
 * stub installed later is honoured); cross-fetch is loaded, on first use,
 * only where there is no global fetch, so Node 18+ and browsers never load it.
 */
export const defaultFetch: typeof fetch = (input, init) => {
  if (typeof globalThis.fetch === 'function') return globalThis.fetch(input, init);
  return import('cross-fetch').then((module) => {
    const crossFetch = (module.default ?? module) as unknown as typeof fetch;
    return crossFetch(input, init);
  });
};
