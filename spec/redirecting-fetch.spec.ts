import { credentialScope } from '../src/credential-scope.js';
import { NetworkError } from '../src/errors.js';
import { redirectingFetch } from '../src/redirecting-fetch.js';

/** The redirect follower is a fetch decorator per client: what it learns of a fetch stays with its client. */
describe('redirectingFetch', () => {
  const scope = credentialScope({ baseUrl: 'https://ws.api.video' });
  const target = scope.resolve('/videos')!;
  /** A fetch that hides redirects as browsers do: `redirect: 'manual'` gives an opaque redirect. */
  const browserLike = () => {
    const modes: Array<RequestRedirect | undefined> = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      modes.push(init.redirect);
      if (init.redirect === 'manual') return { type: 'opaqueredirect', status: 0, redirected: false, headers: new Headers(), body: null } as unknown as Response;
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    return { fetchImpl, modes };
  };

  it("learns from the first opaque redirect that this fetch follows by itself, for this client only", async () => {
    const { fetchImpl, modes } = browserLike();
    const first = redirectingFetch(fetchImpl, scope);
    const second = redirectingFetch(fetchImpl, scope);
    const send = (client: typeof first) => client(target, { method: 'GET' }, undefined, 'Bearer t', undefined, new AbortController().signal);
    expect((await send(first)).response.status).toBe(200); // manual, then sent again with follow
    expect((await send(first)).response.status).toBe(200); // learnt: follow at once
    expect((await send(second)).response.status).toBe(200); // the other client has learnt nothing
    expect(modes).toEqual(['manual', 'follow', undefined, 'manual', 'follow']); // undefined: fetch's own default, follow
  });

  it('never sends a method that is not safe twice when the fetch hid its redirect', async () => {
    const { fetchImpl, modes } = browserLike();
    const send = redirectingFetch(fetchImpl, scope);
    const error = await send(target, { method: 'POST' }, 'x', 'Bearer t', undefined, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toEqual(jasmine.any(NetworkError));
    expect(String((error as NetworkError).cause)).toMatch(/hides redirects/);
    expect(modes).toEqual(['manual']);
  });
});
