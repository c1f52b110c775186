// Build: one ESM and one CommonJS bundle from src/index.ts, plus bundled
// declarations for each (.d.mts / .d.cts) so both module systems resolve types
// that match the file they load. rxjs and the runtime dependencies stay external.
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const external = [/^rxjs(\/|$)/, 'jwt-decode', 'cross-fetch', /^node:/];
const input = { index: 'src/index.ts' };

export default [
  {
    input,
    external,
    plugins: [
      typescript({
        tsconfig: './tsconfig.json',
        include: ['src/**/*.ts'],
        exclude: ['src/testing/**'],
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
    plugins: [dts({ compilerOptions: { types: [] } })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts' },
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts' },
    ],
  },
];
