import type { Observable } from 'rxjs';
import type { RunHelpers } from 'rxjs/testing';
import type { AuthTransport, TokenResponse } from '../transport.js';
import { tokenResponse } from './token-response-factory.js';

/** A scripted answer: a cold observable, so `expectSubscriptions(answer.subscriptions)` works. */
export type ScriptedAnswer = ReturnType<RunHelpers['cold']> & Observable<TokenResponse>;

export interface MarbleTransport extends AuthTransport {
  /**
   * Scripts the answer to the next login not yet scripted. In the marbles, `t`
   * stands for a fresh {@link tokenResponse} unless `values` says otherwise.
   * @example transport.answerLogin('---(t|)'); transport.answerLogin('-#', {}, new HttpError({ status: 503, url: 'x' }));
   */
  answerLogin(marbles: string, values?: Record<string, TokenResponse>, error?: unknown): ScriptedAnswer;
  /** Scripts the answer to the next refresh not yet scripted, like answerLogin. */
  answerRefresh(marbles: string, values?: Record<string, TokenResponse>, error?: unknown): ScriptedAnswer;
  /** How often login() and refresh() were called. */
  readonly calls: { readonly login: number; readonly refresh: number };
  /** The refresh tokens refresh() received, in order (the API key is never recorded). */
  readonly refreshTokens: readonly string[];
}

export interface MarbleTransportOptions {
  /** How an unscripted call answers. @default '-(t|)' (one frame later, a fresh token) */
  defaultAnswer?: string;
  /** Lifetime of the tokens of unscripted answers, in seconds. @default 3600 */
  expiresIn?: number;
  /**
   * Answers a call nobody scripted with an error naming it (`unscripted
   * refresh call #2 …`) instead of `defaultAnswer`, so that a spec whose code
   * makes more auth calls than it scripted fails instead of passing on
   * tokens it never asked for. Not combinable with `defaultAnswer`.
   * @default false
   * @example const transport = createMarbleTransport(helpers, { strict: true });
   */
  strict?: boolean;
}

/**
 * An AuthTransport for `TestScheduler.run`, whose answers are marble
 * strings, so that createBearerAuth({ transport, scheduler }) runs entirely
 * in virtual time. Pass the run helpers (or just `{ cold }`). Calls nobody
 * scripted answer with `defaultAnswer`, or with an error when `strict`.
 */
export function createMarbleTransport(helpers: Pick<RunHelpers, 'cold'>, options: MarbleTransportOptions = {}): MarbleTransport {
  const { defaultAnswer = '-(t|)', expiresIn = 3600, strict = false } = options;
  if (strict && options.defaultAnswer !== undefined) {
    throw new TypeError('"strict" and "defaultAnswer" options cannot be combined: a strict transport answers unscripted calls with an error');
  }
  const scripts = { login: [] as ScriptedAnswer[], refresh: [] as ScriptedAnswer[] };
  const calls = { login: 0, refresh: 0 };
  const refreshTokens: string[] = [];

  const script = (marbles: string, values?: Record<string, TokenResponse>, error?: unknown) =>
    helpers.cold<TokenResponse>(marbles, { t: tokenResponse({ expiresIn }), ...values }, error) as ScriptedAnswer;

  const unscripted = (kind: 'login' | 'refresh') => {
    if (!strict) return script(defaultAnswer);
    const scriptIt = kind === 'login' ? 'answerLogin' : 'answerRefresh';
    const error = new Error(`unscripted ${kind} call #${calls[kind]} to a strict marble transport: script it with ${scriptIt}()`);
    return helpers.cold<TokenResponse>('#', undefined, error) as ScriptedAnswer;
  };

  const next = (kind: 'login' | 'refresh') => scripts[kind].shift() ?? unscripted(kind);

  return {
    login() {
      calls.login++;
      return next('login');
    },
    refresh(refreshToken: string) {
      calls.refresh++;
      refreshTokens.push(refreshToken);
      return next('refresh');
    },
    answerLogin: (marbles, values, error) => {
      const answer = script(marbles, values, error);
      scripts.login.push(answer);
      return answer;
    },
    answerRefresh: (marbles, values, error) => {
      const answer = script(marbles, values, error);
      scripts.refresh.push(answer);
      return answer;
    },
    calls,
    refreshTokens,
  };
}
