import type { ServerResponse } from 'node:http';

/** What the next matching request(s) on a route get instead of the normal answer. */
export interface Fault {
  /** Answer with this status, and `body`; without it the normal answer is sent (after `delay`). */
  status?: number;
  /** How many requests it applies to. @default 1 */
  count?: number;
  /** Wait this long (ms) before answering. */
  delay?: number;
  /** Hold the answer until this settles, e.g. to act while requests are certainly in flight. */
  until?: PromiseLike<unknown>;
  /** Sets Retry-After: seconds, or a Date sent as an HTTP date. */
  retryAfter?: number | Date;
  /** The raw body to send with `status`, e.g. '<html>' or '{"access_tok'. @default a problem-details JSON */
  body?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Send the headers and half the body, then reset the connection. */
  reset?: boolean;
  /** Never answer (until the client gives up or the server closes). */
  hang?: boolean;
}

/** Faults queued per route, each used `count` times in order. */
export function createFaultQueue() {
  const queues = new Map<string, Fault[]>();
  return {
    add(route: string, fault: Fault): void {
      queues.set(route, [...(queues.get(route) ?? []), { count: 1, ...fault }]);
    },
    take(route: string): Fault | undefined {
      const queue = queues.get(route) ?? [];
      const fault = queue.find((candidate) => (candidate.count ?? 1) > 0);
      if (fault) fault.count = (fault.count ?? 1) - 1;
      return fault;
    },
    clear: () => queues.clear(),
  };
}

export function faultHeaders(fault: Fault | undefined): Record<string, string> {
  if (!fault) return {};
  const { retryAfter } = fault;
  const retry: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': retryAfter instanceof Date ? retryAfter.toUTCString() : String(retryAfter) };
  return { ...retry, ...fault.headers };
}

/** Writes half the body and drops the connection: a reset mid-body, as clients see it. */
export function resetMidBody(res: ServerResponse, status: number, headers: Record<string, string>, text: string): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))), () => res.destroy());
}
