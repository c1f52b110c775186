/** api.video's rate-limit window, as the test server keeps it. */
export interface RateLimitOptions {
  /** Requests allowed per window, every route counted (logins too). @default 1_000_000 (no test reaches it) */
  limit?: number;
  /** The window's length in seconds; a new one starts with the first request after it ends. @default 60 */
  window?: number;
}

export interface RateLimitVerdict {
  /** false when this request is over the limit: it gets a 429. */
  readonly allowed: boolean;
  /** api.video's three headers, on every answer (the 429 included): limit, remaining, seconds until the window resets. */
  readonly headers: Record<'x-ratelimit-limit' | 'x-ratelimit-remaining' | 'x-ratelimit-retry-after', string>;
}

/**
 * A fixed window counted on the clock given (`Date.now` by default): no timer
 * runs, a window ends when a request finds it over. The description documents
 * only these headers on a 429 (no standard Retry-After), so a client learns
 * how long to wait from `X-RateLimit-Retry-After` alone.
 */
export function createRateLimit({ limit = 1_000_000, window = 60 }: RateLimitOptions = {}, now: () => number = Date.now) {
  if (!Number.isInteger(limit) || limit < 0) throw new TypeError('"rateLimit.limit" option must be a non-negative integer');
  if (typeof window !== 'number' || !(window > 0) || !Number.isFinite(window)) throw new TypeError('"rateLimit.window" option must be a positive number of seconds');
  let start = -Infinity;
  let used = 0;
  return {
    /** Counts one request and says whether it is allowed. */
    take(): RateLimitVerdict {
      const at = now();
      if (at >= start + window * 1000) {
        start = at;
        used = 0;
      }
      used++;
      const resetsIn = Math.max(0, Math.ceil((start + window * 1000 - at) / 1000));
      return {
        allowed: used <= limit,
        headers: {
          'x-ratelimit-limit': String(limit),
          'x-ratelimit-remaining': String(Math.max(0, limit - used)),
          'x-ratelimit-retry-after': String(resetsIn),
        },
      };
    },
    reset(): void {
      start = -Infinity;
      used = 0;
    },
  };
}
