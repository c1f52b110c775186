// S6: what each contender adds to a browser bundle (esbuild, minified), as a
// browser bundler resolves packages (the exports maps' browser condition).
import { build } from 'esbuild';
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
    { name: 'static token (floor)', ...(await bundle("export * from './contenders/static-token.ts';")) },
    { name: 'hand-written fetch wrapper', ...(await bundle("export * from './contenders/hand-written.ts';")) },
    { name: 'axios + axios-auth-refresh', ...(await bundle("export * from './contenders/axios-auth-refresh.ts';")) },
  ];
}
