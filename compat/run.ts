// npm run test:compat: packs rx-bearer once, then for each consumer under
// compat/ installs its pinned tools (npm ci, into its own node_modules),
// unpacks the tarball into node_modules/rx-bearer as npm would install it,
// and runs the consumer's own `npm test` with the real tool.
// Bun and Deno come from their npm packages (pinned in compat/bun and
// compat/deno); their scripts run against two api.video test servers this
// runner starts on 127.0.0.1, whose request logs it then checks. A runtime
// that cannot install or start here is skipped with the measured reason.
// compat/workers runs createTokenHandler under workerd (wrangler dev on the
// Node 22 binary from the npm registry), with a test server of its own;
// compat/next runs a real `next build` of the README's token endpoint module.
// compat/adapters runs rx-bearer/ky, /axios, /openapi-fetch and /grpc with the real
// ky, axios, openapi-fetch, NestJS (HttpService) and @grpc/grpc-js (about 10 s).
// `npm run test:compat -- bun deno` runs only those consumers.
// Ends with the same "N passed, N failed" line as npm test.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const consumers = ['vitest', 'jest', 'types', 'bundlers', 'bun', 'deno', 'workers', 'next', 'adapters'];
/** Consumers whose tool is a runtime: not installable or not runnable here means skipped, not failed. */
const runtimes: Record<string, string[]> = { bun: ['bun', '--version'], deno: ['deno', '--version'] };
/** A runtime's script must exit by itself (it never calls dispose()) within this. */
const runtimeDeadline = 30_000;
const only = process.argv.slice(2);
const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const artifacts = join(root, 'compat/.artifacts');
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const tarball = join(artifacts, execFileSync('npm', ['pack', '--silent', '--pack-destination', artifacts], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!);
console.log(`packed ${tarball} in ${seconds(started)}`);

// Every cache goes under compat/.artifacts: nothing is kept outside the repo.
const cacheEnv = {
  DENO_DIR: join(artifacts, 'deno-dir'),
  BUN_INSTALL_CACHE_DIR: join(artifacts, 'bun-cache'),
  BUN_RUNTIME_TRANSPILER_CACHE_PATH: join(artifacts, 'bun-transpiler-cache'),
  DENO_NO_UPDATE_CHECK: '1',
};

interface Outcome {
  code: number | null;
  output: string;
  timedOut: boolean;
}
/** Runs a command in its own process group (killed whole at the deadline), echoing and keeping its output. */
const run = (cwd: string, command: string, args: string[], options: { env?: Record<string, string>; deadline?: number } = {}) =>
  new Promise<Outcome>((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...cacheEnv, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    let timedOut = false;
    const keep = (stream: NodeJS.WritableStream) => (chunk: Buffer) => ((output += chunk), stream.write(chunk));
    child.stdout.on('data', keep(process.stdout));
    child.stderr.on('data', keep(process.stderr));
    const timer = options.deadline
      ? setTimeout(() => {
          timedOut = true;
          process.kill(-child.pid!, 'SIGKILL');
        }, options.deadline)
      : undefined;
    child.on('error', (error) => (output += String(error)));
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, output, timedOut })));
  });
const lastLine = (text: string) => text.trim().split('\n').pop()?.trim() || '(no output)';

type Servers = { api: import('../src/testing/index.js').ApiVideoTestServer; other: import('../src/testing/index.js').ApiVideoTestServer };
/** What the servers saw from a runtime's script: the token went to the API's origin only. */
function checkLogs({ api, other }: Servers): string | undefined {
  const apiCalls = api.log.filter((entry) => !entry.path.startsWith('/auth/'));
  const problems = [
    api.counts['POST /auth/api-key'] === 1 ? '' : `logged in ${api.counts['POST /auth/api-key'] ?? 0} times, not once`,
    api.counts['POST /auth/refresh'] === undefined ? '' : 'refreshed, though no token expired',
    apiCalls.length === 5 && apiCalls.every((entry) => entry.hadAuthorization) ? '' : `API calls without the token or unexpected: ${JSON.stringify(apiCalls.map(({ method, path, hadAuthorization }) => ({ method, path, hadAuthorization })))}`,
    JSON.stringify(other.log.map(({ path, hadAuthorization }) => ({ path, hadAuthorization }))) === JSON.stringify([{ path: '/videos', hadAuthorization: false }])
      ? ''
      : `the other origin saw ${JSON.stringify(other.log.map(({ path, hadAuthorization }) => ({ path, hadAuthorization })))}`,
  ].filter(Boolean);
  return problems.length ? problems.join('; ') : undefined;
}

let passed = 0;
let failed = 0;
const skipped: Array<[string, string]> = [];
for (const name of consumers.filter((consumer) => only.length === 0 || only.includes(consumer))) {
  const since = Date.now();
  const cwd = join(root, 'compat', name);
  const runtime = runtimes[name];
  const result = await (async (): Promise<'ok' | 'fail' | ['skip', string]> => {
    const install = await run(cwd, 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error', '--cache', join(artifacts, 'npm-cache')]);
    if (install.code !== 0) return runtime ? ['skip', `npm ci failed (exit ${install.code}): ${lastLine(install.output)}`] : 'fail';
    if (runtime) {
      const [binary, ...args] = runtime;
      const probe = await run(cwd, join(cwd, 'node_modules/.bin', binary!), args, { deadline: 20_000 });
      if (probe.code !== 0) return ['skip', `installed, but \`${runtime.join(' ')}\` ${probe.timedOut ? 'did not answer in 20 s' : `exited ${probe.code}`}: ${lastLine(probe.output)}`];
    }
    const target = join(cwd, 'node_modules/rx-bearer');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    if ((await run(cwd, 'tar', ['-xzf', tarball, '-C', target, '--strip-components=1'])).code !== 0) return 'fail';
    if (!runtime) return (await run(cwd, 'npm', ['test', '--silent'])).code === 0 ? 'ok' : 'fail';

    const { createApiVideoTestServer } = (await import(join(root, 'dist/testing.mjs'))) as typeof import('../src/testing/index.js');
    const servers: Servers = { api: await createApiVideoTestServer(), other: await createApiVideoTestServer() };
    try {
      const script = await run(cwd, 'npm', ['test', '--silent'], { env: { BASE_URL: servers.api.url, OTHER_URL: servers.other.url }, deadline: runtimeDeadline });
      if (script.timedOut) return console.log(`compat/${name}: did not exit by itself within ${runtimeDeadline / 1000} s (it never calls dispose())`), 'fail';
      if (script.code !== 0) return 'fail';
      const problem = checkLogs(servers);
      if (problem) return console.log(`compat/${name}: ${problem}`), 'fail';
      return 'ok';
    } finally {
      await Promise.all([servers.api.close(), servers.other.close()]);
    }
  })();
  if (Array.isArray(result)) skipped.push([name, `${result[1]} (${seconds(since)})`]);
  else if (result === 'ok') passed++;
  else failed++;
  if (!Array.isArray(result)) console.log(`${result === 'ok' ? 'ok  ' : 'FAIL'} compat/${name} (${seconds(since)})`);
}
for (const [name, reason] of skipped) console.log(`skip compat/${name}: ${reason}`);
console.log(`compat suite wall time: ${seconds(started)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
