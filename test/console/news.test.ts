/**
 * The console's news pages (C15, issue 17) over HTTP with a real SQLite database and the LINE
 * mock (every request checked against LINE's OpenAPI): compose and validation, the LINE preview
 * built from the card a push sends, the audience count from the snapshot's own query, send and
 * schedule with confirmation, the progress JSON, pause / resume / cancel, roles, CSRF, audit.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.ts';
import { pushMessages } from '../../src/news/card.ts';
import { runPushJobs } from '../../src/news/push-jobs.ts';
import { getNews, updateNews } from '../../src/store/news.ts';
import { getPushJob } from '../../src/store/push-jobs.ts';
import { listStaffAudit } from '../../src/store/staff.ts';
import { acceptedMulticasts, exactlyOnce } from '../news/helpers.ts';
import { type ConsoleClient, seedUsers, signedIn, useConsoleApp } from './helpers.ts';

const env = useConsoleApp();

let editor: ConsoleClient;
let publisher: ConsoleClient;
let viewer: ConsoleClient;
let editorId: number;
let publisherId: number;

beforeAll(async () => {
  ({ client: editor, id: editorId } = await signedIn(env.app, 'news-editor@sso.go.th', 'editor'));
  ({ client: publisher, id: publisherId } = await signedIn(
    env.app,
    'news-publisher@sso.go.th',
    'publisher',
  ));
  ({ client: viewer } = await signedIn(env.app, 'news-viewer@sso.go.th', 'viewer'));
});

beforeEach(() => {
  env.mock.reset();
  env.app.store.sqlite.exec(
    'delete from push_batches; delete from push_jobs; delete from account_links; delete from line_users; delete from insured_persons; delete from news_items;',
  );
});

// --- seeding -------------------------------------------------------------------------------

const ITEM = {
  title: 'ขยายเวลายื่นสิทธิประโยชน์ มาตรา 39 เชียงใหม่',
  summary: 'ผู้ประกันตนมาตรา 39 ในเชียงใหม่ยื่นได้ถึงสิ้นเดือน',
  body: 'รายละเอียดทั้งหมดของข่าว',
  imageUrl: 'https://www.sso.go.th/img/news-39.jpg',
  sourceUrl: 'https://www.sso.go.th/news/39-cm',
  publishedDate: '2026-05-01',
  topic: 'benefits',
};

/** A published item aimed at section 39 in Chiang Mai (50), created by the publisher. */
async function publishedItem(extra: Record<string, string | string[]> = {}): Promise<number> {
  await publisher.get('/console/news/new');
  const res = await publisher.post('/console/news', {
    ...ITEM,
    targetSections: ['39'],
    targetProvinces: ['50'],
    languages: ['th'],
    action: 'publish',
    ...extra,
  });
  expect(res.status).toBe(303);
  return Number(/\/console\/news\/(\d+)/.exec(res.headers.get('location') ?? '')![1]);
}

const SEGMENT = {
  kind: 'multicast',
  sections: ['39'],
  provinces: ['50'],
  linked: 'any',
  when: 'now',
};

/** Seeds a section 39 / Chiang Mai audience of `n` among others that must not be reached. */
function seedSegment(n: number): string[] {
  const inSegment = seedUsers(env.app, 'in', n, { section: 39, province: '50' });
  seedUsers(env.app, 'stop', 2, { section: 39, province: '50', optOut: true });
  seedUsers(env.app, 'gone', 1, { section: 39, province: '50', status: 'inactive' });
  seedUsers(env.app, 's33', 3, { section: 33, province: '50' });
  seedUsers(env.app, 'bkk', 2, { section: 39, province: '10' });
  seedUsers(env.app, 'anon', 4);
  return inSegment;
}

async function confirmJob(newsId: number, fields: Record<string, string | string[]> = SEGMENT) {
  await publisher.get(`/console/news/${newsId}/send`);
  const res = await publisher.post(`/console/news/${newsId}/send`, { ...fields, step: 'confirm' });
  expect(res.status).toBe(303);
  const location = res.headers.get('location') ?? '';
  expect(location).toMatch(/^\/console\/news\/jobs\/\d+\?ok=/);
  return Number(/jobs\/(\d+)/.exec(location)![1]);
}

async function progressOf(client: ConsoleClient, jobId: number) {
  const res = await client.get(`/console/news/jobs/${jobId}/progress`);
  expect(res.status).toBe(200);
  return (await res.json()) as {
    status: string;
    percent: number;
    finished: boolean;
    sentRecipients: number;
    totalRecipients: number;
    can: { pause: boolean; resume: boolean; cancel: boolean };
  };
}

const multicastIds = () =>
  acceptedMulticasts(env.mock).flatMap((r) => (r.body as { to: string[] }).to);

const audit = async (action: string) =>
  listStaffAudit(env.app.store, { action }).then((rows) => rows);

// --- tests -------------------------------------------------------------------------------------

describe('console news: compose, roles, audit', () => {
  it('lets an editor save a draft (audited) but not publish or send it (403)', async () => {
    const page = await editor.get('/console/news/new');
    expect(page.status).toBe(200);
    expect(editor.lastHtml).toMatch(/<label for="f-title">/);
    expect(editor.lastHtml).toContain('/console/news/assets/news.js');
    // The publish button is there, disabled, with the reason.
    expect(editor.lastHtml).toMatch(
      /value="publish" disabled="" aria-describedby="publish-reason"/,
    );

    const res = await editor.post('/console/news', {
      ...ITEM,
      targetSections: ['39'],
      targetProvinces: ['50'],
      languages: ['th', 'en'],
      action: 'draft',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/console\/news\/\d+\?ok=news\.saved$/);
    const id = Number(/news\/(\d+)/.exec(res.headers.get('location')!)![1]);
    const item = await getNews(env.app.store, id);
    expect(item).toMatchObject({
      title: ITEM.title,
      status: 'draft',
      targetSections: [39],
      targetProvinces: ['50'],
      languages: ['th', 'en'],
      imageUrl: ITEM.imageUrl,
    });
    const created = (await audit('news.create')).find((a) => a.target === `news:${id}`);
    expect(created).toMatchObject({ staffId: editorId, actor: 'news-editor@sso.go.th' });

    // Publishing and sending are the publisher's.
    await editor.get(`/console/news/${id}`);
    expect(
      (await editor.post(`/console/news/${id}`, { ...ITEM, languages: ['th'], action: 'publish' }))
        .status,
    ).toBe(403);
    expect((await getNews(env.app.store, id))?.status).toBe('draft');
    await updateNews(env.app.store, id, { status: 'published' }, Date.now());
    const send = await editor.get(`/console/news/${id}/send`);
    expect(send.status).toBe(200);
    expect(editor.lastHtml).toMatch(/value="review" disabled="" aria-describedby="send-reason"/);
    expect(editor.lastHtml).toContain('การส่งข่าวต้องใช้บทบาทผู้เผยแพร่ขึ้นไป');
    for (const step of ['review', 'confirm']) {
      const refused = await editor.post(`/console/news/${id}/send`, { ...SEGMENT, step });
      expect(refused.status).toBe(403);
    }
    expect(env.app.store.sqlite.prepare('select count(*) as n from push_jobs').get()).toEqual({
      n: 0,
    });
    // An editor may count, though.
    expect(
      (await editor.post(`/console/news/${id}/send`, { ...SEGMENT, step: 'count' })).status,
    ).toBe(200);
    // And cannot change a published item.
    expect(
      (await editor.post(`/console/news/${id}`, { ...ITEM, languages: ['th'], action: 'save' }))
        .status,
    ).toBe(403);
  });

  it('audits publishing and updates by a publisher', async () => {
    const id = await publishedItem();
    expect(
      (await audit('news.create')).some(
        (a) => a.target === `news:${id}` && a.staffId === publisherId,
      ),
    ).toBe(true);
    expect((await audit('news.publish')).some((a) => a.target === `news:${id}`)).toBe(true);
    await publisher.get(`/console/news/${id}`);
    const res = await publisher.post(`/console/news/${id}`, {
      ...ITEM,
      title: 'หัวข้อใหม่',
      targetSections: ['39'],
      targetProvinces: ['50'],
      languages: ['th'],
      action: 'save',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/news/${id}?ok=news.updated`);
    expect(await getNews(env.app.store, id)).toMatchObject({
      title: 'หัวข้อใหม่',
      status: 'published',
    });
    const update = (await audit('news.update')).find((a) => a.target === `news:${id}`);
    expect(JSON.parse(update!.detail!)).toMatchObject({ fields: ['title'] });
  });

  it('keeps what was typed and shows each error next to its field (aria-describedby)', async () => {
    await editor.get('/console/news/new');
    const typed = {
      title: '',
      summary: 'สรุปที่พิมพ์ไว้',
      body: 'เนื้อหาที่พิมพ์ไว้ยาว ๆ',
      imageUrl: 'http://insecure.example/pic.jpg',
      sourceUrl: 'https://www.sso.go.th/news/typed',
      publishedDate: '2026-02-30',
      topic: 'Bad Topic',
      targetSections: ['40'],
      targetProvinces: ['57'],
      languages: ['my'],
      action: 'draft',
    };
    const res = await editor.post('/console/news', typed);
    expect(res.status).toBe(400);
    const html = editor.lastHtml;
    for (const f of ['title', 'imageUrl', 'publishedDate', 'topic']) {
      expect(html).toMatch(
        new RegExp(
          `id="f-${f}"[^>]*aria-invalid="true" aria-describedby="f-${f}-hint f-${f}-error"`,
        ),
      );
      expect(html).toContain(`id="f-${f}-error"`);
    }
    expect(html).toContain('ลิงก์รูปภาพต้องเป็นลิงก์ https:// ที่ถูกต้อง');
    expect(html).toContain('กรุณาใส่วันที่ที่มีอยู่จริง');
    expect(html).not.toContain('id="f-sourceUrl-error"');
    // Every typed value is still there.
    expect(html).toContain('value="http://insecure.example/pic.jpg"');
    expect(html).toContain('value="https://www.sso.go.th/news/typed"');
    expect(html).toContain('value="2026-02-30"');
    expect(html).toContain('value="Bad Topic"');
    expect(html).toContain('>เนื้อหาที่พิมพ์ไว้ยาว ๆ</textarea>');
    expect(html).toContain('>สรุปที่พิมพ์ไว้</textarea>');
    expect(html).toMatch(/value="40" checked=""/);
    expect(html).toMatch(/<option value="57" selected="">เชียงราย<\/option>/);
    expect(html).toMatch(/value="my" checked=""/);
    expect(html).toContain('บันทึกไม่ได้ กรุณาแก้ไขช่องที่มีปัญหา 4 ช่อง');
    expect(env.app.store.sqlite.prepare('select count(*) as n from news_items').get()).toEqual({
      n: 0,
    });

    // A source URL another item has: the admin API's rule, shown at the field.
    const id = await publishedItem();
    await editor.get('/console/news/new');
    const dup = await editor.post('/console/news', { ...ITEM, languages: ['th'], action: 'draft' });
    expect(dup.status).toBe(400);
    expect(editor.lastHtml).toContain('มีข่าวอื่นใช้ลิงก์ต้นฉบับนี้แล้ว');
    expect(id).toBeGreaterThan(0);
  });

  it('refuses a form post without the CSRF token (403), and a fetch without the header', async () => {
    await editor.get('/console/news/new');
    const res = await editor.post(
      '/console/news',
      { ...ITEM, languages: ['th'], action: 'draft' },
      { csrf: null },
    );
    expect(res.status).toBe(403);
    const preview = await editor.post('/console/news/preview', { title: 'x' }, { csrf: null });
    expect(preview.status).toBe(403);
    const wrong = await editor.post('/console/news/audience', SEGMENT, { csrf: 'forged' });
    expect(wrong.status).toBe(403);
    expect(env.app.store.sqlite.prepare('select count(*) as n from news_items').get()).toEqual({
      n: 0,
    });
  });

  it('shows a viewer the list and job pages but no compose, send or job actions', async () => {
    const id = await publishedItem();
    seedSegment(3);
    const jobId = await confirmJob(id);
    const list = await viewer.get('/console/news');
    expect(list.status).toBe(200);
    expect(viewer.lastHtml).toContain(ITEM.title);
    expect(viewer.lastHtml).not.toContain('href="/console/news/new"');
    expect(viewer.lastHtml).toContain(`href="/console/news/jobs/${jobId}"`);
    expect((await viewer.get('/console/news/new')).status).toBe(403);
    expect((await viewer.get(`/console/news/${id}/send`)).status).toBe(403);
    expect((await viewer.get(`/console/news/${id}`)).status).toBe(200);
    expect(viewer.lastHtml).toMatch(/<fieldset class="stack" disabled="">/);
    const job = await viewer.get(`/console/news/jobs/${jobId}`);
    expect(job.status).toBe(200);
    expect(viewer.lastHtml).not.toContain('data-job-action');
    expect((await viewer.post(`/console/news/jobs/${jobId}/pause`, {})).status).toBe(403);
    expect(
      (await viewer.post('/console/news', { ...ITEM, languages: ['th'], action: 'draft' })).status,
    ).toBe(403);
  });

  it('lists items newest first, with their push jobs, a page at a time', async () => {
    const insert = env.app.store.sqlite.prepare(
      `insert into news_items (title, summary, body, published_date, topic, status, target_sections, target_provinces, languages, created_at, updated_at)
       values (?, 's', 'b', ?, 'general', ?, '[]', '[]', '["th"]', 0, 0)`,
    );
    for (let i = 1; i <= 25; i++) {
      insert.run(
        `ข่าวที่ ${i}`,
        `2026-01-${String(i).padStart(2, '0')}`,
        i % 2 ? 'published' : 'draft',
      );
    }
    await viewer.get('/console/news');
    const titles = [
      ...viewer.lastHtml.matchAll(/<th scope="row"><a href="\/console\/news\/\d+">([^<]+)<\/a>/g),
    ].map((m) => m[1]);
    expect(titles).toHaveLength(20);
    expect(titles[0]).toBe('ข่าวที่ 25');
    expect(titles[19]).toBe('ข่าวที่ 6');
    expect(viewer.lastHtml).toContain('href="/console/news?page=2"');
    await viewer.get('/console/news?page=2');
    const rest = [
      ...viewer.lastHtml.matchAll(/<th scope="row"><a href="\/console\/news\/\d+">([^<]+)<\/a>/g),
    ].map((m) => m[1]);
    expect(rest).toEqual(['ข่าวที่ 5', 'ข่าวที่ 4', 'ข่าวที่ 3', 'ข่าวที่ 2', 'ข่าวที่ 1']);
    expect(viewer.lastHtml).toContain('href="/console/news?page=1"');
    expect(viewer.lastHtml).toContain('ฉบับร่าง');
    expect(viewer.lastHtml).toContain('เผยแพร่แล้ว');
  });
});

describe('console news: the LINE preview', () => {
  it('is built from the card a push sends: title, image, summary, button, quick reply', async () => {
    await editor.get('/console/news/new');
    const res = await editor.post(
      '/console/news/preview',
      { ...ITEM, languages: ['th'] },
      { csrf: null, headers: { 'x-csrf-token': editor.csrf } },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('class="line-phone"');
    expect(html).toContain('class="line-bubble"');
    expect(html).toContain(`<img src="${ITEM.imageUrl}"`);
    // What the bot pushes for the same item.
    const t = env.app.deps.i18n.t('th');
    const message = pushMessages(
      {
        ...ITEM,
        id: 0,
        status: 'published',
        targetSections: [],
        targetProvinces: [],
        languages: ['th'],
        createdAt: 0,
        updatedAt: 0,
      },
      'th',
      t,
    )[0] as unknown as {
      altText: string;
      contents: unknown;
      quickReply: { items: { action: { label: string } }[] };
    };
    const texts: string[] = [];
    const labels: string[] = [];
    JSON.stringify(message.contents, (k, v) => {
      if (k === 'text' && typeof v === 'string') texts.push(v);
      if (k === 'label' && typeof v === 'string') labels.push(v);
      return v;
    });
    expect(texts).toContain(ITEM.title);
    expect(texts).toContain(ITEM.summary);
    for (const text of texts) expect(html).toContain(`>${text}</p>`);
    expect(labels).toEqual(['อ่านต่อ']);
    expect(html).toContain('>อ่านต่อ</span>');
    expect(html).toContain(`>${message.quickReply.items[0]!.action.label}</span>`);
    expect(html).toContain(message.altText);

    // In the item's first language, as a push picks it.
    const en = await editor.post('/console/news/preview', { ...ITEM, languages: ['en'] });
    expect(await en.text()).toContain('>Read more</span>');
  });

  it('re-renders with a "preview" button without JavaScript, saving nothing', async () => {
    await editor.get('/console/news/new');
    const res = await editor.post('/console/news', {
      ...ITEM,
      title: 'ตัวอย่างที่ยังไม่บันทึก',
      languages: ['th'],
      action: 'preview',
    });
    expect(res.status).toBe(200);
    expect(editor.lastHtml).toMatch(/<div id="news-preview">[\s\S]*>ตัวอย่างที่ยังไม่บันทึก<\/p>/);
    expect(editor.lastHtml).toContain('value="ตัวอย่างที่ยังไม่บันทึก"');
    expect(editor.lastHtml).toContain('แสดงตัวอย่างแล้ว ยังไม่ได้บันทึก');
    expect(env.app.store.sqlite.prepare('select count(*) as n from news_items').get()).toEqual({
      n: 0,
    });
  });
});

describe('console news: audience, send, progress', () => {
  it('counts exactly the active followers of the segment, then sends to exactly them', async () => {
    const id = await publishedItem();
    const audience = seedSegment(5);

    // The send page starts from the item's sections and provinces, with the count.
    await publisher.get(`/console/news/${id}/send`);
    expect(publisher.lastHtml).toMatch(/name="sections" value="39" checked=""/);
    expect(publisher.lastHtml).toContain('ข่าวนี้จะส่งถึง 5 คน');

    // No JavaScript: the count button.
    const counted = await publisher.post(`/console/news/${id}/send`, { ...SEGMENT, step: 'count' });
    expect(counted.status).toBe(200);
    expect(publisher.lastHtml).toContain('<strong id="audience-count">ข่าวนี้จะส่งถึง 5 คน</strong>');
    // JavaScript: the JSON count; other segments too.
    const json = async (fields: Record<string, string | string[]>) => {
      const res = await publisher.post('/console/news/audience', fields, {
        csrf: null,
        headers: { 'x-csrf-token': publisher.csrf },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { count: number | null; text: string };
    };
    expect(await json(SEGMENT)).toMatchObject({ count: 5 });
    expect(await json({ ...SEGMENT, sections: ['33', '39'] })).toMatchObject({ count: 8 });
    expect(await json({ kind: 'multicast', linked: 'no' })).toMatchObject({ count: 4 });
    expect(await json({ kind: 'multicast', linked: 'yes' })).toMatchObject({ count: 10 });
    // A broadcast cannot leave out the 2 who stopped news: a multicast to the 14 others.
    expect(await json({ kind: 'broadcast' })).toMatchObject({
      count: 14,
      text: expect.stringContaining('2 คนที่หยุดรับข่าว'),
    });
    expect(await json({ ...SEGMENT, sections: ['41'] })).toMatchObject({ count: null });

    // Review: the question, the message, the quota (with a warning when it would run out).
    env.mock.setQuota({ limit: 1000, totalUsage: 997 });
    const review = await publisher.post(`/console/news/${id}/send`, { ...SEGMENT, step: 'review' });
    expect(review.status).toBe(200);
    expect(publisher.lastHtml).toContain('ส่งข่าวนี้ถึง 5 คนหรือไม่?');
    expect(publisher.lastHtml).toContain('ใช้ไปแล้ว 997 จาก 1,000 ข้อความ เหลือ 3 ข้อความ');
    expect(publisher.lastHtml).toContain('id="quota-warning"');
    expect(publisher.lastHtml).toContain(`>${ITEM.title}</p>`);
    expect(publisher.lastHtml).toMatch(/name="step" value="confirm"/);
    expect(env.app.store.sqlite.prepare('select count(*) as n from push_jobs').get()).toEqual({
      n: 0,
    });
    env.mock.setQuota({ limit: 1000, totalUsage: 10 });
    await publisher.post(`/console/news/${id}/send`, { ...SEGMENT, step: 'review' });
    expect(publisher.lastHtml).not.toContain('id="quota-warning"');

    const jobId = await confirmJob(id);
    expect(await getPushJob(env.app.store, jobId)).toMatchObject({
      status: 'pending',
      kind: 'multicast',
      createdBy: publisherId,
      segment: JSON.stringify({ sections: [39], provinces: ['50'] }),
    });
    const created = (await audit('push.create')).find((a) => a.target === `push_job:${jobId}`);
    expect(JSON.parse(created!.detail!)).toMatchObject({ news: `news:${id}`, audience: 5 });

    // The job page before the runner: a progress bar, a refresh link, the script.
    await publisher.get(`/console/news/jobs/${jobId}`);
    expect(publisher.lastHtml).toMatch(/<progress id="job-bar" max="1" value="0"/);
    expect(publisher.lastHtml).toContain(`href="/console/news/jobs/${jobId}">โหลดสถานะล่าสุด`);
    expect(publisher.lastHtml).toContain(
      `data-progress-url="/console/news/jobs/${jobId}/progress"`,
    );
    expect(publisher.lastHtml).not.toContain('http-equiv="refresh"');
    expect(await progressOf(publisher, jobId)).toMatchObject({
      status: 'pending',
      percent: 0,
      finished: false,
    });

    await runPushJobs(env.app.deps);
    expect(multicastIds().sort()).toEqual([...audience].sort());
    expect(env.mock.violations).toEqual([]);
    expect(await progressOf(publisher, jobId)).toMatchObject({
      status: 'done',
      percent: 100,
      finished: true,
      sentRecipients: 5,
      totalRecipients: 5,
    });
    await publisher.get(`/console/news/jobs/${jobId}`);
    expect(publisher.lastHtml).toMatch(/<progress id="job-bar" max="5" value="5"/);
    expect(publisher.lastHtml).toContain('ส่งแล้ว 5 จาก 5 คน (100%)');
    // The list shows the job under its item.
    await publisher.get('/console/news');
    expect(publisher.lastHtml).toContain(`href="/console/news/jobs/${jobId}"`);
    expect(publisher.lastHtml).toContain('ส่งครบแล้ว');
  });

  it('refuses to send to an empty audience, keeping the choices', async () => {
    const id = await publishedItem();
    seedSegment(2);
    await publisher.get(`/console/news/${id}/send`);
    const res = await publisher.post(`/console/news/${id}/send`, {
      ...SEGMENT,
      provinces: ['96'],
      step: 'review',
    });
    expect(res.status).toBe(400);
    expect(publisher.lastHtml).toContain('ไม่มีผู้รับในกลุ่มเป้าหมายนี้');
    expect(publisher.lastHtml).toMatch(/<option value="96" selected="">/);
    expect(env.app.store.sqlite.prepare('select count(*) as n from push_jobs').get()).toEqual({
      n: 0,
    });
  });

  it('schedules a job (Asia/Bangkok) that starts when its time comes and never before', async () => {
    const id = await publishedItem();
    const audience = seedSegment(3);
    // Two hours from now, on the minute, as typed in Thailand time.
    const at = Math.ceil((Date.now() + 2 * 3600_000) / 60_000) * 60_000;
    const typed = new Date(at + 7 * 3600_000).toISOString().slice(0, 16);
    await publisher.get(`/console/news/${id}/send`);
    // A time in the past is refused.
    const past = await publisher.post(`/console/news/${id}/send`, {
      ...SEGMENT,
      when: 'later',
      at: new Date(Date.now() - 3600_000 + 7 * 3600_000).toISOString().slice(0, 16),
      step: 'review',
    });
    expect(past.status).toBe(400);
    expect(publisher.lastHtml).toContain('เวลาที่ตั้งต้องอยู่ในอนาคต');
    const review = await publisher.post(`/console/news/${id}/send`, {
      ...SEGMENT,
      when: 'later',
      at: typed,
      step: 'review',
    });
    expect(review.status).toBe(200);
    expect(publisher.lastHtml).toContain('ตั้งเวลาส่งข่าวนี้ถึง 3 คน เมื่อ');
    const jobId = await confirmJob(id, { ...SEGMENT, when: 'later', at: typed });
    expect(await getPushJob(env.app.store, jobId)).toMatchObject({
      status: 'scheduled',
      scheduledAt: at,
    });
    expect((await audit('push.schedule')).some((a) => a.target === `push_job:${jobId}`)).toBe(true);

    const later = (ms: number): Deps => ({
      ...env.app.deps,
      clock: { now: () => Date.now() + ms },
    });
    await runPushJobs(env.app.deps);
    await runPushJobs(later(at - Date.now() - 5_000));
    expect(acceptedMulticasts(env.mock)).toHaveLength(0);
    expect((await getPushJob(env.app.store, jobId))?.status).toBe('scheduled');
    expect(await progressOf(publisher, jobId)).toMatchObject({ status: 'scheduled', percent: 0 });

    await runPushJobs(later(at - Date.now() + 1_000));
    expect(multicastIds().sort()).toEqual([...audience].sort());
    expect(await progressOf(publisher, jobId)).toMatchObject({ status: 'done', percent: 100 });
  });

  it('pauses a running job mid-send and resumes it: every recipient exactly once', async () => {
    const id = await publishedItem();
    const audience = seedSegment(1_234); // 500 + 500 + 234
    const jobId = await confirmJob(id);
    await publisher.get(`/console/news/jobs/${jobId}`);
    // Pause from the console while LINE is taking the first batch.
    let paused = false;
    env.mock.setResponder(async (req) => {
      if (req.operationId === 'multicast' && !paused) {
        paused = true;
        const res = await publisher.post(`/console/news/jobs/${jobId}/pause`, {});
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toBe(`/console/news/jobs/${jobId}?ok=news.job.paused`);
      }
      return undefined;
    });
    // One batch at a time, so the pause lands between two batches of the same round.
    const oneAtATime: Deps = {
      ...env.app.deps,
      tuning: { ...env.app.deps.tuning, jobConcurrency: 1 },
    };
    await runPushJobs(oneAtATime);
    env.mock.setResponder(null);
    // The batch under way when it was paused is delivered; no further one is started.
    const before = acceptedMulticasts(env.mock).length;
    expect(before).toBe(1);
    expect(await progressOf(publisher, jobId)).toMatchObject({
      status: 'paused',
      can: { pause: false, resume: true, cancel: true },
    });
    // The runner leaves a paused job alone.
    await runPushJobs(env.app.deps);
    expect(acceptedMulticasts(env.mock)).toHaveLength(before);
    expect((await audit('push.pause')).some((a) => a.target === `push_job:${jobId}`)).toBe(true);

    await publisher.get(`/console/news/jobs/${jobId}`);
    expect(publisher.lastHtml).toMatch(/data-job-action="resume"[^>]*>/);
    const resumed = await publisher.post(`/console/news/jobs/${jobId}/resume`, {});
    expect(resumed.headers.get('location')).toBe(`/console/news/jobs/${jobId}?ok=news.job.resumed`);
    expect((await audit('push.resume')).some((a) => a.target === `push_job:${jobId}`)).toBe(true);
    await runPushJobs(env.app.deps);
    expect(exactlyOnce(env.mock, audience)).toEqual({
      duplicated: [],
      missing: [],
      unexpected: [],
      delivered: 1234,
    });
    expect(acceptedMulticasts(env.mock)).toHaveLength(3);
    expect(await progressOf(publisher, jobId)).toMatchObject({ status: 'done', percent: 100 });
    // Nothing to resume or pause any more.
    const again = await publisher.post(`/console/news/jobs/${jobId}/resume`, {});
    expect(again.headers.get('location')).toBe(
      `/console/news/jobs/${jobId}?error=news.errors.cannotResume`,
    );
  });

  it('cancels after a confirmation step, and nothing more is sent', async () => {
    const id = await publishedItem();
    seedSegment(1_200);
    const jobId = await confirmJob(id);
    await runPushJobs(env.app.deps, { maxBatches: 1 });
    expect(acceptedMulticasts(env.mock)).toHaveLength(1);

    // Without the confirmation, the post goes to the question.
    await publisher.get(`/console/news/jobs/${jobId}`);
    const unconfirmed = await publisher.post(`/console/news/jobs/${jobId}/cancel`, {});
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.get('location')).toBe(`/console/news/jobs/${jobId}/cancel`);
    expect((await getPushJob(env.app.store, jobId))?.status).toBe('running');
    const ask = await publisher.get(`/console/news/jobs/${jobId}/cancel`);
    expect(ask.status).toBe(200);
    expect(publisher.lastHtml).toContain('ผู้ที่ยังไม่ได้รับอีก 700 คน');
    const done = await publisher.post(`/console/news/jobs/${jobId}/cancel`, { confirm: 'yes' });
    expect(done.headers.get('location')).toBe(`/console/news/jobs/${jobId}?ok=news.job.cancelled`);
    expect((await audit('push.cancel')).some((a) => a.target === `push_job:${jobId}`)).toBe(true);

    await runPushJobs(env.app.deps);
    expect(acceptedMulticasts(env.mock)).toHaveLength(1);
    expect(await progressOf(publisher, jobId)).toMatchObject({
      status: 'cancelled',
      finished: true,
      can: { pause: false, resume: false, cancel: false },
    });
    // Editors cannot cancel.
    expect(
      (await editor.post(`/console/news/jobs/${jobId}/cancel`, { confirm: 'yes' })).status,
    ).toBe(403);

    // A scheduled job can be cancelled before it starts.
    const at = new Date(Date.now() + 3 * 3600_000 + 7 * 3600_000).toISOString().slice(0, 16);
    const scheduled = await confirmJob(id, { ...SEGMENT, when: 'later', at });
    await publisher.get(`/console/news/jobs/${scheduled}/cancel`);
    await publisher.post(`/console/news/jobs/${scheduled}/cancel`, { confirm: 'yes' });
    expect((await getPushJob(env.app.store, scheduled))?.status).toBe('cancelled');
  });

  it('draws every page in Thai and in English without a missing string', async () => {
    const id = await publishedItem();
    seedSegment(2);
    const jobId = await confirmJob(id);
    const pages: [ConsoleClient, string][] = [
      [viewer, '/console/news'],
      [viewer, `/console/news/${id}`],
      [viewer, `/console/news/jobs/${jobId}`],
      [editor, '/console/news/new'],
      [editor, `/console/news/${id}/send`],
      [publisher, `/console/news/jobs/${jobId}/cancel`],
    ];
    for (const lang of ['en', 'th']) {
      for (const [client, path] of pages) {
        const res = await client.get(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
        expect(res.status, path).toBe(200);
        expect(client.lastHtml, path).toContain(`<html lang="${lang}"`);
        expect(
          client.lastHtml.match(/console\.news\.[A-Za-z.]+/g) ?? [],
          `${lang} ${path}`,
        ).toEqual([]);
      }
    }
    await publisher.get(`/console/news/${id}/send?lang=en`);
    await publisher.post(`/console/news/${id}/send`, { ...SEGMENT, step: 'review' });
    expect(publisher.lastHtml).toContain('Send this item to 2 people?');
    expect(publisher.lastHtml.match(/console\.news\.[A-Za-z.]+/g) ?? []).toEqual([]);
    await publisher.get(`/console/news/${id}/send?lang=th`);
  });

  it('serves its script, and has the same strings in Thai and English', async () => {
    const res = await viewer.get('/console/news/assets/news.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    const js = await res.text();
    expect(js).toContain('x-csrf-token');
    expect(js).toContain('consoleHooks');
    const flat = (o: unknown, p = ''): string[] =>
      typeof o === 'string'
        ? [p]
        : Object.entries(o as object).flatMap(([k, v]) => flat(v, p ? `${p}.${k}` : k));
    const load = (lang: string) =>
      JSON.parse(
        readFileSync(new URL(`../../locales/${lang}/console/news.json`, import.meta.url), 'utf8'),
      );
    expect(flat(load('en')).sort()).toEqual(flat(load('th')).sort());
    expect(Object.keys(load('th'))).toEqual(['news']);
  });
});
