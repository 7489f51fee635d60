/** The admin API over HTTP: auth, validation, news CRUD, push jobs and their progress, OpenAPI. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPushJobs } from '../../src/news/push-jobs.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { addFollowers, exactlyOnce } from './helpers.ts';

const TOKEN = 'admin-token-0123456789abcdef-xyzKQW';
let mock: LineMock;
let app: TestApp;

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url, env: { ADMIN_TOKEN: TOKEN } });
});
afterAll(async () => {
  expect(mock.violations).toEqual([]);
  await app.dispose();
  await mock.close();
});

function call(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return app.app.request(path, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
}

const article = {
  title: 'สปส. เปิดบริการใหม่',
  body: 'สำนักงานประกันสังคมเปิดบริการใหม่สำหรับผู้ประกันตนมาตรา 33 ในจังหวัดเชียงใหม่',
  publishedDate: '2026-03-01',
  sourceUrl: 'https://www.sso.go.th/news/admin-1',
  imageUrl: 'https://www.sso.go.th/news/admin-1.jpg',
  targetSections: [33],
  targetProvinces: ['50'],
  languages: ['th'],
};

describe('admin API: access', () => {
  it('is 404 everywhere when ADMIN_TOKEN is not set', async () => {
    const off = await createTestApp({ lineApiBaseUrl: mock.url });
    try {
      for (const path of ['/admin/news', '/admin/openapi.json', '/admin/push-jobs/1']) {
        const res = await off.app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(res.status, path).toBe(404);
      }
    } finally {
      await off.dispose();
    }
  });

  it('answers 401 without the bearer token or with a wrong one', async () => {
    expect((await call('GET', '/admin/news', undefined, null)).status).toBe(401);
    expect((await call('GET', '/admin/news', undefined, `${TOKEN}x`)).status).toBe(401);
    expect((await call('GET', '/admin/news', undefined, TOKEN.slice(0, -1))).status).toBe(401);
    const res = await call('POST', '/admin/push-jobs', { newsId: 1, kind: 'broadcast' }, 'nope');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await call('GET', '/admin/news')).status).toBe(200);
  });
});

describe('admin API: news', () => {
  let id: number;

  it('creates a news item (summary from the body when absent) and lists it', async () => {
    const res = await call('POST', '/admin/news', article);
    expect(res.status).toBe(201);
    const item = (await res.json()) as { id: number; summary: string; targetSections: number[] };
    id = item.id;
    expect(res.headers.get('location')).toBe(`/admin/news/${id}`);
    expect(item).toMatchObject({ title: article.title, targetSections: [33], status: 'published' });
    expect(item.summary).toBe(article.body);
    const list = (await (await call('GET', '/admin/news')).json()) as { items: { id: number }[] };
    expect(list.items.map((i) => i.id)).toContain(id);
    expect((await call('GET', `/admin/news/${id}`)).status).toBe(200);
    expect((await call('GET', '/admin/news/999999')).status).toBe(404);
  });

  it('rejects invalid bodies with 400 and every problem', async () => {
    const bad = await call('POST', '/admin/news', {
      title: '',
      body: 'x',
      publishedDate: '2026-02-30',
      imageUrl: 'http://insecure.example/a.jpg',
      targetSections: [34],
      targetProvinces: ['Chiang Mai'],
      languages: [],
      colour: 'red',
    });
    expect(bad.status).toBe(400);
    const { errors } = (await bad.json()) as { errors: { path: string }[] };
    expect(errors.map((e) => e.path).sort()).toEqual(
      [
        'colour',
        'title',
        'publishedDate',
        'imageUrl',
        'targetSections[0]',
        'targetProvinces[0]',
        'languages',
      ].sort(),
    );
    expect((await call('POST', '/admin/news', '{not json')).status).toBe(400);
    expect((await call('POST', '/admin/news', [1, 2])).status).toBe(400);
    expect((await call('PATCH', `/admin/news/${id}`, {})).status).toBe(400);
    const dup = await call('POST', '/admin/news', article);
    expect(dup.status).toBe(400);
    expect(JSON.stringify(await dup.json())).toContain('source URL');
  });

  it('updates fields', async () => {
    const res = await call('PATCH', `/admin/news/${id}`, { status: 'draft', targetSections: [] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, status: 'draft', targetSections: [] });
    expect((await call('PATCH', '/admin/news/424242', { status: 'draft' })).status).toBe(404);
    expect((await call('PATCH', '/admin/news/abc', { status: 'draft' })).status).toBe(404);
  });

  it('creates a push job, refuses drafts and bad segments, and reports progress', async () => {
    expect((await call('POST', '/admin/push-jobs', { newsId: id, kind: 'multicast' })).status).toBe(
      409,
    );
    await call('PATCH', `/admin/news/${id}`, { status: 'published' });
    expect(
      (await call('POST', '/admin/push-jobs', { newsId: 424242, kind: 'multicast' })).status,
    ).toBe(404);
    const invalid = await call('POST', '/admin/push-jobs', {
      newsId: id,
      kind: 'multicast',
      segment: { sections: [41], linked: 'yes' },
    });
    expect(invalid.status).toBe(400);
    expect(
      (
        await call('POST', '/admin/push-jobs', {
          newsId: id,
          kind: 'broadcast',
          segment: { sections: [33] },
        })
      ).status,
    ).toBe(400);

    const users = addFollowers(app, 'adm', 700);
    const res = await call('POST', '/admin/push-jobs', {
      newsId: id,
      kind: 'multicast',
      segment: { languages: ['th'], linked: false },
    });
    expect(res.status).toBe(201);
    const job = (await res.json()) as { id: number; status: string };
    expect(job.status).toBe('pending');
    await runPushJobs(app.deps);
    const progress = await (await call('GET', `/admin/push-jobs/${job.id}`)).json();
    expect(progress).toMatchObject({
      id: job.id,
      status: 'done',
      totalRecipients: 700,
      sentRecipients: 700,
      batchesTotal: 2,
      batchesSent: 2,
      snapshotComplete: true,
      segment: { languages: ['th'], linked: false },
    });
    expect(exactlyOnce(mock, users)).toMatchObject({ duplicated: [], missing: [] });
    const list = (await (await call('GET', '/admin/push-jobs')).json()) as {
      jobs: { id: number }[];
    };
    expect(list.jobs[0]!.id).toBe(job.id);
    expect((await call('GET', '/admin/push-jobs/999')).status).toBe(404);
    expect((await call('POST', `/admin/push-jobs/${job.id}/cancel`)).status).toBe(409);
  });

  it('cancels a pending job: nothing is sent', async () => {
    const before = mock.requests.length;
    const res = await call('POST', '/admin/push-jobs', { newsId: id, kind: 'multicast' });
    const job = (await res.json()) as { id: number };
    const cancelled = await call('POST', `/admin/push-jobs/${job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled' });
    await runPushJobs(app.deps);
    expect(mock.requests.length).toBe(before);
  });
});

describe('admin API: OpenAPI', () => {
  it('serves an OpenAPI 3 document that lists every admin route of the app', async () => {
    const res = await call('GET', '/admin/openapi.json', undefined, null);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, object> };
    expect(doc.openapi).toMatch(/^3\./);
    const routes = app.app.routes
      .filter((r) => r.path.startsWith('/admin') && r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(routes.length).toBeGreaterThanOrEqual(9);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((d) => !routes.includes(d))).toEqual([]);
  });
});
