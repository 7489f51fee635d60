/**
 * Find an office or a network hospital, over the webhook with real coordinates: a shared
 * location gets the nearest offices (and network hospitals) with distances and an honest
 * precision note; provinces in Thai, English and Burmese, Bangkok areas, "near me", invalid
 * coordinates; the nearest search uses the lat/lng index instead of reading the table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, events } from '../../src/dev/webhook-events.ts';
import { importFile } from '../../src/import/index.ts';
import { boundingBox } from '../../src/offices/geo.ts';
import { ensureOffices } from '../../src/offices/reference.ts';
import { boxQuery } from '../../src/store/places.ts';
import { seedDemoData } from '../../src/store/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

/** Wednesday 10 June 2026, 10:00 in Bangkok: a working day, inside usual government hours. */
const WEDNESDAY_10AM = Date.parse('2026-06-10T03:00:00Z');
/** Monday 13 April 2026, 10:00 in Bangkok: Songkran. */
const SONGKRAN_10AM = Date.parse('2026-04-13T03:00:00Z');

let mock: LineMock;
let app: TestApp;
let songkran: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'sso-offices-'));

beforeAll(async () => {
  mock = await startLineMock();
  app = await createTestApp({ lineApiBaseUrl: mock.url, clock: { now: () => WEDNESDAY_10AM } });
  await seedDemoData(app.store, { people: 10 });
  songkran = await createTestApp({
    lineApiBaseUrl: mock.url,
    clock: { now: () => SONGKRAN_10AM },
  });
}, 60_000);

afterAll(async () => {
  expect(mock.violations).toEqual([]);
  await app.dispose();
  await songkran.dispose();
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Msg {
  type: string;
  text?: string;
  altText?: string;
  title?: string;
  latitude?: number;
  contents?: { type: string; contents?: unknown[] };
  quickReply?: {
    items: { action: { type: string; label?: string; data?: string; text?: string } }[];
  };
}

let n = 0;
async function send(event: (userId: string) => unknown, on: TestApp = app): Promise<Msg[]> {
  const userId = demoUserId(`offices-${n++}`);
  const before = mock.replies().length;
  await on.post([event(userId)]);
  await on.settle();
  const replies = mock.replies();
  expect(replies.length).toBe(before + 1);
  return (replies.at(-1)!.body as { messages: Msg[] }).messages;
}

const at = (lat: unknown, lng: unknown) => (userId: string) =>
  events.location({ userId }, lat as number, lng as number);
const say = (text: string) => (userId: string) => events.text({ userId }, text);
const tap = (data: string) => (userId: string) => events.postback({ userId }, data);

/** The Flex bubbles of the first Flex message, as JSON strings, in order. */
function bubbles(messages: Msg[]): string[] {
  const flex = messages.find((m) => m.type === 'flex');
  expect(flex, 'a Flex message').toBeDefined();
  const c = flex!.contents!;
  return (c.type === 'carousel' ? c.contents! : [c]).map((b) => JSON.stringify(b));
}

const quickActions = (messages: Msg[]) => messages.at(-1)?.quickReply?.items.map((i) => i.action);

describe('a shared location', () => {
  it('a point in Chiang Mai city finds the Chiang Mai office first, with an honest precision note', async () => {
    const messages = await send(at(18.7883, 98.9853));
    const cards = bubbles(messages);
    expect(cards[0]).toContain('สำนักงานประกันสังคมจังหวัดเชียงใหม่');
    expect(cards[0]).toContain('ศูนย์ราชการจังหวัดเชียงใหม่'); // the sourced site
    expect(cards[0]).toMatch(/ห่างจากคุณประมาณ \d+(\.\d)? กม\./);
    expect(cards[0]).toContain('ค่าประมาณ');
    expect(cards[0]).toContain('tel:1506');
    expect(cards[0]).toContain('https://www.google.com/maps/search/?api=1&query=');
    // Wednesday 10:00: usual government hours, labelled as not confirmed.
    expect(cards[0]).toContain('น่าจะเปิดอยู่ตอนนี้ (ยังไม่ยืนยัน)');
    // An approximate position is not passed off as a pin.
    expect(messages.some((m) => m.type === 'location')).toBe(false);
    expect(messages.at(-1)!.text).toContain('ค่าประมาณ');
    // 3 offices, then the network hospitals near the same point.
    expect(cards.slice(0, 3).every((c) => c.includes('สำนักงานประกันสังคม'))).toBe(true);
  });

  it('a point in Hat Yai finds the Songkhla office', async () => {
    const cards = bubbles(await send(at(7.0086, 100.4747)));
    expect(cards[0]).toContain('สำนักงานประกันสังคมจังหวัดสงขลา');
  });

  it.each([
    ['Siam', 13.7466, 100.5347],
    ['Victory Monument', 13.7649, 100.5383],
    ['Sathorn', 13.72, 100.53],
  ])(
    'a point in Bangkok (%s) finds a Bangkok area office, saying its location is unknown',
    async (_name, lat, lng) => {
      const cards = bubbles(await send(at(lat, lng)));
      expect(cards[0]).toContain('สำนักงานประกันสังคมกรุงเทพมหานครพื้นที่');
      expect(cards[0]).toContain('ยังไม่มีที่ตั้งจริงของสำนักงานนี้ในระบบ');
      expect(cards[0]).toContain('ขึ้นกับเขตที่ตั้งของนายจ้าง');
    },
  );

  it('a point at the edge of Bangkok (Bang Na) still lists a Bangkok area office', async () => {
    const cards = bubbles(await send(at(13.668, 100.604)));
    expect(cards.slice(0, 3).some((c) => c.includes('กรุงเทพมหานครพื้นที่'))).toBe(true);
  });

  it('a point in the sea off Phuket answers with the Phuket office and says how far it is', async () => {
    const messages = await send(at(7.8, 98.0));
    expect(bubbles(messages)[0]).toContain('สำนักงานประกันสังคมจังหวัดภูเก็ต');
    expect(messages.at(-1)!.text).toMatch(/ไม่มีสำนักงานในรัศมี 30 กม\..*ห่างประมาณ \d+ กม\./);
  });

  it('a point outside Thailand still gets the nearest office, and is told it is far', async () => {
    const messages = await send(at(16.8409, 96.1735)); // Yangon
    expect(bubbles(messages)).toHaveLength(6);
    expect(messages.at(-1)!.text).toMatch(/นอกประเทศไทย.*ห่างประมาณ \d+ กม\./);
  });

  it.each([
    ['not a number (NaN arrives as null in JSON)', null, 100.5, 'พิกัดไม่ใช่ตัวเลข'],
    ['a string', 'abc', 100.5, 'พิกัดไม่ใช่ตัวเลข'],
    ['latitude out of range', 123, 100.5, 'ละติจูดต้องอยู่ระหว่าง −90 ถึง 90'],
    ['longitude out of range', 13.7, -200, 'ละติจูดต้องอยู่ระหว่าง −90 ถึง 90'],
  ])(
    'invalid coordinates (%s) get a clear reply and the location button',
    async (_n, lat, lng, says) => {
      const messages = await send(at(lat, lng));
      expect(messages).toHaveLength(1);
      expect(messages[0]!.text).toContain(says);
      expect(quickActions(messages)?.[0]).toMatchObject({ type: 'location' });
    },
  );

  it('answers in English for an English-speaking user', async () => {
    const userId = demoUserId('offices-en');
    mock.setProfile(userId, { displayName: 'x', language: 'en' });
    const before = mock.replies().length;
    await app.post([events.location({ userId }, 18.7883, 98.9853)]);
    await app.settle();
    expect(mock.replies()).toHaveLength(before + 1);
    const body = JSON.stringify(mock.replies().at(-1)!.body);
    expect(body).toContain('Chiang Mai Provincial Social Security Office');
    expect(body).toContain('Chiang Mai Government Center');
    expect(body).toContain('approximate');
    expect(body).toMatch(/About \d+(\.\d)? km from you/);
  });
});

describe('office_location by text', () => {
  // Answered in the language the question is written in (the user's profile is Thai); office
  // names outside Thai are the English ones.
  it.each([
    ['Thai', 'ประกันสังคมเชียงใหม่อยู่ไหน', 'สำนักงานประกันสังคมจังหวัดเชียงใหม่', 'ค่าประมาณ'],
    ['Thai short form', 'สปส โคราช เปิดกี่โมง', 'สำนักงานประกันสังคมจังหวัดนครราชสีมา', 'ค่าประมาณ'],
    [
      'English',
      'where is the SSO office in Hat Yai?',
      'Songkhla Provincial Social Security Office',
      'approximate',
    ],
    [
      'Burmese (Chiang Mai)',
      'ချင်းမိုင် လူမှုဖူလုံရေးရုံး ဘယ်မှာလဲ',
      'Chiang Mai Provincial Social Security Office',
      'ခန့်မှန်း',
    ],
    [
      'Burmese (Mae Sot)',
      'မဲဆောက် လူမှုဖူလုံရေးရုံး ဘယ်မှာလဲ',
      'Tak Provincial Social Security Office',
      'ခန့်မှန်း',
    ],
    [
      'Burmese (Mahachai)',
      'မဟာချိုင် လူမှုဖူလုံရေး ရုံး',
      'Samut Sakhon Provincial Social Security Office',
      'ခန့်မှန်း',
    ],
  ])('%s: the province office with the precision note', async (_lang, question, office, approx) => {
    const messages = await send(say(question));
    const cards = bubbles(messages);
    expect(cards[0]).toContain(office);
    expect(cards[0]).toContain(approx);
    expect(JSON.stringify(messages.slice(1))).toContain(approx);
  });

  it.each([
    ['ประกันสังคมพื้นที่ 5 ไปยังไง', 'สำนักงานประกันสังคมกรุงเทพมหานครพื้นที่ 5'],
    ['SSO Bangkok area 12', 'Bangkok Social Security Office Area 12'],
  ])('a Bangkok area number (%s) returns that area office', async (question, office) => {
    const cards = bubbles(await send(say(question)));
    expect(cards).toHaveLength(1);
    expect(cards[0]).toContain(office);
    expect(cards[0]).toMatch(/ยังไม่มีที่ตั้งจริงของสำนักงานนี้ในระบบ|exact location is not in our data yet/);
  });

  it('Bangkok without an area: offers the 12 areas and the location button', async () => {
    const messages = await send(say('ประกันสังคมกรุงเทพอยู่ไหน'));
    expect(messages[0]!.text).toContain('12 พื้นที่');
    const actions = quickActions(messages)!;
    expect(actions[0]).toMatchObject({ type: 'location' });
    expect(actions.filter((a) => a.type === 'message')).toHaveLength(12);
    expect(actions[5]).toMatchObject({ type: 'message', text: 'ประกันสังคมพื้นที่ 5' });
  });

  it('"near me" asks for a location with a LINE location quick reply', async () => {
    const messages = await send(say('สำนักงานประกันสังคมใกล้ฉัน'));
    expect(messages[0]!.text).toContain('ส่งตำแหน่ง');
    expect(quickActions(messages)?.[0]).toEqual({ type: 'location', label: 'ส่งตำแหน่ง' });
  });

  it('says a public holiday closes the office (dated holiday data, Asia/Bangkok)', async () => {
    const cards = bubbles(await send(say('ประกันสังคมเชียงใหม่'), songkran));
    expect(cards[0]).toContain('วันนี้วันหยุดราชการ (วันสงกรานต์)');
  });
});

describe('network hospitals near me (no login needed)', () => {
  it('the hospital question offers "hospitals near me" next to the general answer', async () => {
    const messages = await send(say('โรงพยาบาลตามสิทธิของฉัน'));
    // Unlinked: the general rules and a "see my own figures" button, not only the link wall.
    expect(JSON.stringify(messages)).toContain('action=link_account');
    expect(JSON.stringify(messages)).toContain('3 เดือน');
    const near = quickActions(messages)?.filter((a) => a.data === 'action=hospital_rights&near=1');
    expect(near).toHaveLength(1);
    expect(quickActions(messages)?.[0]).toMatchObject({
      type: 'postback',
      data: 'action=hospital_rights&near=1',
    });
  });

  it.each([
    ['the postback', tap('action=hospital_rights&near=1')],
    ['free text', say('โรงพยาบาลประกันสังคมใกล้ฉัน')],
  ])('%s asks for a location', async (_how, event) => {
    const messages = await send(event);
    expect(messages[0]!.text).toContain('โรงพยาบาลในเครือข่ายประกันสังคมที่ใกล้ที่สุด');
    expect(quickActions(messages)?.[0]).toMatchObject({ type: 'location' });
  });

  it.each([
    ['English', 'hospital near me'],
    ['Burmese', 'ဆေးရုံ အနီးဆုံး ဘယ်မှာလဲ'],
    ['Khmer', 'មន្ទីរពេទ្យជិតខ្ញុំ'],
    ['Lao', 'ໂຮງໝໍໃກ້ຂ້ອຍ'],
  ])('"near me" in %s (the NLU nearMe entity) asks for a location', async (_lang, question) => {
    const messages = await send(say(question));
    const body = JSON.stringify(messages);
    expect(body).not.toContain('/link?linkToken=');
    // the location picker (a reply in another language than the user's may add a language note)
    expect(body).toContain('"type":"location"');
  });

  it('a location answers with the nearest network hospitals, marked as demo data', async () => {
    const messages = await send(at(18.7883, 98.9853));
    const hospitals = bubbles(messages).filter((c) => c.includes('โรงพยาบาลในเครือข่ายประกันสังคม'));
    expect(hospitals).toHaveLength(3);
    for (const h of hospitals) {
      expect(h).toContain('(ข้อมูลสาธิต)');
      expect(h).toMatch(/ห่างจากคุณประมาณ \d+(\.\d)? กม\./);
    }
    expect(messages.at(-1)!.text).toMatch(/โรงพยาบาลในเครือข่ายที่ใกล้ที่สุด: .*\(ข้อมูลสาธิต\)/);
  });

  it('a postback with coordinates answers with hospitals only', async () => {
    const cards = bubbles(await send(tap('action=hospital_rights&lat=7.0086&lng=100.4747')));
    expect(cards).toHaveLength(3);
    for (const c of cards) expect(c).toContain('สงขลา');
  });
});

describe('the nearest search in the store', () => {
  it.each(['offices', 'hospitals'] as const)(
    '%s: the box query uses the (lat, lng) index, never a table scan',
    (kind) => {
      const { sql, params } = boxQuery(
        app.store.db,
        kind,
        boundingBox({ lat: 13.75, lng: 100.5 }, 25),
      ).toSQL();
      const plan = app.store.sqlite
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...(params as number[]))
        .map((r) => (r as { detail: string }).detail)
        .join('\n');
      expect(plan).toMatch(
        new RegExp(`SEARCH ${kind} USING INDEX ${kind}_lat_lng_idx \\(lat>\\? AND lat<\\?\\)`),
      );
      expect(plan).not.toMatch(/SCAN/);
    },
  );

  it('reads only the rows inside the box', async () => {
    const total = app.store.sqlite.prepare('select count(*) as n from hospitals').get() as {
      n: number;
    };
    const rows = await boxQuery(
      app.store.db,
      'hospitals',
      boundingBox({ lat: 18.79, lng: 98.98 }, 25),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(total.n / 10);
  });
});

describe('reference data and the offices import', () => {
  it('loads the 89 reference offices at start-up, each with a precision', () => {
    const rows = app.store.sqlite
      .prepare(
        'select kind, location_precision as p, count(*) as n from offices group by 1, 2 order by 1',
      )
      .all();
    expect(rows).toEqual([
      { kind: 'bangkok_area', p: 'province_seat_approx', n: 12 },
      { kind: 'headquarters', p: 'province_seat_approx', n: 1 },
      { kind: 'provincial', p: 'province_seat_approx', n: 76 },
    ]);
  });

  it('an imported office overrides the reference row for good, with exact coordinates as a pin', async () => {
    const csv = join(dir, 'offices.csv');
    writeFileSync(
      csv,
      [
        'id,kind,name_th,name_en,province_code,area_no,address_th,phone,hours,lat,lng,location_precision,source',
        'sso-p50,provincial,สำนักงานประกันสังคมจังหวัดเชียงใหม่,Chiang Mai Provincial Social Security Office,50,,ศูนย์ราชการจังหวัดเชียงใหม่ ต.ช้างเผือก,053 000 000,mon-fri 08:30-16:30,18.8396,98.9696,exact,test list',
        'cm-branch-1,branch,สำนักงานประกันสังคมจังหวัดเชียงใหม่ สาขาทดสอบ,,50,,,,,,,,',
      ].join('\n'),
    );
    const report = await importFile(app.store, 'offices', csv);
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ inserted: 1, updated: 1 });
    // The reference data reloading (e.g. after a change) leaves the imported row alone.
    app.store.sqlite.prepare("delete from meta where key = 'offices_reference'").run();
    expect(await ensureOffices(app.store)).toMatchObject({ loaded: true });

    const messages = await send(say('ประกันสังคมเชียงใหม่อยู่ไหน'));
    const cards = bubbles(messages);
    expect(cards).toHaveLength(2);
    expect(cards[0]).toContain('tel:053000000');
    expect(cards[0]).toContain('เปิดอยู่ตอนนี้ (ถึง 16:30 น.)');
    expect(cards[0]).not.toContain('ค่าประมาณ');
    expect(cards[0]).toContain('query=18.8396%2C98.9696');
    expect(cards[1]).toContain('สาขาทดสอบ');
    const pin = messages.find((m) => m.type === 'location');
    expect(pin).toMatchObject({ title: 'สำนักงานประกันสังคมจังหวัดเชียงใหม่', latitude: 18.8396 });
    expect(messages.at(-1)!.text).toContain('เป็นตำแหน่งจริง');
  });

  it('rejects a bad offices file with line numbers and writes nothing', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(
      csv,
      [
        'id,kind,name_th,province_code,area_no,hours,lat,lng,location_precision',
        'x1,bangkok_area,ทดสอบ,10,,mon-fri 9-5,13.7,100.5,',
        'x2,provincial,ทดสอบ,50,3,,,,',
      ].join('\n'),
    );
    const report = await importFile(app.store, 'offices', csv);
    expect(report.written).toBe(false);
    expect(report.errors.map((e) => `${e.line}:${e.column}`)).toEqual([
      '2:area_no',
      '2:hours',
      '2:location_precision',
      '3:area_no',
    ]);
  });
});
