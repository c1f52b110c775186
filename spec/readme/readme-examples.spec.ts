import { readFile } from 'node:fs/promises';

describe('README examples', () => {
  const examples = [
    'quick-start/node.mjs', // Quick start: run by spec/integration/browser/readme-quick-starts.spec.ts
    'quick-start/browser.js',
    'quick-start/index.html',
    'quick-start/app.config.ts', // run by spec/readme/quick-start-angular.spec.ts
    'marble-example.spec.ts', // Testing your code
    'http-example.spec.ts',
    'oauth2-example.spec.ts', // Any OAuth 2.0 server
  ];
  for (const example of examples) {
    it(`shows spec/readme/${example} verbatim, so the example is the spec that runs`, async () => {
      const [readme, spec] = await Promise.all([readFile('README.md', 'utf8'), readFile(`spec/readme/${example}`, 'utf8')]);
      expect(readme.includes(spec.trim())).withContext(`${example} differs from the README`).toBeTrue();
    });
  }
});

describe('README', () => {
  it('links only to headings that exist (GitHub anchors) and to files that exist', async () => {
    const readme = await readFile('README.md', 'utf8');
    const prose = readme.replace(/```[\s\S]*?```/g, '');
    const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const anchors = new Set([...prose.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => slug(heading!)));
    const links = [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target!);
    expect(links.filter((target) => target.startsWith('#') && !anchors.has(target.slice(1)))).toEqual([]);
    const files = links.filter((target) => !/^(#|https?:)/.test(target));
    const missing = await Promise.all(files.map((file) => readFile(file).then(() => null, () => file)));
    expect(missing.filter(Boolean)).toEqual([]);
  });

  it('opens with an install line and the requirements package.json states', async () => {
    const [readme, pkg] = await Promise.all([readFile('README.md', 'utf8'), readFile('package.json', 'utf8').then((text) => JSON.parse(text) as { engines: { node: string }; peerDependencies: Record<string, string> })]);
    const opening = readme.slice(0, readme.indexOf('\n## '));
    expect(opening).toMatch(/^npm install rxjs .*rx-bearer/m);
    expect(opening).toContain(`Node.js ${pkg.engines.node.replace('>=', '')} or later`);
    expect(opening).toContain(`rxjs \`${pkg.peerDependencies['rxjs']!.replace('.0', '')}\``);
    expect(opening).toMatch(/^npm ci && npm test\b/m);
  });
});
