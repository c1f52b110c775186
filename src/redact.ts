// Where rx-bearer keeps what a server chose (an error's status text, headers,
// body), the credential it was sent never stays in it: a server or a proxy's
// error page may echo the request. One rule for every caller: the HTTP
// transport (API key, refresh token), auth.json (the bearer token) and the
// OAuth 2.0 sources (client secret, refresh token).

/** `text` with every occurrence of `secret` replaced by '[redacted]'. */
export const redact = (text: string, secret?: string): string => (secret ? text.split(secret).join('[redacted]') : text);

/**
 * A body's text as JSON where it parses, else as text, without `secret`. The
 * text is redacted, then its JSON is redacted again as JSON.stringify writes
 * it: a JSON escape (`\u005f` for `_`) spells the secret where the text does
 * not. A body the second pass garbles stays the redacted text.
 */
export function redactedBody(text: string, secret?: string): unknown {
  text = redact(text, secret);
  try {
    const value: unknown = text === '' ? undefined : JSON.parse(text);
    // The second pass only where there is a secret: a success body (parsed without one) is parsed once.
    return secret && value !== undefined ? (JSON.parse(redact(JSON.stringify(value), JSON.stringify(secret).slice(1, -1))) as unknown) : value;
  } catch {
    return text;
  }
}
