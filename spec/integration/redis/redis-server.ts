// A real redis-server for the fleet specs: a free loopback port, no persistence, stopped by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createClient } from 'redis';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

async function answers(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } }).on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    if (client.isOpen) client.destroy();
  }
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  const start = async () => {
    const process = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = process;
    const exited = new Promise((resolve) => process.once('exit', resolve));
    for (let tries = 0; tries < 100; tries++) {
      if (await answers(url)) return;
      if (await Promise.race([exited.then(() => true), new Promise((resolve) => setTimeout(resolve, 50, false))])) break;
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const stop = async () => {
    const process = child;
    child = null;
    if (!process || process.exitCode !== null || process.pid === undefined) return;
    const exited = new Promise((resolve) => process.once('exit', resolve));
    process.kill('SIGTERM');
    const force = setTimeout(() => process.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  };
  await start();
  return { url, port, stop, start };
}
