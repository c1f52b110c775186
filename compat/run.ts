// npm run test:compat: packs rx-bearer once, then for each consumer under
// compat/ installs its pinned tools (npm ci, into its own node_modules),
// unpacks the tarball into node_modules/rx-bearer as npm would install it,
// and runs the consumer's own `npm test` with the real tool. Bun and Deno
// are not run yet: each is skipped with its reason printed.
// Ends with the same "N passed, N failed" line as npm test.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const consumers = ['vitest', 'jest', 'types', 'bundlers'];
const skipped: Array<[string, string]> = [
  ['bun', 'not wired yet: the bun npm package installs, but no consumer runs it in this suite'],
  ['deno', 'not wired yet: the deno npm package installs, but no consumer runs it in this suite'],
];
const only = process.argv.slice(2);
const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const artifacts = join(root, 'compat/.artifacts');
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const tarball = join(artifacts, execFileSync('npm', ['pack', '--silent', '--pack-destination', artifacts], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!);
console.log(`packed ${tarball} in ${seconds(started)}`);

let passed = 0;
let failed = 0;
for (const name of consumers.filter((consumer) => only.length === 0 || only.includes(consumer))) {
  const since = Date.now();
  const cwd = join(root, 'compat', name);
  const step = (command: string, args: string[]) => spawnSync(command, args, { cwd, stdio: 'inherit' }).status === 0;
  // npm's cache goes under compat/.artifacts too: nothing is kept outside the repo.
  const installed = step('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error', '--cache', join(artifacts, 'npm-cache')]);
  const target = join(cwd, 'node_modules/rx-bearer');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const ok = installed && step('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']) && step('npm', ['test', '--silent']);
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} compat/${name} (${seconds(since)})`);
}
for (const [name, reason] of skipped) console.log(`skip compat/${name}: ${reason}`);
console.log(`compat suite wall time: ${seconds(started)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
