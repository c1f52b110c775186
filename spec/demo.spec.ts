import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npm run demo (the README\'s first command)', () => {
  it('runs against the embedded server through several refreshes and a revocation, and exits 0 by itself', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'demo/terminal.ts'], { timeout: 30_000 });
    const summary = /summary: logins (\d+), refreshes (\d+), 401s (\d+), requests ok (\d+), failed (\d+)/.exec(stdout);
    expect(summary).not.toBeNull();
    const [logins, refreshes, unauthorized, ok, failed] = summary!.slice(1).map(Number);
    expect(logins).toBe(1);
    expect(refreshes).toBeGreaterThanOrEqual(2);
    expect(unauthorized).toBe(1); // the revocation: one 401, one refresh, the request resent
    expect(ok).toBe(8);
    expect(failed).toBe(0);
    expect(stdout).toMatch(/token\$ +null/);
  }, 40_000);
});
