/**
 * Child processes of the benchmark (and the soak test): a bench/ script forked under tsx that
 * says hello over IPC, answers messages, and exits on 'exit'. Mocks and servers under test run
 * this way so that each one's memory and CPU figures are its own.
 */
import { type ChildProcess, fork } from 'node:child_process';

export interface Child {
  proc: ChildProcess;
  ask<T>(msg: string): Promise<T>;
  stop(): Promise<void>;
}

/** Forks a bench/ script under tsx; resolves with its first IPC message. */
export async function start<T>(
  script: string,
  env: Record<string, string> = {},
  profile = false,
  extraExecArgv: string[] = [],
): Promise<{ child: Child; hello: T }> {
  // BENCH_PROFILE_DIR=dir: the servers under test write a V8 CPU profile there on exit.
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const proc = fork(new URL(script, import.meta.url), [], {
    execArgv: [
      '--import',
      'tsx',
      ...(profile && profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ...extraExecArgv,
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <R>() =>
    new Promise<R>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${script} exited (${code})`));
      proc.once('exit', onExit);
      proc.once('message', (m) => {
        proc.off('exit', onExit);
        resolve(m as R);
      });
    });
  const hello = await next<T>();
  const child: Child = {
    proc,
    ask<R>(msg: string) {
      const p = next<R>();
      proc.send(msg);
      return p;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.send('exit');
        setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
      }),
  };
  return { child, hello };
}
