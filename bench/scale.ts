// S9: many requests in flight at once, over a stub fetch that never answers:
// what each one holds on the heap, and whether subscribing them costs more
// per request as their number grows. Needs node --expose-gc.
import { performance } from 'node:perf_hooks';
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import { createBearerAuth } from 'rx-bearer';
import { tokenResponse } from 'rx-bearer/testing';

const API_KEY = 'bench-scale-api-key';
export type ScaleCase = 'with a token' | 'waiting for a login';

const never = () => new Promise<Response>(() => {});
const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/**
 * `n` requests (auth.fetch) subscribed at once. 'with a token': login has
 * answered, every request is a fetch that never answers. 'waiting for a
 * login': the login never answers, so every request waits for a token.
 * Heap: heapUsed after a forced GC with all `n` in flight, minus before
 * subscribing, per request. Time: how long the subscribe loop plus one turn of
 * the event loop take (that turn lets the fetches started in microtasks run;
 * no fixed sleep), per request: the main thread's work, including the
 * scavenges the growing live set causes. The process's CPU time over the same
 * span is reported beside it; it also counts V8's helper threads (concurrent
 * marking and sweeping), so it is noisier.
 * Everything is unsubscribed and the client disposed afterwards.
 */
export async function scale(n: number, which: ScaleCase) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  let fetches = 0;
  const stub: typeof fetch = (input) => {
    fetches++;
    return which === 'with a token' && String(input).includes('/auth/') ? Promise.resolve(new Response(JSON.stringify(tokenResponse()))) : never();
  };
  const auth = createBearerAuth({ apiKey: API_KEY, baseUrl: 'https://ws.api.video', fetch: stub });
  if (which === 'with a token') await firstValueFrom(auth.token$.pipe(filter(Boolean)));
  // Filled before the baseline (a packed array, not a sparse one that grows as it fills): the caller's array is not rx-bearer's.
  const subscriptions: Array<Subscription | null> = Array.from({ length: n }, () => null);
  const onError = () => {};
  const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);
  const before = heap();
  fetches = 0;
  const cpuStarted = cpuUs();
  const started = performance.now();
  for (let i = 0; i < n; i++) subscriptions[i] = auth.fetch('/videos').subscribe({ error: onError });
  await new Promise(setImmediate);
  const cpu = cpuUs() - cpuStarted;
  const wall = (performance.now() - started) * 1000;
  const startedFetches = fetches;
  const heapPerRequest = (heap() - before) / n;
  subscriptions.forEach((subscription) => subscription?.unsubscribe());
  auth.dispose();
  return { n, case: which, heapBytesPerRequest: Math.round(heapPerRequest), subscribeUsPerRequest: wall / n, processCpuUsPerRequest: cpu / n, fetches: startedFetches };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * scale() for each of `sizes` (smallest first), `runs` times each, after an
 * unreported warm-up run (the first run pays for compiling the code every
 * later one shares). Medians over the runs; `growth` compares each size's
 * subscribe time per request with the smallest size's. Empty without --expose-gc.
 */
export async function scaleSeries(which: ScaleCase, sizes: number[], runs: number) {
  if (!(await scale(sizes[0]!, which))) return [];
  type Row = { n: number; case: ScaleCase; runs: number; fetches: number[]; heapBytesPerRequest: number; subscribeUsPerRequest: number; processCpuUsPerRequest: number };
  const rows: Row[] = [];
  for (const n of sizes) {
    const each = [];
    for (let run = 0; run < runs; run++) each.push((await scale(n, which))!);
    rows.push({
      n,
      case: which,
      runs,
      fetches: each.map((r) => r.fetches),
      heapBytesPerRequest: median(each.map((r) => r.heapBytesPerRequest)),
      subscribeUsPerRequest: median(each.map((r) => r.subscribeUsPerRequest)),
      processCpuUsPerRequest: median(each.map((r) => r.processCpuUsPerRequest)),
    });
  }
  return rows.map((row) => ({ ...row, growth: row.subscribeUsPerRequest / rows[0]!.subscribeUsPerRequest - 1 }));
}
