import { createBearerAuth, type BearerAuth } from '../../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';

/** The API (the test server) and another origin (a second one), with a client of the API's; one per spec. */
export function adapterServers() {
  const context = {} as { api: ApiVideoTestServer; other: ApiVideoTestServer; auth: BearerAuth };
  beforeEach(async () => {
    [context.api, context.other] = await Promise.all([createApiVideoTestServer(), createApiVideoTestServer()]);
    context.auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: context.api.url, retry: { initialDelay: 5 } });
  });
  afterEach(async () => {
    context.auth.dispose();
    await Promise.all([context.api.close(), context.other.close()]);
  });
  return context;
}

/** The API calls (not the auth routes) the server saw, each with whether it carried a token the server issued. */
export const apiCalls = (server: ApiVideoTestServer) =>
  server.log.filter((entry) => !entry.path.startsWith('/auth/')).map(({ path, status, token }) => ({ path, status, issued: token !== undefined && server.issued.has(token) }));
