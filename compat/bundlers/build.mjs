// Builds src/main.js for the browser with each bundler's default setup for an app (Vite, webpack
// target web, Rollup with plain nodeResolve(), Parcel 2's default config), then checks that each
// bundle is rx-bearer's production browser build: no Node-only code (node: imports, cross-fetch,
// node-fetch, whatwg-url) and none of the Node build's long messages. Prints each bundle's gzip size.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Parcel } from '@parcel/core';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
import { build } from 'vite';
import webpack from 'webpack';

// cross-fetch as an import, its browser ponyfill (whatwg-fetch over XMLHttpRequest, which Parcel emits as a
// browser-ponyfill.*.js chunk) or its Node side (node-fetch, whatwg-url).
const forbidden = [/["']node:/, /["']cross-fetch["']/, /browser-ponyfill/, /XMLHttpRequest/, /node-fetch\//, /whatwg-url/];
/** A message only the Node and development builds carry (the production browser build has a short one). */
const nodeBuildMessage = 'create a new one with createBearerAuth()';
const read = (dir) => readdirSync(dir, { recursive: true }).filter((file) => /\.m?js$/.test(file)).map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
let failed = 0;
const check = (name, code) => {
  const found = forbidden.filter((pattern) => pattern.test(code));
  const nodeBuild = code.includes(nodeBuildMessage);
  const ok = found.length === 0 && !nodeBuild && code.includes('sandbox.api.video');
  if (!ok) failed++;
  const kb = (gzipSync(code).length / 1024).toFixed(1);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${code.length} bytes, ${kb} KB gzip${found.length ? `, carries ${found.join(', ')}` : ''}${nodeBuild ? ', is the Node build' : ''}`);
};
/** Runs one bundler; a build that throws is a failure with its message, and the others still run. */
const attempt = async (name, buildIt) => {
  try {
    check(name, await buildIt());
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error?.message ?? error}`);
  }
};

rmSync('out', { recursive: true, force: true });
await attempt('vite build', async () => (await build({ logLevel: 'warn', build: { outDir: 'out/vite' } }), read('out/vite')));

await attempt('webpack target web', async () => {
  const stats = await new Promise((resolve, reject) =>
    webpack({ mode: 'production', target: 'web', entry: './src/main.js', output: { path: join(process.cwd(), 'out/webpack') } }, (error, result) => (error ? reject(error) : resolve(result))),
  );
  if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
  return read('out/webpack');
});

// Plain nodeResolve(): no `browser: true`, so no `browser` export condition; one output file, as an app's config has.
await attempt('rollup nodeResolve()', async () => {
  const bundle = await rollup({ input: 'src/main.js', plugins: [nodeResolve()], onwarn: () => {} });
  await bundle.write({ file: 'out/rollup/main.js', format: 'es' });
  await bundle.close();
  return read('out/rollup');
});

// Parcel 2 as `parcel build src/core.js` runs it: the default config and target (a browser), no package exports.
await attempt('parcel default config', async () => {
  const parcel = new Parcel({
    entries: 'src/core.js',
    defaultConfig: '@parcel/config-default',
    mode: 'production',
    shouldDisableCache: true,
    cacheDir: 'out/.parcel-cache',
    defaultTargetOptions: { distDir: 'out/parcel' },
    logLevel: 'error',
  });
  await parcel.run();
  return read('out/parcel');
});
process.exitCode = failed ? 1 : 0;
