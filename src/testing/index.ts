/**
 * The api.video-compatible test server (Node) and the marble helpers.
 *
 * @module rx-bearer/testing
 */
// rx-bearer/testing: the api.video-compatible test server (Node) and the marble helpers.
export { createApiVideoTestServer } from './api-video-test-server.js';
export { createMarbleSource, createMarbleTransport, tokenResponse } from './marbles.js';

export type { ApiVideoTestServer, ApiVideoTestServerOptions, LoggedRequest, Route } from './api-video-test-server.js';
export type { Fault } from './server-faults.js';
export type { RateLimitOptions } from './rate-limit.js';
export type { MarbleSource, MarbleTransport, MarbleTransportOptions, ScriptedAnswer, TokenResponseInit } from './marbles.js';
