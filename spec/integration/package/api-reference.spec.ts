import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const filesUnder = async (folder: string): Promise<string[]> =>
  (await readdir(folder, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => relative(folder, join(entry.parentPath, entry.name))).sort();

/**
 * docs/api is TypeDoc's output for today's sources (typedoc.json: every entry point, warnings are errors, so an
 * exported type that refers to an unexported one, or a broken {@link}, fails too). Regenerate with `npm run docs:api`.
 */
describe('docs/api, the API reference', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'rx-bearer-api-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('is what TypeDoc generates from the sources now, without a warning (npm run docs:api regenerates it)', async () => {
    await run(process.execPath, ['node_modules/typedoc/bin/typedoc', '--out', out], { timeout: 90_000 });
    const [committed, generated] = await Promise.all([filesUnder('docs/api'), filesUnder(out)]);
    expect(committed).toEqual(generated);
    const stale: string[] = [];
    for (const file of generated) {
      const [a, b] = await Promise.all([readFile(join('docs/api', file), 'utf8'), readFile(join(out, file), 'utf8')]);
      if (a !== b) stale.push(file);
    }
    expect(stale).withContext('run npm run docs:api').toEqual([]);
  }, 120_000);
});
