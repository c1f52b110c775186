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

/** A WHATWG stream, or a Node Readable (node-fetch's bodies): both hand out `{ done, value }` chunks. */
type Body = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Reads a stream chunk by chunk, counting bytes; past `limit` it cancels the
 * stream (a Node Readable is destroyed) and answers 'too-large'. `stop`, when
 * it settles, cancels it too (the read then ends with what came so far). The
 * cancel is not awaited: on some streams (msw's, with an unread clone) it never settles.
 */
export async function readAtMost(stream: Body | null | undefined, limit: number, stop?: Promise<unknown>): Promise<CappedBytes> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (stream) {
    // Asked with typeof, not `in`: @whatwg-node/server's ponyfill stream answers `in` with false.
    const web = typeof (stream as ReadableStream).getReader === 'function';
    const reader = web ? (stream as ReadableStream<Uint8Array>).getReader() : (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    const next = web ? () => (reader as ReadableStreamDefaultReader<Uint8Array>).read() : () => (reader as AsyncIterator<Uint8Array>).next();
    const cancel = () => void (web ? (reader as ReadableStreamDefaultReader).cancel() : (reader as AsyncIterator<Uint8Array>).return?.())?.catch(() => {});
    void stop?.then(cancel, cancel);
    for (let chunk; !(chunk = await next()).done; ) {
      if ((size += chunk.value.byteLength) > limit) return cancel(), 'too-large';
      chunks.push(chunk.value);
    }
  }
  const bytes = new Uint8Array(size);
  size = 0;
  for (const chunk of chunks) bytes.set(chunk, (size += chunk.byteLength) - chunk.byteLength);
  return bytes;
}

/**
 * A response's body as text (UTF-8, as `Response.text()` decodes it), never
 * more than `limit` bytes read: 'too-large' when its Content-Length says
 * more (then none of it is read: the caller ends the exchange) or when more arrives.
 */
export async function readTextAtMost(response: Response, limit: number): Promise<string | 'too-large'> {
  const bytes = Number(response.headers.get('content-length')) > limit ? 'too-large' : await readAtMost(response.body, limit);
  return bytes === 'too-large' ? bytes : new TextDecoder().decode(bytes);
}
