/**
 * Account linking end to end over HTTP: link_account → LINE link token → our page → 303 to
 * LINE with a nonce → accountLink event → bound; and every way it must not bind.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { LINE_ACCOUNT_LINK_URL } from '../../src/routes/link.ts';
import {
  accountLinks,
  auditLog,
  identityDocuments,
  insuredPersons,
  lineUsers,
  linkCodes,
  linkFailures,
  linkNonces,
  linkTokens,
  staffFlagMessages,
  staffFlags,
  webhookEvents,
} from '../../src/store/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';
import { insertPerson, type TestPerson } from '../helpers/people.ts';

let mock: LineMock;
let app: TestApp;
let person: TestPerson;
const userId = demoUserId('linker');
const ADMIN_TOKEN = 'link-test-admin-token-K7qZ2xW9pL4mN8vB';
/** The app's clock: real time unless a test moves it. */
const clock = { t: Date.now(), now: () => clock.t };

beforeAll(async () => {
  mock = await startLineMock();
});
afterAll(() => mock.close());
beforeEach(async () => {
  mock.reset();
  clock.t = Date.now();
  app = await createTestApp({
    lineApiBaseUrl: mock.url,
    env: {
      PUBLIC_BASE_URL: 'https://bot.example',
      CLIENT_IP_HEADER: 'x-client-ip',
      ADMIN_TOKEN,
    },
    clock,
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

async function startLink(who: string = userId): Promise<string> {
  // The event is as old as the app's clock says (a test may move it).
  const messages = await say(events.text({ userId: who, timestamp: clock.t }, 'ผูกบัญชี'));
  const uri = JSON.stringify(messages).match(/https:\/\/bot\.example\/link\?linkToken=([^&"]+)/);
  expect(uri, JSON.stringify(messages)).not.toBeNull();
  return decodeURIComponent(uri![1]!);
}

function submit(fields: Record<string, string>, clientIp = '203.0.113.10') {
  return app.app.request('/link', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-client-ip': clientIp },
    body: new URLSearchParams(fields).toString(),
  });
}

const nonceOf = (res: Response) => new URL(res.headers.get('location')!).searchParams.get('nonce')!;
const linkedUsers = () =>
  app.store.syncDb
    .select()
    .from(accountLinks)
    .all()
    .map((r) => r.userId);

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

  it('locks out after 5 failures per national ID across link tokens, with Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      const token = await startLink();
      await submit({ ...goodFields(token), laserCode: 'XX0000000000' });
    }
    const res = await submit(goodFields(await startLink()));
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it('accepts only link tokens the bot obtained, unexpired and unused (SPEC §3.2)', async () => {
    // A made-up token: 400 on GET and POST, and nothing counted against anyone.
    for (const made of ['made-up-token-1', 'made-up-token-2']) {
      const page = await app.app.request(`/link?linkToken=${made}`);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain('ผูกบัญชี');
      const post = await submit(goodFields(made));
      expect(post.status).toBe(400);
    }
    expect(app.store.syncDb.select().from(linkFailures).all()).toEqual([]);

    // Stored hashed with its LINE user; the raw token is nowhere in the database.
    const linkToken = await startLink();
    const rows = app.store.syncDb.select().from(linkTokens).all();
    expect(rows).toEqual([expect.objectContaining({ userId, usedAt: null })]);
    expect(JSON.stringify(rows)).not.toContain(linkToken);

    // Expired after LINE's 10 minutes.
    clock.t += 10 * 60_000 + 1;
    expect((await app.app.request(`/link?linkToken=${linkToken}`)).status).toBe(400);
    expect((await submit(goodFields(linkToken))).status).toBe(400);

    // Used once a nonce was issued for it (LINE's token is single use as well).
    const fresh = await startLink();
    expect((await submit(goodFields(fresh))).status).toBe(303);
    expect((await submit(goodFields(fresh))).status).toBe(400);
    expect((await app.app.request(`/link?linkToken=${fresh}`)).status).toBe(400);
  });

  it('binds a nonce only for the LINE user its link token was made for', async () => {
    const nonce = nonceOf(await submit(goodFields(await startLink())));
    const other = demoUserId('attacker');
    const answer = await say(events.accountLink({ userId: other }, 'ok', nonce));
    expect(answer[0]?.text).toContain('ไม่สำเร็จ');
    expect(linkedUsers()).toEqual([]);
    expect(app.logs.some((l) => String(l.msg).includes('another LINE user'))).toBe(true);
    // Burnt: not even the right user can use it afterwards.
    await say(events.accountLink({ userId }, 'ok', nonce));
    expect(linkedUsers()).toEqual([]);
  });

  it("an attacker who knows someone's ID exhausts their own budget; the owner still links", async () => {
    const attacker = demoUserId('attacker');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const token = await startLink(attacker);
      const res = await submit({ ...goodFields(token), laserCode: 'XX0000000000' }, '198.51.100.7');
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429]);
    // The owner, from their own phone and LINE account: not affected.
    const res = await submit(goodFields(await startLink()), '203.0.113.99');
    expect(res.status).toBe(303);

    // Lookup keys are HMACs under a secret: neither the ID nor its plain SHA-256 is stored.
    const keys = JSON.stringify(app.store.syncDb.select().from(linkFailures).all());
    const { createHash } = await import('node:crypto');
    for (const plain of [person.nationalId, attacker, '198.51.100.7']) {
      expect(keys).not.toContain(plain);
      expect(keys).not.toContain(createHash('sha256').update(plain).digest('base64url'));
    }
  });

  it('one client address gets 10 failures in 15 minutes, whichever LINE users it uses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const other = insertPerson(app.store);
      const token = await startLink(demoUserId(`rotating-${i}`));
      const res = await submit(
        { ...goodFields(token), nationalId: other.nationalId, laserCode: 'XX0000000000' },
        '198.51.100.8',
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 9).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(9)).toEqual([429, 429]);
  });

  it('a distributed attack (5 LINE users, 5 addresses) locks the ID for everyone for 15 minutes', async () => {
    for (let i = 0; i < 5; i++) {
      const token = await startLink(demoUserId(`botnet-${i}`));
      const res = await submit({ ...goodFields(token), laserCode: 'XX0000000000' }, `192.0.2.${i}`);
      expect(res.status, `attempt ${i}`).toBe(i === 4 ? 429 : 200);
    }
    const owner = await submit(goodFields(await startLink()), '203.0.113.99');
    expect(owner.status).toBe(429);
    clock.t += 15 * 60_000 + 1;
    expect((await submit(goodFields(await startLink()), '203.0.113.99')).status).toBe(303);
  });

  it('one person, one LINE account: a second account takes the link and the first is told', async () => {
    await say(
      events.accountLink({ userId }, 'ok', nonceOf(await submit(goodFields(await startLink())))),
    );
    const second = demoUserId('new-phone');
    const nonce = nonceOf(await submit(goodFields(await startLink(second))));
    await say(events.accountLink({ userId: second }, 'ok', nonce));
    expect(linkedUsers()).toEqual([second]);
    const told = mock.pushes().find((p) => (p.body as { to: string }).to === userId);
    expect(told, 'push to the first account').toBeDefined();
    expect(JSON.stringify(told!.body)).toContain('1506');
    const actions = app.store.syncDb
      .select()
      .from(auditLog)
      .all()
      .map((a) => a.action);
    expect(actions).toEqual(['link_account', 'link_account', 'link_replaced']);
  });

  it('"already linked" is a personal read and is audited', async () => {
    await say(
      events.accountLink({ userId }, 'ok', nonceOf(await submit(goodFields(await startLink())))),
    );
    const answer = await say(events.text({ userId }, 'ผูกบัญชี'));
    expect(answer[0]?.text).toMatch(/\d-\d{4}-xxxxx-xx-\d/);
    const actions = app.store.syncDb
      .select()
      .from(auditLog)
      .all()
      .map((a) => a.action);
    expect(actions).toEqual(['link_account', 'read_link_status']);
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

    // A staff flag from this user (talk_to_staff).
    await say(events.text({ userId }, 'ขอคุยกับเจ้าหน้าที่'));
    expect(app.store.syncDb.select().from(staffFlags).all()).toHaveLength(1);
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
    // While the flag is open, their words are in the inbox's conversation.
    expect(JSON.stringify(app.store.syncDb.select().from(staffFlagMessages).all())).toContain(
      'ยกเลิกผูกบัญชี',
    );

    const done = await say(events.postback({ userId }, 'action=unlink_account&confirm=yes'));
    expect(done[0]?.text).toContain('ยกเลิกการผูกบัญชี');
    expect(app.store.syncDb.select().from(accountLinks).all()).toHaveLength(0);
    // The LINE user ID is gone from every table (the audit trail keeps a keyed pseudonym).
    const db = app.store.syncDb;
    expect(
      db
        .select()
        .from(lineUsers)
        .all()
        .map((u) => u.userId),
    ).not.toContain(userId);
    const failed = db
      .select()
      .from(webhookEvents)
      .all()
      .find((e) => e.webhookEventId === 'failed-event-1');
    expect(failed).toMatchObject({ payload: '{}', userId: null, replyToken: null });
    for (const table of [
      accountLinks,
      lineUsers,
      webhookEvents,
      linkTokens,
      linkNonces,
      staffFlags,
      auditLog,
    ]) {
      expect(JSON.stringify(db.select().from(table).all())).not.toContain(userId);
    }
    // Their words in the inbox (no user id on those rows) are gone too.
    expect(db.select().from(staffFlagMessages).all()).toEqual([]);
    const audit = db.select().from(auditLog).all();
    expect(audit.map((a) => a.action)).toEqual(['link_account', 'unlink_account']);
  });

  it('rejects a missing or malformed link token on the page', async () => {
    expect((await app.app.request('/link')).status).toBe(400);
    expect((await app.app.request('/link?linkToken=%3Cscript%3E')).status).toBe(400);
    const res = await submit({ nationalId: '1', birthDate: '2000-01-01', laserCode: 'x' });
    expect(res.status).toBe(400);
    expect(app.store.syncDb.select().from(linkFailures).all()).toEqual([]);
  });
});

describe('linking with a pink card or a passport (migrant workers)', () => {
  const issue = async (body: unknown) =>
    app.app.request('/admin/link-codes', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('a pink card holder links with the number, birth date and a one-time link code', async () => {
    const worker = insertPerson(app.store, { nationalId: '0067102345674', laserCodeHash: 'none' });
    const res = await issue({
      nationalId: '0-0671-02345-67-4',
      issuedBy: 'Somsri, Samut Prakan office',
    });
    expect(res.status).toBe(201);
    const issued = (await res.json()) as { code: string; expiresAt: string; nationalId: string };
    expect(issued.code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    expect(issued.nationalId).toBe('0-0671-xxxxx-xx-4');
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    // Stored only hashed.
    expect(JSON.stringify(app.store.syncDb.select().from(linkCodes).all())).not.toContain(
      issued.code.replace('-', ''),
    );

    const fields = (linkToken: string, code: string) => ({
      linkToken,
      docType: 'pink_card',
      nationalId: worker.nationalId,
      birthDate: worker.birthDate,
      linkCode: code.toLowerCase(),
    });
    // A Thai-ID attempt with the pink card number is named as such, and counts nothing.
    const thaiForm = await submit({
      ...goodFields(await startLink()),
      nationalId: worker.nationalId,
    });
    expect(thaiForm.status).toBe(400);
    expect(app.store.syncDb.select().from(linkFailures).all()).toEqual([]);

    const ok = await submit(fields(await startLink(), issued.code));
    expect(ok.status).toBe(303);
    await say(events.accountLink({ userId }, 'ok', nonceOf(ok)));
    expect(linkedUsers()).toEqual([userId]);
    // Single use (tried from another LINE account: this one is linked now).
    const again = await submit(fields(await startLink(demoUserId('second-phone')), issued.code));
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('ไม่ตรงกับทะเบียน');
    const actions = app.store.syncDb
      .select()
      .from(auditLog)
      .all()
      .map((a) => a.action);
    expect(actions).toEqual(['issue_link_code', 'link_account']);
    expect(
      app.store.syncDb
        .select()
        .from(linkCodes)
        .all()
        .every((c) => c.usedAt !== null),
    ).toBe(true);
  });

  it('a passport holder links with passport number, country, birth date and a link code', async () => {
    const worker = insertPerson(app.store, { nationalId: '0067203456781', laserCodeHash: 'none' });
    app.store.syncDb
      .insert(identityDocuments)
      .values({
        personId: worker.id,
        type: 'passport',
        country: 'KHM',
        number: 'N01234567',
        updatedAt: Date.now(),
      })
      .run();
    const res = await issue({
      passport: { country: 'KHM', number: 'n01234567' },
      issuedBy: 'hotline',
    });
    expect(res.status).toBe(201);
    const { code } = (await res.json()) as { code: string };
    const fields = (linkToken: string, country: string) => ({
      linkToken,
      docType: 'passport',
      passportNumber: 'n0123 4567',
      country,
      birthDate: worker.birthDate,
      linkCode: code,
      lang: 'km',
    });
    const wrongCountry = await submit(fields(await startLink(), 'MMR'));
    expect(wrongCountry.status).toBe(200);
    const ok = await submit(fields(await startLink(), 'KHM'));
    expect(ok.status).toBe(303);
  });

  it('refuses link codes for Thai ID card holders and unknown documents', async () => {
    expect((await issue({ nationalId: person.nationalId, issuedBy: 'x' })).status).toBe(400);
    expect((await issue({ nationalId: '0067102345674', issuedBy: 'x' })).status).toBe(404);
    expect(
      (await issue({ passport: { country: 'LAO', number: 'P1234567' }, issuedBy: 'x' })).status,
    ).toBe(404);
    expect((await issue({ nationalId: '0067102345674' })).status).toBe(400);
    const unauthorised = await app.app.request('/admin/link-codes', { method: 'POST', body: '{}' });
    expect(unauthorised.status).toBe(401);
  });

  it('upgrades a laser-code hash made at a lower cost on the first good link', async () => {
    const before = app.store.syncDb
      .select()
      .from(insuredPersons)
      .all()
      .find((p) => p.id === person.id)!;
    expect(before.laserCodeHash.startsWith('pbkdf2-sha256$')).toBe(true);
    expect((await submit(goodFields(await startLink()))).status).toBe(303);
    const after = app.store.syncDb
      .select()
      .from(insuredPersons)
      .all()
      .find((p) => p.id === person.id)!;
    expect(after.laserCodeHash.startsWith('pbkdf2-sha256-chain$6$100000$')).toBe(true);
  });
});
