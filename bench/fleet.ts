// S8: a fleet of N real Node processes, with and without the Redis store: auth calls
// at a cold start (200 concurrent requests each) and over 10 s of 2 s tokens.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createApiVideoTestServer } from 'rx-bearer/testing';
import { startFleet } from '../spec/integration/fleet/fleet.js';
import { startRedisServer } from '../spec/integration/redis/redis-server.js';

type Tally = { ok: number; failed: number };
const API_KEY = 'bench-fleet-api-key';
const failed = (tallies: Tally[]) => tallies.reduce((total, t) => total + t.failed, 0);

export async function fleet(size: number, withStore: boolean, seconds = 10) {
  const server = await createApiVideoTestServer({ apiKey: API_KEY });
  const redis = withStore ? await startRedisServer() : null;
  const processes = await startFleet(size, { BASE_URL: server.url, REDIS_URL: redis?.url ?? '', API_KEY, STORE: withStore ? 'redis' : 'none' });
  const calls = () => ({ logins: server.counts['POST /auth/api-key'] ?? 0, refreshes: server.counts['POST /auth/refresh'] ?? 0 });
  try {
    await processes.all({ type: 'start' });
    const burst = await processes.all<Tally>({ type: 'burst', n: 200 });
    const cold = { ...calls(), failed: failed(burst) };
    server.ttl = 2;
    server.reset();
    await processes.all({ type: 'start' }); // fresh clients; with the store, the shared 3600 s session is still there: drop it
    if (redis) await redis.stop().then(() => redis.start());
    const steady = await processes.all<Tally>({ type: 'steady', ms: seconds * 1000, every: 50 });
    const expiry = { ...calls(), unauthorized: server.unauthorized, failed: failed(steady) };
    return { size, store: withStore, cold, expiry };
  } finally {
    await processes.stop();
    await redis?.stop();
    await server.close();
  }
}

/**
 * Cold starts as a small machine sees them (#22): `size` processes started together, each sending 200
 * concurrent requests as soon as it is up, with the store's default Redis timeout; then every token is
 * revoked and each sends 100 more. Per round: logins at the cold start, and requests failed after the
 * revocation. `hogs` busy-looping processes load the CPU meanwhile (the "loaded 2-core machine"), and each
 * process's event loop is kept busy `block` ms after its first requests, as a cold start's is.
 */
export async function coldStarts(rounds: number, size = 4, hogs = 0, block = 0) {
  const server = await createApiVideoTestServer({ apiKey: API_KEY });
  const redis = await startRedisServer();
  const load = Array.from({ length: hogs }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const results: Array<{ logins: number; alone: number; failedAfterRevocation: number; reasons: string[] }> = [];
  try {
    for (let round = 0; round < rounds; round++) {
      server.ttl = 3600;
      server.reset();
      const prefix = `bench-cold-${round}:`;
      const started = await Promise.all(
        Array.from({ length: size }, async () => {
          const one = await startFleet(1, { BASE_URL: server.url, REDIS_URL: redis.url, API_KEY });
          await one.all({ type: 'start', prefix, storeTimeout: null });
          await one.all({ type: 'burst', n: 200, block });
          return one;
        }),
      );
      const logins = server.counts['POST /auth/api-key'] ?? 0;
      const states = (await Promise.all(started.map((one) => one.all<{ coordination?: string }>({ type: 'state' })))).flat();
      server.revokeAll();
      const after = (await Promise.all(started.map((one) => one.all<Tally & { reasons: string[] }>({ type: 'burst', n: 100 })))).flat();
      results.push({ logins, alone: states.filter((s) => s.coordination === 'alone').length, failedAfterRevocation: failed(after), reasons: [...new Set(after.flatMap((t) => t.reasons))] });
      await Promise.all(started.map((one) => one.stop()));
    }
  } finally {
    load.forEach((hog) => hog.kill('SIGKILL'));
    await redis.stop();
    await server.close();
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // npx tsx bench/fleet.ts [rounds] [size] [hogs] [block]: the cold-start rounds alone, one line per round.
  const [rounds = 16, size = 4, hogs = 0, block = 0] = process.argv.slice(2).map(Number);
  const results = await coldStarts(rounds, size, hogs, block);
  for (const [i, r] of results.entries()) console.log(`round ${i + 1}: ${r.logins} login(s), ${r.alone} alone, ${r.failedAfterRevocation} failed after revocation ${r.reasons.join('; ')}`);
  const bad = results.filter((r) => r.logins !== 1).length;
  const failing = results.filter((r) => r.failedAfterRevocation > 0).length;
  console.log(`${size} processes, ${hogs} CPU hogs, event loop busy ${block} ms, ${rounds} rounds: more than 1 login in ${bad}, requests failed after a revocation in ${failing}`);
}
