// S6: what each contender adds to a browser bundle (esbuild, minified), as a
// browser bundler resolves packages for a production build (the exports
// maps' browser and production conditions).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bytesPerSource, type SourceMapV3 } from './sourcemap.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles `contents` (resolved from bench/) for the browser: minified ESM, with `conditions` added to esbuild's defaults. */
async function bundle(contents: string, { external = [] as string[], conditions = ['browser', 'production'], sourcemap = false } = {}) {
  const result = await build({
    stdin: { contents, resolveDir: here, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions,
    external,
    // 'external': the map comes back as its own file and the bundle carries no sourceMappingURL comment, so its bytes are the bundle's alone.
    sourcemap: sourcemap ? 'external' : false,
    outfile: `${root}bench-size.js`, // never written (write: false); the map's sources are relative to it, that is, to the repository
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'))!;
  const map = result.outputFiles.find((file) => file.path.endsWith('.js.map'));
  return { code, map, min: code.contents.length, gzip: gzipSync(code.contents, { level: 9 }).length };
}

export type CoreMode = 'production' | 'development';

/** The core's size for one mode and where its bytes go; `modules` plus `unattributed` add up to `min`. */
export interface CoreSize {
  mode: CoreMode;
  conditions: string[];
  min: number;
  gzip: number;
  modules: Array<{ module: string; min: number }>;
  unattributed: number;
}

/**
 * rx-bearer's core as a browser bundler resolves it in `mode`: `export *
 * from 'rx-bearer'` through the exports map with the `browser` and `mode`
 * conditions (a package without a production/development branch resolves
 * the same file for both), rxjs external (a peer dependency), minified,
 * gzip level 9. The per-module rows come from this very build: esbuild
 * follows dist's linked source maps back to src/, and the output map's
 * mappings give each output byte its source file.
 */
export async function coreSize(mode: CoreMode = 'production'): Promise<CoreSize> {
  const conditions = ['browser', mode];
  const { code, map, min, gzip } = await bundle("export * from 'rx-bearer';", { external: ['rxjs'], conditions, sourcemap: true });
  const perSource = bytesPerSource(code.text, JSON.parse(map!.text) as SourceMapV3);
  const modules = [...perSource]
    .filter((entry): entry is [string, number] => entry[0] !== null)
    .map(([source, bytes]) => ({ module: source.replace(/^.*node_modules\//, ''), min: bytes }))
    .sort((a, b) => b.min - a.min || a.module.localeCompare(b.module));
  return { mode, conditions, min, gzip, modules, unattributed: perSource.get(null) ?? 0 };
}

/** The other bundles, for comparison with the core. */
export async function sizes() {
  const measure = async (name: string, contents: string) => {
    const { min, gzip } = await bundle(contents);
    return { name, min, gzip };
  };
  return [
    await measure('rx-bearer core with rxjs, tree-shaken', "export * from 'rx-bearer';"),
    await measure('rx-bearer adapter, everything included', "export * from './contenders/rx-bearer.ts';"),
    await measure('static token (floor)', "export { staticToken } from './contenders/static-token.ts';"),
    await measure('hand-written fetch wrapper', "export * from './contenders/hand-written.ts';"),
    await measure('axios + axios-auth-refresh', "export * from './contenders/axios-auth-refresh.ts';"),
  ];
}
