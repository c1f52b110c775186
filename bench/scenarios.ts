// The scenarios: each runs one contender against a fresh api.video-compatible
// server and reports what the server saw. Figures only; targets live in run.ts.
import { performance } from 'node:perf_hooks';
import { map, timer, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { createBearerAuth, type AuthTransport } from 'rx-bearer';
import { createApiVideoTestServer, tokenResponse, type ApiVideoTestServer } from 'rx-bearer/testing';
import type { Adapter, Contender } from './contenders/index.js';

const API_KEY = 'bench-api-key';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const get = (adapter: Adapter, path = '/videos') => adapter.get(path).catch(() => ({ ok: false, status: 0 }));
const authCalls = (server: ApiVideoTestServer) => ({ logins: server.counts['POST /auth/api-key'] ?? 0, refreshes: server.counts['POST /auth/refresh'] ?? 0 });

async function withServer<T>(contender: Contender, ttl: number, body: (adapter: Adapter, server: ApiVideoTestServer) => Promise<T>): Promise<T> {
  const server = await createApiVideoTestServer({ apiKey: API_KEY, ttl });
  const adapter = contender.create({ baseUrl: server.url, apiKey: API_KEY });
  try {
    return await body(adapter, server);
  } finally {
    adapter.dispose();
    await server.close();
  }
}

/** S1: N concurrent requests on a fresh client. */
export const coldStart = (contender: Contender, n: number) =>
  withServer(contender, 3600, async (adapter, server) => {
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: n }, () => get(adapter)));
    return { ...authCalls(server), failed: results.filter((r) => !r.ok).length, ms: Math.round(performance.now() - started) };
  });

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const range = (xs: number[]) => ({ min: Math.min(...xs), max: Math.max(...xs) });

/**
 * S1 in rounds: every round runs each contender once, the order rotated by
 * one each round, so that no contender always pays for going first (the
 * process's first cold start warms code every later one shares: the server,
 * undici, the JIT). With `rounds` a multiple of the list's length, each
 * contender runs in each position equally often. Reports each contender's
 * median wall time and the spread of its counts over the rounds.
 */
export async function coldStartRotated(list: Contender[], n: number, rounds = list.length) {
  const runs = list.map(() => [] as Array<Awaited<ReturnType<typeof coldStart>>>);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < list.length; k++) {
      const i = (round + k) % list.length;
      runs[i]!.push(await coldStart(list[i]!, n));
    }
  }
  return list.map((contender, i) => {
    const each = runs[i]!;
    return {
      contender: contender.name,
      n,
      rounds,
      medianMs: Math.round(median(each.map((r) => r.ms))),
      ms: each.map((r) => r.ms),
      logins: range(each.map((r) => r.logins)),
      refreshes: range(each.map((r) => r.refreshes)),
      maxFailed: Math.max(...each.map((r) => r.failed)),
    };
  });
}

/** S2: 1.5 s tokens, an open loop of `rate` requests/s for `seconds`. */
export const expiry = (contender: Contender, rate = 25, seconds = 5) =>
  withServer(contender, 1.5, async (adapter, server) => {
    await get(adapter); // warm
    server.reset();
    const requests: Array<Promise<{ ok: boolean }>> = [];
    for (let i = 0; i < rate * seconds; i++) {
      requests.push(get(adapter));
      await sleep(1000 / rate);
    }
    const results = await Promise.all(requests);
    return { unauthorized: server.unauthorized, ...authCalls(server), failed: results.filter((r) => !r.ok).length };
  });

/** S3: a warm client, every token revoked, then N concurrent requests. */
export const revocation = (contender: Contender, n: number) =>
  withServer(contender, 3600, async (adapter, server) => {
    await get(adapter);
    server.reset();
    server.revokeAll();
    const results = await Promise.all(Array.from({ length: n }, () => get(adapter)));
    return { ...authCalls(server), failed: results.filter((r) => !r.ok).length };
  });

/** S4: the token has expired and both auth routes answer 503 three times. */
export const outage = (contender: Contender) =>
  withServer(contender, 1, async (adapter, server) => {
    await get(adapter);
    server.reset();
    server.fail('POST /auth/refresh', { status: 503, count: 3 });
    server.fail('POST /auth/api-key', { status: 503, count: 3 });
    await sleep(1100);
    const results = await Promise.all(Array.from({ length: 10 }, () => get(adapter)));
    const calls = authCalls(server);
    return { ...calls, failed: results.filter((r) => !r.ok).length, retriedByItself: calls.logins + calls.refreshes > 3 };
  });

/** S7: heap growth over 100,000 refresh cycles in virtual time (needs --expose-gc). */
export function memory(cycles: number) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  const answer = () => timer(10, scheduler).pipe(map(() => tokenResponse({ expiresIn: 2 })));
  const transport: AuthTransport = { login: answer, refresh: answer };
  const auth = createBearerAuth({ apiKey: API_KEY, transport, scheduler });
  auth.token$.subscribe();
  const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);
  let before = 0;
  scheduler.schedule(() => (before = heap()), 1000 * 1000);
  scheduler.schedule(() => auth.dispose(), (cycles + 1000) * 1000);
  scheduler.flush();
  return { growthBytes: heap() - before };
}
