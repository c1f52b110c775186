import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * What a page needs to load the browser build as ES modules under `prefix`
 * (e.g. '/' or '/app/'): the folders to serve and the import map naming them.
 */
export function browserModules(prefix: string) {
  const folders: Array<[string, string]> = [
    [`${prefix}vendor/rxjs/`, 'node_modules/rxjs/dist/esm/'],
    [`${prefix}vendor/jwt-decode/`, 'node_modules/jwt-decode/build/esm/'],
    [`${prefix}vendor/tslib/`, 'node_modules/tslib/'],
    [`${prefix}dist/`, 'dist/'],
  ];
  const importMap = `<script type="importmap">
{ "imports": { "rx-bearer": "${prefix}dist/browser.mjs", "rxjs": "${prefix}vendor/rxjs/index.js", "jwt-decode": "${prefix}vendor/jwt-decode/index.js", "tslib": "${prefix}vendor/tslib/tslib.es6.mjs" } }
</script>`;
  /**
   * Answers a request for one of those modules (trying '.js' and '/index.js',
   * as rxjs' ESM build imports without extensions); false when `pathname` is
   * not under any of the folders. Nothing outside a folder is ever served.
   */
  const serve = (res: ServerResponse, pathname: string): boolean => {
    const entry = folders.find(([start]) => pathname.startsWith(start));
    if (!entry) return false;
    const base = join(root, entry[1]);
    const wanted = normalize(join(base, pathname.slice(entry[0].length)));
    if (!wanted.startsWith(base.endsWith(sep) ? base : base + sep)) return void res.writeHead(403).end(), true;
    void (async () => {
      for (const candidate of [wanted, `${wanted}.js`, join(wanted, 'index.js')]) {
        const body = await readFile(candidate).catch(() => undefined);
        if (body) return void res.writeHead(200, { 'content-type': extname(candidate) === '.map' ? 'application/json' : 'text/javascript' }).end(body);
      }
      res.writeHead(404).end();
    })();
    return true;
  };
  return { importMap, serve };
}
