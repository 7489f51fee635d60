/**
 * The admin API under /admin (docs/news.md, docs/services.md): news items, push jobs and the
 * chats flagged for staff follow-up, for SSO staff; dead letters, for operators.
 * Off (404) unless ADMIN_TOKEN is set; every route but the OpenAPI document needs
 * `Authorization: Bearer <ADMIN_TOKEN>` (compared in constant time). Bodies are validated by
 * hand (src/routes/validate.ts); errors are `{message, errors: [{path, message}]}`.
 */

import { type Context, Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { issueLinkCodeFor } from '../link-codes.ts';
import { summarise } from '../news/parse-article.ts';
import { createNewsPushJob, PushJobRefused } from '../news/push-jobs.ts';
import { isValidNationalId } from '../nlu/index.ts';
import { PINK_CARD_PREFIX } from '../pages/link-page.ts';
import { listDeadLetters, replayDeadLetter } from '../store/dead-letters.ts';
import {
  createNews,
  getNews,
  listNews,
  NEWS_STATUSES,
  type NewsInput,
  sourceUrlTaken,
  updateNews,
} from '../store/news.ts';
import { cancelJob, getJobProgress, listPushJobs, type Segment } from '../store/push-jobs.ts';
import {
  closeStaffFlag,
  getStaffFlag,
  listStaffFlags,
  STAFF_FLAG_STATUSES,
} from '../store/staff-flags.ts';
import {
  countUnansweredByTopic,
  listUnanswered,
  markUnansweredHandled,
} from '../store/unanswered.ts';
import { getWebhookEvent } from '../store/webhook-events.ts';
import { ADMIN_OPENAPI } from './admin-openapi.ts';
import {
  check,
  createNewsBody,
  Invalid,
  int,
  object,
  oneOf,
  segmentBody,
  str,
  updateNewsBody,
} from './validate.ts';

const createJobBody = object({
  newsId: { parse: int(1, Number.MAX_SAFE_INTEGER), required: true },
  kind: { parse: oneOf(['broadcast', 'multicast'] as const), required: true },
  segment: { parse: segmentBody },
});

async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  // Digests first: equal lengths, and nothing about the token's length leaks.
  const enc = new TextEncoder();
  const [x, y] = await Promise.all([
    crypto.subtle.digest('SHA-256', enc.encode(a)),
    crypto.subtle.digest('SHA-256', enc.encode(b)),
  ]);
  const xa = new Uint8Array(x);
  const ya = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < xa.length; i++) diff |= xa[i]! ^ ya[i]!;
  return diff === 0;
}

async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new Invalid([
      { path: '$', message: 'the body must be JSON (Content-Type: application/json)' },
    ]);
  }
  try {
    return await c.req.json();
  } catch {
    throw new Invalid([{ path: '$', message: 'the body is not valid JSON' }]);
  }
}

function idParam(c: Context<AppEnv>): number | undefined {
  const raw = c.req.param('id') ?? '';
  return /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined;
}

export const adminRoutes = new Hono<AppEnv>();

adminRoutes.use('*', async (c, next) => {
  const token = c.get('deps').config.adminToken;
  if (!token) return c.json({ message: 'Not found' }, 404);
  if (c.req.path === '/admin/openapi.json') return next();
  const auth = c.req.header('authorization') ?? '';
  const presented = /^Bearer (.+)$/i.exec(auth)?.[1] ?? '';
  if (!(await constantTimeEqual(presented, token)) || presented === '') {
    c.header('WWW-Authenticate', 'Bearer realm="admin"');
    return c.json({ message: 'A valid admin bearer token is required' }, 401);
  }
  c.header('Cache-Control', 'no-store');
  return next();
});

adminRoutes.onError((err, c) => {
  if (err instanceof Invalid) {
    return c.json({ message: 'The request is invalid', errors: err.errors }, 400);
  }
  if (err instanceof PushJobRefused) {
    if (err.retryAfterSeconds) c.header('Retry-After', String(err.retryAfterSeconds));
    return c.json({ message: err.message }, err.status);
  }
  throw err;
});

adminRoutes.get('/openapi.json', (c) => c.json(ADMIN_OPENAPI));

adminRoutes.get('/news', async (c) => {
  const q = c.req.query();
  const params = check(
    object({
      status: { parse: oneOf(NEWS_STATUSES) },
      limit: { parse: int(1, 200) },
      offset: { parse: int(0, 1_000_000) },
    }),
    {
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
      ...(q.offset !== undefined ? { offset: Number(q.offset) } : {}),
    },
  );
  const items = await listNews(c.get('deps').store, params);
  return c.json({ items });
});

adminRoutes.post('/news', async (c) => {
  const deps = c.get('deps');
  const body = check(createNewsBody, await jsonBody(c)) as NewsInput;
  if (body.sourceUrl && (await sourceUrlTaken(deps.store, body.sourceUrl))) {
    throw new Invalid([{ path: 'sourceUrl', message: 'another news item has this source URL' }]);
  }
  const item = await createNews(
    deps.store,
    { ...body, summary: body.summary || summarise(body.body) },
    deps.clock.now(),
  );
  c.header('Location', `/admin/news/${item.id}`);
  return c.json(item, 201);
});

adminRoutes.get('/news/:id', async (c) => {
  const id = idParam(c);
  const item = id === undefined ? undefined : await getNews(c.get('deps').store, id);
  return item ? c.json(item) : c.json({ message: 'No such news item' }, 404);
});

adminRoutes.patch('/news/:id', async (c) => {
  const deps = c.get('deps');
  const id = idParam(c);
  const body = check(updateNewsBody, await jsonBody(c)) as Partial<NewsInput>;
  if (id === undefined || !(await getNews(deps.store, id))) {
    return c.json({ message: 'No such news item' }, 404);
  }
  if (body.sourceUrl && (await sourceUrlTaken(deps.store, body.sourceUrl, id))) {
    throw new Invalid([{ path: 'sourceUrl', message: 'another news item has this source URL' }]);
  }
  const item = await updateNews(deps.store, id, body, deps.clock.now());
  return c.json(item);
});

adminRoutes.get('/push-jobs', async (c) => {
  const jobs = await listPushJobs(c.get('deps').store);
  const store = c.get('deps').store;
  const out = await Promise.all(jobs.map((j) => getJobProgress(store, j.id)));
  return c.json({ jobs: out });
});

adminRoutes.post('/push-jobs', async (c) => {
  const deps = c.get('deps');
  const body = check(createJobBody, await jsonBody(c));
  if (body.kind === 'broadcast' && body.segment !== undefined) {
    throw new Invalid([
      { path: 'segment', message: 'a broadcast has no segment; use kind "multicast"' },
    ]);
  }
  const created = await createNewsPushJob(deps, {
    newsId: body.newsId!,
    kind: body.kind!,
    ...(body.segment ? { segment: body.segment as Segment } : {}),
  });
  const progress = await getJobProgress(deps.store, created.job.id);
  c.header('Location', `/admin/push-jobs/${created.job.id}`);
  return c.json({ ...progress, ...(created.note ? { note: created.note } : {}) }, 201);
});

adminRoutes.get('/push-jobs/:id', async (c) => {
  const id = idParam(c);
  const progress = id === undefined ? undefined : await getJobProgress(c.get('deps').store, id);
  return progress ? c.json(progress) : c.json({ message: 'No such push job' }, 404);
});

adminRoutes.post('/push-jobs/:id/cancel', async (c) => {
  const deps = c.get('deps');
  const id = idParam(c);
  const progress = id === undefined ? undefined : await getJobProgress(deps.store, id);
  if (!progress) return c.json({ message: 'No such push job' }, 404);
  if (!(await cancelJob(deps.store, progress.id, deps.clock.now()))) {
    return c.json({ message: `The job is already ${progress.status}` }, 409);
  }
  return c.json(await getJobProgress(deps.store, progress.id));
});

adminRoutes.get('/staff-flags', async (c) => {
  const q = c.req.query();
  const params = check(
    object({
      status: { parse: oneOf(STAFF_FLAG_STATUSES) },
      limit: { parse: int(1, 200) },
      offset: { parse: int(0, 1_000_000) },
    }),
    {
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
      ...(q.offset !== undefined ? { offset: Number(q.offset) } : {}),
    },
  );
  const items = await listStaffFlags(c.get('deps').store, params);
  return c.json({ items });
});

adminRoutes.post('/staff-flags/:id/close', async (c) => {
  const deps = c.get('deps');
  const id = idParam(c);
  const flag = id === undefined ? undefined : await getStaffFlag(deps.store, id);
  if (!flag) return c.json({ message: 'No such staff flag' }, 404);
  if (!(await closeStaffFlag(deps.store, flag.id, deps.clock.now()))) {
    return c.json({ message: 'The flag is already closed' }, 409);
  }
  return c.json(await getStaffFlag(deps.store, flag.id));
});

const DAY_MS = 24 * 3600_000;

adminRoutes.get('/unanswered', async (c) => {
  const deps = c.get('deps');
  const q = c.req.query();
  const params = check(
    object({
      days: { parse: int(1, 90) },
      status: { parse: oneOf(['open', 'all'] as const) },
      limit: { parse: int(1, 200) },
      offset: { parse: int(0, 1_000_000) },
    }),
    {
      ...(q.days !== undefined ? { days: Number(q.days) } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
      ...(q.offset !== undefined ? { offset: Number(q.offset) } : {}),
    },
  );
  const since = deps.clock.now() - (params.days ?? 7) * DAY_MS;
  const [counts, rows] = await Promise.all([
    countUnansweredByTopic(deps.store, since),
    listUnanswered(deps.store, {
      since,
      open: params.status !== 'all',
      ...(params.limit !== undefined ? { limit: params.limit } : {}),
      ...(params.offset !== undefined ? { offset: params.offset } : {}),
    }),
  ]);
  const items = rows.map((r) => ({ ...r, alternatives: JSON.parse(r.alternatives) as string[] }));
  return c.json({ since, counts, items });
});

adminRoutes.post('/unanswered/:id/handled', async (c) => {
  const deps = c.get('deps');
  const id = idParam(c);
  if (id === undefined || !(await markUnansweredHandled(deps.store, id, deps.clock.now()))) {
    return c.json({ message: 'No such open question' }, 404);
  }
  return c.json({ id, handled: true });
});

/**
 * A one-time link code for a pink-card or passport holder (no laser code), after staff checked
 * the document. The code is in this answer only; it is stored hashed.
 */
const linkCodeBody = object({
  nationalId: {
    parse: str({
      max: 17,
      pattern: /^[\d\s-]{13,17}$/,
      patternHint: 'must be 13 digits (dashes and spaces allowed)',
    }),
  },
  passport: {
    parse: object({
      country: { parse: oneOf(['MMR', 'KHM', 'LAO', 'VNM'] as const), required: true },
      number: { parse: str({ min: 6, max: 12, pattern: /^[A-Za-z0-9]+$/ }), required: true },
    }),
  },
  issuedBy: { parse: str({ max: 80 }), required: true },
});

adminRoutes.post('/link-codes', async (c) => {
  const deps = c.get('deps');
  const body = check(linkCodeBody, await jsonBody(c));
  const nationalId = body.nationalId?.replace(/[\s-]/g, '');
  if ((nationalId === undefined) === (body.passport === undefined)) {
    throw new Invalid([{ path: '$', message: 'give exactly one of nationalId or passport' }]);
  }
  if (nationalId !== undefined && !isValidNationalId(nationalId)) {
    throw new Invalid([{ path: 'nationalId', message: 'the check digit does not match' }]);
  }
  if (nationalId !== undefined && !nationalId.startsWith(PINK_CARD_PREFIX)) {
    throw new Invalid([
      {
        path: 'nationalId',
        message: `must be a pink card number (starting ${PINK_CARD_PREFIX}); Thai ID card holders link with the laser code`,
      },
    ]);
  }
  const issued = await issueLinkCodeFor(
    deps.store,
    nationalId !== undefined
      ? { nationalId }
      : {
          passport: {
            country: body.passport!.country!,
            number: body.passport!.number!.toUpperCase(),
          },
        },
    body.issuedBy!,
    deps.clock.now(),
  );
  if (!issued) return c.json({ message: 'No insured person has this document' }, 404);
  return c.json(
    {
      code: issued.code,
      expiresAt: new Date(issued.expiresAt).toISOString(),
      nationalId: issued.maskedNationalId,
    },
    201,
  );
});

// --- Dead letters (webhook events whose retries ran out on the Worker's events queue) ----------

adminRoutes.get('/dead-letters', async (c) => {
  const q = c.req.query();
  const params = check(
    object({
      limit: { parse: int(1, 200) },
      offset: { parse: int(0, 1_000_000) },
    }),
    {
      ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
      ...(q.offset !== undefined ? { offset: Number(q.offset) } : {}),
    },
  );
  const items = await listDeadLetters(c.get('deps').store, params);
  return c.json({ items });
});

adminRoutes.post('/dead-letters/:id/replay', async (c) => {
  const deps = c.get('deps');
  const id = c.req.param('id');
  if (!/^[0-9A-Za-z_-]{1,100}$/.test(id)) return c.json({ message: 'No such dead letter' }, 404);
  const replayed = await replayDeadLetter(deps.store, id);
  if (replayed === 'not-found') return c.json({ message: 'No such dead letter' }, 404);
  if (replayed === 'erased') {
    return c.json(
      { message: 'The event can no longer be replayed: retention has erased its content' },
      409,
    );
  }
  // Handed to processing where the runtime processes events: the events queue on the Worker
  // (answered once it is there), this process on Node (answered once it is processed).
  await deps.events.process(id, false);
  const row = await getWebhookEvent(deps.store, id);
  return c.json({ webhookEventId: id, status: row?.status ?? 'pending' }, 202);
});
