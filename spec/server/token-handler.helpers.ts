import { createServerAdapter } from '@whatwg-node/server';
import { createTokenHandler, type TokenHandler, type TokenHandlerOptions } from '../../src/server/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';

export const TOKEN_PATH = '/api/video-token';

/** What a browser got from the token endpoint: status, headers and the raw body, for leak scans. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/**
 * Per spec: the api.video test server with the token handler mounted on it
 * (through @whatwg-node/server's adapter, as a Node or Express app mounts
 * it), so that the endpoint and the API share one origin, as an app behind
 * one reverse proxy does. Every answer is kept for the leak scans.
 */
export function useTokenEndpoint(options: Partial<TokenHandlerOptions> = {}) {
  const env = { answers: [] as Answer[], authorized: 0, allow: true as boolean | 401 | 403 } as {
    api: ApiVideoTestServer;
    handler: TokenHandler;
    url: string;
    answers: Answer[];
    /** Calls of authorize(), and the Authorization headers it saw (the endpoint must never get the bearer). */
    authorized: number;
    authorizationHeaders: string[];
    allow: boolean | 401 | 403;
  };

  beforeEach(async () => {
    env.api = await createApiVideoTestServer();
    env.answers = [];
    env.authorized = 0;
    env.authorizationHeaders = [];
    env.allow = true;
    env.handler = createTokenHandler({
      apiKey: 'test-api-key',
      baseUrl: env.api.url,
      retry: { maxAttempts: 1 },
      authorize: (request) => {
        env.authorized++;
        const authorization = request.headers.get('authorization');
        if (authorization !== null) env.authorizationHeaders.push(authorization);
        return env.allow;
      },
      ...options,
    });
    env.api.mount(TOKEN_PATH, createServerAdapter(env.handler));
    env.url = env.api.url + TOKEN_PATH;
  });
  afterEach(async () => {
    env.handler.dispose();
    await env.api.close();
  });

  /** A browser's call: POST JSON by default. */
  const ask = async (body: unknown = {}, init: RequestInit = {}): Promise<Answer> => {
    const response = await fetch(env.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...init });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* not JSON: the spec looks at text */
    }
    const answer = { status: response.status, headers: response.headers, text, json };
    env.answers.push(answer);
    return answer;
  };

  /** Every byte the browsers received (headers and bodies), to scan for secrets. */
  const everything = () => env.answers.map(({ headers, text }) => [...headers].map(([name, value]) => `${name}: ${value}`).join('\n') + '\n' + text).join('\n');

  return { env, ask, everything };
}
