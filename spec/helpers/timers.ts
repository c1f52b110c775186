import { createHook } from 'node:async_hooks';

/**
 * Counts the timers that rx-bearer (or rxjs on its behalf) has running, by
 * watching Timeout resources from their creation. A process-wide count is not
 * enough: undici keeps one shared timer that comes and goes with any fetch, and
 * the test server's sockets have their own, so a baseline taken from
 * process.getActiveResourcesInfo() drifts under random spec order.
 */
export function watchLibraryTimers(): { running(): number; stop(): void } {
  const live = new Set<number>();
  const ours = (stack: string) => !stack.includes('undici') && /[\\/](src|rxjs)[\\/]/.test(stack);
  const hook = createHook({
    init(id, type) {
      if (type !== 'Timeout') return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 40;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      if (ours(stack)) live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  return { running: () => live.size, stop: () => hook.disable() };
}
