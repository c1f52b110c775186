/**
 * The browser build's fetch: every browser rx-bearer supports has one, so
 * this build carries no cross-fetch fallback (rollup swaps this file in for
 * default-fetch.ts). Looked up at each call, like the Node build's.
 */
export const defaultFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);
