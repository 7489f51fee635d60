/**
 * A local LINE Messaging API mock server for integration tests.
 *
 * The bot under test talks to this server through `@line/bot-sdk` (set `LINE_API_BASE_URL` and
 * `LINE_DATA_API_BASE_URL` to `mock.url`). The mock acts as the referee: every request is matched
 * against LINE's own OpenAPI document (`spec/line-openapi/messaging-api.yml`), its JSON body is
 * validated with ajv against the operation's request schema, and LINE's documented limits that the
 * spec does not encode are checked on top. Everything that LINE would reject is recorded as a
 * violation (`mock.violations`) so tests can assert there are none.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { ErrorObject, KeywordCxt, ValidateFunction } from 'ajv';

import { parse as parseYaml } from 'yaml';

// ajv and ajv-formats are CommonJS: loaded with require so that their named exports (the `_` and
// `str` code templates) survive every loader this file runs under (vitest, its global setup, tsx).
const require = createRequire(import.meta.url);
const { _, Ajv, str } = require('ajv') as typeof import('ajv');
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body; a `Buffer` for binary uploads; `undefined` when there was no body. */
  body: unknown;
  /** Raw body text; for binary uploads a placeholder such as `<binary 1234 bytes>`. */
  rawBody: string;
  operationId?: string;
  violations: string[];
  status: number;
  at: number;
}

export interface MockResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON, strings as text, Buffers/Uint8Arrays as raw bytes. */
  body?: unknown;
}

/** Return `undefined` to get the default behaviour. */
export type Responder = (
  req: RecordedRequest,
) => MockResponse | undefined | Promise<MockResponse | undefined>;

export interface MockProfile {
  displayName?: string;
  language?: string;
  pictureUrl?: string;
}

export interface LineMock {
  /** e.g. `http://127.0.0.1:45678` */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** All violations, each prefixed with `"METHOD path: "`. */
  violations: string[];
  /** `POST /v2/bot/message/reply` requests that got a 2xx. */
  replies(): RecordedRequest[];
  /** `POST /v2/bot/message/push` requests that got a 2xx. */
  pushes(): RecordedRequest[];
  setResponder(fn: Responder | null): void;
  setProfile(userId: string, profile: MockProfile): void;
  /**
   * The message quota LINE reports (GET /v2/bot/message/quota and …/consumption): `limit` null
   * means no target limit (`type: none`, the default). `totalUsage` starts where it is set and
   * grows with every accepted push and multicast (messages × recipients), as LINE counts.
   */
  setQuota(quota: { limit: number | null; totalUsage?: number }): void;
  /** Polls `pred` until it returns true; rejects with a descriptive error on timeout. */
  waitFor(pred: (m: LineMock) => boolean, timeoutMs?: number): Promise<void>;
  /**
   * Back to a fresh state: clears requests, violations, the responder, accepted retry keys,
   * profiles set with `setProfile`, the rich menu store, the message id counter and the quota
   * (no limit, nothing used).
   */
  reset(): void;
  close(): Promise<void>;
}

export interface LineMockOptions {
  /** Port to listen on (127.0.0.1). Default: a random free port. */
  port?: number;
  /** Expected channel access token. Default: `dev-access-token`. */
  channelAccessToken?: string;
  /** Delay added to every response. */
  latencyMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Spec loading and OpenAPI 3.0 -> JSON Schema (draft-07, ajv) translation
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const SPEC_URL = new URL('../../spec/line-openapi/messaging-api.yml', import.meta.url);
const COMPONENT_PREFIX = '#/components/schemas/';
const ROOT_ID = 'line-messaging-api';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Keywords copied verbatim from OpenAPI schema objects (everything else is dropped). */
const COPY_KEYWORDS = [
  'type',
  'enum',
  'const',
  'maxLength',
  'minLength',
  'pattern',
  'maximum',
  'minimum',
  'multipleOf',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
] as const;

/** `format`s we validate; int32/int64/double/binary... are handled or ignored explicitly. */
const KNOWN_FORMATS = new Set(['uri', 'uuid', 'date-time', 'date', 'email', 'int32', 'int64']);

interface Operation {
  id: string;
  method: string;
  template: string;
  jsonBody: boolean;
  bodySchema?: Obj;
  /** Compiled validator of the JSON request body (lazily compiled, then cached). */
  validator?: ValidateFunction;
  binaryBody: boolean;
  bodyRequired: boolean;
  headerParams: Set<string>;
  requiredQuery: string[];
  successStatus: number;
}

interface Route {
  template: string;
  segments: Array<string | { param: string }>;
  ops: Map<string, Operation>;
}

interface CompiledSpec {
  ajv: InstanceType<typeof Ajv>;
  translator: SchemaTranslator;
  routes: Route[];
}

let compiledSpec: CompiledSpec | undefined;

function refName(ref: string): string {
  if (!ref.startsWith(COMPONENT_PREFIX)) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(COMPONENT_PREFIX.length);
}

const toAjvRef = (ref: string): string => `${ROOT_ID}#/definitions/${refName(ref)}`;

/**
 * Translates OpenAPI 3.0 schemas to JSON Schema draft-07 for ajv.
 *
 * Polymorphism: a base schema with a `discriminator` (Message, Action, FlexComponent, Template,
 * FlexContainer, ...) becomes a *dispatcher*: it requires the discriminator property, restricts it
 * to the mapping keys (unknown values are reported as "unknown Message type ...") and has one
 * `if {type: const k} then {$ref: Mapped}` branch per mapping entry. A subtype such as
 * `TextMessage = allOf[{$ref: Message}, {own props}]` is *flattened*: the base's properties and
 * `required` are merged with its own (the allOf `$ref` back to the base is resolved at translation
 * time and not emitted, so there is no Message -> TextMessage -> Message cycle), and the
 * discriminator property is pinned to the subtype's mapping key(s). That also makes direct
 * references such as `FlexBubble.header -> FlexBox` check `type: "box"`.
 *
 * Unknown properties: every flattened object schema that lists `properties` gets
 * `additionalProperties: false` (LINE rejects unknown fields in message objects). Object schemas
 * without `properties` (e.g. `MulticastResponse`) stay open, and an explicit
 * `additionalProperties` schema (e.g. `TextMessageV2.substitution`) is kept as is.
 */
class SchemaTranslator {
  constructor(private readonly components: Obj) {}

  component(name: string): Obj {
    const raw = this.components[name];
    if (!isObj(raw)) throw new Error(`unknown schema component ${name}`);
    if (isObj(raw.discriminator)) return this.dispatcher(name, raw.discriminator);
    return this.schema(raw, name);
  }

  schema(raw: unknown, selfName?: string): Obj {
    if (!isObj(raw)) return {};
    if (typeof raw.$ref === 'string') return { $ref: toAjvRef(raw.$ref) };
    const out: Obj = {};
    if (Array.isArray(raw.allOf) || isObj(raw.properties) || raw.type === 'object') {
      this.objectSchema(raw, out, selfName);
    } else {
      for (const k of COPY_KEYWORDS) if (raw[k] !== undefined) out[k] = raw[k];
      if (out.maxLength !== undefined) {
        out.maxLengthUtf16 = out.maxLength;
        delete out.maxLength;
      }
      if (raw.items !== undefined) out.items = this.schema(raw.items);
      if (typeof raw.format === 'string' && KNOWN_FORMATS.has(raw.format)) out.format = raw.format;
    }
    if (raw.exclusiveMaximum === true && typeof raw.maximum === 'number') {
      out.exclusiveMaximum = raw.maximum;
      delete out.maximum;
    }
    if (raw.exclusiveMinimum === true && typeof raw.minimum === 'number') {
      out.exclusiveMinimum = raw.minimum;
      delete out.minimum;
    }
    if (raw.nullable === true) {
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      if (out.$ref !== undefined || out.type === undefined)
        return { anyOf: [out, { type: 'null' }] };
    }
    return out;
  }

  private dispatcher(name: string, disc: Obj): Obj {
    const prop = String(disc.propertyName);
    const mapping = isObj(disc.mapping) ? disc.mapping : {};
    const keys = Object.keys(mapping);
    return {
      type: 'object',
      required: [prop],
      properties: { [prop]: { type: 'string', enum: keys, 'x-discriminator': name } },
      allOf: keys.map((k) => ({
        if: { type: 'object', required: [prop], properties: { [prop]: { const: k } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
        then: { $ref: toAjvRef(String(mapping[k])) },
      })),
    };
  }

  private objectSchema(raw: Obj, out: Obj, selfName?: string): void {
    const props = new Map<string, unknown>();
    const required = new Set<string>();
    const pinned = new Map<string, string[]>();
    let additional: unknown;
    const seen = new Set<string>();
    const collect = (s: unknown, isSelf: boolean): void => {
      if (!isObj(s)) return;
      if (typeof s.$ref === 'string') {
        const base = refName(s.$ref);
        if (seen.has(base)) return;
        seen.add(base);
        const baseRaw = this.components[base];
        if (!isObj(baseRaw)) return;
        // Subtype of a discriminated base: pin the discriminator to our own mapping key(s).
        if (isObj(baseRaw.discriminator) && selfName) {
          const prop = String(baseRaw.discriminator.propertyName);
          const mapping = isObj(baseRaw.discriminator.mapping) ? baseRaw.discriminator.mapping : {};
          const keys = Object.keys(mapping).filter(
            (k) => mapping[k] === `${COMPONENT_PREFIX}${selfName}`,
          );
          if (keys.length > 0) pinned.set(prop, keys);
        }
        collect(baseRaw, false);
        return;
      }
      if (Array.isArray(s.allOf)) for (const part of s.allOf) collect(part, false);
      if (isObj(s.properties)) for (const [k, v] of Object.entries(s.properties)) props.set(k, v);
      if (Array.isArray(s.required)) for (const r of s.required) required.add(String(r));
      if (s.additionalProperties !== undefined && (isSelf || additional === undefined)) {
        additional = s.additionalProperties;
      }
    };
    collect(raw, true);

    out.type = 'object';
    const properties: Obj = {};
    for (const [k, v] of props) properties[k] = this.schema(v);
    for (const [prop, keys] of pinned) {
      properties[prop] = { type: 'string', enum: keys };
      required.add(prop);
    }
    if (Object.keys(properties).length > 0) out.properties = properties;
    if (required.size > 0) out.required = [...required];
    if (additional === false || additional === true) out.additionalProperties = additional;
    else if (isObj(additional)) out.additionalProperties = this.schema(additional);
    else if (props.size > 0) out.additionalProperties = false;
    for (const k of ['maxProperties', 'minProperties'] as const) {
      if (raw[k] !== undefined) out[k] = raw[k];
    }
  }
}

/**
 * `format: uri` deliberately follows Java's `java.net.URI` leniency (LINE's platform is Java):
 * a scheme followed by non-space characters; non-ASCII characters are allowed unencoded. The strict
 * RFC 3986 check of ajv-formats would reject e.g. Thai text in query strings, which LINE accepts.
 */
const URI_RE = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s\p{Cc}"<>\\^`{|}]+$/u;

function loadSpec(): CompiledSpec {
  if (compiledSpec) return compiledSpec;
  const doc: unknown = parseYaml(readFileSync(SPEC_URL, 'utf8'), { uniqueKeys: false });
  if (!isObj(doc) || !isObj(doc.paths) || !isObj(doc.components)) {
    throw new Error(`${SPEC_URL.pathname} is not an OpenAPI document`);
  }
  const components = isObj(doc.components.schemas) ? doc.components.schemas : {};

  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    validateFormats: true,
  });
  addFormats(ajv, ['uuid', 'date-time', 'date', 'email']);
  ajv.addFormat('uri', URI_RE);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addKeyword({ keyword: 'x-discriminator', schemaType: 'string' });
  // LINE counts characters in UTF-16 code units (Java String#length) while ajv's maxLength counts
  // code points, so `maxLength` is translated to this keyword.
  ajv.addKeyword({
    keyword: 'maxLengthUtf16',
    type: 'string',
    schemaType: 'number',
    code(cxt: KeywordCxt) {
      cxt.fail(_`${cxt.data}.length > ${cxt.schema}`);
    },
    error: {
      message: ({ schema }) => str`must NOT have more than ${schema} characters (UTF-16 units)`,
      params: ({ schema }) => _`{limit: ${schema}}`,
    },
  });

  const translator = new SchemaTranslator(components);
  const definitions: Obj = {};
  for (const name of Object.keys(components)) definitions[name] = translator.component(name);
  ajv.addSchema({ $id: ROOT_ID, definitions });

  const routes: Route[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    if (!isObj(item)) continue;
    const route: Route = {
      template,
      segments: template
        .split('/')
        .slice(1)
        .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : s)),
      ops: new Map(),
    };
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      const params = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])].filter(
        isObj,
      );
      const rb = isObj(op.requestBody) ? op.requestBody : undefined;
      const content = rb && isObj(rb.content) ? rb.content : undefined;
      const json =
        content && isObj(content['application/json']) ? content['application/json'] : undefined;
      const responses = isObj(op.responses) ? Object.keys(op.responses) : [];
      const success = responses.map(Number).filter((c) => c >= 200 && c < 300);
      route.ops.set(method.toUpperCase(), {
        id: String(op.operationId ?? `${method} ${template}`),
        method: method.toUpperCase(),
        template,
        jsonBody: json !== undefined,
        bodySchema: json && isObj(json.schema) ? json.schema : undefined,
        binaryBody: content !== undefined && json === undefined,
        bodyRequired: rb?.required === true,
        headerParams: new Set(
          params.filter((p) => p.in === 'header').map((p) => String(p.name).toLowerCase()),
        ),
        requiredQuery: params
          .filter((p) => p.in === 'query' && p.required === true)
          .map((p) => String(p.name)),
        successStatus: success.length > 0 ? Math.min(...success) : 200,
      });
    }
    routes.push(route);
  }
  // Literal segments win over parameters (`/richmenu/list` before `/richmenu/{richMenuId}`).
  routes.sort((a, b) => {
    const n = Math.min(a.segments.length, b.segments.length);
    for (let i = 0; i < n; i++) {
      const la = typeof a.segments[i] === 'string';
      const lb = typeof b.segments[i] === 'string';
      if (la !== lb) return la ? -1 : 1;
    }
    return 0;
  });
  compiledSpec = { ajv, translator, routes };
  return compiledSpec;
}

function bodyValidator(spec: CompiledSpec, op: Operation): ValidateFunction | undefined {
  if (op.validator || !op.bodySchema) return op.validator;
  const schema = op.bodySchema;
  op.validator =
    typeof schema.$ref === 'string'
      ? spec.ajv.getSchema(toAjvRef(schema.$ref))
      : spec.ajv.compile(spec.translator.schema(schema));
  return op.validator;
}

/** Schema validation plus LINE limits of a parsed JSON body. */
function checkJsonBody(spec: CompiledSpec, op: Operation, body: unknown): Issue[] {
  const validate = bodyValidator(spec, op);
  const schemaIssues = validate && !validate(body) ? ajvIssues(validate.errors) : [];
  const limits = new LimitChecker();
  limits.body(op.id, body);
  // A LINE limit that the schema already reported (same place, same kind) is not reported
  // twice; identical schema errors (e.g. from several if/then branches) are merged.
  const schemaKinds = new Set(schemaIssues.map((i) => `${i.pointer}|${i.keyword}`));
  const seen = new Set<string>();
  const out: Issue[] = [];
  for (const i of schemaIssues) {
    const key = `${i.pointer}|${i.keyword}|${i.message}`;
    if (!seen.has(key)) out.push(i);
    seen.add(key);
  }
  for (const i of limits.issues) {
    const key = `${i.pointer}|${i.keyword}|${i.message}`;
    if (!schemaKinds.has(`${i.pointer}|${i.keyword}`) && !seen.has(key)) out.push(i);
    seen.add(key);
  }
  return out;
}

/**
 * Validates a JSON request body the way the mock server does (OpenAPI schema + LINE limits),
 * without HTTP: handy for unit tests of message builders. Returns `property: message` strings;
 * an unknown operation returns a single "no such operation" entry.
 *
 * @example validateLineRequest('POST', '/v2/bot/message/push', { to: userId, messages })
 */
export function validateLineRequest(method: string, path: string, body: unknown): string[] {
  const spec = loadSpec();
  const op = matchRoute(spec, method.toUpperCase(), path)?.op;
  if (!op) return ['no such operation in the LINE Messaging API spec'];
  if (!op.jsonBody) return [];
  return checkJsonBody(spec, op, body).map((i) => `${pointerToProperty(i.pointer)}: ${i.message}`);
}

interface RouteMatch {
  op: Operation;
  params: Record<string, string>;
}

function matchRoute(spec: CompiledSpec, method: string, path: string): RouteMatch | undefined {
  const segs = path.split('/').slice(1);
  for (const route of spec.routes) {
    if (route.segments.length !== segs.length) continue;
    const op = route.ops.get(method);
    if (!op) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segs.length; i++) {
      const t = route.segments[i] ?? '';
      const s = segs[i] ?? '';
      if (typeof t === 'string') {
        if (t !== s) {
          ok = false;
          break;
        }
      } else {
        if (s === '') {
          ok = false;
          break;
        }
        try {
          params[t.param] = decodeURIComponent(s);
        } catch {
          params[t.param] = s;
        }
      }
    }
    if (ok) return { op, params };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Issues (schema errors and LINE limits)
// ---------------------------------------------------------------------------------------------

interface Issue {
  /** JSON pointer into the body, e.g. `/messages/0/text`. */
  pointer: string;
  message: string;
  /** Equivalent JSON-schema keyword, used to avoid reporting the same problem twice. */
  keyword: string;
}

/** `/messages/0/quickReply/items` -> `messages[0].quickReply.items` */
function pointerToProperty(pointer: string): string {
  if (pointer === '') return '(body)';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  }
  return out;
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

function ajvIssues(errors: ErrorObject[] | null | undefined): Issue[] {
  const out: Issue[] = [];
  for (const e of errors ?? []) {
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'if':
        break; // summary of a failed `then` branch; the branch errors are reported themselves
      case 'required':
        out.push({
          pointer: `${e.instancePath}/${String(p.missingProperty)}`,
          message: 'is required',
          keyword: 'required',
        });
        break;
      case 'additionalProperties':
        out.push({
          pointer: `${e.instancePath}/${String(p.additionalProperty)}`,
          message: "unknown property (not in LINE's schema for this object)",
          keyword: 'additionalProperties',
        });
        break;
      case 'enum': {
        const disc = isObj(e.parentSchema) ? e.parentSchema['x-discriminator'] : undefined;
        const allowed = (p.allowedValues as unknown[]).map((v) => String(v)).join(', ');
        out.push({
          pointer: e.instancePath,
          message: disc
            ? `unknown ${String(disc)} type ${show(e.data)} (expected one of: ${allowed})`
            : `must be one of: ${allowed} (got ${show(e.data)})`,
          keyword: 'enum',
        });
        break;
      }
      case 'maxLengthUtf16':
      case 'minLength':
        out.push({
          pointer: e.instancePath,
          message: `${e.message} (got ${typeof e.data === 'string' ? e.data.length : '?'})`,
          keyword: e.keyword === 'minLength' ? 'minLength' : 'maxLength',
        });
        break;
      case 'maxItems':
      case 'minItems':
        out.push({
          pointer: e.instancePath,
          message: `${e.message} (got ${Array.isArray(e.data) ? e.data.length : '?'})`,
          keyword: e.keyword,
        });
        break;
      default:
        out.push({
          pointer: e.instancePath,
          message: `${e.message ?? e.keyword} (got ${show(e.data)})`,
          keyword: e.keyword,
        });
    }
  }
  return out;
}

// --- LINE limits that are not (or not fully) in the OpenAPI document -------------------------

const KB = 1024;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALIAS_RE = /^[a-z0-9_-]{1,32}$/;
const MAX_RICH_MENU_IMAGE = 1024 * 1024;

type ActionContext =
  | 'quickReply'
  | 'template'
  | 'templateDefault'
  | 'imageCarousel'
  | 'flex'
  | 'flexButton'
  | 'richMenu';

class LimitChecker {
  readonly issues: Issue[] = [];

  private add(pointer: string, message: string, keyword: string): void {
    this.issues.push({ pointer, message, keyword });
  }

  private maxLen(v: unknown, p: string, max: number, what: string): void {
    if (typeof v === 'string' && v.length > max) {
      this.add(
        p,
        `${what} is ${v.length} UTF-16 units long; LINE allows at most ${max}`,
        'maxLength',
      );
    }
  }

  private nonEmpty(v: unknown, p: string, what: string): void {
    if (v === undefined) this.add(p, 'is required', 'required');
    else if (typeof v === 'string' && v.length === 0) {
      this.add(p, `${what} must not be empty`, 'minLength');
    }
  }

  private maxItems(v: unknown, p: string, max: number, what: string): void {
    if (Array.isArray(v) && v.length > max) {
      this.add(p, `${v.length} ${what}; LINE allows at most ${max}`, 'maxItems');
    }
  }

  private https(v: unknown, p: string, max = 2000): void {
    if (typeof v !== 'string') return;
    if (!v.startsWith('https://')) this.add(p, 'must be an https:// URL', 'format');
    this.maxLen(v, p, max, 'URL');
  }

  body(opId: string, body: unknown): void {
    if (!isObj(body)) return;
    if (Array.isArray(body.messages)) {
      this.maxItems(body.messages, '/messages', 5, 'messages');
      body.messages.forEach((m, i) => {
        this.message(m, `/messages/${i}`);
      });
    }
    if (opId === 'multicast') this.maxItems(body.to, '/to', 500, 'recipients in `to`');
    if (opId === 'createRichMenu' || opId === 'validateRichMenuObject') this.richMenu(body);
    if (opId === 'createRichMenuAlias') this.aliasId(body.richMenuAliasId, '/richMenuAliasId');
    if (opId === 'showLoadingAnimation' && typeof body.loadingSeconds === 'number') {
      if (body.loadingSeconds % 5 !== 0) {
        this.add('/loadingSeconds', 'must be a multiple of 5', 'multipleOf');
      }
    }
  }

  aliasId(v: unknown, p: string): void {
    if (typeof v === 'string' && !ALIAS_RE.test(v)) {
      this.add(p, `rich menu alias id ${show(v)} must match ${ALIAS_RE.source}`, 'pattern');
    }
  }

  private message(m: unknown, p: string): void {
    if (!isObj(m)) return;
    switch (m.type) {
      case 'text':
      case 'textV2':
        this.nonEmpty(m.text, `${p}/text`, 'text');
        this.maxLen(m.text, `${p}/text`, 5000, 'text');
        this.maxItems(m.emojis, `${p}/emojis`, 20, 'emojis');
        break;
      case 'image':
      case 'video':
        this.https(m.originalContentUrl, `${p}/originalContentUrl`);
        this.https(m.previewImageUrl, `${p}/previewImageUrl`);
        break;
      case 'audio':
        this.https(m.originalContentUrl, `${p}/originalContentUrl`);
        break;
      case 'imagemap':
        this.altText(m.altText, p);
        this.https(m.baseUrl, `${p}/baseUrl`);
        this.maxItems(m.actions, `${p}/actions`, 50, 'imagemap actions');
        break;
      case 'template':
        this.altText(m.altText, p);
        this.template(m.template, `${p}/template`);
        break;
      case 'flex':
        this.altText(m.altText, p);
        this.flexContainer(m.contents, `${p}/contents`);
        break;
    }
    if (isObj(m.quickReply)) {
      const items = m.quickReply.items;
      const ip = `${p}/quickReply/items`;
      if (items === undefined) this.add(ip, 'is required', 'required');
      this.maxItems(items, ip, 13, 'quick reply buttons');
      if (Array.isArray(items)) {
        items.forEach((it, i) => {
          if (!isObj(it)) return;
          if (it.type === undefined) this.add(`${ip}/${i}/type`, 'is required', 'required');
          else if (it.type !== 'action') {
            this.add(`${ip}/${i}/type`, `must be "action" (got ${show(it.type)})`, 'const');
          }
          if (it.imageUrl !== undefined) this.https(it.imageUrl, `${ip}/${i}/imageUrl`, 2000);
          if (it.action === undefined) this.add(`${ip}/${i}/action`, 'is required', 'required');
          else this.action(it.action, `${ip}/${i}/action`, 'quickReply');
        });
      }
    }
  }

  private altText(v: unknown, p: string): void {
    this.nonEmpty(v, `${p}/altText`, 'altText');
    this.maxLen(v, `${p}/altText`, 1500, 'altText');
  }

  private action(a: unknown, p: string, ctx: ActionContext): void {
    if (!isObj(a)) return;
    const limit = ctx === 'flex' || ctx === 'flexButton' ? 40 : ctx === 'imageCarousel' ? 12 : 20;
    const labelRequired = ctx === 'quickReply' || ctx === 'template' || ctx === 'flexButton';
    if (labelRequired) this.nonEmpty(a.label, `${p}/label`, 'label');
    this.maxLen(a.label, `${p}/label`, limit, 'action label');
    switch (a.type) {
      case 'postback':
        if (a.data === undefined) this.add(`${p}/data`, 'is required', 'required');
        this.maxLen(a.data, `${p}/data`, 300, 'postback data');
        this.maxLen(a.displayText, `${p}/displayText`, 300, 'displayText');
        this.maxLen(a.text, `${p}/text`, 300, 'text');
        break;
      case 'message':
        this.nonEmpty(a.text, `${p}/text`, 'text');
        this.maxLen(a.text, `${p}/text`, 300, 'message action text');
        break;
      case 'uri':
        this.nonEmpty(a.uri, `${p}/uri`, 'uri');
        this.maxLen(a.uri, `${p}/uri`, 1000, 'uri');
        if (typeof a.uri === 'string' && !/^(https?|line|tel):/i.test(a.uri)) {
          this.add(`${p}/uri`, 'scheme must be http, https, line or tel', 'format');
        }
        break;
      case 'datetimepicker':
        if (a.data === undefined) this.add(`${p}/data`, 'is required', 'required');
        if (a.mode === undefined) this.add(`${p}/mode`, 'is required', 'required');
        break;
      case 'richmenuswitch':
        if (a.data === undefined) this.add(`${p}/data`, 'is required', 'required');
        if (a.richMenuAliasId === undefined) {
          this.add(`${p}/richMenuAliasId`, 'is required', 'required');
        }
        break;
      case 'camera':
      case 'cameraRoll':
      case 'location':
        if (ctx !== 'quickReply') {
          this.add(
            `${p}/type`,
            `a ${a.type} action can only be used in quick reply buttons`,
            'enum',
          );
        }
        break;
    }
  }

  private actions(v: unknown, p: string, ctx: ActionContext, min: number, max: number): void {
    if (!Array.isArray(v)) return;
    if (v.length < min) this.add(p, `needs at least ${min} action(s)`, 'minItems');
    this.maxItems(v, p, max, 'actions');
    v.forEach((a, i) => {
      this.action(a, `${p}/${i}`, ctx);
    });
  }

  private template(t: unknown, p: string): void {
    if (!isObj(t)) return;
    if (t.defaultAction !== undefined)
      this.action(t.defaultAction, `${p}/defaultAction`, 'templateDefault');
    switch (t.type) {
      case 'buttons': {
        const short = t.thumbnailImageUrl !== undefined || t.title !== undefined;
        this.maxLen(t.title, `${p}/title`, 40, 'title');
        this.maxLen(t.text, `${p}/text`, short ? 60 : 160, 'text');
        if (t.thumbnailImageUrl !== undefined)
          this.https(t.thumbnailImageUrl, `${p}/thumbnailImageUrl`);
        this.actions(t.actions, `${p}/actions`, 'template', 1, 4);
        break;
      }
      case 'confirm':
        this.maxLen(t.text, `${p}/text`, 240, 'text');
        if (Array.isArray(t.actions) && t.actions.length !== 2) {
          this.add(
            `${p}/actions`,
            `a confirm template needs exactly 2 actions (got ${t.actions.length})`,
            'maxItems',
          );
        }
        this.actions(t.actions, `${p}/actions`, 'template', 0, 2);
        break;
      case 'carousel': {
        const cols = t.columns;
        this.maxItems(cols, `${p}/columns`, 10, 'columns');
        if (!Array.isArray(cols)) break;
        const counts = new Set<number>();
        cols.forEach((c, i) => {
          if (!isObj(c)) return;
          const cp = `${p}/columns/${i}`;
          const short = c.thumbnailImageUrl !== undefined || c.title !== undefined;
          this.maxLen(c.title, `${cp}/title`, 40, 'title');
          this.maxLen(c.text, `${cp}/text`, short ? 60 : 120, 'text');
          if (c.thumbnailImageUrl !== undefined)
            this.https(c.thumbnailImageUrl, `${cp}/thumbnailImageUrl`);
          if (c.defaultAction !== undefined)
            this.action(c.defaultAction, `${cp}/defaultAction`, 'templateDefault');
          this.actions(c.actions, `${cp}/actions`, 'template', 1, 3);
          if (Array.isArray(c.actions)) counts.add(c.actions.length);
        });
        if (counts.size > 1) {
          this.add(
            `${p}/columns`,
            'all carousel columns must have the same number of actions',
            'const',
          );
        }
        break;
      }
      case 'image_carousel':
        this.maxItems(t.columns, `${p}/columns`, 10, 'columns');
        if (Array.isArray(t.columns)) {
          t.columns.forEach((c, i) => {
            if (!isObj(c)) return;
            this.https(c.imageUrl, `${p}/columns/${i}/imageUrl`);
            this.action(c.action, `${p}/columns/${i}/action`, 'imageCarousel');
          });
        }
        break;
    }
  }

  private flexContainer(c: unknown, p: string): void {
    if (!isObj(c)) return;
    if (c.type === 'bubble') this.bubble(c, p);
    else if (c.type === 'carousel') {
      const bubbles = c.contents;
      this.maxItems(bubbles, `${p}/contents`, 12, 'bubbles in a carousel');
      if (Array.isArray(bubbles)) {
        if (bubbles.length === 0)
          this.add(`${p}/contents`, 'a carousel needs at least 1 bubble', 'minItems');
        bubbles.forEach((b, i) => {
          this.bubble(b, `${p}/contents/${i}`);
        });
      }
      const size = Buffer.byteLength(JSON.stringify(c));
      if (size > 50 * KB) {
        this.add(p, `Flex carousel JSON is ${size} bytes; LINE allows at most 50 KB`, 'maxSize');
      }
    }
  }

  private bubble(b: unknown, p: string): void {
    if (!isObj(b)) return;
    const size = Buffer.byteLength(JSON.stringify(b));
    if (size > 30 * KB) {
      this.add(p, `Flex bubble JSON is ${size} bytes; LINE allows at most 30 KB`, 'maxSize');
    }
    if (isObj(b.hero) && !['box', 'image', 'video'].includes(String(b.hero.type))) {
      this.add(
        `${p}/hero/type`,
        `a bubble hero must be a box, image or video (got ${show(b.hero.type)})`,
        'enum',
      );
    }
    for (const block of ['header', 'hero', 'body', 'footer'] as const) {
      this.flexComponent(b[block], `${p}/${block}`, 0);
    }
    if (b.action !== undefined) this.action(b.action, `${p}/action`, 'flex');
  }

  private flexComponent(c: unknown, p: string, depth: number): void {
    if (!isObj(c) || depth > 64) return;
    if (c.action !== undefined) {
      this.action(c.action, `${p}/action`, c.type === 'button' ? 'flexButton' : 'flex');
    }
    switch (c.type) {
      case 'box':
        if (Array.isArray(c.contents)) {
          c.contents.forEach((x, i) => {
            this.flexComponent(x, `${p}/contents/${i}`, depth + 1);
          });
        }
        break;
      case 'text': {
        const hasSpans = Array.isArray(c.contents) && c.contents.length > 0;
        if (!hasSpans) this.nonEmpty(c.text, `${p}/text`, 'text (or contents)');
        break;
      }
      case 'span':
        this.nonEmpty(c.text, `${p}/text`, 'span text');
        break;
      case 'image':
      case 'icon':
        this.https(c.url, `${p}/url`);
        break;
      case 'video':
        this.https(c.url, `${p}/url`);
        this.https(c.previewUrl, `${p}/previewUrl`);
        this.flexComponent(c.altContent, `${p}/altContent`, depth + 1);
        break;
    }
  }

  private richMenu(m: Obj): void {
    for (const k of ['size', 'selected', 'name', 'chatBarText', 'areas']) {
      if (m[k] === undefined) this.add(`/${k}`, 'is required', 'required');
    }
    this.maxLen(m.chatBarText, '/chatBarText', 14, 'chatBarText');
    this.maxLen(m.name, '/name', 300, 'name');
    let w = 0;
    let h = 0;
    if (isObj(m.size) && typeof m.size.width === 'number' && typeof m.size.height === 'number') {
      w = m.size.width;
      h = m.size.height;
      if (w < 800 || w > 2500) this.add('/size/width', `must be 800-2500 (got ${w})`, 'range');
      if (h < 250) this.add('/size/height', `must be at least 250 (got ${h})`, 'minimum');
      if (h > 0 && w / h < 1.45) {
        this.add(
          '/size',
          `width/height must be at least 1.45 (got ${(w / h).toFixed(3)})`,
          'ratio',
        );
      }
    }
    this.maxItems(m.areas, '/areas', 20, 'areas');
    if (!Array.isArray(m.areas)) return;
    m.areas.forEach((a, i) => {
      if (!isObj(a)) return;
      const ap = `/areas/${i}`;
      if (a.bounds === undefined) this.add(`${ap}/bounds`, 'is required', 'required');
      if (a.action === undefined) this.add(`${ap}/action`, 'is required', 'required');
      else this.action(a.action, `${ap}/action`, 'richMenu');
      const b = a.bounds;
      if (isObj(b) && w > 0 && h > 0) {
        const { x, y, width, height } = b;
        if (
          typeof x === 'number' &&
          typeof y === 'number' &&
          typeof width === 'number' &&
          typeof height === 'number' &&
          (x + width > w || y + height > h)
        ) {
          this.add(`${ap}/bounds`, `area exceeds the rich menu size ${w}x${h}`, 'bounds');
        }
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Images (rich menu upload)
// ---------------------------------------------------------------------------------------------

function imageInfo(
  buf: Buffer,
): { kind: 'png' | 'jpeg'; width?: number; height?: number } | undefined {
  if (
    buf.length >= 24 &&
    buf.readUInt32BE(0) === 0x89504e47 &&
    buf.readUInt32BE(4) === 0x0d0a1a0a
  ) {
    return { kind: 'png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) {
    let i = 2;
    while (i + 9 < buf.length) {
      if (buf[i] !== 0xff) {
        i++;
        continue;
      }
      const marker = buf[i + 1] ?? 0;
      if (marker === 0xff) {
        i++;
        continue;
      }
      const len = buf.readUInt16BE(i + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
      if (isSof)
        return { kind: 'jpeg', height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
      i += 2 + len;
    }
    return { kind: 'jpeg' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

interface StoredRichMenu {
  richMenuId: string;
  size: unknown;
  selected: unknown;
  name: unknown;
  chatBarText: unknown;
  areas: unknown;
  image?: { contentType: string; data: Buffer };
}

interface HandlerResult extends MockResponse {
  /** A violation that only the default (stateful) behaviour can detect, e.g. wrong call order. */
  violation?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const NOT_FOUND = { message: 'Not found' };

/**
 * Reply and push calls grouped the way LINE dedupes them: replies by reply token, pushes by
 * `X-Line-Retry-Key` (`(none)` when missing). Every call is kept, accepted or not.
 */
export function deliveriesByKey(requests: readonly RecordedRequest[]): {
  replies: Map<string, RecordedRequest[]>;
  pushes: Map<string, RecordedRequest[]>;
} {
  const replies = new Map<string, RecordedRequest[]>();
  const pushes = new Map<string, RecordedRequest[]>();
  const add = (map: Map<string, RecordedRequest[]>, key: string, r: RecordedRequest) => {
    const list = map.get(key);
    if (list) list.push(r);
    else map.set(key, [r]);
  };
  for (const r of requests) {
    if (r.operationId === 'replyMessage') {
      add(replies, (r.body as { replyToken: string }).replyToken, r);
    } else if (r.operationId === 'pushMessage') {
      add(pushes, r.headers['x-line-retry-key'] ?? '(none)', r);
    }
  }
  return { replies, pushes };
}

export async function startLineMock(opts: LineMockOptions = {}): Promise<LineMock> {
  const spec = loadSpec();
  const token = opts.channelAccessToken ?? 'dev-access-token';
  const latencyMs = opts.latencyMs ?? 0;

  let responder: Responder | null = null;
  let messageCounter = 0;
  const retryKeys = new Map<string, { requestId: string; body: unknown }>();
  /** Reply tokens that already got a 2xx reply (LINE reply tokens are single-use). */
  const usedReplyTokens = new Set<string>();
  const profiles = new Map<string, MockProfile>();
  const richMenus = new Map<string, StoredRichMenu>();
  const aliases = new Map<string, string>();
  const userMenus = new Map<string, string>();
  let defaultRichMenu: string | undefined;
  let quotaLimit: number | null = null;
  let totalUsage = 0;

  const sentMessages = (body: unknown) => {
    const n = isObj(body) && Array.isArray(body.messages) ? body.messages.length : 0;
    return Array.from({ length: n }, () => {
      messageCounter++;
      return { id: String(messageCounter), quoteToken: `q${messageCounter}` };
    });
  };

  const menuView = (m: StoredRichMenu) => ({
    richMenuId: m.richMenuId,
    size: m.size,
    selected: m.selected,
    name: m.name,
    chatBarText: m.chatBarText,
    areas: m.areas,
  });

  /** Default behaviour per operation; anything not listed answers the spec's 2xx with `{}`. */
  const handlers: Record<string, (p: Record<string, string>, body: unknown) => HandlerResult> = {
    replyMessage: (_p, body) => {
      const replyToken = isObj(body) ? String(body.replyToken) : '';
      if (usedReplyTokens.has(replyToken)) {
        return {
          status: 400,
          body: { message: 'Invalid reply token' },
          violation: `reply token ${show(replyToken)} was already used by an accepted reply (reply tokens are single-use)`,
        };
      }
      return { status: 200, body: { sentMessages: sentMessages(body) } };
    },
    pushMessage: (_p, body) => {
      totalUsage += isObj(body) && Array.isArray(body.messages) ? body.messages.length : 0;
      return { status: 200, body: { sentMessages: sentMessages(body) } };
    },
    multicast: (_p, body) => {
      const b = isObj(body) ? body : {};
      const messages = Array.isArray(b.messages) ? b.messages.length : 0;
      totalUsage += messages * (Array.isArray(b.to) ? b.to.length : 0);
      return { status: 200, body: {} };
    },
    getMessageQuota: () => ({
      status: 200,
      body: quotaLimit === null ? { type: 'none' } : { type: 'limited', value: quotaLimit },
    }),
    getMessageQuotaConsumption: () => ({ status: 200, body: { totalUsage } }),
    getProfile: (p) => {
      const userId = p.userId ?? '';
      const prof = profiles.get(userId) ?? {};
      return {
        status: 200,
        body: {
          userId,
          displayName: prof.displayName ?? 'Demo User',
          language: prof.language ?? 'th',
          ...(prof.pictureUrl ? { pictureUrl: prof.pictureUrl } : {}),
        },
      };
    },
    issueLinkToken: () => ({
      status: 200,
      body: { linkToken: randomBytes(24).toString('base64url') },
    }),
    getBotInfo: () => ({
      status: 200,
      body: {
        userId: `U${'0'.repeat(32)}`,
        basicId: '@mockbot',
        displayName: 'Mock Bot',
        chatMode: 'bot',
        markAsReadMode: 'auto',
      },
    }),
    createRichMenu: (_p, body) => {
      const b = isObj(body) ? body : {};
      const richMenuId = `richmenu-${randomBytes(16).toString('hex')}`;
      richMenus.set(richMenuId, {
        richMenuId,
        size: b.size,
        selected: b.selected,
        name: b.name,
        chatBarText: b.chatBarText,
        areas: b.areas,
      });
      return { status: 200, body: { richMenuId } };
    },
    getRichMenu: (p) => {
      const m = richMenus.get(p.richMenuId ?? '');
      return m ? { status: 200, body: menuView(m) } : { status: 404, body: NOT_FOUND };
    },
    deleteRichMenu: (p) => {
      const id = p.richMenuId ?? '';
      if (!richMenus.delete(id)) return { status: 404, body: NOT_FOUND };
      if (defaultRichMenu === id) defaultRichMenu = undefined;
      for (const [u, m] of userMenus) if (m === id) userMenus.delete(u);
      return { status: 200, body: {} };
    },
    getRichMenuList: () => ({
      status: 200,
      body: { richmenus: [...richMenus.values()].map(menuView) },
    }),
    setRichMenuImage: (p, body) => {
      const m = richMenus.get(p.richMenuId ?? '');
      if (!m) return { status: 404, body: NOT_FOUND };
      if (m.image) {
        const message = 'An image has already been uploaded to the richmenu';
        return { status: 400, body: { message }, violation: message };
      }
      const data = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      const info = imageInfo(data);
      m.image = { contentType: info?.kind === 'png' ? 'image/png' : 'image/jpeg', data };
      return { status: 200, body: {} };
    },
    getRichMenuImage: (p) => {
      const m = richMenus.get(p.richMenuId ?? '');
      if (!m?.image) return { status: 404, body: NOT_FOUND };
      return { status: 200, headers: { 'content-type': m.image.contentType }, body: m.image.data };
    },
    setDefaultRichMenu: (p) => {
      const id = p.richMenuId ?? '';
      const m = richMenus.get(id);
      if (!m) return { status: 404, body: { message: 'richmenu not found' } };
      if (!m.image) {
        const message = 'must upload richmenu image before applying it to user';
        return { status: 400, body: { message }, violation: message };
      }
      defaultRichMenu = id;
      return { status: 200, body: {} };
    },
    getDefaultRichMenuId: () =>
      defaultRichMenu
        ? { status: 200, body: { richMenuId: defaultRichMenu } }
        : { status: 404, body: { message: 'no default richmenu' } },
    cancelDefaultRichMenu: () => {
      defaultRichMenu = undefined;
      return { status: 200, body: {} };
    },
    linkRichMenuIdToUser: (p) => {
      const id = p.richMenuId ?? '';
      const m = richMenus.get(id);
      if (!m) return { status: 404, body: { message: 'richmenu not found' } };
      if (!m.image) {
        const message = 'must upload richmenu image before applying it to user';
        return { status: 400, body: { message }, violation: message };
      }
      userMenus.set(p.userId ?? '', id);
      return { status: 200, body: {} };
    },
    getRichMenuIdOfUser: (p) => {
      const id = userMenus.get(p.userId ?? '') ?? defaultRichMenu;
      return id
        ? { status: 200, body: { richMenuId: id } }
        : { status: 404, body: { message: 'the user has no richmenu' } };
    },
    unlinkRichMenuIdFromUser: (p) => {
      userMenus.delete(p.userId ?? '');
      return { status: 200, body: {} };
    },
    createRichMenuAlias: (_p, body) => {
      const b = isObj(body) ? body : {};
      const aliasId = String(b.richMenuAliasId);
      const menuId = String(b.richMenuId);
      if (aliases.has(aliasId))
        return { status: 400, body: { message: 'conflict richmenu alias id' } };
      if (!richMenus.has(menuId)) return { status: 400, body: { message: 'richmenu not found' } };
      aliases.set(aliasId, menuId);
      return { status: 200, body: {} };
    },
    updateRichMenuAlias: (p, body) => {
      const aliasId = p.richMenuAliasId ?? '';
      const menuId = isObj(body) ? String(body.richMenuId) : '';
      if (!aliases.has(aliasId))
        return { status: 400, body: { message: 'richmenu alias not found' } };
      if (!richMenus.has(menuId)) return { status: 400, body: { message: 'richmenu not found' } };
      aliases.set(aliasId, menuId);
      return { status: 200, body: {} };
    },
    getRichMenuAlias: (p) => {
      const aliasId = p.richMenuAliasId ?? '';
      const menuId = aliases.get(aliasId);
      return menuId
        ? { status: 200, body: { richMenuAliasId: aliasId, richMenuId: menuId } }
        : { status: 404, body: { message: 'richmenu alias not found' } };
    },
    deleteRichMenuAlias: (p) =>
      aliases.delete(p.richMenuAliasId ?? '')
        ? { status: 200, body: {} }
        : { status: 400, body: { message: 'richmenu alias not found' } },
    getRichMenuAliasList: () => ({
      status: 200,
      body: {
        aliases: [...aliases].map(([richMenuAliasId, richMenuId]) => ({
          richMenuAliasId,
          richMenuId,
        })),
      },
    }),
  };

  const mock: LineMock = {
    url: '',
    requests: [],
    violations: [],
    replies: () =>
      mock.requests.filter(
        (r) => r.operationId === 'replyMessage' && r.status >= 200 && r.status < 300,
      ),
    pushes: () =>
      mock.requests.filter(
        (r) => r.operationId === 'pushMessage' && r.status >= 200 && r.status < 300,
      ),
    setResponder: (fn) => {
      responder = fn;
    },
    setProfile: (userId, profile) => {
      profiles.set(userId, { ...profiles.get(userId), ...profile });
    },
    setQuota: (quota) => {
      quotaLimit = quota.limit;
      if (quota.totalUsage !== undefined) totalUsage = quota.totalUsage;
    },
    waitFor: async (pred, timeoutMs = 2000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (pred(mock)) return;
        if (Date.now() >= deadline) {
          const seen = mock.requests
            .map((r) => `  ${r.method} ${r.path} -> ${r.status}`)
            .join('\n');
          const v =
            mock.violations.length > 0 ? `\nviolations:\n  ${mock.violations.join('\n  ')}` : '';
          throw new Error(
            `LineMock.waitFor: condition not met within ${timeoutMs} ms; ` +
              `${mock.requests.length} request(s) received${seen ? `:\n${seen}` : ''}${v}`,
          );
        }
        await sleep(5);
      }
    },
    reset: () => {
      mock.requests.length = 0;
      mock.violations.length = 0;
      responder = null;
      retryKeys.clear();
      usedReplyTokens.clear();
      profiles.clear();
      richMenus.clear();
      aliases.clear();
      userMenus.clear();
      defaultRichMenu = undefined;
      messageCounter = 0;
      quotaLimit = null;
      totalUsage = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const buf = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);

    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const qIdx = rawUrl.indexOf('?');
    const path = qIdx >= 0 ? rawUrl.slice(0, qIdx) : rawUrl;
    const query: Record<string, string> = {};
    if (qIdx >= 0) for (const [k, v] of new URLSearchParams(rawUrl.slice(qIdx + 1))) query[k] = v;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }

    const rec: RecordedRequest = {
      method,
      path,
      query,
      headers,
      body: undefined,
      rawBody: '',
      violations: [],
      status: 0,
      at,
    };
    mock.requests.push(rec);
    const violate = (msg: string) => {
      rec.violations.push(msg);
      mock.violations.push(`${method} ${path}: ${msg}`);
    };

    const match = matchRoute(spec, method, path);
    const op = match?.op;
    const params = match?.params ?? {};
    let authFailed = false;
    const bodyIssues: Issue[] = [];
    let retryKey: string | undefined;

    if (!op) {
      rec.rawBody = buf.toString('utf8');
      violate('no such operation in the LINE Messaging API spec');
    } else {
      rec.operationId = op.id;
      const auth = headers.authorization;
      if (auth !== `Bearer ${token}`) {
        authFailed = true;
        violate(
          auth === undefined
            ? 'missing Authorization header'
            : `invalid Authorization header (expected "Bearer <channel access token>")`,
        );
      }
      for (const q of op.requiredQuery) {
        if (query[q] === undefined) violate(`missing required query parameter "${q}"`);
      }

      const ct = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (op.binaryBody) {
        rec.body = buf;
        rec.rawBody = `<binary ${buf.length} bytes>`;
        if (op.id === 'setRichMenuImage') {
          if (ct !== 'image/png' && ct !== 'image/jpeg') {
            violate(`Content-Type must be image/png or image/jpeg (got ${show(ct)})`);
          }
          if (buf.length === 0) violate('the image is empty');
          if (buf.length > MAX_RICH_MENU_IMAGE) {
            violate(`the image is ${buf.length} bytes; LINE allows at most 1 MB (1048576 bytes)`);
          }
          const info = imageInfo(buf);
          if (buf.length > 0 && !info) violate('the body is neither a PNG nor a JPEG image');
          if (info && ct.startsWith('image/') && `image/${info.kind}` !== ct) {
            violate(`Content-Type is ${ct} but the body is a ${info.kind.toUpperCase()} image`);
          }
          const menu = richMenus.get(params.richMenuId ?? '');
          if (info?.width && menu && isObj(menu.size)) {
            const { width, height } = menu.size;
            if (info.width !== width || info.height !== height) {
              violate(
                `image is ${info.width}x${info.height} but the rich menu size is ${String(width)}x${String(height)}`,
              );
            }
          }
        }
      } else {
        rec.rawBody = buf.toString('utf8');
        if (op.jsonBody) {
          if (rec.rawBody.length === 0) {
            if (op.bodyRequired)
              bodyIssues.push({
                pointer: '',
                message: 'a JSON request body is required',
                keyword: 'required',
              });
          } else {
            if (ct !== 'application/json') {
              violate(`Content-Type must be application/json (got ${show(ct)})`);
            }
            let parsed: unknown;
            let parsedOk = true;
            try {
              parsed = JSON.parse(rec.rawBody);
            } catch (err) {
              parsedOk = false;
              bodyIssues.push({
                pointer: '',
                message: `invalid JSON: ${(err as Error).message}`,
                keyword: 'json',
              });
            }
            if (parsedOk) {
              rec.body = parsed;
              bodyIssues.push(...checkJsonBody(spec, op, parsed));
            }
          }
        } else if (rec.rawBody.length > 0) {
          try {
            rec.body = JSON.parse(rec.rawBody);
          } catch {
            rec.body = rec.rawBody;
          }
        }
      }
      for (const i of bodyIssues) violate(`${pointerToProperty(i.pointer)}: ${i.message}`);

      // Path parameters with documented formats.
      if (params.richMenuAliasId !== undefined && !ALIAS_RE.test(params.richMenuAliasId)) {
        violate(`rich menu alias id ${show(params.richMenuAliasId)} must match ${ALIAS_RE.source}`);
      }

      const rk = headers['x-line-retry-key'];
      if (rk !== undefined) {
        if (!op.headerParams.has('x-line-retry-key')) {
          violate(`X-Line-Retry-Key is not supported by ${op.id}`);
        } else if (!UUID_RE.test(rk)) {
          violate(`X-Line-Retry-Key must be a UUID (got ${show(rk)})`);
        } else {
          retryKey = rk.toLowerCase();
        }
      }
    }

    const requestId = randomUUID();
    let result: HandlerResult | undefined;
    if (responder) result = await responder(rec);
    if (!result) {
      if (!op) result = { status: 404, body: NOT_FOUND };
      else if (authFailed) {
        result = {
          status: 401,
          body: {
            message:
              'Authentication failed. Confirm that the access token in the authorization header is valid.',
          },
        };
      } else if (bodyIssues.length > 0) {
        result = {
          status: 400,
          body: {
            message: `The request body has ${bodyIssues.length} error(s)`,
            details: bodyIssues.map((i) => ({
              message: i.message,
              property: pointerToProperty(i.pointer),
            })),
          },
        };
      } else if (rec.violations.length > 0) {
        result = { status: 400, body: { message: rec.violations.join('; ') } };
      } else if (retryKey && retryKeys.has(retryKey)) {
        const prev = retryKeys.get(retryKey);
        const prevBody = isObj(prev?.body) ? prev.body : {};
        result = {
          status: 409,
          headers: { 'x-line-accepted-request-id': prev?.requestId ?? '' },
          body: {
            message: 'The retry key is already accepted',
            ...(prevBody.sentMessages ? { sentMessages: prevBody.sentMessages } : {}),
          },
        };
      } else {
        const h = handlers[op.id];
        result = h ? h(params, rec.body) : { status: op.successStatus, body: {} };
        if (result.violation) violate(result.violation);
      }
    }
    rec.status = result.status;
    if (retryKey && result.status >= 200 && result.status < 300 && !retryKeys.has(retryKey)) {
      retryKeys.set(retryKey, { requestId, body: result.body });
    }
    if (op?.id === 'replyMessage' && result.status >= 200 && result.status < 300) {
      if (isObj(rec.body) && typeof rec.body.replyToken === 'string') {
        usedReplyTokens.add(rec.body.replyToken);
      }
    }

    if (latencyMs > 0) await sleep(latencyMs);
    send(res, result, requestId);
  };

  // Control endpoints for tests running in another runtime (the workerd lane): they read what the
  // mock recorded over HTTP. They are not LINE operations and are never recorded themselves.
  const control = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!req.url?.startsWith('/__mock/')) return false;
    if (req.method === 'GET' && req.url === '/__mock/requests') {
      const body = JSON.stringify(
        mock.requests.map((r) => ({
          ...r,
          body: r.body instanceof Uint8Array ? undefined : r.body,
        })),
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    } else if (req.method === 'GET' && req.url === '/__mock/violations') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(mock.violations));
    } else if (req.method === 'POST' && req.url === '/__mock/reset') {
      mock.reset();
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
    return true;
  };

  const server = createServer((req, res) => {
    if (control(req, res)) return;
    handle(req, res).catch((err: unknown) => {
      mock.violations.push(`${req.method} ${req.url}: mock internal error: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'mock internal error' }));
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  mock.url = `http://127.0.0.1:${port}`;
  return mock;
}

function send(res: ServerResponse, r: MockResponse, requestId: string): void {
  let payload: string | Uint8Array;
  let contentType: string | undefined;
  if (r.body === undefined || r.body === null) payload = '';
  else if (r.body instanceof Uint8Array) {
    payload = r.body;
    contentType = 'application/octet-stream';
  } else if (typeof r.body === 'string') {
    payload = r.body;
    contentType = 'text/plain; charset=utf-8';
  } else {
    payload = JSON.stringify(r.body);
    contentType = 'application/json';
  }
  const headers: Record<string, string | number> = {
    'x-line-request-id': requestId,
    'content-length': typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length,
  };
  if (contentType) headers['content-type'] = contentType;
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  res.writeHead(r.status, headers);
  res.end(payload);
}
