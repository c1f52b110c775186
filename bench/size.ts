// S6: what each contender adds to a browser bundle (esbuild, minified), as a
// browser bundler resolves packages (the exports maps' browser condition).
import { build, type Plugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = fileURLToPath(new URL('.', import.meta.url));

async function bundle(contents: string, external: string[] = []) {
  const result = await build({
    stdin: { contents, resolveDir: here, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    external,
    write: false,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]!.contents;
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

export async function sizes() {
  return [
    { name: 'rx-bearer core, rxjs excluded (a peer dependency)', ...(await bundle("export * from 'rx-bearer';", ['rxjs'])) },
    { name: 'rx-bearer core with rxjs, tree-shaken', ...(await bundle("export * from 'rx-bearer';")) },
    { name: 'rx-bearer adapter, everything included', ...(await bundle("export * from './contenders/rx-bearer.ts';")) },
    { name: 'static token (floor)', ...(await bundle("export { staticToken } from './contenders/static-token.ts';")) },
    { name: 'hand-written fetch wrapper', ...(await bundle("export * from './contenders/hand-written.ts';")) },
    { name: 'axios + axios-auth-refresh', ...(await bundle("export * from './contenders/axios-auth-refresh.ts';")) },
  ];
}

/** Resolves src's `./x.js` imports to `x.browser.ts` where that twin exists (as rollup's browser build does), else to `x.ts`. */
const browserSources: Plugin = {
  name: 'browser-sources',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, ({ path, importer }) => {
      const twin = fileURLToPath(new URL(path.replace(/\.js$/, '.browser.ts'), `file://${importer}`));
      return { path: existsSync(twin) ? twin : fileURLToPath(new URL(path.replace(/\.js$/, '.ts'), `file://${importer}`)) };
    });
  },
};

/** Where the core's bytes go: minified bytes per source module of the browser build (gzip does not split by module). */
export async function coreBreakdown() {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    external: ['rxjs'],
    plugins: [browserSources],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
  return Object.entries(inputs)
    .map(([file, { bytesInOutput }]) => ({ module: relative(fileURLToPath(new URL('..', import.meta.url)), file).replace(/^.*node_modules\//, ''), min: bytesInOutput }))
    .filter((row) => row.min > 0)
    .sort((a, b) => b.min - a.min);
}
