/**
 * What every route shares (src/app.ts): a body limit per path (413 above it, whatever the method
 * and whether the length is declared or chunked), security headers on every response without
 * doubling a route's own, and a capped warning for forged webhooks (src/log.ts).
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { events } from '../../src/dev/webhook-events.ts';
import { type HttpServer, startHttpServer } from '../../src/entry/node-runtime.ts';
import { createLogger, createLogLimiter } from '../../src/log.ts';
import { REJECTED_LOG_PER_MINUTE } from '../../src/routes/webhook.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

const ADMIN_TOKEN = 'q7Rz2LmX9vKp4TnB8wYc3HdF6jGs1NeA5uVx0Qo';
const KiB = 1024;
const MiB = 1024 * KiB;

/** The limits chosen, as a reader of the routes would state them. */
function expectedLimit(path: string): number {
  if (path === '/webhook') return 1 * MiB; // SPEC §3.2
  if (path === '/link') return 16 * KiB;
  if (path === '/admin/news' || path.startsWith('/admin/news/')) return 256 * KiB;
  if (path.startsWith('/admin/')) return 16 * KiB;
  // The operator console: a news item as a form; every other console form is small.
  if (path === '/console/news' || path.startsWith('/console/news/')) return 256 * KiB;
  if (path === '/console' || path.startsWith('/console/')) return 32 * KiB;
  return 8 * KiB;
}

let mock: LineMock;
let app: TestApp;

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url, env: { ADMIN_TOKEN } });
});
afterAll(async () => {
  await app?.dispose();
  await mock?.close();
});

describe('body limits: every route answers 413 above its limit', () => {
  let served: HttpServer;
  beforeAll(async () => {
    served = await startHttpServer(app.app.fetch, { port: 0, hostname: '127.0.0.1' });
  });
  afterAll(async () => {
    served?.server.closeAllConnections();
    await served?.close();
  });

  /** Over a real port: a GET may carry a body there, and a body may come chunked. */
  function request(
    method: string,
    path: string,
    bytes: number,
    chunked = false,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': path === '/link' ? 'application/x-www-form-urlencoded' : 'application/json',
        'x-line-signature': 'AAAA',
      };
      if (!chunked) headers['content-length'] = String(bytes);
      const r = http.request(
        { host: '127.0.0.1', port: served.port, method, path, headers, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            body += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      r.on('error', reject);
      const body = Buffer.alloc(bytes, ' ');
      if (chunked) {
        // In pieces, so no Content-Length is known up front.
        const piece = 64 * KiB;
        for (let i = 0; i < bytes; i += piece) r.write(body.subarray(i, i + piece));
        r.end();
      } else r.end(body);
    });
  }

  const routes = () => {
    const seen = new Set<string>();
    return app.app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ method: r.method, path: r.path.replace(/:[^/]+/g, '1') }))
      .filter((r) => {
        const key = `${r.method} ${r.path}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  };

  it('knows the routes (the table below covers each)', () => {
    const list = routes().map((r) => `${r.method} ${r.path}`);
    expect(list).toEqual(
      expect.arrayContaining([
        'POST /webhook',
        'GET /link',
        'POST /link',
        'GET /healthz',
        'POST /admin/news',
        'PATCH /admin/news/1',
        'POST /admin/push-jobs',
        'POST /admin/push-jobs/1/cancel',
      ]),
    );
  });

  it('413 one byte over the limit (declared), for every route and method', async () => {
    const wrong: string[] = [];
    for (const r of routes()) {
      const limit = expectedLimit(r.path);
      const res = await request(r.method, r.path, limit + 1);
      if (res.status !== 413) wrong.push(`${r.method} ${r.path}: ${res.status}`);
      else expect(JSON.parse(res.body)).toEqual({ message: expect.stringContaining('larger') });
    }
    expect(wrong).toEqual([]);
  });

  it('413 over the limit when the body comes chunked, without a length', async () => {
    const wrong: string[] = [];
    for (const r of routes().filter((x) => x.method === 'POST' || x.method === 'PATCH')) {
      const res = await request(r.method, r.path, expectedLimit(r.path) + 1, true);
      if (res.status !== 413) wrong.push(`${r.method} ${r.path}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a body of exactly the limit is read (whatever the route then makes of it)', async () => {
    const wrong: string[] = [];
    for (const r of routes().filter((x) => x.method === 'POST' || x.method === 'PATCH')) {
      const res = await request(r.method, r.path, expectedLimit(r.path));
      if (res.status === 413) wrong.push(`${r.method} ${r.path}: 413`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('security headers', () => {
  const expectCommon = (res: Response) => {
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
  };

  it('on JSON answers, errors included: nothing loads, nothing frames', async () => {
    for (const res of [
      await app.app.request('/healthz'),
      await app.app.request('/no-such-path'),
      await app.app.request('/admin/news'),
      await app.app.request('/healthz', { method: 'POST', body: 'x'.repeat(9 * KiB) }),
      await app.post([], { signature: 'AAAA' }),
    ]) {
      expectCommon(res);
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    }
  });

  it('the link page keeps its own CSP, once, with the same other headers', async () => {
    const res = await app.app.request('/link?linkToken=abc');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expectCommon(res);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // Headers.get joins repeated headers with ", ": one value each.
    for (const name of ['content-security-policy', 'referrer-policy', 'x-content-type-options']) {
      expect(res.headers.get(name)).not.toContain(', ');
    }
  });

  it('an HTML page without a CSP of its own may not be framed', async () => {
    const bare = createApp(() => app.deps);
    bare.get('/plain', (c) => c.html('<p>hello</p>'));
    const res = await bare.request('/plain');
    expectCommon(res);
    expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
  });
});

describe('forged webhooks cannot flood the log', () => {
  const REJECTED = 'webhook rejected: bad or missing signature';
  let flood: TestApp;
  // A clock of its own, far from the other tests' time: a fresh window.
  let now = Date.UTC(2031, 0, 1);

  beforeAll(async () => {
    flood = await createTestApp({ lineApiBaseUrl: mock.url, clock: { now: () => now } });
  });
  afterAll(async () => {
    await flood?.dispose();
  });

  const rejectedLines = () =>
    flood.logs.filter((l) => l.level === 'warn' && String(l.msg).startsWith(REJECTED));

  it('100 forged posts a minute: 10 warnings, and the count of the rest on the next', async () => {
    const evt = events.text({ userId: 'U0123456789abcdef0123456789abcdef' }, 'hi');
    for (let i = 0; i < 100; i++) {
      const res = await flood.post([evt], { signature: i % 2 === 0 ? 'AAAA' : null });
      expect(res.status).toBe(401);
      now += 100; // 100 posts in 10 s
    }
    expect(REJECTED_LOG_PER_MINUTE).toBe(10);
    expect(rejectedLines()).toHaveLength(10);
    expect(rejectedLines().some((l) => 'suppressed' in l)).toBe(false);

    // A minute on: the next one is written, with how many were held back.
    now += 60_000;
    await flood.post([evt], { signature: 'AAAA' });
    const lines = rejectedLines();
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(lines.at(-1)).toMatchObject({ msg: REJECTED, suppressed: 90 });
    expect(lines.at(-1)?.suppressedSince).toEqual(expect.any(String));
  });
});

describe('createLogLimiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function capture() {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('debug', (line) => lines.push(JSON.parse(line)));
    return { log, lines };
  }

  it('when the flood stops, one summary line says how many were held back', () => {
    vi.useFakeTimers();
    const { log, lines } = capture();
    const limiter = createLogLimiter({ max: 2, windowMs: 60_000 });
    for (let i = 0; i < 7; i++) limiter.warn(log, 1_000 + i, 'forged');
    expect(lines).toHaveLength(2);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 'warn', suppressed: 5 });
    expect(String(lines[2]!.msg)).toContain('forged');
    // Reported once: the next window's first line carries no count.
    limiter.warn(log, 70_000, 'forged');
    expect(lines).toHaveLength(4);
    expect(lines[3]).not.toHaveProperty('suppressed');
  });

  it('while the flood goes on, the next window’s first line carries the count (no summary too)', () => {
    vi.useFakeTimers();
    const { log, lines } = capture();
    const limiter = createLogLimiter({ max: 2, windowMs: 60_000 });
    for (let i = 0; i < 5; i++) limiter.warn(log, 1_000 + i, 'forged');
    limiter.warn(log, 61_000, 'forged');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ suppressed: 3 });
    vi.advanceTimersByTime(120_000);
    expect(lines).toHaveLength(3);
  });
});
