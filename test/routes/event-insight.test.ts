/**
 * Every answered text or postback leaves on its webhook_events row what it was understood as
 * and the answer's language (the operator console's statistics), and nothing personal: the row's
 * text is erased as before.
 */
import { describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { useAppAndMock } from '../helpers/app.ts';

const env = useAppAndMock();

describe('event insight for the statistics', () => {
  it('records the intent (unknown when unanswered) and the language, and keeps no text', async () => {
    const user = demoUserId('insight');
    const sent = [
      events.text({ userId: user }, 'เงินสมทบมาตรา 33 เดือนละเท่าไร'),
      events.text({ userId: user }, 'how do I claim unemployment benefit'),
      events.text({ userId: user }, 'ฟหกดฟหกดฟหกด'),
      events.postback({ userId: user }, 'action=office_location'),
      events.sticker({ userId: user }),
    ];
    for (const e of sent) {
      expect((await env.app.post([e])).status).toBe(200);
      await env.app.settle();
    }
    const rows = env.app.store.sqlite
      .prepare(
        'select webhook_event_id as id, intent, lang, payload from webhook_events order by received_at, rowid',
      )
      .all() as { id: string; intent: string | null; lang: string | null; payload: string }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const got = sent.map((e) => byId.get((e as { webhookEventId: string }).webhookEventId)!);
    expect(got.map((r) => r.intent)).toEqual([
      expect.stringMatching(/contribution/),
      'unemployment_benefit',
      'unknown',
      'office_location',
      null,
    ]);
    expect(got.map((r) => r.lang)).toEqual(['th', 'en', 'th', 'th', null]);
    expect(got.every((r) => r.payload === '{}')).toBe(true);
  });
});
