// S5: what a request costs on top of raw fetch with a signal, over real HTTP
// (the server in a process of its own; spaced and in bursts) and in process
// over a fetch that answers at once.
// Both interleave their senders in rounds, rotating the order, and compare
// them per round (paired), so that drift on a shared machine hits all alike.
import { performance } from 'node:perf_hooks';
import { firstValueFrom } from 'rxjs';
import { createBearerAuth } from 'rx-bearer';
import { tokenResponse } from 'rx-bearer/testing';
import type { Adapter, Contender } from './contenders/index.js';
import { startServerProcess } from './server-process.js';

const API_KEY = 'bench-api-key';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
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

export type Pace = 'spaced' | 'burst';

/**
 * S5 over HTTP, against the api.video-compatible server running in a child
 * process. Two paces: 'spaced', each request sent after the one before has
 * answered and a 2 or 3 ms timer (alternately), as a client that is not busy
 * sends them; 'burst', `burstSize` requests at once, each burst after the one
 * before has answered, the figure per request being the burst's wall time
 * divided by its size. Contenders are interleaved in `rounds` rounds, the
 * order rotated by one each round, `total` requests each over all rounds
 * (after 50 warm-up requests each). Per round and contender: the median µs per
 * request, and the process's CPU time (user + system; the server runs in
 * another process) over the round divided by its requests. `aboveUs` and
 * `cpuAboveUs` are per round: minus `reference`'s figure in the same round.
 */
export async function overhead(list: Contender[], reference: Contender, { pace, total, rounds = 12, burstSize = 16 }: { pace: Pace; total: number; rounds?: number; burstSize?: number }) {
  const server = await startServerProcess(API_KEY);
  const adapters = new Map<Contender, Adapter>(list.map((contender) => [contender, contender.create({ baseUrl: server.url, apiKey: API_KEY })]));
  const samples = new Map(list.map((contender) => [contender, [] as number[][]]));
  const cpu = new Map(list.map((contender) => [contender, [] as number[]]));
  const failed = new Map(list.map((contender) => [contender, 0]));
  const one = async (contender: Contender) => {
    const result = await adapters.get(contender)!.get('/videos').catch(() => ({ ok: false }));
    if (!result.ok) failed.set(contender, failed.get(contender)! + 1);
  };
  const timed = async (contender: Contender, size: number) => {
    const started = performance.now();
    if (size === 1) await one(contender);
    else await Promise.all(Array.from({ length: size }, () => one(contender)));
    return ((performance.now() - started) * 1000) / size;
  };
  const size = pace === 'burst' ? burstSize : 1;
  const sendsPerRound = Math.max(1, Math.round(total / rounds / size));
  try {
    for (const contender of list) for (let k = 0; k < 50; k++) await one(contender); // warm: logged in, connections open, code compiled
    if (pace === 'burst') for (const contender of list) for (let k = 0; k < 4; k++) await timed(contender, size); // and the pool's sockets
    failed.forEach((_, contender) => failed.set(contender, 0));
    for (let round = 0; round < rounds; round++) {
      for (const contender of rotated(list, round)) {
        const inRound: number[] = [];
        const cpuBefore = process.cpuUsage();
        for (let k = 0; k < sendsPerRound; k++) {
          inRound.push(await timed(contender, size));
          if (pace === 'spaced') await sleep(2 + (k % 2));
        }
        const { user, system } = process.cpuUsage(cpuBefore);
        cpu.get(contender)!.push((user + system) / (sendsPerRound * size));
        samples.get(contender)!.push(inRound);
      }
    }
  } finally {
    adapters.forEach((adapter) => adapter.dispose());
    await server.stop();
  }
  const roundMedians = (contender: Contender) => samples.get(contender)!.map(median);
  const referenceRounds = roundMedians(reference);
  const referenceCpu = cpu.get(reference)!;
  return list.map((contender) => {
    const all = samples.get(contender)!.flat();
    const aboveByRound = roundMedians(contender).map((us, round) => us - referenceRounds[round]!);
    const cpuAboveByRound = cpu.get(contender)!.map((us, round) => us - referenceCpu[round]!);
    return {
      name: contender.name,
      pace,
      requests: all.length * size,
      rounds,
      failed: failed.get(contender)!,
      medianUs: median(all),
      p99Us: percentile(all, 99),
      aboveReferenceUs: median(aboveByRound),
      aboveByRound,
      cpuUs: median(cpu.get(contender)!),
      cpuAboveReferenceUs: median(cpuAboveByRound),
      cpuAboveByRound,
    };
  });
}

/**
 * How many times `floor`'s cost above the reference `subject`'s is, per
 * round (both from the same rounds), and the median over the rounds. A round
 * where the floor measured at or below the reference has no meaningful ratio:
 * it counts as ∞ (or 0 if the subject, too, was at or below the reference),
 * so that a noisy round can only push the median up, never down.
 */
export function ratioPerRound(subjectAbove: number[], floorAbove: number[]) {
  const ratios = subjectAbove.map((us, round) => {
    const floor = floorAbove[round]!;
    if (floor > 0) return us / floor;
    return us > 0 ? Infinity : 0;
  });
  return { ratios, median: median(ratios) };
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
