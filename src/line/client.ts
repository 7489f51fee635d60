/**
 * Our small LINE client interface, implemented over @line/bot-sdk. Handlers never see it:
 * the dispatcher and jobs do. Every message is checked against LINE's limits before it leaves.
 */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import {
  assertRichMenuWithinLimits,
  assertWithinLimits,
  findRichMenuImageViolations,
  imageSize,
  isValidRichMenuAliasId,
  LIMITS,
  type Message,
  MessageLimitError,
  type RichMenuRequest,
} from './limits.ts';

export interface SendResult {
  /** LINE's x-line-request-id of the accepted request. */
  readonly requestId: string | null;
  /** True when LINE answered 409: the retry key was accepted before (counts as delivered). */
  readonly duplicate: boolean;
}

export interface LineProfile {
  readonly displayName: string;
  readonly language?: string;
}

/** This month's message quota: `limit` null when no target limit is set (`type: none`). */
export interface MessageQuota {
  readonly limit: number | null;
}

/** Messages sent this month that count against the quota. */
export interface MessageConsumption {
  readonly totalUsage: number;
}

export interface LineClient {
  reply(replyToken: string, messages: readonly Message[]): Promise<SendResult>;
  push(to: string, messages: readonly Message[], retryKey: string): Promise<SendResult>;
  /** One message set to ≤ 500 user ids; 409 (retry key already accepted) → `duplicate: true`. */
  multicast(
    to: readonly string[],
    messages: readonly Message[],
    retryKey: string,
  ): Promise<SendResult>;
  /** To every follower; 409 → `duplicate: true`. LINE allows 60 broadcasts per hour. */
  broadcast(messages: readonly Message[], retryKey: string): Promise<SendResult>;
  getProfile(userId: string): Promise<LineProfile>;
  issueLinkToken(userId: string): Promise<string>;
  /** GET /v2/bot/message/quota. */
  getMessageQuota(): Promise<MessageQuota>;
  /** GET /v2/bot/message/quota/consumption. */
  getMessageConsumption(): Promise<MessageConsumption>;
}

/** A LINE API call that failed; `status` 0 means no HTTP answer (network error or timeout). */
export class LineApiError extends Error {
  override readonly name = 'LineApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly requestId: string | null,
    readonly body: string,
  ) {
    super(message);
  }
  /** 429 and 5xx and no-answer are worth retrying; other 4xx are not. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
  /** The request may have reached LINE and been acted on. */
  get ambiguous(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

export interface LineClientOptions {
  channelAccessToken: string;
  apiBaseUrl: string;
  timeoutMs?: number;
}

export function createLineClient(options: LineClientOptions): LineClient {
  const api = new messagingApi.MessagingApiClient({
    channelAccessToken: options.channelAccessToken,
    baseURL: options.apiBaseUrl,
  });
  const call = timedCall(options.timeoutMs ?? 5000);

  return {
    async reply(replyToken, messages) {
      assertWithinLimits(messages);
      const res = await call('reply', () =>
        api.replyMessageWithHttpInfo({ replyToken, messages: [...messages] }),
      );
      return { requestId: res.httpResponse.headers.get('x-line-request-id'), duplicate: false };
    },
    async push(to, messages, retryKey) {
      assertWithinLimits(messages);
      return acceptedOnce(
        call('push', () => api.pushMessageWithHttpInfo({ to, messages: [...messages] }, retryKey)),
      );
    },
    async multicast(to, messages, retryKey) {
      assertWithinLimits(messages);
      if (to.length === 0 || to.length > LIMITS.multicastRecipients) {
        throw new MessageLimitError([
          `multicast to ${to.length} users (1 to ${LIMITS.multicastRecipients} allowed)`,
        ]);
      }
      return acceptedOnce(
        call('multicast', () =>
          api.multicastWithHttpInfo({ to: [...to], messages: [...messages] }, retryKey),
        ),
      );
    },
    async broadcast(messages, retryKey) {
      assertWithinLimits(messages);
      return acceptedOnce(
        call('broadcast', () => api.broadcastWithHttpInfo({ messages: [...messages] }, retryKey)),
      );
    },
    async getProfile(userId) {
      const p = await call('getProfile', () => api.getProfile(userId));
      return p.language === undefined
        ? { displayName: p.displayName }
        : { displayName: p.displayName, language: p.language };
    },
    async issueLinkToken(userId) {
      const res = await call('issueLinkToken', () => api.issueLinkToken(userId));
      return res.linkToken;
    },
    async getMessageQuota() {
      const res = await call('getMessageQuota', () => api.getMessageQuota());
      return { limit: res.type === 'limited' && typeof res.value === 'number' ? res.value : null };
    },
    async getMessageConsumption() {
      const res = await call('getMessageQuotaConsumption', () => api.getMessageQuotaConsumption());
      return { totalUsage: res.totalUsage };
    },
  };
}

/** Runs a LINE call with a timeout; failures become `LineApiError`. */
function timedCall(timeoutMs: number) {
  return async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LineApiError(`${what}: timed out after ${timeoutMs} ms`, 0, null, '')),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (err) {
      throw toLineApiError(what, err);
    } finally {
      clearTimeout(timer);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Rich menus (operator tooling: `npm run cli -- richmenu …`; the webhook path never uses them)
// ---------------------------------------------------------------------------------------------

export interface RichMenuSummary {
  readonly richMenuId: string;
  readonly name: string;
  readonly chatBarText: string;
  readonly selected: boolean;
  readonly size: { readonly width: number; readonly height: number };
  readonly areas: number;
}

export interface RichMenuAlias {
  readonly richMenuAliasId: string;
  readonly richMenuId: string;
}

/** Rich-menu operations of the Messaging API; menus and images are checked before they leave. */
export interface RichMenuApi {
  list(): Promise<RichMenuSummary[]>;
  /** Creates a menu (LINE allows 100 creations per hour) and returns its id. */
  create(menu: RichMenuRequest): Promise<string>;
  /** Uploads the menu's PNG/JPEG to the data API; it must match the menu's size. */
  setImage(richMenuId: string, image: Uint8Array, size: RichMenuRequest['size']): Promise<void>;
  delete(richMenuId: string): Promise<void>;
  listAliases(): Promise<RichMenuAlias[]>;
  createAlias(richMenuAliasId: string, richMenuId: string): Promise<void>;
  updateAlias(richMenuAliasId: string, richMenuId: string): Promise<void>;
  deleteAlias(richMenuAliasId: string): Promise<void>;
  /** The default menu's id, or null when none is set. */
  getDefault(): Promise<string | null>;
  setDefault(richMenuId: string): Promise<void>;
  cancelDefault(): Promise<void>;
  /** Per-user menu (overrides the default for that user). */
  linkToUser(userId: string, richMenuId: string): Promise<void>;
}

export interface RichMenuApiOptions extends LineClientOptions {
  /** LINE_DATA_API_BASE_URL (`https://api-data.line.me`): image uploads go there. */
  dataApiBaseUrl: string;
}

export function createRichMenuApi(options: RichMenuApiOptions): RichMenuApi {
  const api = new messagingApi.MessagingApiClient({
    channelAccessToken: options.channelAccessToken,
    baseURL: options.apiBaseUrl,
  });
  const blob = new messagingApi.MessagingApiBlobClient({
    channelAccessToken: options.channelAccessToken,
    baseURL: options.dataApiBaseUrl,
  });
  // Image uploads are up to 1 MB: give them more time than a message.
  const call = timedCall(options.timeoutMs ?? 30_000);
  return {
    async list() {
      const res = await call('getRichMenuList', () => api.getRichMenuList());
      return res.richmenus.map((m) => ({
        richMenuId: m.richMenuId,
        name: m.name,
        chatBarText: m.chatBarText,
        selected: m.selected,
        size: { width: m.size.width ?? 0, height: m.size.height ?? 0 },
        areas: m.areas.length,
      }));
    },
    async create(menu) {
      assertRichMenuWithinLimits(menu);
      const res = await call('createRichMenu', () => api.createRichMenu(menu));
      return res.richMenuId;
    },
    async setImage(richMenuId, image, size) {
      const violations = findRichMenuImageViolations(image, {
        width: size?.width ?? 0,
        height: size?.height ?? 0,
      });
      if (violations.length > 0) throw new MessageLimitError(violations);
      const type = imageSize(image)?.type ?? 'image/png';
      const body = new Blob([new Uint8Array(image)], { type });
      await call('setRichMenuImage', () => blob.setRichMenuImage(richMenuId, body));
    },
    async delete(richMenuId) {
      await call('deleteRichMenu', () => api.deleteRichMenu(richMenuId));
    },
    async listAliases() {
      const res = await call('getRichMenuAliasList', () => api.getRichMenuAliasList());
      return res.aliases.map((a) => ({
        richMenuAliasId: a.richMenuAliasId,
        richMenuId: a.richMenuId,
      }));
    },
    async createAlias(richMenuAliasId, richMenuId) {
      assertAliasId(richMenuAliasId);
      await call('createRichMenuAlias', () =>
        api.createRichMenuAlias({ richMenuAliasId, richMenuId }),
      );
    },
    async updateAlias(richMenuAliasId, richMenuId) {
      assertAliasId(richMenuAliasId);
      await call('updateRichMenuAlias', () =>
        api.updateRichMenuAlias(richMenuAliasId, { richMenuId }),
      );
    },
    async deleteAlias(richMenuAliasId) {
      await call('deleteRichMenuAlias', () => api.deleteRichMenuAlias(richMenuAliasId));
    },
    async getDefault() {
      try {
        const res = await call('getDefaultRichMenuId', () => api.getDefaultRichMenuId());
        return res.richMenuId;
      } catch (err) {
        if (err instanceof LineApiError && err.status === 404) return null;
        throw err;
      }
    },
    async setDefault(richMenuId) {
      await call('setDefaultRichMenu', () => api.setDefaultRichMenu(richMenuId));
    },
    async cancelDefault() {
      await call('cancelDefaultRichMenu', () => api.cancelDefaultRichMenu());
    },
    async linkToUser(userId, richMenuId) {
      await call('linkRichMenuIdToUser', () => api.linkRichMenuIdToUser(userId, richMenuId));
    },
  };
}

function assertAliasId(id: string): void {
  if (!isValidRichMenuAliasId(id)) {
    throw new MessageLimitError([`rich menu alias id "${id}" must match ^[a-z0-9_-]{1,32}$`]);
  }
}

/** A call with a retry key: 409 means LINE accepted this key before, i.e. delivered. */
async function acceptedOnce(
  sent: Promise<{ httpResponse: { headers: Headers } }>,
): Promise<SendResult> {
  try {
    const res = await sent;
    return { requestId: res.httpResponse.headers.get('x-line-request-id'), duplicate: false };
  } catch (err) {
    if (err instanceof LineApiError && err.status === 409) {
      return { requestId: err.requestId, duplicate: true };
    }
    throw err;
  }
}

function toLineApiError(what: string, err: unknown): unknown {
  if (err instanceof LineApiError) return err;
  if (err instanceof HTTPFetchError) {
    const requestId = err.headers.get('x-line-request-id');
    const accepted = err.headers.get('x-line-accepted-request-id');
    return new LineApiError(
      `${what}: LINE answered ${err.status}`,
      err.status,
      err.status === 409 ? (accepted ?? requestId) : requestId,
      err.body.slice(0, 500),
    );
  }
  if (err instanceof Error && err.name === 'MessageLimitError') return err;
  return new LineApiError(
    `${what}: ${err instanceof Error ? err.message : String(err)}`,
    0,
    null,
    '',
  );
}
