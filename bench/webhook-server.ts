/**
 * The bot under test for bench/webhook.ts: the real Node server (createNodeRuntime + serve, as
 * src/entry/node.ts) in its own process, so that its peak RSS is its own. Configured by the
 * environment the parent passes (NODE_ENV=production, DATABASE_PATH, LINE_API_BASE_URL...).
 * IPC: sends {port}; answers 'status' (webhook_events by status and delivery, queue size,
 * VmHWM/VmRSS from /proc/self/status, CPU time), 'memory' (heap after a GC, the main thread's
 * and each processing thread's) and 'exit'.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createNodeRuntime } from '../src/entry/node-runtime.ts';

const runtime = await createNodeRuntime({ env: process.env });
const server = serve(
  { fetch: runtime.app.fetch, port: 0, hostname: '127.0.0.1' },
  (info: AddressInfo) => process.send?.({ port: info.port }),
);

process.on('message', (msg) => {
  if (msg === 'status') {
    const rows = runtime.store.sqlite
      .prepare(
        "select status, coalesce(delivery, '') as delivery, count(*) as n from webhook_events group by 1, 2",
      )
      .all() as { status: string; delivery: string; n: number }[];
    const cpu = process.cpuUsage();
    process.send?.({
      events: Object.fromEntries(
        rows.map((r) => [r.delivery ? `${r.status}/${r.delivery}` : r.status, r.n]),
      ),
      queued: runtime.queue.size,
      ...procMemory(),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    });
  } else if (msg === 'memory') {
    // After a full GC when the process runs with --expose-gc (the soak test forks it so).
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    void (runtime.pool?.heapUsedMb() ?? Promise.resolve([])).then((threadHeapUsedMb) =>
      process.send?.({
        gc: gc !== undefined,
        heapUsedMb: Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10,
        threadHeapUsedMb,
        ...procMemory(),
      }),
    );
  } else if (msg === 'exit') {
    server.close(() => {
      void runtime.close().then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 5000).unref();
  }
});

/** Peak (VmHWM) and current (VmRSS) resident set size of this process, in MB. */
function procMemory(): { peakRssMb: number; rssMb: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peakRssMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
}
