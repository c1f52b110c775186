// One process of a fleet, driven by the fleet specs over IPC: a real rx-bearer client
// (with the Redis store unless STORE=none) against the test server.
import { createClient } from 'redis';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { createBearerAuth, type BearerAuth } from '../../../src/index.js';
import { redisTokenStore } from '../../../src/redis/index.js';

type Command = { type: 'start'; prefix?: string; encryptionKey?: string; requestTimeout?: number; maxAttempts?: number; storeTimeout?: number | null } | { type: 'burst'; n: number; block?: number } | { type: 'steady'; ms: number; every: number } | { type: 'state' } | { type: 'traffic'; every: number } | { type: 'stop-traffic' };

const { BASE_URL = '', REDIS_URL = '', API_KEY = '', STORE = 'redis' } = process.env;
const redis = STORE === 'none' ? null : createClient({ url: REDIS_URL, socket: { reconnectStrategy: () => 100 } }).on('error', () => {});
let auth: BearerAuth | null = null;
/** Steady traffic started by 'traffic' and ended by 'stop-traffic'. */
let traffic: { timer: NodeJS.Timeout; pending: Array<Promise<boolean>> } | null = null;

const reasons = new Set<string>();
const request = () =>
  lastValueFrom(auth!.json('/videos')).then(
    () => true,
    (error: { code?: string; message?: string }) => (reasons.add(`${error.code}: ${error.message}`), false),
  );
const tally = (results: boolean[]) => ({ ok: results.filter(Boolean).length, failed: results.filter((ok) => !ok).length, reasons: [...reasons].slice(0, 3) });

async function handle(command: Command): Promise<unknown> {
  switch (command.type) {
    case 'start':
      reasons.clear();
      if (redis && !redis.isOpen) await redis.connect();
      auth?.dispose();
      auth = createBearerAuth({
        apiKey: API_KEY,
        baseUrl: BASE_URL,
        requestTimeout: command.requestTimeout ?? 10_000,
        retry: { maxAttempts: command.maxAttempts ?? 3, initialDelay: 100, maxDelay: 1000 },
        // 3 s per Redis call unless a spec says otherwise (null: the store's default), not the default: on a CPU-starved
        // test machine (8 processes with 200 requests each on 2 cores, beside other suites) a short timer measures
        // event-loop lag, not Redis, and would send a process on alone by mistake (seen at 1 s under a load average of 9).
        ...(redis ? { store: redisTokenStore({ client: redis, ...(command.prefix ? { prefix: command.prefix } : {}), ...(command.storeTimeout === null ? {} : { timeout: command.storeTimeout ?? 3000 }), ...(command.encryptionKey ? { encryptionKey: command.encryptionKey } : {}) }) } : {}),
      });
      return { pid: process.pid };
    case 'burst': {
      const results = Promise.all(Array.from({ length: command.n }, request));
      // A cold start's busy event loop (module evaluation, JIT): the first Redis call's answer waits behind it.
      for (const until = Date.now() + (command.block ?? 0); Date.now() < until; );
      return tally(await results);
    }
    case 'steady': {
      const pending: Array<Promise<boolean>> = [];
      const until = Date.now() + command.ms;
      while (Date.now() < until) {
        pending.push(request());
        await new Promise((resolve) => setTimeout(resolve, command.every));
      }
      return tally(await Promise.all(pending));
    }
    case 'traffic': {
      const pending: Array<Promise<boolean>> = [];
      traffic = { timer: setInterval(() => pending.push(request()), command.every), pending };
      return null;
    }
    case 'stop-traffic': {
      if (!traffic) return tally([]);
      clearInterval(traffic.timer);
      const { pending } = traffic;
      traffic = null;
      return tally(await Promise.all(pending));
    }
    case 'state':
      return auth ? firstValueFrom(auth.state$) : null;
  }
}

process.on('message', (message: { id: number; command: Command }) => {
  void handle(message.command).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
