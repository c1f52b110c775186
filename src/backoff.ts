import { retry as retryOperator, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { AuthError, InvalidTokenResponseError, NetworkError, AuthTimeoutError, statusOf } from './errors.js';
import type { RetryOptions } from './options.js';


/**
 * Worth another try: no answer (network, timeout), a 5xx, 408 or 429, or a
 * garbled token response. A 4xx is an answer that will not change. Errors
 * of custom transports are judged by their `status` where they have one.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof AuthError) return false; // already a verdict ('redirected', no fetch at all)
  if (error instanceof NetworkError || error instanceof AuthTimeoutError || error instanceof InvalidTokenResponseError) return true;
  const status = statusOf(error);
  return status === undefined || status === 0 || status === 408 || status === 429 || status >= 500;
}

/** The longest Retry-After honoured (ms). */
export const MAX_RETRY_AFTER = 3_600_000;

/**
 * The server's requested wait in ms: Retry-After (seconds or HTTP date), or
 * on a 429 only, api.video's X-RateLimit-Retry-After. api.video sends that one
 * on every answer: it counts the seconds until the rate-limit window resets,
 * which is a reason to wait only when the limit was what refused the call
 * (a 503 carrying it is retried as any 503 is).
 */
export function retryAfterMs(error: unknown, now: number): number | undefined {
  const headers = (error as { headers?: unknown } | null)?.headers;
  if (headers === null || typeof headers !== 'object') return undefined;
  const record = headers as Record<string, unknown>;
  const value = record['retry-after'] ?? (statusOf(error) === 429 ? record['x-ratelimit-retry-after'] : undefined);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  // RFC 9110: whole seconds (1*DIGIT) or an HTTP date; anything else ('0x10', '1e12', '-5') is ignored.
  const wait = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - now;
  // However long the server asks, the wait honoured is at most an hour: a long-running client is never locked out for good.
  return Number.isNaN(wait) ? undefined : Math.min(Math.max(0, wait), MAX_RETRY_AFTER);
}

/** Exponential backoff with full jitter: uniform in [0, min(maxDelay, initialDelay * 2^(n-1))). */
export function backoffDelay(retryCount: number, { initialDelay, maxDelay, random }: Readonly<Required<RetryOptions>>): number {
  return random() * Math.min(maxDelay, initialDelay * 2 ** (retryCount - 1));
}

/** Thrown out of the retry loop when the server asks to wait longer than maxDelay. */
export class RetryAfterTooLong extends Error {
  // No message: it never leaves the auth cycle, which turns it into an AuthError 'rate-limited'.
  constructor(readonly error: unknown) {
    super();
  }
}

/**
 * Resubscribes on transient errors, up to `maxAttempts` in all. A Retry-After
 * is the minimum wait; one longer than `maxDelay` stops the retries instead
 * of stalling every waiting request.
 */
export function retryTransient<T>(options: Readonly<Required<RetryOptions>>, scheduler: SchedulerLike, wanted: () => boolean = () => true): MonoTypeOperatorFunction<T> {
  return retryOperator({
    count: options.maxAttempts - 1,
    delay: (error: unknown, retryCount: number) => {
      // Nobody wants a token any more: no further attempt (the one on the wire was allowed to finish).
      if (!isTransient(error) || !wanted()) throw error;
      const requested = retryAfterMs(error, scheduler.now());
      if (requested !== undefined && requested > options.maxDelay) throw new RetryAfterTooLong(error);
      return timer(Math.max(backoffDelay(retryCount, options), requested ?? 0), scheduler);
    },
  });
}
