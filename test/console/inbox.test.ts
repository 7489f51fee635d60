/**
 * The console's inbox (/console/inbox, C15): a chat flagged through the webhook, its
 * conversation recorded masked, a staff reply pushed once (X-Line-Retry-Key, 409 on a repeat),
 * the bot paused and resumed, the chat closed with a note — over HTTP against the LINE mock with
 * a real SQLite database and a clock the test moves.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { stableRetryKey } from '../../src/line/retry-key.ts';
import { bindAccount } from '../../src/store/account-links.ts';
import { getLineUser } from '../../src/store/line-users.ts';
import { auditLog, staffFlagMessages, staffFlags } from '../../src/store/schema.ts';
import { listStaffAudit } from '../../src/store/staff.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { insertPerson } from '../helpers/people.ts';
import { addStaff, ConsoleClient, STAFF_PASSWORD } from './helpers.ts';

const clock = { t: Date.now(), now: () => clock.t };
let app: TestApp;
let mock: LineMock;

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({
    lineApiBaseUrl: mock.url,
    env: { CLIENT_IP_HEADER: 'x-forwarded-for' },
    clock,
  });
  await addStaff(app, 'editor@sso.go.th', 'editor');
  await addStaff(app, 'viewer@sso.go.th', 'viewer');
});
afterAll(async () => {
  await app?.dispose();
  await mock?.close();
});
beforeEach(() => {
  mock.reset();
});

let userNo = 0;
const newUser = () => demoUserId(`inbox-${++userNo}-${Date.now()}`);

/** The user writes; the webhook answers 200 and the event is processed. */
async function say(userId: string, text: string): Promise<void> {
  const res = await app.post([events.text({ userId, timestamp: clock.t }, text)]);
  expect(res.status).toBe(200);
  await app.settle();
}

async function tap(userId: string, data: string): Promise<void> {
  await app.post([events.postback({ userId, timestamp: clock.t }, data)]);
  await app.settle();
}

/** A user who asked for a person; returns the flag id. */
async function flaggedUser(userId = newUser()): Promise<{ userId: string; flagId: number }> {
  await say(userId, 'ขอคุยกับเจ้าหน้าที่ค่ะ');
  const flag = app.store.syncDb
    .select()
    .from(staffFlags)
    .where(eq(staffFlags.userId, userId))
    .get();
  expect(flag?.status).toBe('open');
  return { userId, flagId: flag!.id };
}

async function signIn(email: string): Promise<ConsoleClient> {
  const client = new ConsoleClient(app);
  const res = await client.login(email, STAFF_PASSWORD);
  expect(res.status).toBe(303);
  return client;
}

const thread = (flagId: number) =>
  app.store.syncDb
    .select()
    .from(staffFlagMessages)
    .where(eq(staffFlagMessages.flagId, flagId))
    .all();

/** The reply form's one-time token on the last page. */
const replyToken = (html: string) => /name="token" value="([A-Za-z0-9_-]+)"/.exec(html)?.[1];

describe('console inbox', () => {
  it('records what a user with an open flag writes, masked, and lists the chat', async () => {
    const { userId, flagId } = await flaggedUser();
    // Before the flag, nothing was recorded; the opening text and the bot's answer are.
    let rows = thread(flagId);
    expect(rows.map((r) => r.direction)).toEqual(['user', 'bot']);
    expect(rows[0]!.text).toBe('ขอคุยกับเจ้าหน้าที่ค่ะ');
    expect(rows[1]!.text).toContain(`#${flagId}`);

    await say(userId, 'เลขบัตรของฉัน 1101700192331 โทร 081-234-5678 ค่ะ');
    rows = thread(flagId);
    expect(rows).toHaveLength(4);
    expect(rows[2]!.direction).toBe('user');
    expect(rows[2]!.text).toContain('1-1017-xxxxx-xx-1');
    expect(rows[2]!.text).toContain('[PHONE]');
    expect(JSON.stringify(rows)).not.toContain('1101700192331');
    expect(JSON.stringify(rows)).not.toContain('081-234-5678');
    const flag = app.store.syncDb.select().from(staffFlags).where(eq(staffFlags.id, flagId)).get();
    expect(flag?.lastMessageAt).toBe(clock.t);

    const viewer = await signIn('viewer@sso.go.th');
    const list = await viewer.get('/console/inbox');
    expect(list.status).toBe(200);
    expect(viewer.lastHtml).toContain(`href="/console/inbox/${flagId}"`);
    expect(viewer.lastHtml).toContain('ยังไม่ผูก');
    const page = await viewer.get(`/console/inbox/${flagId}`);
    expect(page.status).toBe(200);
    expect(viewer.lastHtml).toContain('1-1017-xxxxx-xx-1');
    expect(viewer.lastHtml).not.toContain('1101700192331');
    // A viewer reads only: no reply form, and a post is refused.
    expect(viewer.lastHtml).not.toContain('name="text"');
    const refused = await viewer.post(`/console/inbox/${flagId}/reply`, {
      text: 'hello',
      token: 'a'.repeat(24),
    });
    expect(refused.status).toBe(403);
    expect(mock.pushes()).toHaveLength(0);
    expect(thread(flagId).filter((r) => r.direction === 'staff')).toHaveLength(0);
  });

  it('sends a staff reply as one push with a retry key, audited; a repeat is not delivered twice', async () => {
    const { userId, flagId } = await flaggedUser();
    mock.setQuota({ limit: 500, totalUsage: 120 });
    const editor = await signIn('editor@sso.go.th');
    await editor.get(`/console/inbox/${flagId}`);
    expect(editor.lastHtml).toContain('120');
    expect(editor.lastHtml).toContain('380'); // left of 500
    const token = replyToken(editor.lastHtml)!;
    expect(token).toBeTruthy();
    const text = 'สวัสดีค่ะ เจ้าหน้าที่ตรวจเลขบัตร 1101700192331 ให้แล้วค่ะ';
    const res = await editor.post(`/console/inbox/${flagId}/reply`, { text, token });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/inbox/${flagId}?ok=inbox.reply.sent`);

    const pushes = mock.pushes();
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.body).toEqual({ to: userId, messages: [{ type: 'text', text }] });
    const key = await stableRetryKey(`staff-reply:${flagId}:${token}`);
    expect(pushes[0]!.headers['x-line-retry-key']).toBe(key);
    expect(mock.violations).toEqual([]);

    // Stored masked, marked sent; the audit names the flag, never the text.
    const staffRows = thread(flagId).filter((r) => r.direction === 'staff');
    expect(staffRows).toHaveLength(1);
    expect(staffRows[0]).toMatchObject({ status: 'sent', retryKey: key });
    expect(staffRows[0]!.text).toContain('1-1017-xxxxx-xx-1');
    expect(staffRows[0]!.text).not.toContain('1101700192331');
    const audit = await listStaffAudit(app.deps.store, { action: 'inbox.reply' });
    expect(audit[0]).toMatchObject({ actor: 'editor@sso.go.th', target: `flag:${flagId}` });
    expect(audit[0]!.detail).not.toContain('สวัสดี');

    // A crash after LINE accepted the push, before the row was marked: the same form again.
    app.store.syncDb
      .update(staffFlagMessages)
      .set({ status: 'pending' })
      .where(eq(staffFlagMessages.id, staffRows[0]!.id))
      .run();
    await editor.get(`/console/inbox/${flagId}`);
    const again = await editor.post(`/console/inbox/${flagId}/reply`, { text, token });
    expect(again.status).toBe(303);
    const attempts = mock.requests.filter((r) => r.operationId === 'pushMessage');
    expect(attempts.map((r) => r.status)).toEqual([200, 409]);
    expect(attempts[1]!.headers['x-line-retry-key']).toBe(key);
    expect(mock.pushes()).toHaveLength(1);
    const after = thread(flagId).filter((r) => r.direction === 'staff');
    expect(after).toHaveLength(1);
    expect(after[0]!.status).toBe('sent');
    // Posted once more now that it is marked sent: nothing goes to LINE at all.
    await editor.post(`/console/inbox/${flagId}/reply`, { text, token });
    expect(mock.requests.filter((r) => r.operationId === 'pushMessage')).toHaveLength(2);

    // The reply shows in the thread on the page.
    await editor.get(`/console/inbox/${flagId}`);
    expect(editor.lastHtml).toContain('เจ้าหน้าที่ตรวจเลขบัตร 1-1017-xxxxx-xx-1');
  });

  it('keeps the form and says so when LINE refuses the push; sending again delivers it', async () => {
    const { flagId } = await flaggedUser();
    const editor = await signIn('editor@sso.go.th');
    await editor.get(`/console/inbox/${flagId}`);
    const token = replyToken(editor.lastHtml)!;
    mock.setResponder((req) =>
      req.operationId === 'pushMessage' ? { status: 500, body: { message: 'boom' } } : undefined,
    );
    const failed = await editor.post(`/console/inbox/${flagId}/reply`, {
      text: 'ข้อความทดสอบ',
      token,
    });
    expect(failed.status).toBe(502);
    expect(editor.lastHtml).toContain('ข้อความทดสอบ</textarea>');
    expect(replyToken(editor.lastHtml)).toBe(token);
    expect(thread(flagId).find((r) => r.direction === 'staff')?.status).toBe('failed');
    mock.setResponder(null);
    const sent = await editor.post(`/console/inbox/${flagId}/reply`, {
      text: 'ข้อความทดสอบ',
      token,
    });
    expect(sent.status).toBe(303);
    expect(mock.pushes()).toHaveLength(1);
    const rows = thread(flagId).filter((r) => r.direction === 'staff');
    expect(rows.map((r) => r.status)).toEqual(['sent']);
  });

  it('pauses the bot: texts get no answer and go to the thread; menu taps are answered; it answers again after the pause', async () => {
    const { userId, flagId } = await flaggedUser();
    const editor = await signIn('editor@sso.go.th');
    await editor.get(`/console/inbox/${flagId}`);
    const paused = await editor.post(`/console/inbox/${flagId}/pause`, { minutes: '30' });
    expect(paused.status).toBe(303);
    expect((await getLineUser(app.deps.store, userId))?.botPausedUntil).toBe(clock.t + 30 * 60_000);
    expect((await listStaffAudit(app.deps.store, { action: 'inbox.pause' }))[0]).toMatchObject({
      target: `flag:${flagId}`,
    });

    mock.reset();
    await say(userId, 'เงินสมทบของฉันเท่าไหร่');
    expect(mock.replies()).toHaveLength(0);
    expect(mock.pushes()).toHaveLength(0);
    const last = thread(flagId).at(-1)!;
    expect(last).toMatchObject({ direction: 'user', text: 'เงินสมทบของฉันเท่าไหร่' });

    // A rich-menu tap is an explicit ask: answered, and recorded.
    await tap(userId, 'action=greeting_help');
    expect(mock.replies()).toHaveLength(1);
    expect(thread(flagId).at(-1)!.direction).toBe('bot');

    await editor.get(`/console/inbox/${flagId}`);
    expect(editor.lastHtml).toContain('ให้บอตตอบต่อ'); // the resume button

    // The pause ends by itself.
    clock.t += 31 * 60_000;
    mock.reset();
    await say(userId, 'สวัสดี');
    expect(mock.replies()).toHaveLength(1);
  });

  it('resumes the bot on request', async () => {
    const { userId, flagId } = await flaggedUser();
    const editor = await signIn('editor@sso.go.th');
    await editor.get(`/console/inbox/${flagId}`);
    await editor.post(`/console/inbox/${flagId}/pause`, { minutes: '1440' });
    mock.reset();
    await say(userId, 'สวัสดี');
    expect(mock.replies()).toHaveLength(0);
    await editor.get(`/console/inbox/${flagId}`);
    const res = await editor.post(`/console/inbox/${flagId}/resume`, {});
    expect(res.status).toBe(303);
    expect((await getLineUser(app.deps.store, userId))?.botPausedUntil).toBeNull();
    expect((await listStaffAudit(app.deps.store, { action: 'inbox.resume' }))[0]).toMatchObject({
      target: `flag:${flagId}`,
    });
    await say(userId, 'สวัสดี');
    expect(mock.replies()).toHaveLength(1);
  });

  it('pauses the bot for 2 hours with a reply when asked', async () => {
    const { userId, flagId } = await flaggedUser();
    const editor = await signIn('editor@sso.go.th');
    await editor.get(`/console/inbox/${flagId}`);
    const token = replyToken(editor.lastHtml)!;
    await editor.post(`/console/inbox/${flagId}/reply`, { text: 'สวัสดีค่ะ', token, pause: '1' });
    expect((await getLineUser(app.deps.store, userId))?.botPausedUntil).toBe(
      clock.t + 120 * 60_000,
    );
  });

  it('closes a chat with a masked note, which ends the pause; the bot answers again', async () => {
    const { userId, flagId } = await flaggedUser();
    const editor = await signIn('editor@sso.go.th');
    await editor.get(`/console/inbox/${flagId}`);
    await editor.post(`/console/inbox/${flagId}/pause`, { minutes: '480' });
    await editor.get(`/console/inbox/${flagId}`);
    const empty = await editor.post(`/console/inbox/${flagId}/close`, { note: '  ' });
    expect(empty.headers.get('location')).toContain('error=inbox.close.noteRequired');
    const res = await editor.post(`/console/inbox/${flagId}/close`, {
      note: 'โทรกลับแล้วที่ 081-234-5678 เรื่องเรียบร้อย',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/inbox?ok=inbox.close.done');
    const flag = app.store.syncDb.select().from(staffFlags).where(eq(staffFlags.id, flagId)).get();
    expect(flag).toMatchObject({ status: 'closed', closedAt: clock.t });
    expect(flag?.closedBy).toBeTypeOf('number');
    expect(flag?.closeNote).toBe('โทรกลับแล้วที่ [PHONE] เรื่องเรียบร้อย');
    expect((await getLineUser(app.deps.store, userId))?.botPausedUntil).toBeNull();
    expect((await listStaffAudit(app.deps.store, { action: 'inbox.close' }))[0]).toMatchObject({
      target: `flag:${flagId}`,
    });
    // Closed: the list shows it under the closed ones, the page has no reply form any more.
    await editor.get('/console/inbox?ok=inbox.close.done');
    expect(editor.lastHtml).toContain('ปิดแชตแล้ว');
    const closedSection = editor.lastHtml.slice(editor.lastHtml.indexOf('ปิดแล้วใน 14 วัน'));
    expect(closedSection).toContain(`href="/console/inbox/${flagId}"`);
    await editor.get(`/console/inbox/${flagId}`);
    expect(editor.lastHtml).not.toContain('name="text"');
    expect(editor.lastHtml).toContain('โทรกลับแล้วที่ [PHONE]');
    // The bot answers again, and the closed chat records nothing more.
    const before = thread(flagId).length;
    mock.reset();
    await say(userId, 'สวัสดี');
    expect(mock.replies()).toHaveLength(1);
    expect(thread(flagId)).toHaveLength(before);
  });

  it('shows whether a chat is linked, and audits that personal read under the staff account', async () => {
    const person = insertPerson(app.store);
    const userId = newUser();
    await say(userId, 'สวัสดี'); // the user row exists
    await bindAccount(app.deps.store, userId, person.id, clock.t);
    const { flagId } = await flaggedUser(userId);
    const viewer = await signIn('viewer@sso.go.th');
    await viewer.get(`/console/inbox/${flagId}`);
    expect(viewer.lastHtml).not.toContain(person.nationalId);
    const audits = app.store.syncDb
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.personId, person.id), eq(auditLog.action, 'staff_read_link_status')))
      .all();
    expect(audits.length).toBeGreaterThan(0);
    expect(audits[0]!.actor).toMatch(/^staff:\d+$/);
  });

  it('answers 404 for an unknown chat', async () => {
    const viewer = await signIn('viewer@sso.go.th');
    expect((await viewer.get('/console/inbox/999999')).status).toBe(404);
    expect((await viewer.get('/console/inbox/abc')).status).toBe(404);
  });
});
