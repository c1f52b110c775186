// npm run demo: rx-bearer's story told as a live timeline, against the
// embedded api.video-compatible server (6-second tokens, so refreshes happen
// while you watch), or against a real API with --base-url. With --oauth2, the
// same story with an OAuth 2.0 client-credentials source against an embedded
// oidc-provider (a certified authorization server) and its API.
import { parseArgs } from 'node:util';
import { asyncScheduler, catchError, filter, map, of, take, type Subscription } from 'rxjs';
import { createBearerAuth, createHttpTransport, type BearerAuth, type TokenSource } from '../src/index.js';
import { clientCredentials } from '../src/oauth2/index.js';
import { sourceTransport } from '../src/transport.js';
import { withNetworkCause } from '../src/cli/network-cause.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../src/testing/index.js';
import { observeTransport } from './observe-transport.js';
import { SECRET, startOidcServer, type OidcServer } from './oidc-server.js';
import { THE_END, demoStory, type ServerTricks } from './story.js';
import { createTimeline, useColour } from './timeline.js';

/** One line on stderr, exit code 2. */
function fail(message: string): never {
  process.stderr.write(`demo: ${message} (usage: npm run demo [-- --base-url URL | --oauth2], the key in APIVIDEO_API_KEY)\n`);
  process.exit(2);
}

let flags: { 'base-url'?: string; ttl?: string; oauth2?: boolean };
try {
  flags = parseArgs({ options: { 'base-url': { type: 'string' }, ttl: { type: 'string' }, oauth2: { type: 'boolean' } }, strict: true }).values;
} catch (error) {
  fail((error as Error).message.split('\n')[0]!);
}
const ttlSeconds = Number(flags.ttl ?? 6);
if (!(ttlSeconds >= 2 && ttlSeconds <= 60)) fail('--ttl must be between 2 and 60 seconds');
const apiKey = flags['base-url'] ? process.env['APIVIDEO_API_KEY'] : 'demo-api-key';
if (!apiKey) fail('APIVIDEO_API_KEY is not set (needed with --base-url)');
if (flags.oauth2 && flags['base-url']) fail('--oauth2 runs against the embedded authorization server: no --base-url with it');

const oidc: OidcServer | undefined = flags.oauth2 ? await startOidcServer({ ttl: ttlSeconds }) : undefined;
const server: ApiVideoTestServer | undefined = flags['base-url'] ? undefined : (oidc?.api ?? (await createApiVideoTestServer({ apiKey, ttl: ttlSeconds })));
const baseUrl = flags['base-url'] ?? server!.url;

// Count the 401s the API answered, whoever sent them.
let unauthorized = 0;
const countingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.status === 401 && !String(input).includes('/auth/')) unauthorized++;
  return response;
};

// With --oauth2 every auth call is a client-credentials token request, shown (and counted) as a login.
const source: TokenSource | undefined = oidc && clientCredentials({ issuer: oidc.issuer, clientId: 'svc', clientSecret: SECRET, scope: 'api:read' });
const upstream = source ? sourceTransport(source) : createHttpTransport({ baseUrl, fetch: countingFetch });
const { transport, calls$ } = observeTransport(upstream, asyncScheduler);
let auth: BearerAuth;
try {
  auth = source
    ? createBearerAuth({ source: { token: () => transport.login('') }, baseUrl, fetch: countingFetch })
    : createBearerAuth({ apiKey, baseUrl, transport, fetch: countingFetch });
} catch (error) {
  fail((error as Error).message);
}

const tricks: ServerTricks | undefined = server && {
  holdRequests(count) {
    let release = () => {};
    server.fail('GET /videos', { until: new Promise<void>((resolve) => (release = resolve)), count });
    return release;
  },
  revokeAll: () => server.revokeAll(),
  failRefresh: (times) => server.fail('POST /auth/refresh', { status: 503, count: times }),
  rejectRefreshToken: () => server.fail('POST /auth/refresh', { status: 400, body: JSON.stringify({ title: 'The refresh token is invalid.', status: 400 }) }),
  ...(oidc && {
    revokeAll: () => void oidc.revokeAccessTokens(),
    failRefresh: (times: number) => server.fail('POST /oidc/token', { status: 503, count: times }),
    rejectRefreshToken: () => server.fail('POST /oidc/token', { status: 429, headers: { 'retry-after': '1' } } as never),
    chapter5: '5. The token endpoint answers 429 with Retry-After: 1: the client waits that second, then gets its token',
  }),
};

let ok = 0;
let failed = 0;
const calls = { login: 0, refresh: 0 };
calls$.subscribe((call) => call.phase === 'sent' && calls[call.kind]++);
const request = () =>
  auth.json('/videos').pipe(
    map(() => (ok++, true)),
    catchError(() => (failed++, of(false))),
  );

const timeline = createTimeline(useColour(process.stdout, process.env));
const against = oidc
  ? `an embedded oidc-provider at ${oidc.issuer} (OAuth 2.0 client credentials, ${ttlSeconds} s tokens) and its API at ${baseUrl}`
  : server ? `the embedded api.video-compatible server at ${baseUrl} (${ttlSeconds} s tokens)` : baseUrl;
process.stdout.write(`rx-bearer demo against ${against}\n\n${timeline.header()}\n`);

let story: Subscription | undefined;
/** Ends the demo: every timer and connection stopped, one line on stderr for a failure, the exit code set. */
async function finish(code: number, reason?: string): Promise<void> {
  story?.unsubscribe();
  auth.dispose();
  await server?.close();
  if (reason) process.stderr.write(`demo: ${reason}\n`);
  process.stdout.write(`\nsummary: logins ${calls.login}, refreshes ${calls.refresh}, 401s ${unauthorized}, requests ok ${ok}, failed ${failed}${oidc ? `, token requests at the authorization server ${oidc.tokenRequests}` : ''}\n`);
  process.exitCode = code;
  // Whatever still holds the event loop (a socket the network never answers), the demo ends here.
  setTimeout(() => process.exit(code), 2000).unref();
}

story = demoStory({ auth, authCalls$: calls$, request, scheduler: asyncScheduler, ttl: ttlSeconds * 1000, ...(tricks ? { tricks } : {}) }).subscribe({
  next: (event) => process.stdout.write(`${timeline.line(event)}\n`),
  error: (error: Error) => void finish(1, error.message),
  complete: () => void finish(0),
});
// The story cannot go on without a token: a login or refresh that failed for good (no network, a rejected key) ends it.
auth.state$.pipe(filter((state) => state.status === 'error'), take(1)).subscribe(({ error }) => {
  void finish(1, `stopped: ${withNetworkCause(error?.message ?? 'authentication failed', error)}`);
});
