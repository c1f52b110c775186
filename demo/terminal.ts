// npm run demo: rx-bearer's story told as a live timeline, against the
// embedded api.video-compatible server (6-second tokens, so refreshes happen
// while you watch), or against a real API with --base-url.
import { parseArgs } from 'node:util';
import { asyncScheduler, catchError, filter, map, of, take, type Subscription } from 'rxjs';
import { createBearerAuth, createHttpTransport, type BearerAuth } from '../src/index.js';
import { withNetworkCause } from '../src/cli/network-cause.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../src/testing/index.js';
import { observeTransport } from './observe-transport.js';
import { THE_END, demoStory, type ServerTricks } from './story.js';
import { createTimeline, useColour } from './timeline.js';

/** One line on stderr, exit code 2. */
function fail(message: string): never {
  process.stderr.write(`demo: ${message} (usage: npm run demo [-- --base-url URL], the key in APIVIDEO_API_KEY)\n`);
  process.exit(2);
}

let flags: { 'base-url'?: string; ttl?: string };
try {
  flags = parseArgs({ options: { 'base-url': { type: 'string' }, ttl: { type: 'string' } }, strict: true }).values;
} catch (error) {
  fail((error as Error).message.split('\n')[0]!);
}
const ttlSeconds = Number(flags.ttl ?? 6);
if (!(ttlSeconds >= 2 && ttlSeconds <= 60)) fail('--ttl must be between 2 and 60 seconds');
const apiKey = flags['base-url'] ? process.env['APIVIDEO_API_KEY'] : 'demo-api-key';
if (!apiKey) fail('APIVIDEO_API_KEY is not set (needed with --base-url)');

const server: ApiVideoTestServer | undefined = flags['base-url'] ? undefined : await createApiVideoTestServer({ apiKey, ttl: ttlSeconds });
const baseUrl = flags['base-url'] ?? server!.url;

// Count the 401s the API answered, whoever sent them.
let unauthorized = 0;
const countingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.status === 401 && !String(input).includes('/auth/')) unauthorized++;
  return response;
};

const { transport, calls$ } = observeTransport(createHttpTransport({ baseUrl, fetch: countingFetch }), asyncScheduler);
let auth: BearerAuth;
try {
  auth = createBearerAuth({ apiKey, baseUrl, transport, fetch: countingFetch });
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
process.stdout.write(`rx-bearer demo against ${server ? `the embedded api.video-compatible server at ${baseUrl} (${ttlSeconds} s tokens)` : baseUrl}\n\n${timeline.header()}\n`);

let story: Subscription | undefined;
/** Ends the demo: every timer and connection stopped, one line on stderr for a failure, the exit code set. */
async function finish(code: number, reason?: string): Promise<void> {
  story?.unsubscribe();
  auth.dispose();
  await server?.close();
  if (reason) process.stderr.write(`demo: ${reason}\n`);
  process.stdout.write(`\nsummary: logins ${calls.login}, refreshes ${calls.refresh}, 401s ${unauthorized}, requests ok ${ok}, failed ${failed}\n`);
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
