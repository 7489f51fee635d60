/**
 * What the browser tests share besides the accessibility checks (./a11y.ts): the Node app served
 * on a real 127.0.0.1 port next to the LINE mock, and a browser context that may reach that
 * port only (anything else is aborted, or answered by the test's own stub) and records every
 * page error and console error (CSP violations show up there).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

/** A phone's screen (the width the pages are checked at first), in Thai. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'th-TH',
};

export interface ServedApp {
  readonly app: TestApp;
  readonly mock: LineMock;
  /** http://127.0.0.1:<port>, also the app's PUBLIC_BASE_URL. */
  readonly origin: string;
  close(): Promise<void>;
}

/** The LINE mock, then the test app behind a real port (PUBLIC_BASE_URL names that port). */
export async function serveTestApp(): Promise<ServedApp> {
  const mock = await startLineMock();
  let app: TestApp | undefined;
  // The port is only known once listening, and PUBLIC_BASE_URL must name it before the app is
  // built, so the server forwards to app.app.fetch once the app exists.
  const server = serve({
    fetch: (req, env) => {
      if (!app) return new Response('app not ready', { status: 503 });
      return app.app.fetch(req, env);
    },
    port: 0,
    hostname: '127.0.0.1',
  }) as Server;
  if (!server.listening) {
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  }
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    app = await createTestApp({ lineApiBaseUrl: mock.url, env: { PUBLIC_BASE_URL: origin } });
  } catch (err) {
    server.close();
    await mock.close();
    throw err;
  }
  const served = app;
  return {
    app: served,
    mock,
    origin,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await served.dispose();
      await mock.close();
    },
  };
}

export interface Guarded {
  context: BrowserContext;
  page: Page;
  /** Requests that tried to leave 127.0.0.1 (and were aborted). */
  blocked: string[];
  /** Uncaught page errors and console errors (CSP violations show up here). */
  problems: string[];
}

/** A stub's answer to a request that is not for 127.0.0.1 (undefined: abort it). */
export type Stub = (url: URL) => { contentType: string; body: string | Buffer } | undefined;

/** A new context and page that reach 127.0.0.1 only (and what `stub` answers). */
export async function openGuarded(
  browser: Browser,
  options: BrowserContextOptions,
  stub: Stub = () => undefined,
): Promise<Guarded> {
  const context = await browser.newContext(options);
  const blocked: string[] = [];
  const problems: string[] = [];
  try {
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      const answer = stub(url);
      if (answer) return route.fulfill({ status: 200, ...answer });
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    return { context, page, blocked, problems };
  } catch (err) {
    await context.close();
    throw err;
  }
}
