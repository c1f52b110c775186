import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** spec/run.ts is what `npm test` runs; CI reads its output from a pipe. */
describe('the spec runner (npm test)', () => {
  for (const [label, env] of [
    ['piped', {}],
    ['piped with NO_COLOR and FORCE_COLOR both set', { NO_COLOR: '1', FORCE_COLOR: '1' }],
  ] as const) {
    it(`prints no ANSI colours when ${label}, and ends with the plain "N passed, N failed" line`, async () => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'spec/run.ts', 'spec/options.spec.ts'], { env: { ...process.env, ...env }, timeout: 30_000 });
      expect(stdout).not.toMatch(/\x1b\[/);
      expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/^[1-9]\d* passed, 0 failed$/);
    }, 40_000);
  }
});
