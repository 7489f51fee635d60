import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';

export const healthRoutes = new Hono<AppEnv>().get('/healthz', async (c) => {
  const ok = await c.get('deps').store.ping();
  return ok ? c.json({ status: 'ok' }) : c.json({ status: 'unavailable' }, 503);
});
