/**
 * createApp: the Hono app shared by both runtimes. No I/O at import; the entry file passes a
 * function that resolves Deps for a request (Node: one set for the process; Workers: per request).
 */
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Deps } from './deps.ts';
import { adminRoutes } from './routes/admin.ts';
import { healthRoutes } from './routes/health.ts';
import { linkRoutes } from './routes/link.ts';
import { webhookRoutes } from './routes/webhook.ts';

export type AppEnv = { Variables: { deps: Deps } };

export function createApp(resolveDeps: (c: Context) => Deps) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('deps', resolveDeps(c));
    await next();
  });
  app.route('/', healthRoutes);
  app.route('/', webhookRoutes);
  app.route('/', linkRoutes);
  app.route('/admin', adminRoutes);
  app.notFound((c) => c.json({ message: 'Not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    c.get('deps')?.log.error('unhandled error', { path: c.req.path, error: err });
    return c.json({ message: 'Internal error' }, 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
