/**
 * The console's Unanswered questions page (/console/unanswered, C15): grouped by topic and by
 * similarity (src/console/cluster.ts), the weekly trend, marking handled, and the JSONL export
 * of a training-example draft — over HTTP with a real SQLite database.
 */
import { describe, expect, it } from 'vitest';
import { clusterQuestions, trainingDraft } from '../../src/console/cluster.ts';
import { events } from '../../src/dev/webhook-events.ts';
import { unansweredQuestions } from '../../src/store/schema.ts';
import { listStaffAudit } from '../../src/store/staff.ts';
import { recordUnanswered } from '../../src/store/unanswered.ts';
import { type ConsoleClient, signedIn, useConsoleApp } from './helpers.ts';

const env = useConsoleApp();
const DAY = 86_400_000;

const LOST_CARD = [
  'บัตรประกันสังคมหายทำยังไง',
  'ทำบัตรประกันสังคมหาย ต้องทำอย่างไร',
  'บัตรประกันสังคมหาย ทำยังไงดีคะ',
];

async function ask(text: string, opts: { daysAgo?: number; lang?: string; topic?: string | null }) {
  await recordUnanswered(env.app.deps.store, {
    at: Date.now() - (opts.daysAgo ?? 0) * DAY - 1000,
    lang: opts.lang ?? 'th',
    text,
    alternatives: opts.topic ? [opts.topic] : [],
    confidence: 0.2,
  });
}

let staffNo = 0;
async function signIn(role: 'viewer' | 'editor'): Promise<ConsoleClient> {
  return (await signedIn(env.app, `${role}${++staffNo}@sso.go.th`, role)).client;
}

function wipe() {
  env.app.store.syncDb.delete(unansweredQuestions).run();
}

/** The rows of the group table whose example is `example`: [count, example]. */
function clusterCount(html: string, example: string): number | undefined {
  const re = new RegExp(`<tr><td>(\\d+)</td><th scope="row">${example}</th>`);
  const m = re.exec(html);
  return m ? Number(m[1]) : undefined;
}

describe('grouping (src/console/cluster.ts)', () => {
  it('puts similar wordings in one group per topic, most asked first, with the most asked wording as example', () => {
    let id = 0;
    const q = (text: string, topic: string | null, lang = 'th') => ({
      id: ++id,
      at: 1000 + id,
      lang,
      text,
      topic,
    });
    const groups = clusterQuestions([
      q(LOST_CARD[0]!, 'benefit_info'),
      q('นายจ้างไม่ยอมส่งเงินสมทบ', 'benefit_info'),
      q(LOST_CARD[1]!, 'benefit_info'),
      q(LOST_CARD[2]!, 'benefit_info'),
      q(LOST_CARD[2]!, 'benefit_info'),
      q('how do i replace my lost sso card', null, 'en'),
      q('I lost my SSO card, how do I replace it?', null, 'en'),
      q('บัตรประกันสังคมหายทำยังไง', 'office_location'),
    ]);
    expect(
      groups.map((g) => [g.topic, g.count, g.clusters.map((c) => c.questions.length)]),
    ).toEqual([
      ['benefit_info', 5, [4, 1]],
      [null, 2, [2]],
      ['office_location', 1, [1]],
    ]);
    const lost = groups[0]!.clusters[0]!;
    expect(lost.key).toBe(1);
    expect(lost.example).toBe(LOST_CARD[2]);
    expect(lost.langs).toEqual(['th']);
    expect([lost.firstAt, lost.lastAt]).toEqual([1001, 1005]);
    // The draft: one line per wording, counted.
    const lines = trainingDraft([lost])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ text: LOST_CARD[2], lang: 'th', intent: 'benefit_info', count: 2 });
    expect(lines).toHaveLength(3);
  });

  it('groups 5,000 questions quickly', () => {
    const words = ['บัตร', 'หาย', 'นายจ้าง', 'เงิน', 'สมทบ', 'ทำงาน', 'ลาออก', 'คลอด', 'ฟัน', 'ตา'];
    const qs = Array.from({ length: 5000 }, (_, i) => ({
      id: i + 1,
      at: i,
      lang: 'th',
      text: `${words[i % 10]}${words[(i * 7) % 10]}${words[(i * 3) % 10]} ${i}`,
      topic: i % 3 === 0 ? null : 'benefit_info',
    }));
    const started = performance.now();
    const groups = clusterQuestions(qs);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(5000);
  });
});

describe('console unanswered questions', () => {
  it('shows similar questions as one group with its count, the topic and the weekly trend', async () => {
    wipe();
    for (const text of LOST_CARD) await ask(text, { topic: 'benefit_info' });
    await ask('นายจ้างไม่ยอมส่งเงินสมทบ', { topic: 'benefit_info' });
    await ask('บัตรหายค่ะ', { topic: 'benefit_info', daysAgo: 10 });
    await ask('what time is it on mars', { lang: 'en', topic: null });
    const viewer = await signIn('viewer');
    const res = await viewer.get('/console/unanswered?days=30');
    expect(res.status).toBe(200);
    const html = viewer.lastHtml;
    expect(html).toContain('สิทธิประโยชน์ (benefit_info)');
    expect(html).toContain('ไม่มีหัวข้อที่ใกล้เคียง');
    expect(clusterCount(html, LOST_CARD[0]!)).toBe(3);
    expect(clusterCount(html, 'นายจ้างไม่ยอมส่งเงินสมทบ')).toBe(1);
    // The trend of the topic: 4 this week, 1 the week before, with a chart.
    expect(html).toContain('สัปดาห์นี้ 4 · สัปดาห์ก่อน 1');
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-label="สัปดาห์นี้ 4 คำถาม/);
    // A viewer has no handled buttons.
    expect(html).not.toContain('action="/console/unanswered/handled"');

    // Filters: a language, a shorter period.
    await viewer.get('/console/unanswered?days=7&lang=en');
    expect(viewer.lastHtml).toContain('what time is it on mars');
    expect(viewer.lastHtml).not.toContain(LOST_CARD[0]);
    await viewer.get('/console/unanswered?days=7');
    expect(viewer.lastHtml).not.toContain('บัตรหายค่ะ');
  });

  it('marks a whole group handled (editor, audited): it leaves the open view', async () => {
    wipe();
    for (const text of LOST_CARD) await ask(text, { topic: 'benefit_info' });
    await ask('นายจ้างไม่ยอมส่งเงินสมทบ', { topic: 'benefit_info' });
    const rows = env.app.store.syncDb.select().from(unansweredQuestions).all();
    const lostIds = rows.filter((r) => LOST_CARD.includes(r.text)).map((r) => String(r.id));

    const viewer = await signIn('viewer');
    await viewer.get('/console/unanswered');
    const refused = await viewer.post('/console/unanswered/handled', { id: lostIds });
    expect(refused.status).toBe(403);

    const editor = await signIn('editor');
    await editor.get('/console/unanswered');
    expect(editor.lastHtml).toContain('action="/console/unanswered/handled"');
    const res = await editor.post('/console/unanswered/handled', {
      id: lostIds,
      cluster: lostIds[0]!,
      days: '30',
      state: 'open',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('ok=unanswered.marked');
    const after = env.app.store.syncDb.select().from(unansweredQuestions).all();
    expect(
      after
        .filter((r) => r.handledAt !== null)
        .map((r) => String(r.id))
        .sort(),
    ).toEqual([...lostIds].sort());
    const audit = (await listStaffAudit(env.app.deps.store, { action: 'unanswered.handled' }))[0];
    expect(audit).toMatchObject({ target: `unanswered-group:${lostIds[0]}` });
    expect(JSON.parse(audit!.detail!)).toMatchObject({ count: 3, marked: 3 });

    await editor.get('/console/unanswered');
    expect(clusterCount(editor.lastHtml, LOST_CARD[0]!)).toBeUndefined();
    expect(clusterCount(editor.lastHtml, 'นายจ้างไม่ยอมส่งเงินสมทบ')).toBe(1);
    await editor.get('/console/unanswered?state=handled');
    expect(editor.lastHtml).toContain(LOST_CARD[0]);

    // One question alone.
    const single = after.find((r) => r.text === 'นายจ้างไม่ยอมส่งเงินสมทบ')!;
    await editor.get('/console/unanswered');
    await editor.post('/console/unanswered/handled', { id: String(single.id) });
    await editor.get('/console/unanswered');
    expect(editor.lastHtml).toContain('ไม่มีคำถามตามตัวกรองนี้');
    expect(
      (await listStaffAudit(env.app.deps.store, { action: 'unanswered.handled' }))[0],
    ).toMatchObject({
      target: `unanswered:${single.id}`,
    });
  });

  it('exports a topic or a group as JSONL with masked texts (attachment, audited)', async () => {
    wipe();
    await ask('บัตรประกันสังคมหาย โทรหาฉันที่ 081-234-5678', { topic: 'benefit_info' });
    await ask('บัตรประกันสังคมหาย โทรหาฉันที่ 089-999-1234', { topic: 'benefit_info' });
    await ask('บัตรประกันสังคมหายทำยังไง', { topic: 'benefit_info' });
    await ask('what time is it on mars', { lang: 'en', topic: null });
    const viewer = await signIn('viewer');
    await viewer.get('/console/unanswered');
    const link = /href="(\/console\/unanswered\/export\?[^"]*topic=benefit_info[^"]*)"/.exec(
      viewer.lastHtml,
    )?.[1];
    expect(link).toBeTruthy();
    const res = await viewer.get(link!.replaceAll('&amp;', '&'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="unanswered-benefit_info-\d{4}-\d{2}-\d{2}\.jsonl"$/,
    );
    const body = await res.text();
    expect(body).not.toContain('081-234-5678');
    const lines = body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { text: 'บัตรประกันสังคมหาย โทรหาฉันที่ [PHONE]', lang: 'th', intent: 'benefit_info', count: 2 },
      { text: 'บัตรประกันสังคมหายทำยังไง', lang: 'th', intent: 'benefit_info', count: 1 },
    ]);
    const audit = (await listStaffAudit(env.app.deps.store, { action: 'unanswered.export' }))[0];
    expect(audit).toMatchObject({ target: 'topic:benefit_info' });

    // A group without a topic: intent "".
    const none = /href="(\/console\/unanswered\/export\?[^"]*topic=_none[^"]*cluster=\d+)"/.exec(
      viewer.lastHtml,
    )?.[1];
    const res2 = await viewer.get(none!.replaceAll('&amp;', '&'));
    expect(JSON.parse((await res2.text()).trim())).toEqual({
      text: 'what time is it on mars',
      lang: 'en',
      intent: '',
      count: 1,
    });
    // A group that is not there.
    expect(
      (await viewer.get('/console/unanswered/export?topic=benefit_info&cluster=999999')).status,
    ).toBe(404);
  });

  it('lists a question the bot could not answer through the webhook, masked', async () => {
    wipe();
    const text = 'ดาวอังคารมีสีอะไร เบอร์ฉัน 081-234-5678';
    await env.app.post([events.text({ userId: 'U0123456789abcdef0123456789abcdef' }, text)]);
    await env.app.settle();
    const rows = env.app.store.syncDb.select().from(unansweredQuestions).all();
    expect(rows.map((r) => r.text)).toEqual(['ดาวอังคารมีสีอะไร เบอร์ฉัน [PHONE]']);
    const viewer = await signIn('viewer');
    await viewer.get('/console/unanswered');
    expect(viewer.lastHtml).toContain('ดาวอังคารมีสีอะไร เบอร์ฉัน [PHONE]');
    expect(viewer.lastHtml).not.toContain('081-234-5678');
  });
});
