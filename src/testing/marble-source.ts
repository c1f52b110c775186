import type { RunHelpers } from 'rxjs/testing';
import type { TokenResponse, TokenSource } from '../transport.js';
import { createMarbleTransport, type MarbleTransportOptions, type ScriptedAnswer } from './marble-transport.js';

export interface MarbleSource extends TokenSource {
  /**
   * Scripts the answer to the next token() call not yet scripted; `t` is a
   * fresh token response unless `values` says otherwise. Script an OAuth
   * refusal with an `OAuthError` (rx-bearer/oauth2) as the error.
   * @example source.answer('--(t|)'); source.answer('-#', {}, new HttpError({ status: 503, url: 'x' }));
   */
  answer(marbles: string, values?: Record<string, TokenResponse>, error?: unknown): ScriptedAnswer;
  /** How often token() was called. */
  readonly calls: number;
}

/**
 * A {@link TokenSource} for `TestScheduler.run`, scripted with marbles like
 * createMarbleTransport: `createBearerAuth({ source, scheduler })` then
 * runs in virtual time, e.g. to test code that uses an OAuth source.
 */
export function createMarbleSource(helpers: Pick<RunHelpers, 'cold'>, options: MarbleTransportOptions = {}): MarbleSource {
  const transport = createMarbleTransport(helpers, options);
  return {
    token: () => transport.login(''),
    answer: (marbles, values, error) => transport.answerLogin(marbles, values, error),
    get calls() {
      return transport.calls.login;
    },
  };
}
