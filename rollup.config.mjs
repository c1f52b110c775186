// Build, after one `tsc -p tsconfig.build.json` (src -> build/, JavaScript and
// declarations): ESM and CommonJS bundles of each entry, plus bundled
// declarations for each (.d.mts / .d.cts) so both module systems resolve types
// that match the file they load. rxjs, the runtime dependencies and node:
// modules stay external. Entries: the core (index), the testing kit (testing:
// server + marbles) and its node-free marble helpers (testing-marbles); the
// core imports none of them. The server's token endpoint (server) and the
// Redis store (redis; Node only, never in the browser build) are built on
// their own and take the core from 'rx-bearer' itself (see `throughCore`).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dts } from 'rollup-plugin-dts';

const external = [/^rxjs(\/|$)/, 'jwt-decode', 'cross-fetch', 'oauth4webapi', /^node:/];
const angularExternal = [...external, 'rx-bearer', /^@angular\//];
const entries = {
  index: 'index',
  testing: 'testing/index',
  'testing-marbles': 'testing/marbles',
};
/** The compiled JavaScript (`.js`) or declarations (`.d.ts`) of `entries`. */
const from = (map, ext) => Object.fromEntries(Object.entries(map).map(([name, file]) => [name, `build/${file}${ext}`]));

/** Reads tsc's source map beside each compiled file, so that dist's maps point at src/*.ts. */
const tscSourceMaps = {
  name: 'tsc-source-maps',
  load(id) {
    if (!id.endsWith('.js') || !existsSync(`${id}.map`)) return null;
    return { code: readFileSync(id, 'utf8'), map: readFileSync(`${id}.map`, 'utf8') };
  },
};

/**
 * The browser builds swap in *.browser.ts twins: no cross-fetch (every
 * browser has fetch). The production one (the exports map's default browser
 * branch) also swaps dev.ts for dev.production.ts: short messages, no option
 * type checks; the development condition's build keeps dev.ts.
 */
const browserTwins = new Set(['./default-fetch.js']);
const twins = (suffix, sources) => ({
  name: `${suffix}-twins`,
  resolveId(source) {
    return sources.has(source) ? fileURLToPath(new URL(`./build/${source.slice(2, -3)}.${suffix}.js`, import.meta.url)) : null;
  },
});
const browserFetch = twins('browser', browserTwins);
const productionTwins = twins('production', new Set(['./dev.js']));

/**
 * cross-fetch is loaded only where there is no global fetch: with `require`
 * in the CommonJS builds (a dynamic import inside CommonJS fails under Jest),
 * with `import()` in the ESM build, marked for bundlers to leave alone so that
 * a bundle for a platform with fetch does not carry node-fetch (webpack 5.113
 * ignores that mark on require(): the README says how to leave it out).
 */
const crossFetchLoader = {
  name: 'cross-fetch-loader',
  renderDynamicImport({ format, targetModuleId }) {
    if (targetModuleId !== 'cross-fetch') return null;
    return format === 'cjs'
      ? { left: 'Promise.resolve().then(function () { return require(', right: '); })' }
      : { left: 'import(/* webpackIgnore: true */ /* @vite-ignore */ ', right: ')' };
  },
};

/**
 * rx-bearer/server and rx-bearer/redis reach the core through src/core.ts
 * only, and in their bundles core.ts's re-exports of the public entry become
 * imports of 'rx-bearer' (the package's own name, as rx-bearer/angular does):
 * an app that imports from 'rx-bearer' and from them then loads one copy of
 * the engine and the error classes, in Node (index.mjs / index.cjs) and under
 * a bundler's browser condition (browser.mjs) alike, and their declarations
 * import the core's types instead of declaring them again (which tsc reports
 * as TS2322 "Two different types with this name exist"). Any other import of
 * a core module from src/server or src/redis is routed to core.ts as well, so
 * a forgotten one cannot bundle a second core: rollup fails if core.ts does
 * not export the name. `ext` is '.js' (JavaScript) or '.d.ts' (declarations).
 */
const throughCore = (ext) => {
  const build = fileURLToPath(new URL('./build/', import.meta.url));
  const core = `${build}core${ext}`;
  return {
    name: 'through-core',
    resolveId(source, importer) {
      if (importer === core && source === './index.js') return { id: 'rx-bearer', external: true };
      const fromEntry = ['server/', 'redis/', 'oauth2/'].some((folder) => importer?.startsWith(`${build}${folder}`));
      return fromEntry && source.startsWith('../') && source !== '../core.js' ? core : null;
    },
  };
};
/**
 * core.ts compiles a constant, a function and a small class into those
 * bundles: rollup keeps only them, not the modules that theirs import (the
 * engine; errors.js, whose prototype brand is a top-level statement rollup
 * would otherwise keep). The package tells bundlers the same (`"sideEffects": false`).
 */
const onlyWhatIsUsed = { moduleSideEffects: (_id, external) => external };

/**
 * Angular ships ESM only, so a plain import of it in angular.d.cts is TS1479
 * for a CommonJS project under node16/nodenext (with skipLibCheck: false).
 * The declarations only need its types: import them as types, resolved as
 * an ESM importer would, which TypeScript allows from CommonJS.
 */
const angularTypesFromCjs = {
  name: 'angular-types-from-cjs',
  renderChunk(code, chunk, outputOptions) {
    if (!outputOptions.entryFileNames.endsWith('.d.cts')) return null;
    return code.replace(/^import \{([^}]*)\} from '(@angular\/[^']+)';$/gm, "import type {$1} from '$2' with { 'resolution-mode': 'import' };");
  },
};

export default [
  {
    // dist/browser.mjs and browser.cjs: the core for browsers (the exports map's
    // browser condition) and for every tool without the node condition (its import/require
    // defaults, and `module` for tools that read no exports: Parcel); the CommonJS one for
    // runners that require() it (Jest with jsdom).
    input: { browser: 'build/index.js' },
    external,
    plugins: [browserFetch, productionTwins, tscSourceMaps],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true },
    ],
  },
  {
    // dist/browser.development.mjs and .cjs: the browser core with full messages and option type checks
    // (the browser branch's development condition, which bundlers set in development builds).
    input: { 'browser.development': 'build/index.js' },
    external,
    plugins: [browserFetch, tscSourceMaps],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true },
    ],
  },
  {
    input: from(entries, '.js'),
    external,
    plugins: [crossFetchLoader, tscSourceMaps],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', sourcemap: true },
    ],
  },
  {
    input: from(entries, '.d.ts'),
    external,
    plugins: [dts({ compilerOptions: { types: ['node'] } })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts', chunkFileNames: 'chunks/[name]-[hash].d.mts' },
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: 'chunks/[name]-[hash].d.cts' },
    ],
  },
  // rx-bearer/server: the token endpoint (fetch handler); it needs no node: module.
  // rx-bearer/redis: the Redis client is the user's own object, so nothing of redis is imported.
  // rx-bearer/oauth2: OAuth 2.0 sources; the only entry that loads oauth4webapi.
  ...['server', 'redis', 'oauth2'].flatMap((name) => [
    {
      input: { [name]: `build/${name}/index.js` },
      external,
      treeshake: onlyWhatIsUsed,
      plugins: [throughCore('.js'), tscSourceMaps],
      output: [
        { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', sourcemap: true },
        { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true },
      ],
    },
    {
      input: { [name]: `build/${name}/index.d.ts` },
      external,
      plugins: [throughCore('.d.ts'), dts({ compilerOptions: { types: ['node'] } })],
      output: [
        { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts' },
        { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts' },
      ],
    },
  ]),
  {
    // The CLI uses the package through its public entry, like any user.
    input: { cli: 'build/cli/main.js' },
    external: [...external, 'rx-bearer'],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', banner: '#!/usr/bin/env node' },
  },
  {
    // rx-bearer/angular imports the core through 'rx-bearer', so an app and
    // its interceptor share one copy (one engine, one set of error classes).
    input: { angular: 'build/angular/index.js' },
    external: angularExternal,
    plugins: [tscSourceMaps],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true },
    ],
  },
  {
    input: { angular: 'build/angular/index.d.ts' },
    external: angularExternal,
    plugins: [dts({ compilerOptions: { types: [] } }), angularTypesFromCjs],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts' },
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts' },
    ],
  },
  // rx-bearer/ky, /axios, /openapi-fetch, /grpc: adapters built on the public
  // API like rx-bearer/angular (the core through 'rx-bearer'); only /axios
  // imports its library (an optional peer dependency), the others none.
  ...['ky', 'axios', 'openapi-fetch', 'grpc'].flatMap((name) => [
    {
      input: { [name]: `build/${name}/index.js` },
      external: [...external, 'rx-bearer', 'axios'],
      plugins: [tscSourceMaps],
      output: [
        { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', sourcemap: true },
        { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true },
      ],
    },
    {
      input: { [name]: `build/${name}/index.d.ts` },
      external: [...external, 'rx-bearer', 'axios'],
      plugins: [dts({ compilerOptions: { types: [] } })],
      output: [
        { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts' },
        { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts' },
      ],
    },
  ]),
];
