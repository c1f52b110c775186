// A short tour: an embedded api.video-compatible server with 4-second tokens,
// and a client whose token$ and state$ you watch through refreshes, requests
// and a revocation. Ends by itself in about 12 s. A fuller demo comes later.
import { Subscription, firstValueFrom, interval, take } from 'rxjs';
import { createBearerAuth } from '../src/index.js';
import { createApiVideoTestServer } from '../src/testing/api-video-test-server.js';

const server = await createApiVideoTestServer({ ttl: 4 });
const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, refreshLeadTime: 1000 });
const started = Date.now();
const say = (lane: string, text: string) => console.log(`${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s  ${lane.padEnd(8)} ${text}`);
const short = (token: string | null) => (token === null ? 'null' : `…${token.slice(-8)}`);

console.log(`api.video-compatible server on ${server.url}, tokens live 4 s, refresh 1 s before expiry\n`);
const watching = new Subscription();
watching.add(auth.token$.subscribe((token) => say('token$', short(token))));
watching.add(auth.state$.subscribe((state) => say('state$', state.status + (state.error ? ` (${state.error.message})` : ''))));

let ok = 0;
let failed = 0;
const request = (n: number) =>
  auth.json<{ data: unknown[] }>('/videos').subscribe({
    next: () => (ok++, say('request', `#${n} GET /videos -> 200`)),
    error: (error: Error) => (failed++, say('request', `#${n} failed: ${error.message}`)),
  });

watching.add(interval(1300).pipe(take(8)).subscribe((n) => request(n + 1)));
setTimeout(() => (say('server', 'revokes every token: the next request gets a 401, one refresh follows'), server.revokeAll()), 4200);
await firstValueFrom(interval(11_500).pipe(take(1)));

watching.unsubscribe();
auth.dispose();
await server.close();
const count = (route: string) => server.counts[route] ?? 0;
console.log(`\nsummary: logins ${count('POST /auth/api-key')}, refreshes ${count('POST /auth/refresh')}, 401s ${server.unauthorized}, requests ok ${ok}, failed ${failed}`);
