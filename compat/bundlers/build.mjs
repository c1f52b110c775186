// Builds src/main.js for the browser with Vite and with webpack, then checks
// that neither bundle carries Node-only code (node: imports, node-fetch).
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import webpack from 'webpack';

const forbidden = [/["']node:/, /node-fetch/, /whatwg-url/];
const read = (dir) => readdirSync(dir, { recursive: true }).filter((file) => /\.m?js$/.test(file)).map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
let failed = 0;
const check = (name, code) => {
  const found = forbidden.filter((pattern) => pattern.test(code));
  const ok = found.length === 0 && code.includes('sandbox.api.video');
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${code.length} bytes${found.length ? `, carries ${found.join(', ')}` : ''}`);
};

rmSync('out', { recursive: true, force: true });
await build({ logLevel: 'warn', build: { outDir: 'out/vite' } });
check('vite build', read('out/vite'));

const stats = await new Promise((resolve, reject) =>
  webpack({ mode: 'production', target: 'web', entry: './src/main.js', output: { path: join(process.cwd(), 'out/webpack') } }, (error, result) => (error ? reject(error) : resolve(result))),
);
if (stats.hasErrors()) {
  failed++;
  console.log(stats.toString('errors-only'));
}
check('webpack target web', read('out/webpack'));
process.exitCode = failed ? 1 : 0;
