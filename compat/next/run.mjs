// compat/next: `next build` evaluates route modules. The README's token-handler.mjs (copied verbatim
// from the spec that checks it against the README) must build without APIVIDEO_API_KEY, and the
// built app must answer the first POST with 500 "The token endpoint has no API key", never the key.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const source = join(here, '../../spec/integration/token-endpoint');
mkdirSync(join(here, 'lib'), { recursive: true });
for (const file of ['token-handler.mjs', 'session.mjs']) copyFileSync(join(source, file), join(here, 'lib', file));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
delete env.APIVIDEO_API_KEY;
const next = join(here, 'node_modules/next/dist/bin/next');

const started = Date.now();
const build = spawnSync(process.execPath, [next, 'build'], { cwd: here, env, encoding: 'utf8' });
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (build.status !== 0) {
  console.log(`FAIL next build without APIVIDEO_API_KEY (exit ${build.status}, ${seconds} s):\n${(build.stdout + build.stderr).slice(-2000)}`);
  process.exit(1);
}
console.log(`ok   next build without APIVIDEO_API_KEY (${seconds} s)`);

const port = 3100 + Math.floor(Math.random() * 500);
const server = spawn(process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: here, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let log = '';
server.stdout.on('data', (chunk) => (log += chunk));
server.stderr.on('data', (chunk) => (log += chunk));
let failed = false;
try {
  const until = Date.now() + 30_000;
  let response;
  while (!response) {
    response = await fetch(`http://127.0.0.1:${port}/api/video-token`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'session=ok' }, body: '{}' }).catch(() => undefined);
    if (!response && Date.now() > until) throw new Error(`next start did not answer in 30 s: ${log.slice(-500)}`);
    if (!response) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const body = await response.text();
  const ok = response.status === 500 && JSON.parse(body).title === 'The token endpoint has no API key';
  failed = !ok;
  console.log(`${ok ? 'ok  ' : 'FAIL'} the first POST without the key: ${response.status} ${body}`);
} finally {
  process.kill(-server.pid, 'SIGTERM');
}
process.exit(failed ? 1 : 0);
