import { readFile } from 'node:fs/promises';

describe('README "Testing your code"', () => {
  for (const example of ['marble-example.spec.ts', 'http-example.spec.ts']) {
    it(`shows spec/readme/${example} verbatim, so the example is the spec that runs`, async () => {
      const [readme, spec] = await Promise.all([readFile('README.md', 'utf8'), readFile(`spec/readme/${example}`, 'utf8')]);
      expect(readme.includes(spec.trim())).withContext(`${example} differs from the README`).toBeTrue();
    });
  }
});
