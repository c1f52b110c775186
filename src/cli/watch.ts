import type { BearerAuth } from 'rx-bearer';
import { printable, printableJson } from './printable.js';
import { EXIT } from './usage.js';

const line = (fields: Record<string, unknown>) => process.stdout.write(`${printableJson({ time: new Date().toISOString(), ...fields })}\n`);
const iso = (time: number | undefined) => (time === undefined ? null : new Date(time).toISOString());

/**
 * Prints one JSON line per state change and per token$ emission until
 * SIGINT/SIGTERM (exit 0) or a rejected key (exit 3); disposes either way,
 * which ends every timer so the process exits by itself.
 */
export function watch(auth: BearerAuth, showToken: boolean): Promise<number> {
  return new Promise((resolve) => {
    let status = 'idle';
    let expiresAt: number | undefined;
    const stop = (code: number) => {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      auth.dispose();
      resolve(code);
    };
    const onSignal = () => stop(EXIT.ok);
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);

    auth.state$.subscribe((state) => {
      ({ status, expiresAt } = state);
      const error = state.error && { reason: state.error.reason, status: state.error.status ?? null, message: state.error.message };
      line({ event: 'state', status, expires_at: iso(expiresAt), ...(error ? { error } : {}) });
      if (state.error?.reason === 'rejected') {
        process.stderr.write(`rx-bearer: ${printable(state.error.message)}\n`);
        stop(EXIT.rejected);
      }
    });
    auth.token$.subscribe((token) => {
      line({ event: 'token', status, expires_at: token === null ? null : iso(expiresAt), has_token: token !== null, ...(showToken && token ? { token } : {}) });
    });
  });
}
