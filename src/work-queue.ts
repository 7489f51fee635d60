/**
 * The Node runtime's in-process queue for work deferred past the webhook response. Bounded
 * concurrency; `idle()` resolves when everything queued so far has finished (graceful shutdown,
 * tests). A failing task is reported, never thrown into the event loop.
 */
export interface WorkQueue {
  push(task: () => Promise<unknown>): void;
  idle(): Promise<void>;
  readonly size: number;
}

export function createWorkQueue(concurrency: number, onError: (err: unknown) => void): WorkQueue {
  const waiting: (() => Promise<unknown>)[] = [];
  let running = 0;
  let idleWaiters: (() => void)[] = [];

  const next = () => {
    while (running < concurrency && waiting.length > 0) {
      const task = waiting.shift()!;
      running++;
      Promise.resolve()
        .then(task)
        .catch(onError)
        .finally(() => {
          running--;
          next();
        });
    }
    if (running === 0 && waiting.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  return {
    push(task) {
      waiting.push(task);
      next();
    },
    idle() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    get size() {
      return running + waiting.length;
    },
  };
}
