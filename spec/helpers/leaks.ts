import { inspect } from 'node:util';
import type { Observable } from 'rxjs';

/**
 * Collects everything a user can see (state$ values, errors, the auth object
 * itself) and checks that no secret appears in any printed form of it.
 */
export function createLeakWatch() {
  const seen: unknown[] = [];
  return {
    watch(state$: Observable<unknown>) {
      state$.subscribe({ next: (state) => seen.push(state, (state as { error?: unknown }).error), error: (error) => seen.push(error) });
    },
    add: (...items: unknown[]) => void seen.push(...items),
    get count() {
      return seen.length;
    },
    /** The names (never the values) of the secrets found. */
    leaks: (secrets: Record<string, string>) => leakedSecrets(seen, secrets),
  };
}

/**
 * The one leak scanner: the names (never the values) of the secrets found in
 * any printed form of `items`: String(), util.inspect with getters and hidden
 * properties, JSON, and an error's message and stack. Secrets shorter than 8
 * characters are skipped: they would match by chance.
 */
export function leakedSecrets(items: unknown[], secrets: Record<string, string>, { depth = 8 } = {}): string[] {
  const printed = items
    .flatMap((item) => {
      const texts = [String(item), inspect(item, { depth, getters: true, showHidden: true })];
      try {
        texts.push(JSON.stringify(item) ?? '');
      } catch {
        /* circular: inspect covers it */
      }
      if (item instanceof Error) texts.push(item.message, item.stack ?? '');
      return texts;
    })
    .join('\n');
  return Object.entries(secrets).filter(([, secret]) => secret.length >= 8 && printed.includes(secret)).map(([name]) => name);
}

/** The API key and every refresh token a server issued, by name. */
export const secretsOf = (apiKey: string, refreshTokens: Iterable<string>): Record<string, string> =>
  Object.fromEntries([['the API key', apiKey], ...[...refreshTokens].map((token, i) => [`refresh token #${i}`, token])]);
