/**
 * Typed configuration from environment variables (SPEC §3.1). It fails closed: development
 * defaults for secrets apply only with `NODE_ENV=development` (which `npm start` sets for a
 * newcomer); with NODE_ENV unset, `production` or `test`, a missing secret refuses to start
 * with one line naming the variable. Unset counts as production (a server started by hand or
 * by a unit file without the variable must not run on the public dev secret). Demo data is
 * seeded by default only in development; elsewhere only with an explicit `SEED_DEMO=1`.
 */

export interface Config {
  readonly nodeEnv: 'production' | 'development' | 'test';
  readonly port: number;
  readonly databasePath: string;
  readonly channelSecret: string;
  readonly channelAccessToken: string;
  /** HMAC key of the audit log's pseudonyms (never the channel secret: rotating one must not
   * re-key the other). */
  readonly auditPseudonymKey: string;
  /** SESSION_SECRET: signs operator-console sessions and CSRF tokens, and keys the staff TOTP
   * secrets' encryption (rotating it signs everyone out and needs TOTP re-enrolment). */
  readonly sessionSecret: string;
  readonly lineApiBaseUrl: string;
  readonly lineDataApiBaseUrl: string;
  readonly publicBaseUrl: string;
  readonly adminToken: string | undefined;
  /**
   * Header set by the trusted reverse proxy that carries the client address (e.g.
   * `cf-connecting-ip`, `x-forwarded-for`); lower case. Undefined: the socket address.
   */
  readonly clientIpHeader: string | undefined;
  /**
   * The LINE Official Account's basic ID (e.g. `@ssothai`): in groups, the "ask me 1:1" answer
   * gets a button that opens the 1:1 chat. Unset: the text alone.
   */
  readonly lineBotBasicId: string | undefined;
  /** News push jobs: LINE multicast calls per second (1–200; LINE allows 200/s). */
  readonly pushRatePerSecond: number;
  /**
   * NOTIFY_QUIET_HOURS: Asia/Bangkok hours in which no notification is pushed (default
   * 21:00-08:00), as minutes after midnight, `from` inclusive and `to` exclusive (it may wrap
   * midnight); null when set to `off`.
   */
  readonly notifyQuietHours: QuietHours | null;
  /** NOTIFY_PUSH_RATE: notification pushes per second (1–2000; LINE allows 2,000/s). */
  readonly notifyPushRate: number;
  readonly seedDemo: boolean;
  readonly logLevel: LogLevel;
  /**
   * Node only: threads that record and process webhook events (the main thread serves HTTP
   * and makes the LINE calls). `undefined` = one thread in production when the machine has two or more cores, none
   * otherwise (everything on the main thread, as in development and tests).
   */
  readonly processThreads: number | undefined;
}

/** Minutes after midnight (Asia/Bangkok): quiet from `from` (inclusive) to `to` (exclusive). */
export interface QuietHours {
  readonly from: number;
  readonly to: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface ParseOptions {
  /** Called once per defaulted variable in development. */
  warn?: (message: string) => void;
}

export function parseConfig(env: Env, options: ParseOptions = {}): Config {
  const nodeEnv = parseNodeEnv(env.NODE_ENV);
  const production = nodeEnv === 'production';
  const development = nodeEnv === 'development';
  const warn = options.warn ?? (() => {});

  const required = (name: string, devDefault: string): string => {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return value;
    if (!development) {
      throw new ConfigError(
        name,
        `is required (NODE_ENV=${env.NODE_ENV || 'unset, which counts as production'}; only NODE_ENV=development has defaults)`,
      );
    }
    warn(`${name} is not set; using the development default`);
    return devDefault;
  };

  // Secrets first: without them nothing else matters.
  const channelSecret = required('LINE_CHANNEL_SECRET', 'dev-channel-secret');
  const channelAccessToken = required('LINE_CHANNEL_ACCESS_TOKEN', 'dev-access-token');
  const auditPseudonymKey = required('AUDIT_PSEUDONYM_KEY', 'dev-audit-pseudonym-key');
  const sessionSecret = required('SESSION_SECRET', 'dev-session-secret');
  if (!development && sessionSecret.length < 32) {
    throw new ConfigError(
      'SESSION_SECRET',
      'must be at least 32 characters (e.g. openssl rand -base64 32)',
    );
  }
  const port = parsePort(env.PORT);
  const lineApiBaseUrl = parseOrigin(
    'LINE_API_BASE_URL',
    env.LINE_API_BASE_URL,
    'https://api.line.me',
  );
  const lineDataApiBaseUrl = parseOrigin(
    'LINE_DATA_API_BASE_URL',
    env.LINE_DATA_API_BASE_URL,
    'https://api-data.line.me',
  );
  const publicBaseUrl = parseOrigin(
    'PUBLIC_BASE_URL',
    env.PUBLIC_BASE_URL,
    `http://localhost:${port}`,
  );
  if (production && !publicBaseUrl.startsWith('https://')) {
    throw new ConfigError('PUBLIC_BASE_URL', 'must be an https:// origin in production');
  }

  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const adminToken = env.ADMIN_TOKEN?.trim() || undefined;
  if (adminToken !== undefined) checkAdminToken(adminToken, development);

  const clientIpHeader = env.CLIENT_IP_HEADER?.trim().toLowerCase() || undefined;
  if (clientIpHeader !== undefined && !/^[a-z0-9-]{1,64}$/.test(clientIpHeader)) {
    throw new ConfigError(
      'CLIENT_IP_HEADER',
      `must be an HTTP header name, got "${clientIpHeader}"`,
    );
  }

  const lineBotBasicId = env.LINE_BOT_BASIC_ID?.trim() || undefined;
  if (lineBotBasicId !== undefined && !/^@[a-z0-9._-]{1,32}$/i.test(lineBotBasicId)) {
    throw new ConfigError('LINE_BOT_BASIC_ID', `must look like @ssothai, got "${lineBotBasicId}"`);
  }

  const pushRatePerSecond = parseRate(
    'PUSH_RATE_PER_SECOND',
    env.PUSH_RATE_PER_SECOND,
    100,
    200,
    "LINE's multicast limit",
  );
  const notifyQuietHours = parseQuietHours(env.NOTIFY_QUIET_HOURS);
  // Default 1,000/s: half of LINE's push limit, the rest left to the chat's own pushes.
  const notifyPushRate = parseRate(
    'NOTIFY_PUSH_RATE',
    env.NOTIFY_PUSH_RATE,
    1000,
    2000,
    "LINE's push limit",
  );
  const processThreads = parseProcessThreads(env.PROCESS_THREADS);

  return {
    nodeEnv,
    port,
    databasePath: env.DATABASE_PATH?.trim() || './data/sso-bot.sqlite',
    channelSecret,
    channelAccessToken,
    auditPseudonymKey,
    sessionSecret,
    lineApiBaseUrl,
    lineDataApiBaseUrl,
    publicBaseUrl,
    adminToken,
    clientIpHeader,
    lineBotBasicId,
    pushRatePerSecond,
    notifyQuietHours,
    notifyPushRate,
    seedDemo: parseBool('SEED_DEMO', env.SEED_DEMO, development),
    logLevel,
    processThreads,
  };
}

function parseProcessThreads(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 16) {
    throw new ConfigError('PROCESS_THREADS', `must be an integer from 0 to 16, got "${value}"`);
  }
  return n;
}

/**
 * The admin API's bearer token guards news pushes to millions: outside development at least
 * 32 characters (e.g. `openssl rand -base64 32`) with some variety (no `aaaa…`, no short pattern
 * repeated); in development at least 16.
 */
function checkAdminToken(token: string, development: boolean): void {
  const min = development ? 16 : 32;
  if (token.length < min) {
    throw new ConfigError(
      'ADMIN_TOKEN',
      `must be at least ${min} characters (e.g. openssl rand -base64 32)`,
    );
  }
  const distinct = new Set(token).size;
  const repeated = /^(.{1,8})\1+$/.test(token);
  if (!development && (distinct < 10 || repeated)) {
    throw new ConfigError(
      'ADMIN_TOKEN',
      'is too predictable; use a random value (e.g. openssl rand -base64 32)',
    );
  }
}

function parseNodeEnv(value: string | undefined): Config['nodeEnv'] {
  if (value === undefined || value === '') return 'production';
  if (value === 'production' || value === 'development' || value === 'test') return value;
  throw new ConfigError('NODE_ENV', 'must be production, development or test');
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', `must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

/** A rate per second from 1 to `max` (LINE's limit, named by `limit`); `fallback` when unset. */
function parseRate(
  name: string,
  value: string | undefined,
  fallback: number,
  max: number,
  limit: string,
): number {
  if (value === undefined || value.trim() === '') return fallback;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 1 || rate > max) {
    throw new ConfigError(name, `must be a number from 1 to ${max} (${limit}), got "${value}"`);
  }
  return rate;
}

const QUIET_HOURS = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** `HH:MM-HH:MM` (Asia/Bangkok; may wrap midnight), or `off`; default 21:00-08:00. */
export function parseQuietHours(value: string | undefined): QuietHours | null {
  const raw = value?.trim() || '21:00-08:00';
  if (raw.toLowerCase() === 'off') return null;
  const m = QUIET_HOURS.exec(raw);
  if (!m) {
    throw new ConfigError(
      'NOTIFY_QUIET_HOURS',
      `must be HH:MM-HH:MM in Asia/Bangkok time (e.g. 21:00-08:00) or off, got "${raw}"`,
    );
  }
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  if (from === to) {
    throw new ConfigError('NOTIFY_QUIET_HOURS', `start and end are the same ("${raw}"); use off`);
  }
  return { from, to };
}

function parseOrigin(name: string, value: string | undefined, fallback: string): string {
  const raw = value?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an http(s) origin, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) origin, got "${raw}"`);
  }
  return url.origin;
}

function parseBool(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
  throw new ConfigError(name, 'must be 1 or 0');
}
