/**
 * The test server's error bodies, as api.video's OpenAPI description gives
 * them: problem details with `type` (a link to api.video's reference),
 * `title`, `status`, and where the description has them, `name` (the
 * attribute at fault), `detail` and `problems` (every attribute at fault).
 */
export interface ApiVideoProblem {
  type: string;
  title: string;
  status: number;
  name?: string;
  detail?: string;
  problems?: Array<{ type: string; title: string; name: string }>;
}

const reference = (slug: string) => `https://docs.api.video/reference/${slug}`;

export const problems = {
  /** Both auth routes, for a wrong API key or a spent/unknown refresh token: the description's only error, a 400. */
  invalidCredentials: (status: number): ApiVideoProblem => ({
    type: reference('authentication-invalid-user-credentials'),
    title: 'The user credentials were incorrect.',
    name: '',
    status,
  }),
  /** An auth route called without its attribute (`apiKey`, `refreshToken`) as a string. */
  attributeRequired: (name: string): ApiVideoProblem => {
    const problem = { type: reference('attribute-required'), title: 'This attribute is required.', name };
    return { ...problem, status: 400, problems: [problem] };
  },
  /** An API route without a valid access token (the description documents no 401: the shape of its other errors). */
  unauthorized: (): ApiVideoProblem => ({
    type: 'https://docs.api.video/reference',
    title: 'Unauthorized request.',
    status: 401,
    detail: 'The access token is missing, invalid or expired.',
  }),
  unrecognizedUrl: (): ApiVideoProblem => ({ type: reference('unrecognized-request-url'), title: 'Unrecognized request URL.', status: 404 }),
  tooManyRequests: (): ApiVideoProblem => ({ type: reference('too-many-requests'), title: 'Too many requests.', status: 429 }),
  /** What an injected fault answers unless it brings its own body. */
  injected: (status: number): ApiVideoProblem => ({ type: 'https://docs.api.video/reference', title: 'Injected fault.', status }),
};

export const problemJson = (problem: ApiVideoProblem): string => JSON.stringify(problem);
