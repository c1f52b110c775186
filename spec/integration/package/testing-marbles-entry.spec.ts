import { readFile } from 'node:fs/promises';

// Moved from spec/testing/marble-transport.spec.ts: it reads the built entries under dist/, which npm test builds first.
describe('createMarbleTransport and tokenResponse (rx-bearer/testing/marbles)', () => {
  it('is built as an entry of its own, free of node modules, and the core bundle holds no testing code', async () => {
    const marbles = await readFile('dist/testing-marbles.mjs', 'utf8');
    const core = await readFile('dist/index.mjs', 'utf8');
    expect(marbles).not.toMatch(/from 'node:|require\(/);
    expect(marbles).toContain('createMarbleTransport');
    expect(core).not.toMatch(/createApiVideoTestServer|createMarbleTransport|node:/);
  });
});
