/**
 * Whether this build carries the full error messages and the option type
 * checks: true everywhere but the browser production build, for which rollup
 * swaps in dev.production.ts. Code writes `DEV && 'long message'` or
 * `if (DEV) ...`, so that rollup drops those strings and checks from that build.
 * Security checks (URLs, credentials) never depend on it; only their wording does.
 */
export const DEV: boolean = true;
