/**
 * The handler's answers: JSON, never cached (a token must not sit in a
 * proxy's or the browser's cache), never sniffed as something else. Errors
 * are RFC 9457 problem details with a fixed title: never a stack, a cause's
 * message or anything the server holds.
 */
const baseHeaders = { 'cache-control': 'no-store', pragma: 'no-cache', 'x-content-type-options': 'nosniff' };

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...baseHeaders, ...headers } });
}

export function problem(status: number, title: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title, status }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...baseHeaders, ...headers },
  });
}
