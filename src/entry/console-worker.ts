/**
 * The operator console's own Worker (C15 on Cloudflare): /console and /healthz, on the same D1
 * as the bot's Worker (wrangler.console.toml). Kept apart so the bot's Worker — the one LINE
 * calls for every message — stays small and starts fast, and so the staff-facing surface can sit
 * behind its own hostname and access rules (e.g. Cloudflare Access) without touching the webhook.
 *
 * Push jobs created here are rows in D1: the bot's Worker sends them (its cron and push queue).
 * Staff replies go to LINE from here directly (the same access token, as a secret of this Worker).
 */
import type { Context } from 'hono';
import { createApp } from '../app.ts';
import { CONSOLE_STRINGS } from '../console/strings.ts';
import { createI18n } from '../i18n.ts';
import { consoleRoutes } from '../routes/console/index.tsx';
import { openD1Session } from '../store/d1.ts';
import { configProblem, type WorkerBindings, workerDeps } from './worker-deps.ts';

/** Every console request reads its own writes (a session cookie, a saved draft): the primary. */
const sessions = new WeakMap<Request, ReturnType<typeof openD1Session>>();

/** The bot's strings and the console's (the bot's Worker carries only its own). */
const i18n = createI18n({ more: { console: CONSOLE_STRINGS } });

const app = createApp(
  (c: Context) => {
    const env = c.env as WorkerBindings;
    const session = sessions.get(c.req.raw) ?? openD1Session(env.DB, 'first-primary');
    return workerDeps(env, (p) => c.executionCtx.waitUntil(p), i18n, undefined, session.store);
  },
  { console: consoleRoutes, bot: false },
);

export default {
  async fetch(request: Request, env: WorkerBindings, ctx: ExecutionContext) {
    if (configProblem(env) !== undefined) {
      return Response.json({ message: 'The service is not configured' }, { status: 503 });
    }
    const path = new URL(request.url).pathname;
    // The console lives at /console; its root is the natural address of this Worker.
    if (path === '/' || path === '')
      return Response.redirect(new URL('/console', request.url), 303);
    sessions.set(request, openD1Session(env.DB, 'first-primary'));
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<WorkerBindings>;
