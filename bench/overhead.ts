// S5: what a request costs on top of the floor, over real HTTP (the server in
// a process of its own) and in process over a fetch that answers at once.
// Both interleave their senders in rounds, rotating the order, and compare
// them per round (paired), so that drift on a shared machine hits all alike.
import { performance } from 'node:perf_hooks';
import { firstValueFrom } from 'rxjs';
import { createBearerAuth } from 'rx-bearer';
import { tokenResponse } from 'rx-bearer/testing';
import type { Adapter, Contender } from './contenders/index.js';
import { startServerProcess } from './server-process.js';

const API_KEY = 'bench-api-key';

const sortedCopy = (xs: number[]) => [...xs].sort((a, b) => a - b);
const percentile = (xs: number[], p: number) => {
  const sorted = sortedCopy(xs);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const median = (xs: number[]) => {
  const sorted = sortedCopy(xs);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
/** The i-th of `n` senders in round `round`'s order: the order rotates by one each round. */
const rotated = <T>(list: T[], round: number) => list.map((_, k) => list[(round + k) % list.length]!);

/**
 * S5 over HTTP: `total` sequential requests per contender against the
 * api.video-compatible server running in a child process. Each contender's
 * `aboveUs` is the median over rounds of (its round median − `reference`'s
 * round median): how many µs it adds to the reference, paired by round.
 */
export async function overhead(list: Contender[], reference: Contender, total: number, rounds = 10) {
  const server = await startServerProcess(API_KEY);
  const adapters = new Map<Contender, Adapter>(list.map((contender) => [contender, contender.create({ baseUrl: server.url, apiKey: API_KEY })]));
  const samples = new Map(list.map((contender) => [contender, [] as number[][]]));
  const failed = new Map(list.map((contender) => [contender, 0]));
  const send = async (contender: Contender) => {
    const started = performance.now();
    const result = await adapters.get(contender)!.get('/videos').catch(() => ({ ok: false }));
    if (!result.ok) failed.set(contender, failed.get(contender)! + 1);
    return (performance.now() - started) * 1000;
  };
  try {
    for (const contender of list) for (let k = 0; k < 50; k++) await send(contender); // warm: logged in, connections open, code compiled
    failed.forEach((_, contender) => failed.set(contender, 0));
    for (let round = 0; round < rounds; round++) {
      for (const contender of rotated(list, round)) {
        const inRound: number[] = [];
        for (let k = 0; k < total / rounds; k++) inRound.push(await send(contender));
        samples.get(contender)!.push(inRound);
      }
    }
  } finally {
    adapters.forEach((adapter) => adapter.dispose());
    await server.stop();
  }
  const roundMedians = (contender: Contender) => samples.get(contender)!.map(median);
  const referenceRounds = roundMedians(reference);
  return list.map((contender) => {
    const all = samples.get(contender)!.flat();
    const mine = roundMedians(contender);
    return {
      name: contender.name,
      requests: all.length,
      failed: failed.get(contender)!,
      medianUs: median(all),
      p99Us: percentile(all, 99),
      aboveReferenceUs: median(mine.map((us, round) => us - referenceRounds[round]!)),
    };
  });
}

/**
 * S5 in process: rx-bearer's pipeline (auth.fetch) over a stub fetch that
 * answers at once, interleaved in rounds with the same stub called bare and
 * called with a fresh AbortSignal. The stub treats a signal as undici's fetch
 * does: it registers an abort listener on it. So the "signal" row is the
 * honest price of cancelling (create the signal, and fetch watching it), and
 * rx-bearer's row pays that same listener. Figures are per request, the
 * median over rounds of each round's difference to the bare stub.
 */
export async function inProcess(requests: number, rounds = 20) {
  const answer = new Response('{}'); // auth.fetch does not read the body, so one answer serves every request
  const onAbort = () => {};
  const stub: typeof fetch = async (input, init) => {
    init?.signal?.addEventListener('abort', onAbort, { once: true }); // as undici does with the request's signal
    return String(input).includes('/auth/') ? new Response(JSON.stringify(tokenResponse())) : answer;
  };
  const auth = createBearerAuth({ apiKey: API_KEY, baseUrl: 'https://ws.api.video', fetch: stub });
  const url = 'https://ws.api.video/videos';
  const senders = {
    bare: () => stub(url),
    signal: () => stub(url, { signal: new AbortController().signal }),
    through: () => firstValueFrom(auth.fetch('/videos')),
  };
  type Name = keyof typeof senders;
  const perRequest = { bare: [] as number[], signal: [] as number[], through: [] as number[] };
  const names = Object.keys(senders) as Name[];
  const perRound = requests / rounds;
  for (const name of names) for (let i = 0; i < perRound; i++) await senders[name](); // warm: logged in, code compiled
  for (let round = 0; round < rounds; round++) {
    for (const name of rotated(names, round)) {
      const send = senders[name];
      const started = performance.now();
      for (let i = 0; i < perRound; i++) await send();
      perRequest[name].push(((performance.now() - started) * 1000) / perRound);
    }
  }
  auth.dispose();
  const above = (name: Name) => median(perRequest[name].map((us, round) => us - perRequest.bare[round]!));
  return {
    node: process.version,
    usPerRequest: above('through'),
    signalUs: above('signal'),
    bareUs: median(perRequest.bare),
    requestsPerSecond: Math.round(1e6 / median(perRequest.through)),
  };
}
