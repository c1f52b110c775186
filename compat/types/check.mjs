// tsc --noEmit over every module setting, skipLibCheck false and true, and the oldest TypeScript the
// README claims (5.0) beside the pinned one: uses.* (every subpath) on 5.9; fleet.* (the core and
// rx-bearer/redis with node-redis and ioredis) on 5.0 too. Prints one line per run; exits 1 on any failure.
import { spawnSync } from 'node:child_process';

const compilers = { '5.9': 'node_modules/typescript/bin/tsc', '5.0': 'node_modules/typescript-5.0/bin/tsc' };
const runs = [];
for (const config of ['tsconfig.node16.json', 'tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
  const fleetFiles = config === 'tsconfig.bundler.json' ? ['fleet.ts'] : ['fleet.mts', 'fleet.cts'];
  for (const skipLibCheck of ['false', 'true']) {
    runs.push({ tsc: '5.9', args: ['-p', config, '--skipLibCheck', skipLibCheck] });
    for (const tsc of ['5.9', '5.0']) {
      // Files given on the command line replace the config's; the compiler options are repeated from it.
      const module = config.replace(/^tsconfig\.|\.json$/g, '');
      const options = module === 'bundler' ? ['--module', 'esnext', '--moduleResolution', 'bundler'] : ['--module', module, '--moduleResolution', module];
      runs.push({ tsc, args: ['--noEmit', '--strict', '--target', 'es2022', '--types', 'node', '--skipLibCheck', skipLibCheck, ...options, ...fleetFiles] });
    }
  }
}
let failed = 0;
for (const { tsc, args } of runs) {
  const result = spawnSync(process.execPath, [compilers[tsc], ...args], { encoding: 'utf8' });
  const output = result.stdout + result.stderr;
  // node-redis 5's own declarations need TypeScript 5.2+ (TS5084, mixed tuple names); an error there is theirs, not ours.
  const theirs = tsc === '5.0' && result.status !== 0 && output.trim().split('\n').every((line) => line.startsWith('node_modules/@redis/') || line.startsWith(' '));
  if (theirs) console.log('note: only node-redis 5 declarations fail under TypeScript 5.0 with library checks (TS5084); rx-bearer\'s pass');
  const ok = result.status === 0 || theirs;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} tsc ${tsc} ${args.join(' ')}`);
  if (!ok) console.log(output);
}
process.exitCode = failed ? 1 : 0;
