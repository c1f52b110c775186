/**
 * The virtual-time helpers alone, free of Node modules, for browser test runners.
 *
 * @module rx-bearer/testing/marbles
 */
// rx-bearer/testing/marbles: the virtual-time helpers alone, free of node
// modules, for browser test runners (Karma, web-test-runner, Vitest browser).
export { createMarbleTransport } from './marble-transport.js';
export { createMarbleSource } from './marble-source.js';
export { tokenResponse } from './token-response-factory.js';

export type { MarbleSource } from './marble-source.js';
export type { MarbleTransport, MarbleTransportOptions, ScriptedAnswer } from './marble-transport.js';
export type { TokenResponseInit } from './token-response-factory.js';
