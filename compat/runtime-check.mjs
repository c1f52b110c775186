// What a Bun or Deno user does with rx-bearer, run by compat/bun/run.mjs and
// compat/deno/run.mjs (each imports the package from its own node_modules and
// passes it in). compat/run.ts starts two api.video test servers on 127.0.0.1
// (BASE_URL, and OTHER_URL: another origin), runs this, then checks the
// servers' request logs. Never calls dispose(): the process must exit by itself.
const env = (name) => (globalThis.Deno ? globalThis.Deno.env.get(name) : globalThis.process.env[name]);

const equal = (actual, expected, what) => {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
};

export async function check(runtime, { createBearerAuth, firstValueFrom, entry }) {
  const api = env('BASE_URL');
  const other = env('OTHER_URL');
  const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api });

  const created = await firstValueFrom(auth.json('/videos', { method: 'POST', body: JSON.stringify({ title: `from ${runtime}` }) }));
  equal(created.title, `from ${runtime}`, 'POST /videos');
  const page = await firstValueFrom(auth.json('/videos'));
  equal(page.data.map((video) => video.title), [`from ${runtime}`], 'GET /videos');

  // A redirect within the API's origin keeps the token: the page comes back.
  const viaSameOrigin = await firstValueFrom(auth.json(`/redirect?to=${encodeURIComponent('/videos')}`));
  equal(viaSameOrigin.pagination.itemsTotal, 1, 'GET /videos through a same-origin redirect');

  // A redirect to another origin drops it: that server answers 401 (it saw no token), and no refresh follows.
  const away = await firstValueFrom(auth.fetch(`/redirect?to=${encodeURIComponent(`${other}/videos`)}`));
  await away.arrayBuffer();
  equal({ status: away.status, origin: new URL(away.url).origin }, { status: 401, origin: other }, 'a redirect to another origin');

  const version = globalThis.Bun?.version ?? globalThis.Deno?.version.deno;
  console.log(`${runtime} ${version} loaded ${entry.slice(entry.lastIndexOf('/') + 1)}: logged in, created and listed a video, kept the token within the origin, dropped it at a redirect to ${other}; exiting without dispose()`);
}
