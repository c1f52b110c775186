// Starts N real child Node processes running spec/integration/fleet/fleet-worker.ts, and talks to them over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const worker = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));

export interface FleetProcess {
  readonly pid: number;
  ask<T = unknown>(command: Record<string, unknown>): Promise<T>;
  kill(): void;
}

export interface Fleet {
  readonly processes: FleetProcess[];
  /** The same command to every process in `processes` (a spec removes one it killed), at once. */
  all<T = unknown>(command: Record<string, unknown>): Promise<T[]>;
  stop(): Promise<void>;
}

function start(env: Record<string, string>): Promise<FleetProcess> {
  const child: ChildProcess = fork(worker, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  let next = 0;
  child.on('message', (message: { id?: number; result?: unknown; error?: string }) => {
    const pending = message.id === undefined ? undefined : waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id!);
    if (message.error) pending.reject(new Error(message.error));
    else pending.resolve(message.result as never);
  });
  child.on('exit', () => waiting.forEach(({ reject }) => reject(new Error(`fleet process ${child.pid} exited`))));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', () =>
      resolve({
        pid: child.pid!,
        ask: (command) =>
          new Promise((res, rej) => {
            const id = next++;
            waiting.set(id, { resolve: res, reject: rej });
            child.send({ id, command });
          }),
        kill: () => child.kill('SIGKILL'),
      }),
    );
  });
}

export async function startFleet(size: number, env: Record<string, string>): Promise<Fleet> {
  const processes = await Promise.all(Array.from({ length: size }, () => start(env)));
  return {
    processes,
    all: (command) => Promise.all(processes.map((p) => p.ask(command))) as never,
    async stop() {
      await Promise.all(
        processes.map(
          (p) =>
            new Promise<void>((resolve) => {
              try {
                process.kill(p.pid, 0);
              } catch {
                return resolve();
              }
              p.kill();
              setTimeout(resolve, 100);
            }),
        ),
      );
    },
  };
}
