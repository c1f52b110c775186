import { FetchUnavailableError } from './default-fetch-error.js';

/**
 * The browser build's fetch: every browser rx-bearer supports has one, so
 * this build carries no cross-fetch fallback (rollup swaps this file in for
 * default-fetch.ts). Looked up at each call, like the Node build's. Where
 * there is none (Jest with jsdom) the call fails at once with a
 * FetchUnavailableError that says to pass `options.fetch`.
 */
export const defaultFetch: typeof fetch = (input, init) =>
  typeof globalThis.fetch === 'function' ? globalThis.fetch(input, init) : Promise.reject(new FetchUnavailableError());
