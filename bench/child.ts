/** A TypeScript child process (tsx loader) spoken to over IPC, one request/response at a time. */
import { type ChildProcess, fork } from 'node:child_process';

export interface Child {
  proc: ChildProcess;
  /** Sends `msg` and resolves with the next message whose `type` is `expect` (rejects on 'error'). */
  ask<T = Record<string, unknown>>(msg: unknown, expect: string, timeoutMs?: number): Promise<T>;
  exit(): Promise<void>;
}

/** `tsx: false` runs `file` (a bundle) on bare node with only `execArgv`. */
export function startChild(file: string, execArgv: string[] = [], opts: { tsx?: boolean } = {}): Child {
  const proc = fork(file, [], {
    execArgv: opts.tsx === false ? execArgv : ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(msg: unknown, expect: string, timeoutMs = 180_000) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.off('message', onMessage);
        reject(new Error(`${file}: no '${expect}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (m: { type?: string; error?: string }) => {
        if (m.type === 'error') {
          clearTimeout(timer);
          proc.off('message', onMessage);
          reject(new Error(`${file}: ${m.error}`));
        } else if (m.type === expect) {
          clearTimeout(timer);
          proc.off('message', onMessage);
          resolve(m as T);
        }
      };
      proc.on('message', onMessage);
      proc.send(msg as object);
    });
  return {
    proc,
    ask,
    exit: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        proc.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        proc.send({ cmd: 'exit' });
      }),
  };
}
