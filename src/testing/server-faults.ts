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
  /** The reason phrase sent with `status` (Node refuses C0 controls in it; Latin-1 such as a C1 control goes through). */
  statusText?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Send the headers and half the body, then reset the connection. */
  reset?: boolean;
  /** Never answer (until the client gives up or the server closes). */
  hang?: boolean;
  /**
   * Stream the body (with `status`, 200 without): `head`, then `fill` repeated
   * until `bytes` in all (endless without `bytes`), then `tail`, written as
   * fast as the client reads and stopped when it leaves. No Content-Length.
   */
  stream?: { head?: string; fill?: string; tail?: string; bytes?: number };
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

/**
 * Writes a `stream` fault's body with backpressure; resolves with the bytes
 * written once it is all sent or the client went away.
 */
export async function streamBody(res: ServerResponse, status: number, headers: Record<string, string>, stream: NonNullable<Fault['stream']>): Promise<number> {
  const { head = '', fill = ' ', tail = '', bytes } = stream;
  const piece = Buffer.from(fill.repeat(Math.max(1, Math.floor(16_384 / Math.max(1, Buffer.byteLength(fill))))));
  res.writeHead(status, headers);
  let sent = 0;
  const write = async (chunk: Buffer) => {
    if (res.destroyed) return;
    sent += chunk.byteLength;
    if (res.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => (res.off('drain', done).off('close', done), resolve());
      res.on('drain', done).on('close', done);
    });
  };
  await write(Buffer.from(head));
  const total = bytes ?? Infinity;
  while (!res.destroyed && sent < total - Buffer.byteLength(tail)) {
    const room = total - Buffer.byteLength(tail) - sent;
    await write(room < piece.byteLength ? piece.subarray(0, room) : piece);
  }
  if (!res.destroyed) {
    sent += Buffer.byteLength(tail);
    res.end(tail);
  }
  return sent;
}
