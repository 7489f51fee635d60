/**
 * Account linking end to end over HTTP: link_account → LINE link token → our page → 303 to
 * LINE with a nonce → accountLink event → bound; and every way it must not bind.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { LINE_ACCOUNT_LINK_URL } from '../../src/routes/link.ts';
import { accountLinks, auditLog, lineUsers, webhookEvents } from '../../src/store/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { insertPerson, type TestPerson } from '../helpers/people.ts';

let mock: LineMock;
let app: TestApp;
let person: TestPerson;
const userId = demoUserId('linker');

beforeAll(async () => {
  mock = await startLineMock();
});
afterAll(() => mock.close());
beforeEach(async () => {
  mock.reset();
  app = await createTestApp({
    lineApiBaseUrl: mock.url,
    env: { PUBLIC_BASE_URL: 'https://bot.example' },
  });
  person = insertPerson(app.store);
});
afterEach(async () => {
  expect(mock.violations).toEqual([]);
  await app.dispose();
});

type Msg = {
  type: string;
  text?: string;
  contents?: unknown;
  quickReply?: { items: { action: { data?: string } }[] };
};
const lastReply = (): Msg[] => (mock.replies().at(-1)!.body as { messages: Msg[] }).messages;

async function say(evt: unknown): Promise<Msg[]> {
  const before = mock.replies().length;
  await app.post([evt]);
  await app.settle();
  expect(mock.replies().length).toBe(before + 1);
  return lastReply();
}

async function startLink(): Promise<string> {
  const messages = await say(events.text({ userId }, 'ผูกบัญชี'));
  const uri = JSON.stringify(messages).match(/https:\/\/bot\.example\/link\?linkToken=([^&"]+)/);
  expect(uri, JSON.stringify(messages)).not.toBeNull();
  return decodeURIComponent(uri![1]!);
}

function submit(fields: Record<string, string>) {
  return app.app.request('/link', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

const goodFields = (linkToken: string) => ({
  linkToken,
  nationalId: person.nationalId.replace(/^(\d)(\d{4})(\d{5})(\d{2})(\d)$/, '$1-$2-$3-$4-$5'),
  birthDate: person.birthDate,
  laserCode: `${person.laserCode.slice(0, 3)}-${person.laserCode.slice(3, 10)}-${person.laserCode.slice(10)}`,
});

describe('account linking', () => {
  it('links a user end to end and confirms with a masked ID', async () => {
    const linkToken = await startLink();
    expect(mock.requests.some((r) => r.path === `/v2/bot/user/${userId}/linkToken`)).toBe(true);

    const page = await app.app.request(`/link?linkToken=${encodeURIComponent(linkToken)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('lang="th"');
    expect(html).toContain('<label for="nationalId">');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('strict-transport-security')).toContain('max-age=');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const res = await submit(goodFields(linkToken));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(LINE_ACCOUNT_LINK_URL);
    expect(location.searchParams.get('linkToken')).toBe(linkToken);
    const nonce = location.searchParams.get('nonce')!;
    expect(nonce.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits in base64

    const confirmation = await say(events.accountLink({ userId }, 'ok', nonce));
    const text = confirmation[0]?.text ?? '';
    expect(text).toContain('ผูกบัญชีเรียบร้อย');
    expect(text).toContain(
      `${person.nationalId[0]}-${person.nationalId.slice(1, 5)}-xxxxx-xx-${person.nationalId[12]}`,
    );
    expect(text).not.toContain(person.nationalId);
    expect(app.store.syncDb.select().from(accountLinks).all()).toEqual([
      expect.objectContaining({ userId, personId: person.id }),
    ]);
    const audit = app.store.syncDb.select().from(auditLog).all();
    expect(audit.map((a) => a.action)).toContain('link_account');
    expect(JSON.stringify(audit)).not.toContain(userId);
  });

  it('binds nothing on a failed link result, a reused nonce, or an unknown nonce', async () => {
    const linkToken = await startLink();
    const res = await submit(goodFields(linkToken));
    const nonce = new URL(res.headers.get('location')!).searchParams.get('nonce')!;

    // LINE sends no reply token with a failed result: the bot tells the user by push.
    await app.post([events.accountLink({ userId }, 'failed', nonce)]);
    await app.settle();
    const pushed = (mock.pushes().at(-1)!.body as { messages: Msg[] }).messages;
    expect(pushed[0]?.text).toContain('ไม่สำเร็จ');
    const unknown = await say(
      events.accountLink({ userId }, 'ok', 'not-a-nonce-we-issued-xxxxxxxx'),
    );
    expect(unknown[0]?.text).toContain('ไม่สำเร็จ');
    expect(app.store.syncDb.select().from(accountLinks).all()).toHaveLength(0);

    await say(events.accountLink({ userId }, 'ok', nonce));
    expect(app.store.syncDb.select().from(accountLinks).all()).toHaveLength(1);
    // Single use: the same nonce presented by someone else binds nothing.
    const other = demoUserId('attacker');
    await say(events.accountLink({ userId: other }, 'ok', nonce));
    expect(
      app.store.syncDb
        .select()
        .from(accountLinks)
        .all()
        .map((r) => r.userId),
    ).toEqual([userId]);
  });

  it('answers a wrong field with the same message whichever field it is, and never a 303', async () => {
    const linkToken = await startLink();
    const wrong = [
      { ...goodFields(linkToken), birthDate: '1990-01-01' },
      { ...goodFields(linkToken), laserCode: 'ME0000000000' },
      { ...goodFields(linkToken), nationalId: insertPerson(app.store).nationalId },
    ];
    const bodies: string[] = [];
    for (const fields of wrong) {
      const res = await submit(fields);
      expect(res.status).toBe(200);
      const html = await res.text();
      bodies.push(html.match(/<p class="error"[^>]*>([^<]*)</)?.[1] ?? '');
    }
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toContain('ไม่ตรงกับทะเบียน');
  });

  it('locks out after 5 failures per link token within 15 minutes, even with the right data', async () => {
    const linkToken = await startLink();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await submit({ ...goodFields(linkToken), birthDate: '2000-01-01' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const locked = await submit(goodFields(linkToken));
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('15 นาที');
  });

  it('names a mistyped ID or an impossible date before any lookup, and counts no failure', async () => {
    const linkToken = await startLink();
    const badId = await submit({ ...goodFields(linkToken), nationalId: '3100600123451' });
    expect(badId.status).toBe(400);
    expect(await badId.text()).toContain('เลขหลักสุดท้าย');
    for (const birthDate of ['1970-02-30', '2999-01-01']) {
      const res = await submit({ ...goodFields(linkToken), birthDate });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('วันเกิดไม่ถูกต้อง');
    }
    for (const nationalId of ['310060012345', '31006001234500'])
      expect((await submit({ ...goodFields(linkToken), nationalId })).status).toBe(400);
    // None of these five counted toward the lock-out (5 failures): the right details still link.
    expect((await submit(goodFields(linkToken))).status).toBe(303);
  });

  it('locks out after 5 failures per national ID across link tokens', async () => {
    for (let i = 0; i < 5; i++) {
      await submit({ ...goodFields(`token-${i}`), laserCode: 'XX0000000000' });
    }
    const res = await submit(goodFields('a-fresh-token'));
    expect(res.status).toBe(429);
  });

  it('gives unlinked users the general answer and a "see my own figures" button, never their data', async () => {
    const stranger = demoUserId('stranger');
    for (const text of ['เงินสมทบของฉันเท่าไหร่', 'โรงพยาบาลตามสิทธิของฉัน', 'เงินว่างงานของฉันเข้ายัง']) {
      const messages = await say(events.text({ userId: stranger }, text));
      const all = JSON.stringify(messages);
      // The general answer, with its source; no person's name or masked ID.
      expect(messages[0]!.type).toBe('flex');
      expect(all).toContain('ที่มา');
      expect(all).not.toMatch(/\d-\d{4}-xxxxx-xx-\d/);
      expect(all).not.toContain('สมชาย');
      // The button that starts linking (a link token is only fetched when it is tapped).
      expect(all).toContain('action=link_account');
      expect(all).not.toContain('/link?linkToken=');
    }
    const linkButton = await say(events.postback({ userId: stranger }, 'action=link_account'));
    expect(JSON.stringify(linkButton)).toContain('/link?linkToken=');
  });

  it('unlinks after confirmation and erases the chat data, keeping a pseudonymous audit trail', async () => {
    const linkToken = await startLink();
    const nonce = new URL(
      (await submit(goodFields(linkToken))).headers.get('location')!,
    ).searchParams.get('nonce')!;
    await say(events.accountLink({ userId }, 'ok', nonce));

    // A failed event keeps its text for diagnosis, until the user asks to be erased.
    app.store.syncDb
      .insert(webhookEvents)
      .values({
        webhookEventId: 'failed-event-1',
        type: 'message',
        userId,
        eventTimestamp: Date.now(),
        payload: JSON.stringify(events.text({ userId }, 'เลขบัตร 1101700192331 ของฉัน')),
        status: 'failed',
        receivedAt: Date.now(),
      })
      .run();

    const ask = await say(events.text({ userId }, 'ยกเลิกผูกบัญชี'));
    expect(ask[0]?.quickReply?.items.map((i) => i.action.data)).toEqual([
      'action=unlink_account&confirm=yes',
      'action=unlink_account&confirm=no',
    ]);
    expect(app.store.syncDb.select().from(accountLinks).all()).toHaveLength(1);

    const done = await say(events.postback({ userId }, 'action=unlink_account&confirm=yes'));
    expect(done[0]?.text).toContain('ยกเลิกการผูกบัญชี');
    expect(app.store.syncDb.select().from(accountLinks).all()).toHaveLength(0);
    const user = app.store.syncDb
      .select()
      .from(lineUsers)
      .all()
      .find((u) => u.userId === userId);
    expect(user?.profileLanguage).toBeNull();
    const stored = app.store.syncDb
      .select()
      .from(webhookEvents)
      .all()
      .filter((e) => e.userId === userId);
    expect(stored.find((e) => e.webhookEventId === 'failed-event-1')?.payload).toBe('{}');
    expect(stored.every((e) => e.payload === '{}')).toBe(true);
    const audit = app.store.syncDb.select().from(auditLog).all();
    expect(audit.map((a) => a.action)).toEqual(['link_account', 'unlink_account']);
    expect(JSON.stringify(audit)).not.toContain(userId);
  });

  it('rejects a missing or malformed link token on the page', async () => {
    expect((await app.app.request('/link')).status).toBe(400);
    expect((await app.app.request('/link?linkToken=%3Cscript%3E')).status).toBe(400);
    const res = await submit({ nationalId: '1', birthDate: '2000-01-01', laserCode: 'x' });
    expect(res.status).toBe(400);
  });
});
