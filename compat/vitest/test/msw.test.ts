// msw mocking api.video: its Responses are clones, on which body.cancel() never settles.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBearerAuth } from 'rx-bearer';

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
