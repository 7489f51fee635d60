/**
 * The LINE mock for bench/push.ts, in its own process so that the benchmark's memory figure is
 * the bot's alone. Every request is still validated against LINE's spec; the mock tallies the
 * recipients of each multicast (and any duplicate) and forgets the request, so its own memory
 * stays bounded. Talks to the parent over IPC: sends {url}, answers 'stats'.
 */
import { startLineMock } from '../test/helpers/line-mock.ts';

const mock = await startLineMock();
const seen = new Set<string>();
let calls = 0;
let duplicates = 0;
let recipients = 0;
mock.setResponder((req) => {
  if (req.operationId === 'multicast' && req.violations.length === 0) {
    calls++;
    for (const id of (req.body as { to: string[] }).to) {
      recipients++;
      if (seen.has(id)) duplicates++;
      else seen.add(id);
    }
  }
  mock.requests.length = 0;
  return undefined;
});
process.send?.({ url: mock.url });
process.on('message', (msg) => {
  if (msg === 'stats') {
    process.send?.({
      calls,
      recipients,
      unique: seen.size,
      duplicates,
      violations: mock.violations.slice(0, 5),
      violationCount: mock.violations.length,
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
    });
  } else if (msg === 'exit') {
    void mock.close().then(() => process.exit(0));
  }
});
