// The one way rx-bearer/server and rx-bearer/redis reach the core. In their
// published bundles the re-exports of './index.js' become imports of
// 'rx-bearer' itself (rollup.config.mjs), so an app that imports from both
// shares one copy of the engine and its classes (instanceof holds) and one
// declaration of each type (no TS2322 "Two different types with this name
// exist"). The rest are internals without an identity to share, compiled into
// each bundle: pure functions and the Secret wrapper, which
// nothing checks with instanceof.
export { AuthError, createBearerAuth, HttpError, InvalidTokenResponseError, NetworkError, RxBearerError } from './index.js';
export type { BearerAuthOptions, SourceTokenResponse, TokenSource, Coordination, Session, StoreClient, StoreCycle, TokenStore } from './index.js';
export { MAX_AUTH_BODY, readAtMost } from './capped-body.js';
export { isSendableToken } from './header-token.js';
export { refreshTime } from './refresh-time.js';
export { Secret } from './secret.js';
export { parseOption } from './credential-scope.js';
export { redact } from './redact.js';
