import { Subject, defer, tap, type SchedulerLike } from 'rxjs';
import type { AuthTransport } from '../src/index.js';

/** One auth call as the timeline shows it. */
export interface AuthCall {
  readonly kind: 'login' | 'refresh';
  readonly phase: 'sent' | 'ok' | 'failed';
  readonly ms?: number;
  readonly detail?: string;
}

/** Wraps a transport so that every auth call, its answer and its duration show up on `calls$`. */
export function observeTransport(transport: AuthTransport, scheduler: SchedulerLike) {
  const calls$ = new Subject<AuthCall>();
  const watch = (kind: AuthCall['kind'], call: () => ReturnType<AuthTransport['login']>) =>
    defer(() => {
      const sent = scheduler.now();
      calls$.next({ kind, phase: 'sent' });
      return call().pipe(
        tap({
          next: () => calls$.next({ kind, phase: 'ok', ms: scheduler.now() - sent }),
          error: (error: { status?: number; message?: string }) =>
            calls$.next({ kind, phase: 'failed', ms: scheduler.now() - sent, detail: error?.status ? `HTTP ${error.status}` : (error?.message ?? 'error') }),
        }),
      );
    });
  const observed: AuthTransport = {
    login: (apiKey) => watch('login', () => transport.login(apiKey)),
    refresh: (refreshToken) => watch('refresh', () => transport.refresh(refreshToken)),
  };
  return { transport: observed, calls$: calls$.asObservable() };
}
