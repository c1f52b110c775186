import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';

/** The README and the guides under docs/: what a user reads and pastes. */
const documents = async () => ['README.md', ...(await readdir('docs/guides')).filter((file) => file.endsWith('.md')).map((file) => `docs/guides/${file}`), 'docs/DEVELOPMENT.md'];

/**
 * Files that specs run, shown verbatim in the docs: a code block that is (a trimmed part of) one of these runs
 * when pasted, because the spec beside it runs it.
 */
const runnable = [
  'spec/readme/quick-start/node.mjs', // spec/integration/browser/readme-quick-starts.spec.ts
  'spec/readme/quick-start/browser.js', // the same, bundled with esbuild, in Chromium
  'spec/readme/quick-start/index.html',
  'spec/readme/quick-start/server.mjs', // the same: node server.mjs, then the page in Chromium
  'spec/readme/quick-start/app.config.ts', // spec/readme/quick-start-angular.spec.ts
  'spec/readme/marble-example.spec.ts', // a spec itself
  'spec/readme/http-example.spec.ts',
  'spec/readme/adapters-example.spec.ts', // a spec itself: ky and axios sharing one refresh
  'spec/readme/oauth2-example.spec.ts', // a spec itself: clientCredentials against oidc-provider
  'spec/integration/token-endpoint/token-handler.mjs', // spec/integration/token-endpoint/readme-mounts.spec.ts, compat/next
  'compat/vitest/test/http.test.ts', // compat/vitest and compat/jest run these
  'compat/jest/test/http.test.js',
];

/**
 * Code blocks that are fragments of an app rather than files to paste whole, each named by its first line, with
 * where what it shows is exercised. A block neither runnable nor listed here fails the spec below: a new example
 * needs a spec, or a reason.
 */
const fragments: Record<string, string> = {
  '// token-badge.component.ts': 'injectBearerAuth() and token$ in a component: spec/angular/',
  '// server.ts (Angular SSR)': 'the Express mount of the token handler: spec/server/token-handler-frameworks.spec.ts',
  "provideBearerAuth({ apiKey: 'your-sandbox-api-key', baseUrl: 'https://sandbox.api.video', dangerouslyAllowBrowser: true }),": 'the browser guard rail: spec/angular/',
  'auth.authorize((token) => this.http.get(url, { headers: { Authorization: `Bearer ${token}` } }));': 'authorize() with HttpClient: spec/angular/',
  "import { createClient } from 'redis'; // node-redis 4 or later; ioredis works too": 'type-checked with both clients by compat/types (fleet.*), run against redis-server by spec/integration/redis/',
  'const auth = createBearerAuth(options);': 'a listing of the members, not a program: each member has its specs',
  "import { createServerAdapter } from '@whatwg-node/server';": 'one line per framework, each mounted for real by spec/server/token-handler-frameworks.spec.ts and spec/integration/token-endpoint/readme-mounts.spec.ts',
  "import ky from 'ky';": 'the ky setup: spec/adapters/ky.spec.ts, and compat/adapters with the real ky',
  "import axios from 'axios';": 'the axios setup: spec/adapters/axios.spec.ts, and compat/adapters with the real axios',
  "import { Module, type OnModuleInit, type OnApplicationShutdown } from '@nestjs/common';": 'the NestJS module: compat/adapters runs HttpService with useBearer(httpService.axiosRef, auth)',
  "import createClient from 'openapi-fetch';": 'the openapi-fetch setup: spec/adapters/openapi-fetch.spec.ts, and compat/adapters',
  "import { credentials } from '@grpc/grpc-js';": 'the gRPC channel: spec/adapters/grpc.spec.ts, and compat/adapters over TLS on 127.0.0.1',
  'let tokenHandler;': 'the Workers handler: compat/workers runs the same code under wrangler dev',
  '// The page, on https://app.example.com': 'both halves of a token endpoint on another origin, run in Chromium with a real session cookie: spec/integration/browser/cross-origin-token-url.spec.ts',
};

interface Block {
  document: string;
  lang: string;
  body: string;
}
const codeBlocks = (document: string, text: string): Block[] =>
  [...text.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```/gm)].map(([, lang, body]) => ({ document, lang: lang!, body: body!.trim() }));

describe('README and guide examples', () => {
  it('every code block is a file a spec runs, shown verbatim, or a fragment with a reason', async () => {
    const files = await Promise.all(runnable.map((file) => readFile(file, 'utf8')));
    const blocks = (await Promise.all((await documents()).map(async (document) => codeBlocks(document, await readFile(document, 'utf8'))))).flat();
    const code = blocks.filter((block) => !['sh', 'text', ''].includes(block.lang));
    expect(code.length).toBeGreaterThan(10);
    const unchecked = code.filter((block) => !files.some((file) => file.includes(block.body)) && !(block.body.split('\n')[0]! in fragments));
    expect(unchecked.map((block) => `${block.document}: ${block.body.split('\n')[0]}`)).toEqual([]);
  });

  it('shows each runnable file in full somewhere', async () => {
    const all = (await Promise.all((await documents()).map((document) => readFile(document, 'utf8')))).join('\n');
    for (const file of runnable.filter((file) => file.startsWith('spec/'))) {
      expect(all.includes((await readFile(file, 'utf8')).trim())).withContext(`${file} is not shown whole`).toBeTrue();
    }
  });

  it('lists no fragment that is no longer shown', async () => {
    const blocks = (await Promise.all((await documents()).map(async (document) => codeBlocks(document, await readFile(document, 'utf8'))))).flat();
    const firstLines = new Set(blocks.map((block) => block.body.split('\n')[0]));
    expect(Object.keys(fragments).filter((line) => !firstLines.has(line))).toEqual([]);
  });
});

/** GitHub's anchor for a heading. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
const anchorsOf = (text: string) => new Set([...text.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => slug(heading!)));

describe('README and docs', () => {
  it('link only to headings that exist (GitHub anchors) and to files that exist, relative to each document', async () => {
    const markdown = [...(await documents()), 'docs/RELIABILITY.md', 'docs/PERFORMANCE.md', 'docs/ARCHITECTURE.md'];
    const broken: string[] = [];
    for (const document of markdown) {
      const prose = (await readFile(document, 'utf8')).replace(/```[\s\S]*?```/g, '');
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:)/.test(target!)) continue;
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const file = path ? normalize(join(dirname(document), path)) : document;
        const text = await readFile(file, 'utf8').catch(() => null);
        if (text === null) broken.push(`${document}: ${target} (no file ${file})`);
        else if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(text).has(anchor)) broken.push(`${document}: ${target} (no heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README opens with an install line and the requirements package.json states', async () => {
    const [readme, pkg] = await Promise.all([readFile('README.md', 'utf8'), readFile('package.json', 'utf8').then((text) => JSON.parse(text) as { engines: { node: string }; peerDependencies: Record<string, string> })]);
    const opening = readme.slice(0, readme.indexOf('\n## '));
    expect(opening).toMatch(/^npm install rxjs .*rx-bearer/m);
    // engines is one caret range per Node line CI runs ('^20.19.0 || ^22.12.0 || ^24.0.0'): each is named, as '24' or '22.12+'.
    const lines = pkg.engines.node.split('||').map((range) => /^\s*\^(\d+)\.(\d+)\.0\s*$/.exec(range));
    expect(lines.every(Boolean)).withContext(pkg.engines.node).toBeTrue();
    for (const [, major, minor] of lines as RegExpExecArray[]) expect(opening).toMatch(new RegExp(`\\b${minor === '0' ? `${major}\\b(?![.+])` : `${major}\\.${minor}\\+`}`));
    // The oldest TypeScript the compat suite checks (compat/types, an npm alias 'typescript-5.0': 'npm:typescript@^5.0.4').
    const types = JSON.parse(await readFile('compat/types/package.json', 'utf8')) as { devDependencies: Record<string, string> };
    const oldest = Object.values(types.devDependencies).map((spec) => /^npm:typescript@\^?(\d+\.\d+)/.exec(spec)?.[1]).filter(Boolean).sort()[0];
    expect(oldest).toBeDefined();
    expect(opening).toContain(`checked with TypeScript ${oldest} and later`);
    expect(opening).toContain(`rxjs \`${pkg.peerDependencies['rxjs']!.replace('.0', '')}\``);
    expect(opening).toMatch(/^npm ci && npm test\b/m);
  });

  it('the README stays what a newcomer reads in five minutes (at most 250 lines); the rest is in the guides', async () => {
    const lines = (await readFile('README.md', 'utf8')).split('\n').length;
    expect(lines).toBeLessThanOrEqual(250);
  });
});
