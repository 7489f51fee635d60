/**
 * The Node HTTP server as `npm start` runs it (startHttpServer), over a real port: early answers
 * (413 over a body limit, 401 before the body is read) go out whole with `Connection: close` and
 * the connection closes without a reset, so a keep-alive client's next request succeeds; a
 * client that sends its headers or its body too slowly is cut off (408).
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HTTP_SERVER_LIMITS,
  type HttpServer,
  type HttpServerLimits,
  startHttpServer,
} from '../../src/entry/node-runtime.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

const ADMIN_TOKEN = 'q7Rz2LmX9vKp4TnB8wYc3HdF6jGs1NeA5uVx0Qo';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** An error on the request after (or instead of) the answer: a reset, a broken pipe. */
  error?: string;
  /** Sent on a connection kept alive from an earlier request. */
  reused: boolean;
}

/**
 * One request through `agent`. The body goes out at once, or in `chunks` pieces `gapMs` apart
 * (a client on a slow uplink). Resolves once the response is read, as a client that sends its
 * next request at once sees it; `error` still collects what the request meets until `done`
 * (its `close`): a reset, a broken pipe.
 */
function send(
  port: number,
  agent: http.Agent,
  req: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    chunked?: boolean;
    chunks?: number;
    gapMs?: number;
  },
): Promise<Answer & { done: Promise<void> }> {
  return new Promise((resolve) => {
    let closed!: () => void;
    const done = new Promise<void>((r) => {
      closed = r;
    });
    const answer = { done } as Answer & { done: Promise<void> };
    const headers: Record<string, string> = { ...req.headers };
    if (req.body && !req.chunked) headers['content-length'] = String(req.body.length);
    const r = http.request(
      { host: '127.0.0.1', port, method: req.method ?? 'POST', path: req.path, agent, headers },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => {
          answer.status = res.statusCode ?? 0;
          answer.headers = res.headers;
          answer.body = Buffer.concat(parts);
          answer.reused = r.reusedSocket;
          resolve(answer);
        });
        res.on('error', (e) => {
          answer.error ??= String(e);
        });
      },
    );
    r.on('error', (e) => {
      answer.error ??= `${(e as NodeJS.ErrnoException).code ?? ''} ${String(e)}`;
    });
    r.on('close', () => {
      closed();
      // No response at all: settle with what went wrong.
      setTimeout(() => resolve(answer), 10);
    });
    const body = req.body;
    if (!body) {
      r.end();
      return;
    }
    const n = req.chunks ?? 1;
    if (n === 1) {
      r.end(body);
      return;
    }
    const size = Math.ceil(body.length / n);
    let i = 0;
    const next = () => {
      if (r.destroyed) return;
      const piece = body.subarray(i * size, (i + 1) * size);
      i += 1;
      if (i >= n) r.end(piece);
      else {
        r.write(piece);
        setTimeout(next, req.gapMs ?? 100);
      }
    };
    next();
  });
}

function json(answer: Answer): { message?: string } {
  return JSON.parse(answer.body.toString('utf8')) as { message?: string };
}

/** The answer arrived whole: its body is as long as it said, and parses. */
function expectWhole(answer: Answer): void {
  expect(answer.body).toBeDefined();
  expect(answer.body.length).toBe(Number(answer.headers['content-length']));
  expect(() => json(answer)).not.toThrow();
}

let mock: LineMock;
let app: TestApp;
let served: HttpServer;

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url, env: { ADMIN_TOKEN } });
  served = await startHttpServer(app.app.fetch, { port: 0, hostname: '127.0.0.1' });
});

afterAll(async () => {
  served?.server.closeAllConnections();
  await served?.close();
  await app?.dispose();
  await mock?.close();
});

describe('the server npm start runs', () => {
  it('has header, request and keep-alive timeouts of its own, not Node’s defaults', () => {
    const s = served.server;
    expect(s.headersTimeout).toBe(HTTP_SERVER_LIMITS.headersTimeoutMs);
    expect(s.requestTimeout).toBe(HTTP_SERVER_LIMITS.requestTimeoutMs);
    expect(s.keepAliveTimeout).toBe(HTTP_SERVER_LIMITS.keepAliveTimeoutMs);
    expect(s.maxRequestsPerSocket).toBe(HTTP_SERVER_LIMITS.maxRequestsPerSocket);
    // Node: 60 s for headers, 300 s for a request; ours are far shorter.
    expect(HTTP_SERVER_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(10_000);
    expect(HTTP_SERVER_LIMITS.requestTimeoutMs).toBeLessThanOrEqual(30_000);
    expect(HTTP_SERVER_LIMITS.headersTimeoutMs).toBeLessThan(HTTP_SERVER_LIMITS.requestTimeoutMs);
  });
});

describe('starting', () => {
  it('rejects on a port in use, instead of crashing on an unhandled error', async () => {
    await expect(
      startHttpServer(app.app.fetch, { port: served.port, hostname: '127.0.0.1' }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('the client address', () => {
  it('reaches the app as socketAddress (the link page budgets attempts per client)', async () => {
    app.app.get('/__peer', (c) => c.text(c.get('socketAddress') ?? 'none'));
    const agent = new http.Agent({ keepAlive: false });
    try {
      const res = await send(served.port, agent, { method: 'GET', path: '/__peer' });
      expect(res.body.toString()).toBe('127.0.0.1');
    } finally {
      agent.destroy();
    }
    // In-process requests have no socket.
    expect(await (await app.app.request('/__peer')).text()).toBe('none');
  });
});

describe('early answers on a keep-alive connection', () => {
  const cases: {
    name: string;
    req: Parameters<typeof send>[2];
    status: number;
    /** Answered before the body was all read: the connection is not kept. */
    early: boolean;
  }[] = [
    {
      name: 'POST /link with a 1 MB body: 413',
      req: {
        path: '/link',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.alloc(1_000_000, 'a'),
      },
      status: 413,
      early: true,
    },
    {
      name: 'POST /webhook with 2 MiB: 413',
      req: {
        path: '/webhook',
        headers: { 'content-type': 'application/json', 'x-line-signature': 'AAAA' },
        body: Buffer.alloc(2 * 1024 * 1024, ' '),
      },
      status: 413,
      early: true,
    },
    {
      name: 'POST /webhook with 2 MiB, chunked (no Content-Length): 413 once 1 MiB is read',
      req: {
        path: '/webhook',
        headers: { 'content-type': 'application/json', 'x-line-signature': 'AAAA' },
        body: Buffer.alloc(2 * 1024 * 1024, ' '),
        chunked: true,
        chunks: 16,
        gapMs: 20,
      },
      status: 413,
      early: true,
    },
    {
      name: 'POST /webhook, a bad signature over 500 KB: 401 (the body read to check it)',
      req: {
        path: '/webhook',
        headers: { 'content-type': 'application/json', 'x-line-signature': 'AAAA' },
        body: Buffer.alloc(500_000, ' '),
      },
      status: 401,
      early: false,
    },
    {
      name: 'POST /webhook without a signature and 500 KB: 401 before the body',
      req: {
        path: '/webhook',
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(500_000, ' '),
      },
      status: 401,
      early: true,
    },
    {
      name: 'POST /webhook without a signature, 500 KB on a slow uplink: 401 before the body',
      req: {
        path: '/webhook',
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(500_000, ' '),
        chunks: 10,
        gapMs: 100,
      },
      status: 401,
      early: true,
    },
    {
      name: 'POST /admin/news without the token, 200 KB on a slow uplink: 401 before the body',
      req: {
        path: '/admin/news',
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(200_000, ' '),
        chunks: 10,
        gapMs: 100,
      },
      status: 401,
      early: true,
    },
  ];

  for (const c of cases) {
    it(`${c.name}; answered whole, no reset, and the next request succeeds`, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const first = await send(served.port, agent, c.req);
        expect(first.error).toBeUndefined();
        expect(first.status).toBe(c.status);
        expectWhole(first);
        expect(first.headers.connection).toBe(c.early ? 'close' : 'keep-alive');
        // The next request goes out as soon as the answer is in, as clients do.
        for (let i = 0; i < 3; i++) {
          const next = await send(served.port, agent, { method: 'GET', path: '/healthz' });
          expect(next.error).toBeUndefined();
          expect(next.status).toBe(200);
          expect(json(next)).toEqual({ status: 'ok' });
        }
        await first.done;
        expect(first.error).toBeUndefined();
      } finally {
        agent.destroy();
      }
    });
  }

  it('a client that writes its whole 2 MiB body before reading still gets the 413 whole', async () => {
    // As a naive client does (write everything, then read): closing with the body unread
    // would reset the connection and the answer with it.
    const body = Buffer.alloc(2 * 1024 * 1024, ' ');
    const head =
      'POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `X-Line-Signature: AAAA\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { data, error } = await new Promise<{ data: string; error?: string }>((resolve) => {
      const socket = net.connect(served.port, '127.0.0.1');
      let data = '';
      let error: string | undefined;
      socket.on('error', (e) => {
        error = (e as NodeJS.ErrnoException).code ?? String(e);
      });
      const deadline = setTimeout(() => {
        error ??= 'the server kept the connection open';
        socket.destroy();
      }, 5_000);
      socket.on('close', () => {
        clearTimeout(deadline);
        resolve({ data, ...(error ? { error } : {}) });
      });
      socket.write(head);
      socket.write(body, () => {
        socket.on('data', (d: Buffer) => {
          data += d.toString('latin1');
        });
      });
    });
    expect(error).toBeUndefined();
    expect(data).toMatch(/^HTTP\/1\.1 413 /);
    expect(data).toMatch(/\r\nconnection: close\r\n/i);
    expect(data).toContain('Request body is larger than 1 MiB');
  });
});

describe('slow clients', () => {
  let slow: HttpServer;
  const limits: Partial<HttpServerLimits> = {
    headersTimeoutMs: 600,
    requestTimeoutMs: 1_200,
    checkIntervalMs: 50,
  };

  beforeAll(async () => {
    slow = await startHttpServer(app.app.fetch, { port: 0, hostname: '127.0.0.1', limits });
  });
  afterAll(async () => {
    slow?.server.closeAllConnections();
    await slow?.close();
  });

  /** Writes `parts` one by one, `gapMs` apart, until the server closes the connection. */
  function trickle(parts: string[], gapMs: number) {
    return new Promise<{ ms: number; sent: number; data: string }>((resolve) => {
      const started = Date.now();
      const socket = net.connect(slow.port, '127.0.0.1');
      let data = '';
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      socket.on('data', (d: Buffer) => {
        data += d.toString('latin1');
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        resolve({ ms: Date.now() - started, sent, data });
      });
      const next = () => {
        if (socket.destroyed || sent >= parts.length) return;
        socket.write(parts[sent]!);
        sent += 1;
        timer = setTimeout(next, gapMs);
      };
      socket.once('connect', next);
    });
  }

  it('a client sending its headers a byte at a time is cut off at headersTimeout', async () => {
    const head = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 0123456789\r\n\r\n';
    // 100 ms a byte: the whole head would take ~6 s.
    const r = await trickle([...head], 100);
    expect(r.sent).toBeLessThan(head.length);
    expect(r.data).toMatch(/^HTTP\/1\.1 408 /);
    expect(r.ms).toBeGreaterThanOrEqual(500);
    expect(r.ms).toBeLessThan(2_000);
  });

  it('a client sending its body slowly is cut off at requestTimeout', async () => {
    const head =
      'POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      'X-Line-Signature: AAAA\r\nContent-Length: 100\r\n\r\n';
    const r = await trickle([head, ...' '.repeat(100)], 100);
    expect(r.sent).toBeLessThan(101);
    expect(r.data).toMatch(/^HTTP\/1\.1 408 /);
    expect(r.ms).toBeGreaterThanOrEqual(1_100);
    expect(r.ms).toBeLessThan(3_000);
  });

  it('a client that pauses under the timeouts is answered, and its idle connection kept', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send(slow.port, agent, {
        path: '/webhook',
        headers: { 'content-type': 'application/json', 'x-line-signature': 'AAAA' },
        body: Buffer.alloc(1_000, ' '),
        chunks: 4,
        gapMs: 150,
      });
      expect(first.status).toBe(401);
      // Idle longer than headersTimeout: a kept-alive connection is not a slow request.
      await new Promise((r) => setTimeout(r, 900));
      const next = await send(slow.port, agent, { method: 'GET', path: '/healthz' });
      expect(next.error).toBeUndefined();
      expect(next.status).toBe(200);
      expect(next.reused).toBe(true);
    } finally {
      agent.destroy();
    }
  });
});
