// msw mocking api.video: its Responses are clones, on which body.cancel() never settles.
// msw 3 needs Node 22.12 or later: on Node 20 it intercepts nothing, silently (the requests go to the real
// network). So this runs msw 3 ('msw') from Node 22.12 on, and msw 2 ('msw2', an npm alias) on Node 20;
// CI runs it on Node 24 and on Node 20 (.ci/run).
import { createRequire } from 'node:module';
import { firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBearerAuth } from 'rx-bearer';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const name = major > 22 || (major === 22 && minor >= 12) ? 'msw' : 'msw2';
const { http, HttpResponse } = (await import(name)) as typeof import('msw');
const { setupServer } = (await import(`${name}/node`)) as typeof import('msw/node');
const mswVersion: string = createRequire(import.meta.url)(`${name}/package.json`).version;
console.log(`msw ${mswVersion} on Node ${process.versions.node}`);

const api = 'https://sandbox.api.video';
let tokens = 0;
let revoked = false;
const server = setupServer(
  http.post(`${api}/auth/api-key`, () => HttpResponse.json({ token_type: 'Bearer', expires_in: 3600, access_token: `a${++tokens}`, refresh_token: `r${tokens}` })),
  http.post(`${api}/auth/refresh`, () => {
    revoked = false;
    return HttpResponse.json({ token_type: 'Bearer', expires_in: 3600, access_token: `a${++tokens}`, refresh_token: `r${tokens}` });
  }),
  http.get(`${api}/videos`, () =>
    revoked
      ? HttpResponse.json({ type: 'https://docs.api.video/reference', title: 'Unauthorized request.', status: 401 }, { status: 401 })
      : HttpResponse.json({ data: [{ videoId: 'vi1', title: 'mocked' }], pagination: { currentPage: 1, itemsTotal: 1 } }),
  ),
  http.get(`${api}/old-videos`, () => new HttpResponse('<p>Moved</p>', { status: 302, headers: { location: `${api}/videos`, 'content-type': 'text/html' } })),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('rx-bearer under msw', () => {
  it('runs the msw that intercepts on this Node: 3 from Node 22.12 on, 2 on Node 20', () => {
    expect(mswVersion.split('.')[0]).toBe(name === 'msw' ? '3' : '2');
  });

  it('gets past a 401 with a JSON body: refreshes and resends', async () => {
    const auth = createBearerAuth({ apiKey: 'key', baseUrl: api });
    try {
      await firstValueFrom(auth.json('/videos'));
      revoked = true;
      const page = await firstValueFrom(auth.json<{ data: Array<{ title: string }> }>('/videos'));
      expect(page.data[0]?.title).toBe('mocked');
      expect(tokens).toBe(2);
    } finally {
      auth.dispose();
    }
  });

  it('follows a 302 that has a body', async () => {
    const auth = createBearerAuth({ apiKey: 'key', baseUrl: api });
    try {
      const page = await firstValueFrom(auth.json<{ data: Array<{ title: string }> }>('/old-videos'));
      expect(page.data[0]?.title).toBe('mocked');
    } finally {
      auth.dispose();
    }
  });
});
