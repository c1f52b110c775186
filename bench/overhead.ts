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
 * divided by its size. `total` requests each (after 50 warm-up requests each)
 * in many short interleaved rounds: `perRound` sends (requests, or bursts)
 * per contender and round, the order rotated by one each round, and the
 * number of rounds a multiple of the number of contenders so that each takes
 * each place equally often. Short rounds (about 30 ms per contender, spaced)
 * keep the machine's drift within a round small, so that it hits every
 * contender of the round alike; many rounds (480 spaced, 192 in bursts, in the
 * full run) then average out what remains. (Twelve rounds of 200 requests
 * each, before, left the round medians a few hundred µs apart by drift alone,
 * against costs of tens of µs.) Per round and contender: the median µs per
 * request, and the process's CPU time (user + system; the server runs in
 * another process) over its share of the round divided by its requests.
 * `aboveByRound` and `cpuAboveByRound` are per round: minus `reference`'s
 * figure in the same round; their summaries are trimmed means (see below).
 */
export async function overhead(list: Contender[], reference: Contender, { pace, total, perRound = pace === 'burst' ? 2 : 10, burstSize = 16 }: { pace: Pace; total: number; perRound?: number; burstSize?: number }) {
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
  const rounds = Math.max(1, Math.round(total / size / perRound / list.length)) * list.length;
  try {
    for (const contender of list) for (let k = 0; k < 50; k++) await one(contender); // warm: logged in, connections open, code compiled
    if (pace === 'burst') for (const contender of list) for (let k = 0; k < 4; k++) await timed(contender, size); // and the pool's sockets
    failed.forEach((_, contender) => failed.set(contender, 0));
    for (let round = 0; round < rounds; round++) {
      for (const contender of rotated(list, round)) {
        const inRound: number[] = [];
        const cpuBefore = process.cpuUsage();
        for (let k = 0; k < perRound; k++) {
          inRound.push(await timed(contender, size));
          if (pace === 'spaced') await sleep(2 + ((round + k) % 2));
        }
        const { user, system } = process.cpuUsage(cpuBefore);
        cpu.get(contender)!.push((user + system) / (perRound * size));
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
      aboveReferenceUs: trimmedMean(aboveByRound),
      aboveByRound,
      cpuUs: median(cpu.get(contender)!),
      cpuAboveReferenceUs: trimmedMean(cpuAboveByRound),
      cpuAboveByRound,
    };
  });
}

/** The share of rounds trimmed from each end before averaging: robust to a round a GC pause or a neighbour spoilt, less wasteful than the median. */
export const TRIM = 0.2;

/** The mean of `xs` without the lowest and the highest `trim` of them. */
export function trimmedMean(xs: number[], trim = TRIM): number {
  const sorted = sortedCopy(xs);
  const cut = Math.floor(sorted.length * trim);
  const kept = sorted.slice(cut, sorted.length - cut);
  return kept.reduce((sum, x) => sum + x, 0) / kept.length;
}

/** A small seeded generator (mulberry32), so that the bootstrap's interval is the same for the same rounds. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How a measured ratio stands against its target; see costRatio. */
export type Verdict = 'met' | 'within noise' | 'missed' | 'unresolved';

/**
 * How many times the floor's cost above the reference the subject's cost
 * above it is: the ratio of their trimmed means over the same rounds, with a 90% interval
 * from a paired bootstrap (rounds resampled with both figures, 2,000 times,
 * seeded). A ratio of per-round figures, as before, divides by a floor cost
 * of tens of µs that one round measures only to within hundreds, so that its
 * median over twelve rounds came out anywhere from 0 to ∞; a ratio of
 * estimates each made from every round does not. `resolved` says whether
 * the floor's cost itself was told apart from zero (the lower end of its own
 * interval above 0): when not, the ratio means nothing, is ∞, and the verdict
 * is 'unresolved'. Otherwise, against `target`: 'met' when the whole interval
 * is at or under it, 'within noise' when the estimate is but the interval
 * reaches above, 'missed' when the estimate is above it.
 */
export function costRatio(subjectAbove: number[], floorAbove: number[], target: number, resamples = 2000) {
  const estimate = (subject: number[], floor: number[]) => {
    const f = trimmedMean(floor);
    return f > 0 ? trimmedMean(subject) / f : Infinity;
  };
  const random = seeded(0x5eed);
  const n = subjectAbove.length;
  const ratios: number[] = [];
  const floors: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const picks = Array.from({ length: n }, () => Math.floor(random() * n));
    const floor = picks.map((i) => floorAbove[i]!);
    ratios.push(estimate(picks.map((i) => subjectAbove[i]!), floor));
    floors.push(trimmedMean(floor));
  }
  const floorUs = trimmedMean(floorAbove);
  const resolved = percentile(floors, 5) > 0;
  const ratio = resolved ? estimate(subjectAbove, floorAbove) : Infinity;
  const interval: [number, number] = [percentile(ratios, 5), percentile(ratios, 95)];
  const verdict: Verdict = !resolved ? 'unresolved' : ratio > target ? 'missed' : interval[1] <= target ? 'met' : 'within noise';
  return { ratio, interval, floorUs, floorInterval: [percentile(floors, 5), percentile(floors, 95)] as [number, number], resolved, verdict };
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
