/**
 * Find an office or a network hospital (C6): by a shared location (the nearest 3, with distance),
 * by province (five languages, via the NLU's entities) or Bangkok area number, or "near me"
 * (asks for a location with a LINE `location` quick reply). Every card says how exact its
 * position is; an approximate one offers a map search by name instead of a pin.
 */
import type { messagingApi } from '@line/bot-sdk';
import { carousel, flexMessage, renderFlex } from '../flex/render.ts';
import { templates } from '../flex/templates.ts';
import type { Message } from '../line/limits.ts';
import { type Province, provinceByCode } from '../nlu/index.ts';
import { checkCoords, type LatLng } from '../offices/geo.ts';
import {
  type Day,
  describeHours,
  openState,
  parseHours,
  USUAL_GOVERNMENT_HOURS,
} from '../offices/hours.ts';
import {
  bangkokAreaOffice,
  type Found,
  type HospitalRow,
  nearestPlaces,
  type OfficeRow,
  officesInProvince,
} from '../store/places.ts';
import { type Ctx, type IntentHandler, MAIN_INTENTS, text } from './context.ts';
import { hospitalRights } from './my-data.ts';

const BANGKOK = '10';
/** Beyond this, the answer says how far the nearest office is. */
const DISTANT_KM = 30;
const OFFICE_COLOR = '#0B4EA2';
const HOSPITAL_COLOR = '#1E7B4F';
const HOTLINE = '1506';

type QuickReplyItem = messagingApi.QuickReplyItem;

const str = (ctx: Ctx, key: string, values?: Record<string, unknown>) =>
  String(ctx.t(key, values as Record<string, string>));

function label(value: string): string {
  return value.length > 20 ? `${value.slice(0, 19)}…` : value;
}

function locationItem(ctx: Ctx): QuickReplyItem {
  return {
    type: 'action',
    action: { type: 'location', label: label(str(ctx, 'offices.shareLocation')) },
  };
}

function postbackItem(labelText: string, data: string): QuickReplyItem {
  const l = label(labelText);
  return { type: 'action', action: { type: 'postback', label: l, data, displayText: l } };
}

function messageItem(labelText: string, textValue: string): QuickReplyItem {
  return { type: 'action', action: { type: 'message', label: label(labelText), text: textValue } };
}

function intentItems(ctx: Ctx, intents: readonly string[]): QuickReplyItem[] {
  return intents.map((i) => postbackItem(str(ctx, `intent.${i}`), `action=${i}`));
}

/** Sets the last message's quick replies: at most 13, none twice (by postback data or text). */
function withItems<M extends Message>(messages: M[], items: QuickReplyItem[]): M[] {
  const last = messages.at(-1);
  const seen = new Set<string>();
  const unique = items.filter((i) => {
    const a = i.action as { data?: string; text?: string; type: string };
    const key = `${a.type}:${a.data ?? a.text ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (last) messages[messages.length - 1] = { ...last, quickReply: { items: unique.slice(0, 13) } };
  return messages;
}

function localName(ctx: Ctx, row: { nameTh: string; nameEn: string | null }): string {
  return ctx.lang === 'th' ? row.nameTh : (row.nameEn ?? row.nameTh);
}

function provinceName(ctx: Ctx, code: string): string {
  const p = provinceByCode(code);
  if (!p) return code;
  return ctx.lang === 'th' ? p.name_th : p.name_en;
}

function km(value: number): string {
  return value < 10 ? value.toFixed(1) : String(Math.round(value));
}

function mapUri(row: {
  nameTh: string;
  addressTh: string | null;
  lat: number | null;
  lng: number | null;
  locationPrecision: string | null;
}): string {
  const query =
    row.locationPrecision === 'exact' && row.lat !== null && row.lng !== null
      ? `${row.lat},${row.lng}`
      : [row.nameTh, row.addressTh].filter(Boolean).join(' ');
  return `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(query)}`;
}

function telUri(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '') || HOTLINE}`;
}

/** The open-now line and the hours line for an office, in Asia/Bangkok time. */
function officeHours(ctx: Ctx, row: OfficeRow): { hours: string; openNow: string } {
  const known = parseHours(row.hours);
  const state = openState(known ?? USUAL_GOVERNMENT_HOURS, ctx.now);
  const dayName = (d: Day) => str(ctx, `offices.dayShort.${d}`);
  const hours = known
    ? str(ctx, 'offices.hoursKnown', { hours: describeHours(known, dayName) })
    : str(ctx, 'offices.hoursUsual');
  let openNow: string;
  if (state.state === 'holiday') {
    const name = ctx.lang === 'th' ? state.holiday.name_th : state.holiday.name_en;
    openNow = str(ctx, 'offices.open.holiday', { name });
  } else if (!known) {
    openNow = str(
      ctx,
      state.state === 'open' ? 'offices.open.usualOpen' : 'offices.open.usualClosed',
    );
  } else if (state.state === 'open') {
    openNow = str(ctx, 'offices.open.open', { until: state.until });
  } else if (state.opens) {
    openNow = str(ctx, 'offices.open.closedOpens', {
      day: str(ctx, `offices.day.${state.opens.day}`),
      time: state.opens.time,
    });
  } else openNow = str(ctx, 'offices.open.closed');
  return { hours, openNow };
}

function precisionNote(ctx: Ctx, row: OfficeRow | HospitalRow): string {
  if (row.locationPrecision === 'exact') return '';
  const province = provinceName(ctx, row.provinceCode);
  const isReferenceFallback =
    'source' in row &&
    typeof row.source === 'string' &&
    row.source.includes('province seat fallback');
  return str(ctx, isReferenceFallback ? 'offices.precision.unknown' : 'offices.precision.approx', {
    province,
  });
}

function officeBubble(ctx: Ctx, row: OfficeRow, distanceKm?: number) {
  const phone = row.phone ?? HOTLINE;
  const { hours, openNow } = officeHours(ctx, row);
  const notes = [precisionNote(ctx, row)];
  if (row.kind === 'bangkok_area') notes.push(str(ctx, 'offices.precision.bangkok'));
  const address = ctx.lang === 'th' ? row.addressTh : (row.addressEn ?? row.addressTh);
  return renderFlex(
    templates.officeCard,
    {
      color: OFFICE_COLOR,
      name: localName(ctx, row),
      kind: str(ctx, `offices.kind.${row.kind}`, { area: row.areaNo ?? '' }),
      distance:
        distanceKm === undefined ? '' : str(ctx, 'offices.distance', { km: km(distanceKm) }),
      address: address ?? str(ctx, 'offices.addressUnknown'),
      phone: row.phone ?? str(ctx, 'offices.hotline'),
      phoneUri: telUri(phone),
      callLabel: label(str(ctx, 'offices.call', { phone })),
      hours,
      openNow,
      note: notes.filter(Boolean).join('\n'),
      mapUri: mapUri(row),
      mapLabel: label(
        str(ctx, row.locationPrecision === 'exact' ? 'offices.map' : 'offices.mapSearch'),
      ),
    },
    ctx.t,
  ) as messagingApi.FlexBubble;
}

function hospitalBubble(ctx: Ctx, row: HospitalRow, distanceKm: number) {
  const demo = row.isDemo ? ` ${str(ctx, 'common.demo')}` : '';
  const phone = row.phone ?? HOTLINE;
  return renderFlex(
    templates.officeCard,
    {
      color: HOSPITAL_COLOR,
      name: `${localName(ctx, row)}${demo}`,
      kind: `${str(ctx, 'offices.kind.hospital')}${demo}`,
      distance: str(ctx, 'offices.distance', { km: km(distanceKm) }),
      address: row.addressTh ?? str(ctx, 'offices.addressUnknown'),
      phone: row.phone ?? str(ctx, 'offices.hotline'),
      phoneUri: telUri(phone),
      callLabel: label(str(ctx, 'offices.call', { phone })),
      hours: '',
      openNow: '',
      note: [precisionNote(ctx, row), str(ctx, 'offices.hospitalNote')].filter(Boolean).join('\n'),
      mapUri: mapUri({ ...row, addressTh: row.isDemo ? null : row.addressTh }),
      mapLabel: label(
        str(ctx, row.locationPrecision === 'exact' ? 'offices.map' : 'offices.mapSearch'),
      ),
    },
    ctx.t,
  ) as messagingApi.FlexBubble;
}

/** A LINE location message, only for an exact position: an approximate pin would mislead. */
function pin(ctx: Ctx, row: OfficeRow | HospitalRow): messagingApi.LocationMessage | undefined {
  if (row.locationPrecision !== 'exact' || row.lat === null || row.lng === null) return undefined;
  const name = localName(ctx, row);
  return {
    type: 'location',
    title: name.slice(0, 100),
    address: (row.addressTh ?? name).slice(0, 100),
    latitude: row.lat,
    longitude: row.lng,
  };
}

/** "Which positions are exact, which approximate" for the places shown. */
function dataNote(ctx: Ctx, rows: (OfficeRow | HospitalRow)[]): string[] {
  const approx = rows.filter((r) => r.locationPrecision !== 'exact').map((r) => localName(ctx, r));
  const exact = rows.filter((r) => r.locationPrecision === 'exact').map((r) => localName(ctx, r));
  const sep = ctx.lang === 'th' ? ', ' : ', ';
  const lines: string[] = [];
  if (exact.length === 0 && rows.length > 1) return [str(ctx, 'offices.allApprox')];
  if (exact.length) lines.push(str(ctx, 'offices.exactNote', { names: exact.join(sep) }));
  if (approx.length) lines.push(str(ctx, 'offices.approxNote', { names: approx.join(sep) }));
  return lines;
}

function followUps(ctx: Ctx, hospitals: boolean): QuickReplyItem[] {
  return [
    locationItem(ctx),
    hospitals
      ? postbackItem(str(ctx, 'offices.officesNear'), 'action=office_location')
      : postbackItem(str(ctx, 'offices.hospitalsNear'), 'action=hospital_rights&near=1'),
    ...intentItems(
      ctx,
      MAIN_INTENTS.filter((i) => i !== 'office_location'),
    ),
  ];
}

/** "Near me" without a location: ask for one (LINE's location picker), or a province. */
function askLocation(ctx: Ctx, hospitals: boolean): Message[] {
  const provinces = ['10', '50', '20', '74', '90'].map((code) => {
    const name = provinceName(ctx, code);
    return messageItem(name, ctx.lang === 'th' ? `ประกันสังคม${name}` : `SSO ${name}`);
  });
  return withItems(
    [text(str(ctx, hospitals ? 'offices.askLocationHospital' : 'offices.askLocation'))],
    [locationItem(ctx), ...provinces, ...intentItems(ctx, ['greeting_help'])],
  );
}

/** The nearest offices (and network hospitals) to a shared point. */
async function nearPoint(
  ctx: Ctx,
  raw: { lat: unknown; lng: unknown },
  want: 'offices' | 'both' | 'hospitals',
): Promise<Message[]> {
  const check = checkCoords(raw.lat, raw.lng);
  if (!check.ok) {
    return withItems(
      [text(str(ctx, `offices.invalid.${check.reason}`))],
      [locationItem(ctx), ...intentItems(ctx, ['office_location', 'greeting_help'])],
    );
  }
  const point: LatLng = check.point;
  const store = ctx.deps.store;
  const [officesFound, hospitalsFound] = await Promise.all([
    want === 'hospitals'
      ? Promise.resolve([] as Found<OfficeRow>[])
      : nearestPlaces(store, 'offices', point, 3),
    want === 'offices'
      ? Promise.resolve([] as Found<HospitalRow>[])
      : nearestPlaces(store, 'hospitals', point, 3),
  ]);
  const bubbles = [
    ...officesFound.map((f) => officeBubble(ctx, f.row, f.km)),
    ...hospitalsFound.map((f) => hospitalBubble(ctx, f.row, f.km)),
  ];
  if (bubbles.length === 0) {
    return withItems([text(str(ctx, 'offices.noPlaces'))], followUps(ctx, want === 'hospitals'));
  }
  const nearestOffice = officesFound[0];
  const nearestHospital = hospitalsFound[0];
  const lead = nearestOffice ?? nearestHospital!;
  const alt = nearestOffice
    ? str(ctx, 'offices.alt', { name: localName(ctx, nearestOffice.row), km: km(nearestOffice.km) })
    : str(ctx, 'offices.altHospitals', { name: localName(ctx, lead.row), km: km(lead.km) });
  const messages: Message[] = [flexMessage(alt, carousel(bubbles))];
  const location = pin(ctx, lead.row);
  if (location) messages.push(location);

  const lines: string[] = [];
  if (!check.inThailand) lines.push(str(ctx, 'offices.far', { km: km(lead.km) }));
  else if (lead.km > DISTANT_KM) lines.push(str(ctx, 'offices.distant', { km: km(lead.km) }));
  if (nearestOffice)
    lines.push(
      str(ctx, 'offices.summary', {
        name: localName(ctx, nearestOffice.row),
        km: km(nearestOffice.km),
      }),
    );
  if (nearestHospital) {
    const demo = nearestHospital.row.isDemo ? ` ${str(ctx, 'common.demo')}` : '';
    lines.push(
      str(ctx, 'offices.summaryHospitals', {
        name: `${localName(ctx, nearestHospital.row)}${demo}`,
        km: km(nearestHospital.km),
      }),
    );
  }
  lines.push(
    ...dataNote(ctx, [...officesFound.map((f) => f.row), ...hospitalsFound.map((f) => f.row)]),
  );
  if (officesFound.some((f) => !parseHours(f.row.hours))) lines.push(str(ctx, 'offices.hoursNote'));
  messages.push(text(lines.join('\n')));
  return withItems(messages, followUps(ctx, want === 'hospitals'));
}

/** The offices of one province (Bangkok: choose an area), as a carousel. */
async function byProvince(ctx: Ctx, province: Province): Promise<Message[]> {
  if (province.code === BANGKOK) return bangkokChoice(ctx);
  const rows = (await officesInProvince(ctx.deps.store, province.code)).slice(0, 12);
  if (rows.length === 0) {
    return withItems(
      [text(str(ctx, 'offices.noneInProvince', { province: provinceName(ctx, province.code) }))],
      followUps(ctx, false),
    );
  }
  return officeCards(ctx, rows);
}

function officeCards(ctx: Ctx, rows: OfficeRow[]): Message[] {
  const first = rows[0]!;
  const bubbles = rows.map((r) => officeBubble(ctx, r));
  const messages: Message[] = [
    flexMessage(
      str(ctx, 'offices.altProvince', { name: localName(ctx, first) }),
      bubbles.length === 1 ? bubbles[0]! : carousel(bubbles),
    ),
  ];
  const location = pin(ctx, first);
  if (location) messages.push(location);
  const lines = dataNote(ctx, rows);
  if (rows.some((r) => !parseHours(r.hours))) lines.push(str(ctx, 'offices.hoursNote'));
  messages.push(text(lines.join('\n')));
  return withItems(messages, followUps(ctx, false));
}

function bangkokChoice(ctx: Ctx): Message[] {
  const areas = Array.from({ length: 12 }, (_, i) =>
    messageItem(
      str(ctx, 'offices.areaLabel', { n: i + 1 }),
      str(ctx, 'offices.areaText', { n: i + 1 }),
    ),
  );
  return withItems([text(str(ctx, 'offices.bangkokChoose'))], [locationItem(ctx), ...areas]);
}

async function byArea(ctx: Ctx, areaNo: number): Promise<Message[]> {
  const row = await bangkokAreaOffice(ctx.deps.store, areaNo);
  if (!row) return bangkokChoice(ctx);
  return officeCards(ctx, [row]);
}

/** `office_location`: a shared point, a province, a Bangkok area, or ask for a location. */
export const officeLocation: IntentHandler = async (ctx, match) => {
  const e = match.entities as {
    location?: { lat: unknown; lng: unknown };
    province?: Province;
    areaNo?: number;
  };
  if (e.location) return nearPoint(ctx, e.location, 'both');
  const p = match.params;
  if (p?.lat !== undefined || p?.lng !== undefined)
    return nearPoint(ctx, { lat: p?.lat, lng: p?.lng }, 'offices');
  if (e.areaNo !== undefined && (!e.province || e.province.code === BANGKOK))
    return byArea(ctx, e.areaNo);
  if (e.province) return byProvince(ctx, e.province);
  return askLocation(ctx, false);
};

/**
 * `hospital_rights`: "network hospitals near me" needs no login (postback `near=1`, or the NLU's
 * `nearMe` entity: "near me", ใกล้ฉัน, အနီး, ជិតខ្ញុំ, ໃກ້ຂ້ອຍ …); otherwise the personal answer,
 * which gains a "hospitals near me" quick reply.
 */
export const hospitalRightsOrNear: IntentHandler = async (ctx, match) => {
  const p = match.params;
  if (p?.lat !== undefined || p?.lng !== undefined)
    return nearPoint(ctx, { lat: p?.lat, lng: p?.lng }, 'hospitals');
  if (p?.near === '1' || match.entities.nearMe === true) return askLocation(ctx, true);
  const messages = await hospitalRights(ctx, match);
  const last = messages.at(-1);
  if (!last) return messages;
  const items = [
    postbackItem(str(ctx, 'offices.hospitalsNear'), 'action=hospital_rights&near=1'),
    ...(last.quickReply?.items ?? []),
  ];
  return withItems(messages, items);
};
