// Build: ESM and CommonJS bundles of each entry, plus bundled declarations for
// each (.d.mts / .d.cts) so both module systems resolve types that match the
// file they load. rxjs, the runtime dependencies and node: modules stay external.
// Entries: the core (index), the testing kit (testing: server + marbles) and its
// node-free marble helpers (testing-marbles); the core imports neither.
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const external = [/^rxjs(\/|$)/, 'jwt-decode', 'cross-fetch', /^node:/];
const input = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  'testing-marbles': 'src/testing/marbles.ts',
};

export default [
  {
    input,
    external,
    plugins: [
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
];
