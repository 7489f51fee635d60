/**
 * createApp: the Hono app shared by both runtimes. No I/O at import; the entry file passes a
 * function that resolves Deps for a request (Node: one set for the process; Workers: per request).
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Deps } from './deps.ts';
import { adminRoutes } from './routes/admin.ts';
import { healthRoutes } from './routes/health.ts';
import { linkRoutes } from './routes/link.ts';
import { MAX_WEBHOOK_BYTES, webhookRoutes } from './routes/webhook.ts';

export type AppEnv = {
  Variables: {
    deps: Deps;
    /** The peer address of the connection, when the entry file knows it (Node). */
    socketAddress?: string;
  };
};

/**
 * Request body limits (SPEC §3.2: every route limits its body; 413 above). The longest prefix
 * that matches whole path segments wins; a path none matches gets DEFAULT_BODY_LIMIT.
 */
export const BODY_LIMITS: readonly { readonly prefix: string; readonly maxBytes: number }[] = [
  // SPEC: 1 MiB (LINE's own webhooks are far smaller).
  { prefix: '/webhook', maxBytes: MAX_WEBHOOK_BYTES },
  // A form of a few short fields (token, document numbers, a date, the language).
  { prefix: '/link', maxBytes: 16 * 1024 },
  // A news item: body 20,000 + summary 1,000 + title 300 characters and two URLs; a client that
  // escapes every non-ASCII character as \uXXXX sends 6 bytes each (about 150 KB at most).
  { prefix: '/admin/news', maxBytes: 256 * 1024 },
  // The other admin bodies: a push job (news id, kind, a segment of at most 77 provinces) and
  // bodiless POSTs (cancel, close, handled).
  { prefix: '/admin', maxBytes: 16 * 1024 },
  // Console forms: a news item as a form (the same fields as /admin/news, URL-encoded: each
  // Thai character is 9 bytes), and everything else (login, replies, notes) far smaller.
  { prefix: '/console/news', maxBytes: 256 * 1024 },
  { prefix: '/console', maxBytes: 32 * 1024 },
];
/** Every other path (health, unknown paths): no route here takes a body. */
export const DEFAULT_BODY_LIMIT = 8 * 1024;

export function bodyLimitFor(path: string): number {
  let best: { prefix: string; maxBytes: number } | undefined;
  for (const limit of BODY_LIMITS) {
    const matches = path === limit.prefix || path.startsWith(`${limit.prefix}/`);
    if (matches && (!best || limit.prefix.length > best.prefix.length)) best = limit;
  }
  return best?.maxBytes ?? DEFAULT_BODY_LIMIT;
}

function describeBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/**
 * 413 above the path's limit: at once when Content-Length says so (whatever the method), else
 * while a chunked body is read (hono/body-limit). An answer given before the body is read says
 * `Connection: close` on Node (src/entry/node-runtime.ts), so the rest never spoils the next
 * request; Workers need nothing.
 */
function limitBodies(): MiddlewareHandler<AppEnv> {
  const byLimit = new Map<number, MiddlewareHandler<AppEnv>>();
  return async (c, next) => {
    const maxBytes = bodyLimitFor(c.req.path);
    const tooLarge = () =>
      c.json({ message: `Request body is larger than ${describeBytes(maxBytes)}` }, 413);
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > maxBytes) return tooLarge();
    let limit = byLimit.get(maxBytes);
    if (!limit) {
      limit = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
      byLimit.set(maxBytes, limit);
    }
    return limit(c, next);
  };
}

/**
 * Headers on every response, each only where the route did not set its own (the link page sets
 * a stricter CSP and the same others): no MIME sniffing, no referrer, HTTPS only (browsers
 * ignore HSTS over plain http), and no framing (clickjacking); a response that is not HTML
 * loads nothing either.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

function secureHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const set = (headers: Headers) => {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) {
        if (!headers.has(k)) headers.set(k, v);
      }
      if (!headers.has('Content-Security-Policy')) {
        const html = (headers.get('Content-Type') ?? '').toLowerCase().startsWith('text/html');
        headers.set(
          'Content-Security-Policy',
          html ? "frame-ancestors 'none'" : "default-src 'none'; frame-ancestors 'none'",
        );
      }
    };
    try {
      set(c.res.headers);
    } catch {
      // Immutable headers (a Response built elsewhere): a copy takes them.
      const res = new Response(c.res.body, c.res);
      set(res.headers);
      c.res = res;
    }
  };
}

export interface AppOptions {
  /** The peer address of a request's connection (Node: the socket's remote address). */
  socketAddress?: (c: Context) => string | undefined;
  /**
   * The operator console (src/routes/console/), mounted at /console when given. The entry file
   * passes it (Node: one process serves both; Cloudflare: its own Worker,
   * src/entry/console-worker.ts), so the bot's Worker does not carry the console's code.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the console's env extends AppEnv
  console?: Hono<any>;
  /** false: no webhook, link page or admin API (the console's own Worker). */
  bot?: boolean;
}

export function createApp(resolveDeps: (c: Context) => Deps, options: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  app.use('*', secureHeaders());
  app.use('*', async (c, next) => {
    c.set('deps', resolveDeps(c));
    const address = options.socketAddress?.(c);
    if (address) c.set('socketAddress', address);
    await next();
  });
  app.use('*', limitBodies());
  app.route('/', healthRoutes);
  if (options.bot !== false) {
    app.route('/', webhookRoutes);
    app.route('/', linkRoutes);
    app.route('/admin', adminRoutes);
  }
  if (options.console) app.route('/console', options.console);
  app.notFound((c) => c.json({ message: 'Not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    c.get('deps')?.log.error('unhandled error', { path: c.req.path, error: err });
    return c.json({ message: 'Internal error' }, 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
