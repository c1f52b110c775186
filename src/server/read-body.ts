import { readAtMost } from '../core.js';

/**
 * The token endpoint's body, read only once the caller is authorized, and
 * never more than `limit` bytes of it: a caller sending 256 MiB, or one byte
 * at a time, costs at most `limit` plus one chunk of memory and the
 * handler's own deadline.
 *
 * Where a framework parsed the body before the handler (Express 5 with
 * `express.json()`, Fastify, both through @whatwg-node/server), the request's
 * stream is already spent: reading it would wait forever. The parsed body is
 * then taken from the Node request the adapter passes as its server context
 * (`{ req }`), and held to the same checks: its size (the announced
 * Content-Length, and the bytes of its JSON) and being a JSON object.
 */

/** What reading the body came to: the parsed object, or the status of the refusal. */
export type BodyOutcome = { body: Record<string, unknown> } | { status: 400 | 413; title: string };

const tooLarge = { status: 413, title: 'The body is too large' } as const;
const notJson = { status: 400, title: 'The body is not valid JSON' } as const;
const notObject = { status: 400, title: 'The body must be a JSON object' } as const;
const spent = { status: 400, title: 'The body was already read by a middleware, which left nothing to check' } as const;

/** The Node request behind an adapter's server context (`{ req }`: Express's, or Fastify's with its `raw`), if there is one. */
interface NodeRequestLike {
  rawHeaders?: unknown;
  body?: unknown;
  raw?: { readableEnded?: unknown; rawHeaders?: unknown };
  readableEnded?: unknown;
}
function nodeRequestOf(context: unknown): NodeRequestLike | undefined {
  const req = context !== null && typeof context === 'object' ? (context as { req?: unknown }).req : undefined;
  if (req === null || typeof req !== 'object' || !('headers' in req)) return undefined;
  return req as NodeRequestLike;
}

/**
 * The content type the client sent. Where a parser ran before the handler, the
 * Request the adapter built says otherwise: @whatwg-node/server re-serialises a
 * parsed `req.body` (a form too, from `express.urlencoded()`) as JSON, and sets
 * a JSON content type, in `req.headers` as well. Node's `rawHeaders` keep what
 * arrived on the wire.
 */
export function contentTypeOf(request: Request, context: unknown): string {
  const req = nodeRequestOf(context);
  const raw = req?.rawHeaders ?? req?.raw?.rawHeaders;
  if (Array.isArray(raw)) {
    const at = raw.findIndex((name, index) => index % 2 === 0 && String(name).toLowerCase() === 'content-type');
    return at === -1 ? '' : String(raw[at + 1]);
  }
  return request.headers.get('content-type') ?? '';
}

/** A body some middleware already holds: `{ value }` (parsed, or text/bytes), `'spent'` (read, and nothing kept), or undefined (ours to read). */
function preParsed(context: unknown): { value: unknown } | 'spent' | undefined {
  const req = nodeRequestOf(context);
  if (req === undefined) return undefined;
  if (req.body !== undefined) return { value: req.body };
  const ended = (req.raw ?? req).readableEnded;
  return ended === true ? 'spent' : undefined;
}

function parse(text: string): BodyOutcome {
  let body: unknown = {};
  try {
    if (text.trim() !== '') body = JSON.parse(text);
  } catch {
    return notJson;
  }
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? { body: body as Record<string, unknown> } : notObject;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const decode = (bytes: Uint8Array): string | undefined => {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
};

/** The body as a JSON object, or why not; never more than `limit` bytes read. */
export async function readBody(request: Request, context: unknown, limit: number, stop: Promise<unknown>): Promise<BodyOutcome> {
  const announced = Number(request.headers.get('content-length') ?? 0);
  // Nothing of it is read. Not cancelled either: under Node that destroys the socket before the 413 is written;
  // unread, Node's server discards the rest once the answer is sent, holding none of it.
  if (announced > limit) return tooLarge;
  const held = preParsed(context);
  if (held === 'spent') return spent;
  if (held !== undefined) {
    const { value } = held;
    if (typeof value === 'string' || value instanceof Uint8Array) {
      const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
      if (bytes.byteLength > limit) return tooLarge;
      const text = decode(bytes);
      return text === undefined ? notJson : parse(text);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return notObject;
    // A parsed object: its size is that of its JSON, which is what the caller sent, give or take whitespace.
    if (new TextEncoder().encode(JSON.stringify(value)).byteLength > limit) return tooLarge;
    return { body: value as Record<string, unknown> };
  }
  const bytes = await readAtMost(request.body, limit, stop);
  if (bytes === 'too-large') return tooLarge;
  const text = decode(bytes);
  return text === undefined ? notJson : parse(text);
}
