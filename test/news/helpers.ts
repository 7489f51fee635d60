/** Shared setup for the news tests: followers in bulk, and what the LINE mock delivered. */
import type { TestApp } from '../helpers/app.ts';
import type { LineMock, RecordedRequest } from '../helpers/line-mock.ts';

/** A valid-looking LINE user id (U + 32 hex) from a label and a number. */
export function userId(prefix: string, i: number): string {
  const hex = Buffer.from(prefix).toString('hex').slice(0, 8).padEnd(8, '0');
  return `U${hex}${i.toString(16).padStart(24, '0')}`;
}

/** Inserts `n` active followers straight into line_users (fast); returns their ids. */
export function addFollowers(
  app: TestApp,
  prefix: string,
  n: number,
  patch: { status?: 'active' | 'inactive'; newsOptOut?: boolean; language?: string } = {},
): string[] {
  const ids = Array.from({ length: n }, (_, i) => userId(prefix, i));
  const insert = app.store.sqlite.prepare(
    `insert into line_users (user_id, status, news_opt_out, profile_language, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?)`,
  );
  const now = Date.now();
  app.store.sqlite.transaction(() => {
    for (const id of ids) {
      insert.run(
        id,
        patch.status ?? 'active',
        patch.newsOptOut ? 1 : 0,
        patch.language ?? null,
        now,
        now,
      );
    }
  })();
  return ids;
}

const ok = (r: RecordedRequest) => r.status >= 200 && r.status < 300;

/** Multicast requests LINE accepted (2xx), in order. */
export const acceptedMulticasts = (mock: LineMock) =>
  mock.requests.filter((r) => r.operationId === 'multicast' && ok(r));

/** How many times each user id was delivered to by an accepted multicast. */
export function deliveries(mock: LineMock): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of acceptedMulticasts(mock)) {
    for (const id of (r.body as { to: string[] }).to) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Asserts-friendly summary: ids delivered more than once, and ids never delivered. */
export function exactlyOnce(mock: LineMock, expected: readonly string[]) {
  const counts = deliveries(mock);
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const missing = expected.filter((id) => !counts.has(id));
  const unexpected = [...counts.keys()].filter((id) => !expected.includes(id));
  return { duplicated, missing, unexpected, delivered: counts.size };
}
