/**
 * In-process Deps for the bench rows that call the app's functions directly (no HTTP server):
 * silent logs, real clock, nothing deferred. `nullLine` answers every LINE call at once.
 */
import type { Config } from '../src/config.ts';
import { DEFAULT_TUNING, type Deps, realSleep, systemClock, type Tuning } from '../src/deps.ts';
import { localEvents } from '../src/dispatcher.ts';
import { createI18n } from '../src/i18n.ts';
import type { LineClient } from '../src/line/client.ts';
import { createSignatureVerifier } from '../src/line/signature.ts';
import { createLogger } from '../src/log.ts';
import type { Store } from '../src/store/db.ts';

export function nullLine(overrides: Partial<LineClient> = {}): LineClient {
  return {
    reply: async () => ({ requestId: null, duplicate: false }),
    push: async () => ({ requestId: null, duplicate: false }),
    multicast: async () => ({ requestId: null, duplicate: false }),
    broadcast: async () => ({ requestId: null, duplicate: false }),
    getProfile: async () => ({ displayName: 'bench' }),
    issueLinkToken: async () => 'bench-link-token',
    getMessageQuota: async () => ({ limit: null }),
    getMessageConsumption: async () => ({ totalUsage: 0 }),
    ...overrides,
  };
}

export function benchDeps(options: {
  config: Config;
  store: Store;
  line: LineClient;
  tuning?: Partial<Tuning>;
}): Deps {
  const deps: Deps = {
    events: localEvents(() => deps),
    config: options.config,
    store: options.store,
    line: options.line,
    i18n: createI18n(),
    log: createLogger('silent'),
    clock: systemClock,
    sleep: realSleep,
    signature: createSignatureVerifier(options.config.channelSecret),
    defer: () => {},
    tuning: { ...DEFAULT_TUNING, ...options.tuning },
  };
  return deps;
}
