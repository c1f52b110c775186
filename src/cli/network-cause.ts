import { ERROR_CODES } from 'rx-bearer';

/** What a system error code means, for codes a CLI user meets when the auth server cannot be reached. */
const meanings: Array<[RegExp, string]> = [
  [/^ENOTFOUND$/, 'host not found'],
  [/^EAI_AGAIN$/, 'DNS lookup failed, try again'],
  [/^ECONNREFUSED$/, 'connection refused'],
  [/^ECONNRESET$/, 'connection reset'],
  [/^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT)$/, 'connection timed out'],
  [/^(ENETUNREACH|EHOSTUNREACH)$/, 'network unreachable'],
  [/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/, 'TLS certificate not trusted'],
];

const ours: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * The first system error code (ENOTFOUND, ECONNREFUSED, a certificate error...)
 * down an error's cause chain, where fetch and undici put it, with what it
 * means: "ECONNREFUSED, connection refused". Without a code, the innermost
 * cause's message when fetch wrapped it ("bad port"); undefined when there is
 * no cause. rx-bearer's own codes (ERROR_CODES: ERR_AUTH, ERR_NETWORK...) are passed over.
 */
export function networkCause(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let innermost: unknown;
  for (let current = error; current && typeof current === 'object' && !seen.has(current); ) {
    seen.add(current);
    innermost = current;
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && !ours.has(code)) {
      const meaning = meanings.find(([pattern]) => pattern.test(code))?.[1];
      return meaning ? `${code}, ${meaning}` : code;
    }
    // An AggregateError (a refused connection on both IPv4 and IPv6) has no cause, only errors.
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  const wrapped = seen.size > 3 && innermost instanceof Error ? innermost.message : ''; // AuthError > NetworkError > fetch's TypeError > this
  return wrapped || undefined;
}

/**
 * `message` with the network cause of `error` appended: "... (ECONNREFUSED,
 * connection refused)". The core's auth errors already name a system code at
 * the end ("... (ECONNREFUSED)"); that is replaced, not repeated.
 */
export function withNetworkCause(message: string, error: unknown): string {
  const cause = networkCause(error);
  if (!cause) return message;
  const named = ` (${cause.split(',')[0]})`;
  return `${message.endsWith(named) ? message.slice(0, -named.length) : message} (${cause})`;
}
