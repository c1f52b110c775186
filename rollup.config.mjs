// Build: ESM and CommonJS bundles of each entry, plus bundled declarations for
// each (.d.mts / .d.cts) so both module systems resolve types that match the
// file they load. rxjs, the runtime dependencies and node: modules stay external.
// Entries: the core (index), the testing kit (testing: server + marbles) and its
// node-free marble helpers (testing-marbles); the core imports neither. The
// Redis store (redis) is an entry of its own, never in the browser build, and
// bundles only the small core modules it uses (no engine).
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const external = [/^rxjs(\/|$)/, 'jwt-decode', 'cross-fetch', /^node:/];
const angularExternal = [...external, 'rx-bearer', /^@angular\//];
const input = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  'testing-marbles': 'src/testing/marbles.ts',
};

/**
 * The browser build swaps in *.browser.ts twins: no cross-fetch (every
 * browser has fetch).
 */
const browserTwins = new Set(['./default-fetch.js']);
const browserFetch = {
  name: 'browser-twins',
  resolveId(source) {
    return browserTwins.has(source) ? fileURLToPath(new URL(`./src/${source.slice(2, -3)}.browser.ts`, import.meta.url)) : null;
  },
};

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
    // browser condition); the CommonJS one for runners that require() it (Jest with jsdom).
    input: { browser: 'src/index.ts' },
    external,
    plugins: [
      browserFetch,
      typescript({
        tsconfig: './tsconfig.json',
        include: ['src/**/*.ts'],
        compilerOptions: { noEmit: false, declaration: false, outDir: 'dist', types: [] },
      }),
    ],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true },
    ],
  },
  {
    input,
    external,
    plugins: [
      crossFetchLoader,
      typescript({
        tsconfig: './tsconfig.json',
        include: ['src/**/*.ts'],
        compilerOptions: { noEmit: false, declaration: false, outDir: 'dist', types: ['node'] },
      }),
    ],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', sourcemap: true },
    ],
  },
  {
    input,
    external,
    plugins: [dts({ compilerOptions: { types: ['node'] } })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts', chunkFileNames: 'chunks/[name]-[hash].d.mts' },
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: 'chunks/[name]-[hash].d.cts' },
    ],
  },
  {
    // rx-bearer/redis: Node only; the Redis client is the user's own object, so nothing of redis is imported.
    input: { redis: 'src/redis/index.ts' },
    external,
    plugins: [
      typescript({
        tsconfig: './tsconfig.json',
        include: ['src/**/*.ts'],
        compilerOptions: { noEmit: false, declaration: false, outDir: 'dist', types: ['node'] },
      }),
    ],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true },
    ],
  },
  {
    input: { redis: 'src/redis/index.ts' },
    external,
    plugins: [dts({ compilerOptions: { types: ['node'] } })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts' },
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts' },
    ],
  },
  {
    // The CLI uses the package through its public entry, like any user.
    input: { cli: 'src/cli/main.ts' },
    external: [...external, 'rx-bearer'],
    plugins: [
      typescript({
        tsconfig: './tsconfig.json',
        include: ['src/cli/**/*.ts'],
        compilerOptions: { noEmit: false, declaration: false, outDir: 'dist', types: ['node'] },
      }),
    ],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', banner: '#!/usr/bin/env node' },
  },
  {
    // rx-bearer/angular imports the core through 'rx-bearer', so an app and
    // its interceptor share one copy (one engine, one set of error classes).
    input: { angular: 'src/angular/index.ts' },
    external: angularExternal,
    plugins: [
      typescript({
        tsconfig: './tsconfig.json',
        include: ['src/angular/**/*.ts'],
        compilerOptions: { noEmit: false, declaration: false, outDir: 'dist', types: [] },
      }),
    ],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true },
    ],
  },
  {
    input: { angular: 'src/angular/index.ts' },
    external: angularExternal,
    plugins: [dts({ compilerOptions: { types: [] } }), angularTypesFromCjs],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts' },
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts' },
    ],
  },
];
