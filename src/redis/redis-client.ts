import { Observable, share } from 'rxjs';

/**
 * The calls rx-bearer/redis makes on your connected client; node-redis (v4+)
 * and ioredis both have them. Commands go through `sendCommand` (node-redis)
 * or `call` (ioredis): GET, SET … PX NX, SET … PX, EVAL (the lock's
 * compare-and-delete), PUBLISH. `duplicate()` opens the second connection
 * that SUBSCRIBE needs, only while an auth cycle runs; without it, waiting
 * processes poll.
 */
export interface RedisClientLike {
  /** node-redis: `client.sendCommand(['GET', key])`. */
  sendCommand?(args: string[]): Promise<unknown>;
  /** ioredis: `client.call('GET', key)`. */
  call?(command: string, ...args: string[]): Promise<unknown>;
  duplicate?(): RedisSubscriberLike;
}

/** A duplicated connection used for SUBSCRIBE only. */
export interface RedisSubscriberLike {
  /** Called for node-redis, which needs it; never for ioredis, which connects by itself. */
  connect?(): Promise<unknown>;
  /** node-redis takes the listener; ioredis is called with the channel only and reports 'message' events. */
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  /** node-redis v5 */
  destroy?(): unknown;
  /** ioredis, node-redis v4 */
  disconnect?(): unknown;
}

const noop = () => {};

/** One Redis command, whichever client it is. */
export function commandOf(client: RedisClientLike): (args: string[]) => Promise<unknown> {
  // ioredis has a sendCommand too, taking a Command object: its call() comes first.
  if (typeof client.call === 'function') return ([name, ...rest]) => client.call!(name!, ...rest);
  if (typeof client.sendCommand === 'function') return (args) => client.sendCommand!(args);
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
    if (typeof client.duplicate !== 'function') return;
    const connection = client.duplicate();
    connection.on?.('error', noop); // Redis down: the poll covers, and an unheard 'error' would crash the process
    const onMessage = () => subscriber.next();
    const ready = (async () => {
      if (typeof client.call === 'function') {
        // ioredis: connects by itself (or at the first command), reports messages as events.
        connection.on?.('message', (from) => from === channel && onMessage());
        await (connection.subscribe as (channel: string) => Promise<unknown>).call(connection, channel);
      } else {
        await connection.connect?.();
        await connection.subscribe(channel, onMessage);
      }
    })().catch(noop);
    return () => void ready.finally(() => (connection.destroy ?? connection.disconnect)?.call(connection));
  }).pipe(share());
}
