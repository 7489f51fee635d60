/**
 * The LINE mock for bench/webhook.ts, in its own process (the bot's memory figure is its own and
 * the mock's CPU is not the bot's). Every request is validated against LINE's spec, then
 * forgotten; what is kept is, per accepted reply, its arrival time by replyToken and, per push,
 * its arrival time by `to`, until the parent collects them. Replies to a token seen before count
 * as duplicates (so do pushes with a retry key seen before). IPC: sends {url}; answers 'count',
 * 'collect' (and forgets the arrivals), 'exit'.
 */
import { startLineMock } from '../test/helpers/line-mock.ts';

const mock = await startLineMock();
const seenTokens = new Set<string>();
const seenRetryKeys = new Set<string>();
let replies: [string, number][] = [];
let pushes: [string, number][] = [];
let duplicates = 0;
let requests = 0;
mock.setResponder((req) => {
  requests++;
  if (req.violations.length === 0) {
    if (req.operationId === 'replyMessage') {
      const token = (req.body as { replyToken: string }).replyToken;
      if (seenTokens.has(token)) duplicates++;
      else {
        seenTokens.add(token);
        replies.push([token, req.at]);
      }
    } else if (req.operationId === 'pushMessage') {
      const key = req.headers['x-line-retry-key'];
      if (key !== undefined && seenRetryKeys.has(key)) duplicates++;
      else {
        if (key !== undefined) seenRetryKeys.add(key);
        pushes.push([(req.body as { to: string }).to, req.at]);
      }
    }
  }
  mock.requests.length = 0;
  return undefined;
});
process.send?.({ url: mock.url });
process.on('message', (msg) => {
  if (msg === 'count') {
    process.send?.({ replies: replies.length, pushes: pushes.length });
  } else if (msg === 'collect') {
    const cpu = process.cpuUsage();
    process.send?.({
      replies,
      pushes,
      duplicates,
      requests,
      violations: mock.violations.slice(0, 5),
      violationCount: mock.violations.length,
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    });
    replies = [];
    pushes = [];
  } else if (msg === 'exit') {
    void mock.close().then(() => process.exit(0));
  }
});
