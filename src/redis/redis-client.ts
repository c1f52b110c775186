import { Observable, share } from 'rxjs';

/**
 * The calls rx-bearer/redis makes on your connected client; node-redis (v4+)
 * and ioredis both have them. Commands go through `call` (ioredis) or
 * `sendCommand` (node-redis): GET, SET … PX, EVAL (the lock's take-or-cap
 * and compare-and-delete), PUBLISH. `duplicate()` opens the second connection
 * that SUBSCRIBE needs, only while an auth cycle runs; without it, waiting
 * processes poll.
 *
 * A union, not one interface with both methods optional: ioredis also has a
 * `sendCommand`, taking a Command object, which no `(args: string[])`
 * signature accepts (TS2322 with the ioredis client before).
 */
export type RedisClientLike = IoRedisClientLike | NodeRedisClientLike;

/** ioredis: `client.call('GET', key)`. */
export interface IoRedisClientLike {
  call(command: string, ...args: string[]): Promise<unknown>;
  duplicate?(): IoRedisSubscriberLike;
}

/** node-redis: `client.sendCommand(['GET', key])`. */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
  duplicate?(): RedisSubscriberLike;
}

/** node-redis: a duplicated connection used for SUBSCRIBE only. */
export interface RedisSubscriberLike {
  connect?(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  /** node-redis v5 */
  destroy?(): unknown;
  /** node-redis v4 */
  disconnect?(): unknown;
}

/** ioredis: a duplicated connection used for SUBSCRIBE only; it connects by itself and reports 'message' events. */
export interface IoRedisSubscriberLike {
  subscribe(channel: string): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  disconnect?(): unknown;
}

const noop = () => {};

/** One Redis command, whichever client it is. */
export function commandOf(client: RedisClientLike): (args: string[]) => Promise<unknown> {
  // Checked at run time too: JavaScript callers, and `as` casts, reach here. ioredis has a sendCommand
  // too, taking a Command object: its call() comes first.
  const { call, sendCommand } = client as Partial<IoRedisClientLike & NodeRedisClientLike>;
  if (typeof call === 'function') return ([name, ...rest]) => call.call(client, name!, ...rest);
  if (typeof sendCommand === 'function') return (args) => sendCommand.call(client, args);
  throw new TypeError('"client" option must be a connected node-redis or ioredis client (with sendCommand() or call())');
}

/**
 * Messages on `channel`, from a duplicated connection opened at the first
 * subscriber and closed after the last, so that an idle process holds no
 * extra connection (and a Node script can exit). Errors are swallowed: a
 * waiter also polls.
 */
export function messagesOn(client: RedisClientLike, channel: string): Observable<void> {
  return new Observable<void>((subscriber) => {
    const onMessage = () => subscriber.next();
    // Redis down: the poll covers, and an unheard 'error' would crash the process.
    const open = (): [Promise<unknown>, () => unknown] | null => {
      if ('call' in client && typeof client.call === 'function') {
        if (typeof client.duplicate !== 'function') return null;
        const connection = client.duplicate();
        connection.on?.('error', noop);
        connection.on?.('message', (from) => from === channel && onMessage());
        return [connection.subscribe(channel), () => connection.disconnect?.()];
      }
      const node = client as NodeRedisClientLike;
      if (typeof node.duplicate !== 'function') return null;
      const connection = node.duplicate();
      connection.on?.('error', noop);
      const subscribed = (async () => {
        await connection.connect?.();
        await connection.subscribe(channel, onMessage);
      })();
      return [subscribed, () => (connection.destroy ?? connection.disconnect)?.call(connection)];
    };
    const opened = open();
    if (!opened) return;
    const ready = opened[0].catch(noop);
    return () => void ready.finally(opened[1]);
  }).pipe(share());
}
