/**
 * A notification run at scale: N linked users (default 1,000,000), every one opted in to claim
 * decisions and medical-rights warnings, 10 % due (5 % with a claim just approved, 5 % whose
 * medical rights lapse next month unless this month is paid), on the last days of a month so
 * the medical planner sweeps every subscriber. LINE is a null client that only counts, so the
 * times are our own overhead: the plan (set-based SQL) and the send (chunks, leases, rendering,
 * retry keys, outcome writes). The run happens in a fresh child process (bench/notify-child.ts)
 * opened on the seeded database as the server opens it, so its peak RSS is the engine's own;
 * reported whole and without the database file's memory map (file pages of the OS cache, up to
 * the 256 MB src/store/node.ts maps, the same whatever reads them). The pacing a real run adds
 * is computed: due ÷ 2,000 pushes a second (LINE's limit) and ÷ NOTIFY_PUSH_RATE's default.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addMonths } from '../src/notify/dates.ts';
import { migrateNodeStore, openNodeStore } from '../src/store/node.ts';
import { start } from './child.ts';
import type { ChildResult } from './notify-child.ts';
import { round } from './stats.ts';

/** LINE's push rate limit (requests per second). */
const LINE_PUSH_LIMIT = 2000;
const TARGET_OVERHEAD_S = 10;
const TARGET_RSS_MB = 300;
const ROWS_PER_TX = 100_000;

export async function benchNotify(users: number) {
  const dir = mkdtempSync(join(tmpdir(), 'sso-bench-notify-'));
  try {
    const path = join(dir, 'notify.sqlite');
    const store = openNodeStore(path);
    migrateNodeStore(store);

    // Last week of May 2026, 10:00 in Bangkok (outside quiet hours).
    const at = Date.parse('2026-05-27T10:00:00+07:00');
    const month = '2026-05';
    const consentAt = at - 30 * 86_400_000;
    const seedStart = performance.now();
    const db = store.sqlite;
    const person = db.prepare(
      "insert into insured_persons (id, national_id, first_name_th, last_name_th, birth_date, section, status, laser_code_hash, updated_at) values (?, ?, 'ทดสอบ', 'ระบบ', '1990-01-01', 33, 'active', 'none', 0)",
    );
    const user = db.prepare(
      "insert into line_users (user_id, chosen_language, status, created_at, updated_at) values (?, ?, 'active', 0, 0)",
    );
    const link = db.prepare(
      'insert into account_links (user_id, person_id, linked_at) values (?, ?, 0)',
    );
    const pref = db.prepare(
      "insert into notification_prefs (user_id, category, enabled, consent_at, consent_text, updated_at) values (?, ?, 1, ?, 'th:bench', ?)",
    );
    const contribution = db.prepare(
      "insert into contributions (person_id, period, payer_id, wage_satang, employee_satang, employer_satang, government_satang, old_age_satang, paid_date) values (?, ?, '1234567890', 1500000, 75000, 75000, 41250, 45000, ?)",
    );
    const claim = db.prepare(
      "insert into benefit_claims (id, person_id, benefit, filed_date, status, decision_date, approved_satang, updated_at) values (?, ?, 'sickness', '2026-05-01', 'approved', '2026-05-26', 350000, ?)",
    );
    const langs = ['th', 'th', 'th', 'en', 'my', 'km', 'lo'];
    const periods = {
      risk: [addMonths(month, -15), addMonths(month, -9), addMonths(month, -1)],
      safe: [addMonths(month, -1)],
    };
    let due = 0;
    for (let from = 1; from <= users; from += ROWS_PER_TX) {
      db.transaction(() => {
        for (let i = from; i < Math.min(users + 1, from + ROWS_PER_TX); i++) {
          const userId = `U${i.toString(16).padStart(32, '0')}`;
          person.run(i, String(1_000_000_000_000 + i));
          user.run(userId, langs[i % langs.length]);
          link.run(userId, i);
          pref.run(userId, 'claim_decided', consentAt, consentAt);
          pref.run(userId, 'medical_inactive', consentAt, consentAt);
          const kind = i % 20; // 1 in 20 each: a decided claim, a medical-rights risk
          for (const period of kind === 1 ? periods.risk : periods.safe) {
            contribution.run(i, period, `${period}-15`);
          }
          if (kind === 0) {
            claim.run(`SC-${i}`, i, at - 3_600_000);
            due++;
          } else if (kind === 1) due++;
        }
      })();
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;

    store.close();

    // The run in a fresh process: its memory figures are the engine's alone (this one holds
    // the seeding's garbage, and in `npm run bench` the earlier phases').
    const { child } = await start<{ ready: true }>('./notify-child.ts', {
      BENCH_NOTIFY_DB: path,
      BENCH_NOTIFY_AT: String(at),
    });
    let run: ChildResult;
    try {
      run = await child.ask<ChildResult>('run');
    } finally {
      await child.stop();
    }
    const ownRssMb = run.peakRssMb - run.peakDbMapMb;
    return {
      users,
      due,
      seedSeconds: round(seedSeconds, 1),
      ...run,
      pacingSecondsAtLineLimit: round(due / LINE_PUSH_LIMIT, 1),
      pacingSecondsAtDefaultRate: round(due / run.notifyPushRate, 1),
      /** Peak RSS without the database file's memory map (file pages, shared and reclaimable). */
      peakRssExclDbMapMb: ownRssMb,
      exactlyOnce: run.pushes === due && run.uniqueRecipients === due && run.secondRun.sent === 0,
      meets: {
        overhead: run.overheadSeconds < TARGET_OVERHEAD_S,
        rss: ownRssMb < TARGET_RSS_MB,
      },
      targets: { overheadSeconds: TARGET_OVERHEAD_S, rssMb: TARGET_RSS_MB },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
