import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/api-video-test-server.js';

const run = promisify(execFile);

// What a user's script does with the built package: log in, call the API, dispose, and exit.
const body = (load: string) => `
  ${load}
  const { createBearerAuth, AuthError, HttpError, InvalidTokenResponseError } = lib;
  const { firstValueFrom } = rxjs;
  const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: process.env.BASE_URL });
  const names = [createBearerAuth, AuthError, HttpError, InvalidTokenResponseError].map((f) => typeof f);
  firstValueFrom(auth.json('/videos')).then((page) => {
    auth.dispose();
    process.on('exit', () => console.log(JSON.stringify({ names, data: page.data, authError: new AuthError('rejected', 'x') instanceof Error })));
  });
`;

describe('the built package', () => {
  let server: ApiVideoTestServer;
  beforeEach(async () => {
    server = await createApiVideoTestServer();
  });
  afterEach(() => server.close());

  const cases = [
    ['import()', ['--input-type=module', '-e', body("const lib = await import('rx-bearer'); const rxjs = await import('rxjs');")]],
    ['require()', ['-e', body("const lib = require('rx-bearer'); const rxjs = require('rxjs');")]],
  ] as const;
  for (const [how, args] of cases) {
    it(`loads through ${how} in Node, works against the server, and lets the process exit after dispose()`, async () => {
      const started = Date.now();
      const { stdout } = await run(process.execPath, [...args], { env: { ...process.env, BASE_URL: server.url }, timeout: 15_000 });
      expect(JSON.parse(stdout)).toEqual({ names: ['function', 'function', 'function', 'function'], data: [], authError: true });
      expect(server.counts['POST /auth/api-key']).toBe(1);
      // With a 3600 s token the refresh timer would hold the process for an hour: dispose() must release it.
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 20_000);
  }

  for (const [how, args] of [
    ['import()', ['--input-type=module', '-e', "const t = await import('rx-bearer/testing'); const m = await import('rx-bearer/testing/marbles'); const s = await t.createApiVideoTestServer(); await s.close(); console.log(typeof m.createMarbleTransport, typeof m.tokenResponse, s.url.startsWith('http://127.0.0.1:'))"]],
    ['require()', ['-e', "const t = require('rx-bearer/testing'); const m = require('rx-bearer/testing/marbles'); t.createApiVideoTestServer().then(async (s) => { await s.close(); console.log(typeof m.createMarbleTransport, typeof m.tokenResponse, s.url.startsWith('http://127.0.0.1:')); })"]],
  ] as const) {
    it(`loads rx-bearer/testing and rx-bearer/testing/marbles through ${how}`, async () => {
      const { stdout } = await run(process.execPath, [...args], { timeout: 15_000 });
      expect(stdout.trim()).toBe('function function true');
    }, 20_000);
  }

  for (const [how, args] of [
    ['import()', ['--input-type=module', '-e', "await import('@angular/compiler'); const a = await import('rx-bearer/angular'); console.log(typeof a.provideBearerAuth, typeof a.bearerInterceptor, typeof a.injectBearerAuth)"]],
    ['require()', ['-e', "require('@angular/compiler'); const a = require('rx-bearer/angular'); console.log(typeof a.provideBearerAuth, typeof a.bearerInterceptor, typeof a.injectBearerAuth)"]],
  ] as const) {
    it(`loads rx-bearer/angular through ${how}`, async () => {
      const { stdout } = await run(process.execPath, [...args], { timeout: 15_000 });
      expect(stdout.trim()).toBe('function function function');
    }, 20_000);
  }

  for (const [how, args] of [
    ['import()', ['--input-type=module', '-e', "const s = await import('rx-bearer/server'); const r = await import('rx-bearer/redis'); console.log(typeof s.createTokenHandler, typeof r.redisTokenStore)"]],
    ['require()', ['-e', "const s = require('rx-bearer/server'); const r = require('rx-bearer/redis'); console.log(typeof s.createTokenHandler, typeof r.redisTokenStore)"]],
  ] as const) {
    it(`loads rx-bearer/server and rx-bearer/redis (which import the core by its name) through ${how}`, async () => {
      const { stdout } = await run(process.execPath, [...args], { timeout: 15_000 });
      expect(stdout.trim()).toBe('function function');
    }, 20_000);
  }

  const adapters = "const k = X('rx-bearer/ky'), o = X('rx-bearer/openapi-fetch'), g = X('rx-bearer/grpc'), a = X('rx-bearer/axios'); console.log(typeof k.bearerKy, typeof o.bearerOpenApiFetch, typeof g.bearerCredential, typeof a.useBearer)";
  for (const [how, args] of [
    ['import()', ['--input-type=module', '-e', adapters.replaceAll('X(', 'await import(')]],
    ['require()', ['-e', adapters.replaceAll('X(', 'require(')]],
  ] as const) {
    it(`loads rx-bearer/ky, /openapi-fetch, /grpc and /axios through ${how}`, async () => {
      const { stdout } = await run(process.execPath, [...args], { timeout: 15_000 });
      expect(stdout.trim()).toBe('function function function function');
    }, 20_000);
  }

  for (const [how, args] of [
    ['import()', ['--input-type=module', '-e', "const o = await import('rx-bearer/oauth2'); console.log(typeof o.clientCredentials, typeof o.refreshTokenGrant)"]],
    ['require()', ['-e', "const o = require('rx-bearer/oauth2'); console.log(typeof o.clientCredentials, typeof o.refreshTokenGrant)"]],
  ] as const) {
    it(`loads rx-bearer/oauth2 (and its optional peer oauth4webapi, ESM only) through ${how}`, async () => {
      const { stdout } = await run(process.execPath, [...args], { timeout: 15_000 });
      expect(stdout.trim()).toBe('function function');
    }, 20_000);
  }

  it('only rx-bearer/oauth2 loads oauth4webapi, an optional peer: a user who does not import it installs nothing more', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { dependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional?: boolean }> };
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['cross-fetch', 'jwt-decode']);
    expect(pkg.peerDependenciesMeta['oauth4webapi']?.optional).toBeTrue();
    const entries = (await readdir('dist')).filter((file) => /\.(mjs|cjs)$/.test(file) && !file.startsWith('oauth2.'));
    for (const file of entries) expect(await readFile(`dist/${file}`, 'utf8')).withContext(file).not.toMatch(/(from |require\(|import\()'oauth4webapi'/);
  });

  it('the adapters import nothing but rxjs at run time (and /axios its axios: they use the core through the BearerAuth they are given); the core imports none of their libraries', async () => {
    const importsOf = (text: string) => [...text.matchAll(/(?:from |require\()'([^']+)'/g)].map(([, name]) => name!).sort();
    for (const name of ['ky', 'openapi-fetch', 'grpc', 'axios']) {
      for (const ext of ['mjs', 'cjs']) {
        expect(importsOf(await readFile(`dist/${name}.${ext}`, 'utf8'))).withContext(`dist/${name}.${ext}`).toEqual(name === 'axios' ? ['axios', 'rxjs'] : ['rxjs']);
      }
    }
    for (const file of ['dist/index.mjs', 'dist/index.cjs', 'dist/browser.mjs']) {
      expect(await readFile(file, 'utf8')).not.toMatch(/(from |require\()'(ky|axios|openapi-fetch|@grpc\/grpc-js)'/);
    }
  });

  it('keeps Angular out of the core entry: a Node user installs no Angular', async () => {
    for (const file of ['dist/index.mjs', 'dist/index.cjs']) {
      expect(await readFile(file, 'utf8')).not.toMatch(/from '@angular|require\('@angular/);
    }
    expect(await readFile('dist/angular.mjs', 'utf8')).toMatch(/from 'rx-bearer'/); // one shared core, not a copy
  });

  it('ships no chunk that nothing loads: the build starts from an empty dist/', async () => {
    const chunks = (await readdir('dist/chunks')).filter((file) => !file.endsWith('.map'));
    const files = await Promise.all((await readdir('dist')).filter((file) => /\.(mjs|cjs|d\.mts|d\.cts)$/.test(file)).map((file) => readFile(`dist/${file}`, 'utf8')));
    const chunkTexts = await Promise.all(chunks.map((chunk) => readFile(`dist/chunks/${chunk}`, 'utf8')));
    for (const [i, chunk] of chunks.entries()) {
      // Another file names it (a chunk names itself in its sourceMappingURL comment, so not itself).
      const loaders = [...files, ...chunkTexts.filter((_, j) => j !== i)];
      expect(loaders.some((text) => text.includes(chunk.replace(/\.d\.[mc]ts$/, '').replace(/\.[mc]js$/, ''))))
        .withContext(`dist/chunks/${chunk} is loaded by some file`).toBeTrue();
    }
  });

  // One core for every entry point. A second declaration of a core class (rollup-plugin-dts inlines what an
  // entry's types use) makes tsc reject the README's own `createBearerAuth({ store: redisTokenStore(...) })`
  // with TS2322 "Two different types with this name exist"; a second copy in JavaScript breaks instanceof.
  const coreFile = /^(index|browser)\.|^chunks\//;
  const distFiles = async (pattern: RegExp) => {
    const names = [...(await readdir('dist')), ...(await readdir('dist/chunks')).map((file) => `chunks/${file}`)].filter((file) => pattern.test(file));
    return Promise.all(names.map(async (file) => [file, await readFile(`dist/${file}`, 'utf8')] as const));
  };
  const classesIn = (text: string) => [...text.matchAll(/^(?:export )?declare (?:abstract )?class ([\w$]+)/gm)].map(([, name]) => name!.replace(/\$\d+$/, ''));

  it("declares each of the core's classes in the core's declarations only (no other .d.mts / .d.cts declares AuthError again)", async () => {
    const declarations = await distFiles(/\.d\.[mc]ts$/);
    const core = new Set(declarations.filter(([file]) => coreFile.test(file)).flatMap(([, text]) => classesIn(text)));
    expect([...core]).toEqual(jasmine.arrayContaining(['RxBearerError', 'AuthError', 'HttpError', 'FetchUnavailableError', 'Secret']));
    const others = declarations.filter(([file]) => !coreFile.test(file));
    expect(others.map(([file]) => file)).toEqual(jasmine.arrayContaining(['server.d.mts', 'server.d.cts', 'redis.d.mts', 'redis.d.cts']));
    for (const [file, text] of others) {
      expect(classesIn(text).filter((name) => core.has(name))).withContext(`dist/${file}`).toEqual([]);
    }
    for (const file of ['server.d.mts', 'server.d.cts', 'redis.d.mts', 'redis.d.cts']) {
      expect(others.find(([name]) => name === file)![1]).withContext(file).toMatch(/^import \{[^}]*\} from 'rx-bearer';$/m);
    }
  });

  it("carries no copy of the core's classes in any other entry's JavaScript: rx-bearer/server takes them from 'rx-bearer'", async () => {
    const core = await import('rx-bearer');
    const classes = Object.entries(core).filter(([, value]) => typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value))).map(([name]) => name);
    expect(classes).toEqual(jasmine.arrayContaining(['RxBearerError', 'AuthError', 'FetchUnavailableError']));
    const others = (await distFiles(/\.[mc]js$/)).filter(([file]) => !coreFile.test(file));
    for (const [file, text] of others) {
      expect(classes.filter((name) => new RegExp(`\\bclass ${name}\\b`).test(text))).withContext(`dist/${file}`).toEqual([]);
    }
    expect(others.find(([file]) => file === 'server.mjs')![1]).toMatch(/^import \{[^}]*\bcreateBearerAuth\b[^}]*\} from 'rx-bearer';$/m);
    expect(others.find(([file]) => file === 'server.cjs')![1]).toContain("require('rx-bearer')");
  });

  it('bundles one core for an app that imports rx-bearer and rx-bearer/server under the browser condition (Workers, Vite)', async () => {
    const entry = "import { createBearerAuth } from 'rx-bearer'; import { createTokenHandler } from 'rx-bearer/server'; console.log(createBearerAuth, createTokenHandler);";
    const { build } = await import('esbuild');
    const externals = ['rxjs', 'jwt-decode', 'cross-fetch'];
    for (const platform of ['browser', 'node'] as const) {
      const { outputFiles } = await build({ stdin: { contents: entry, resolveDir: process.cwd() }, bundle: true, write: false, format: 'esm', platform, external: externals, logLevel: 'silent' });
      expect(outputFiles[0]!.text.match(/static code = "ERR_AUTH"/g)?.length).withContext(platform).toBe(1);
    }
  });

  // Rollup's plain nodeResolve() and esbuild's neutral platform set neither `browser` nor `node`: they got the
  // Node build, whose import() of cross-fetch made Rollup fail ("output.file" with several chunks). compat/bundlers
  // builds with Rollup and Parcel themselves; this pins the exports map with esbuild's resolver, in a second.
  it('resolves the browser build for a bundler with neither the node nor the browser condition, and the Node build under node', async () => {
    const { build } = await import('esbuild');
    const resolved = async (platform: 'browser' | 'node' | 'neutral', conditions?: string[]) => {
      const { metafile } = await build({ stdin: { contents: "export * from 'rx-bearer';", resolveDir: process.cwd() }, bundle: true, write: false, format: 'esm', platform, ...(conditions && { conditions }), external: ['rxjs', 'jwt-decode', 'cross-fetch'], metafile: true, logLevel: 'silent' });
      return Object.keys(metafile.inputs).filter((file) => file.startsWith('dist/'));
    };
    expect(await resolved('neutral')).toEqual(['dist/browser.mjs']);
    expect(await resolved('neutral', ['development'])).toEqual(['dist/browser.development.mjs']);
    expect(await resolved('browser')).toEqual(['dist/browser.mjs']);
    expect(await resolved('node')).toEqual(['dist/index.mjs']);
    expect(await resolved('node', ['development'])).toEqual(['dist/index.mjs']);
    // Tools that read no exports (Parcel's default config) take `module`: the same production browser build.
    const pkg = JSON.parse(await readFile('package.json', 'utf8'));
    expect(pkg.module).toBe(pkg.exports['.'].import.default);
    expect(pkg.module).toBe('./dist/browser.mjs');
    expect(await readFile('dist/browser.mjs', 'utf8')).not.toMatch(/import\s*\(?[^;]*['"]cross-fetch['"]/);
    expect(await readFile('dist/index.mjs', 'utf8')).toMatch(/import\s*\(?[^;]*['"]cross-fetch['"]/); // the pattern finds it where it is
  });

  it('passes publint and attw --pack (types resolve for ESM, CJS and bundlers)', async () => {
    const publint = await run('npx', ['--no-install', 'publint', '--strict'], { timeout: 60_000 });
    expect(publint.stdout).toContain('All good');
    const attw = await run('npx', ['--no-install', 'attw', '--pack', '.', '--format', 'table-flipped'], { timeout: 60_000 });
    expect(attw.stdout).toContain('No problems found');
  }, 90_000);
});
