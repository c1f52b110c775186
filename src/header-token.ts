/**
 * Which access tokens can be sent: the one rule, used where a token enters
 * (a token response, a session read from a fleet's store) and where the CLI
 * prints one. No imports: rx-bearer/redis and the CLI compile it in.
 */

/**
 * The longest access token kept, in characters. api.video's JWTs are about
 * 700 characters, OAuth providers' 1-2 KB. The `Authorization: Bearer …`
 * line must fit nginx's default 8 KB header-line buffer
 * (`large_client_header_buffers 4 8k`, else 400) and leave room in Node's
 * 16 KB for all headers together (else 431): 8,000 characters do, with 170
 * to spare for the header's name.
 */
export const MAX_TOKEN_LENGTH = 8_000;

/**
 * Visible ASCII, no space: every character RFC 6750's b64token allows and
 * the rest of what a header value may hold without obs-text. A CR or LF would
 * end the header (Headers refuses it, with the token in its message), a
 * non-Latin-1 character cannot be sent at all, and a space or a control
 * character would be read as something other than the token.
 */
const SENDABLE = /^[\x21-\x7e]+$/;

/** Whether `token` can go in an `Authorization: Bearer` header as it is. */
export const isSendableToken = (token: unknown): token is string =>
  typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH && SENDABLE.test(token);
