/**
 * The floor for bench/webhook.ts: the least a LINE bot must do per webhook, in a minimal
 * node:http server. Verify the signature (the same node:crypto verifier as the bot), parse the
 * JSON, send one fixed text reply per event to the same LINE mock with fetch, answer 200.
 * No database, no NLU, no handler. Same environment and IPC as bench/webhook-server.ts.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeSignatureVerifier } from '../src/line/signature-node.ts';

const secret = process.env.LINE_CHANNEL_SECRET ?? '';
const token = process.env.LINE_CHANNEL_ACCESS_TOKEN ?? '';
const replyUrl = `${process.env.LINE_API_BASE_URL}/v2/bot/message/reply`;
const verifier = createNodeSignatureVerifier(secret);
const REPLY = 'ขอบคุณที่ติดต่อสำนักงานประกันสังคม เจ้าหน้าที่จะตอบกลับโดยเร็ว';
let handled = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    const buf = Buffer.concat(chunks);
    const raw = new Uint8Array(
      buf.buffer,
      buf.byteOffset,
      buf.byteLength,
    ) as Uint8Array<ArrayBuffer>;
    if (!(await verifier.verify(raw, req.headers['x-line-signature'] as string | undefined))) {
      res.writeHead(401).end();
      return;
    }
    let body: { events?: { replyToken?: string }[] };
    try {
      body = JSON.parse(buf.toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    for (const ev of body.events ?? []) {
      if (!ev.replyToken) continue;
      const r = await fetch(replyUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          replyToken: ev.replyToken,
          messages: [{ type: 'text', text: REPLY }],
        }),
      });
      await r.arrayBuffer();
      handled++;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});

process.on('message', (msg) => {
  if (msg === 'status') {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    const cpu = process.cpuUsage();
    process.send?.({
      events: { 'done/reply': handled },
      queued: 0,
      peakRssMb: Math.round(kb('VmHWM') / 1024),
      rssMb: Math.round(kb('VmRSS') / 1024),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    });
  } else if (msg === 'exit') {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  }
});
