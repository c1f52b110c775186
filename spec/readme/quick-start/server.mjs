// server.mjs: APIVIDEO_API_KEY=your-sandbox-key node server.mjs, then open the URL it prints
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { createServerAdapter } from '@whatwg-node/server'; // npm install @whatwg-node/server
import { createTokenHandler } from 'rx-bearer/server';

// ▼ YOUR SESSION CHECK GOES HERE. This one lets in pages this very server served at 127.0.0.1 (the Host check keeps
// out a DNS-rebinding page): enough to try it out, not a login. A real app looks up the request's session cookie.
const isSignedIn = (request) => {
  const { origin, hostname } = new URL(request.url);
  return hostname === '127.0.0.1' && request.headers.get('origin') === origin;
};

const tokenEndpoint = createServerAdapter(
  createTokenHandler({
    apiKey: () => process.env.APIVIDEO_API_KEY, // the key stays here, on the server
    baseUrl: process.env.APIVIDEO_BASE_URL ?? 'https://sandbox.api.video',
    authorize: (request) => isSignedIn(request), // runs before the body is read; nobody gets a token without it
  }),
);
const files = { '/': ['index.html', 'text/html'], '/bundle.js': ['bundle.js', 'text/javascript'] };

const server = http.createServer(async (req, res) => {
  if (req.url === '/api/video-token') return tokenEndpoint(req, res);
  const file = files[req.url];
  if (!file) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': file[1] }).end(await readFile(new URL(file[0], import.meta.url)));
});
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => console.log(`open http://127.0.0.1:${server.address().port}/`));
