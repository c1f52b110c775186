// The api.video-compatible test server in a process of its own, for S5 over
// HTTP. In the bench's process it would share the event loop, the CPU caches
// and the garbage collector with the contenders, and the figures would measure
// the server's cost as much as theirs (#16). Started by startServerProcess():
// it sends { url } over IPC once listening (127.0.0.1, a free port), and
// exits when its parent disconnects or signals it.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

/** Forks this file as the server process (under tsx) and waits until it listens. */
export async function startServerProcess(apiKey: string, ttl = 3600): Promise<ServerProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_API_KEY: apiKey, BENCH_TTL: String(ttl) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { url: string }).url));
    child.once('error', reject);
    void exited.then(() => reject(new Error(`the bench's server process exited with ${child.exitCode ?? child.signalCode} before listening`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

if (process.argv.includes('--serve') && process.send) {
  const { createApiVideoTestServer } = await import('rx-bearer/testing');
  const server = await createApiVideoTestServer({ apiKey: process.env['BENCH_API_KEY']!, ttl: Number(process.env['BENCH_TTL']) });
  const stop = () => void server.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop); // the bench ended or died: never outlive it
  process.send({ url: server.url });
}
