/**
 * Reading a body from outside with a cap, counted in bytes as it streams:
 * the one reader behind every auth answer (login, refresh, a tokenUrl
 * endpoint, what rx-bearer/server's handler gets from api.video) and behind
 * the token endpoint's own request bodies. Past the cap it stops reading and
 * cancels the rest, so a 300 MB or an endless answer costs at most the cap
 * plus one chunk of memory. No imports: rx-bearer/server compiles it in.
 */

/**
 * The most read of any auth answer, in bytes. api.video's token response is
 * about 1.5 KB (two JWT-sized tokens); a token endpoint's, or a problem
 * document, less. 64 KB is forty times that and still a trivial amount of
 * memory, so it never binds a real answer and always binds a hostile one.
 * Not an option: nothing real needs more, and a cap that can be raised binds nobody.
 */
export const MAX_AUTH_BODY = 65_536;

/** What a capped read came to: the bytes, or 'too-large' (the rest was cancelled, unread). */
export type CappedBytes = Uint8Array | 'too-large';

interface NodeReadableLike extends AsyncIterable<Uint8Array | string> {
  destroy?(): void;
}

const concat = (chunks: Uint8Array[], size: number): Uint8Array => {
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) bytes.set(chunk, (at += chunk.byteLength) - chunk.byteLength);
  return bytes;
};

/**
 * Reads a WHATWG stream (or a Node Readable, as node-fetch's bodies are)
 * chunk by chunk, counting bytes; past `limit` it cancels the stream and
 * answers 'too-large'. `stop`, when it settles, cancels the stream too (the
 * read then ends with what came so far). The cancel is not awaited: on some
 * streams (msw's, with an unread clone) it never settles.
 */
export async function readAtMost(stream: ReadableStream<Uint8Array> | NodeReadableLike | null | undefined, limit: number, stop?: Promise<unknown>): Promise<CappedBytes> {
  if (stream === null || stream === undefined) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  /** Counts one chunk; false once past the limit. */
  const take = (chunk: Uint8Array | string): boolean => {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > limit) return false;
    chunks.push(bytes);
    return true;
  };
  if (typeof (stream as ReadableStream).getReader === 'function') {
    const reader = (stream as ReadableStream<Uint8Array>).getReader();
    const cancel = () => void reader.cancel().catch(() => {});
    void stop?.then(cancel, cancel);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!take(value)) return cancel(), 'too-large';
    }
    return concat(chunks, size);
  }
  // A Node Readable: leaving the loop early destroys it, which closes the connection.
  const readable = stream as NodeReadableLike;
  void stop?.then(() => readable.destroy?.(), () => readable.destroy?.());
  for await (const chunk of readable) {
    if (!take(chunk)) return 'too-large';
  }
  return concat(chunks, size);
}

/**
 * A response's body as text (UTF-8, as `Response.text()` decodes it), never
 * more than `limit` bytes read: 'too-large' when its Content-Length says
 * more (then none of it is read) or when more arrives.
 */
export async function readTextAtMost(response: Response, limit: number): Promise<string | 'too-large'> {
  const body = response.body as ReadableStream<Uint8Array> | NodeReadableLike | null;
  const announced = Number(response.headers.get('content-length') ?? 0);
  if (announced > limit) {
    if (body && typeof (body as ReadableStream).cancel === 'function') void (body as ReadableStream).cancel().catch(() => {});
    else (body as NodeReadableLike | null)?.destroy?.();
    return 'too-large';
  }
  let bytes: CappedBytes;
  if (body === null || typeof body !== 'object') {
    // A fetch whose Response has no stream to read (a hand-made one): read it whole, then hold it to the cap.
    const buffer = new Uint8Array(await response.arrayBuffer());
    bytes = buffer.byteLength > limit ? 'too-large' : buffer;
  } else {
    bytes = await readAtMost(body, limit);
  }
  return bytes === 'too-large' ? bytes : new TextDecoder().decode(bytes);
}
