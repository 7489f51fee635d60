/** `npm run cli -- <command>` (SPEC §3.3). One file per command. */
import '../check-runtime.ts';

// The CLI never listens on a port: with NODE_ENV unset it runs as development (a newcomer's
// `npm run cli -- chat` needs no secrets). On a server, NODE_ENV=production comes from the
// environment file, and then the secrets are required as for the server (src/config.ts).
process.env.NODE_ENV ||= 'development';

const commands: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  backup: () => import('./backup.ts'),
  broadcast: () => import('./broadcast.ts'),
  chat: () => import('./chat.ts'),
  classify: () => import('./classify.ts'),
  import: () => import('./import.ts'),
  knowledge: () => import('./knowledge.ts'),
  'link-code': () => import('./link-code.ts'),
  migrate: () => import('./migrate.ts'),
  news: () => import('./news.ts'),
  notify: () => import('./notify.ts'),
  prune: () => import('./prune.ts'),
  restore: () => import('./restore.ts'),
  richmenu: () => import('./richmenu.ts'),
  seed: () => import('./seed.ts'),
  staff: () => import('./staff.ts'),
};

const USAGE = `usage: npm run cli -- <command> [args]

commands:
  backup [--out DIR] [--keep N]
                      an online, verified copy of DATABASE_PATH (default ./data/backups,
                      keeps the newest 14); restore <file> puts one back (server stopped)
  broadcast <newsId> [segment]
                      push a news item to every follower, or multicast to a segment
                      (section=33+39,province=50,lang=th,linked=yes), with a progress bar
  broadcast --resume <jobId>
                      finish an interrupted push job (no duplicates)
  chat [--url http://localhost:3000] [--user NAME] [--lang th|en]
                      talk to the bot in the terminal (signed webhooks, readable replies)
  classify <text…>    print the intent of a text as one JSON line
  classify --jsonl    read lines (text or {"text":…}) from stdin, print one JSON line each
  import <dataset> <file> [--format csv|jsonl] [--dry-run]
         [--d1 [--local [--persist-to DIR] | --remote] [--config FILE]]
                      load a CSV/JSONL extract into DATABASE_PATH (or, with --d1, the Worker's
                      D1: local state or remote), all rows or none
                      (datasets: employers, hospitals, persons, contributions, registrations,
                      identity-documents, claims, claim-status, payments, offices; columns:
                      docs/import-formats.md)
  knowledge list | show <id> [--lang th] [--at YYYY-MM-DD] | docs
                      the general answers the bot gives; one as a person reads it;
                      regenerate docs/knowledge.md (topics, rules, sources)
  link-code issue <pink card number> --by <staff, office>
  link-code issue --passport <MMR|KHM|LAO|VNM>:<number> --by <staff, office>
                      a one-time link code for a migrant worker without a laser code
                      (after checking the document in person); printed once
  migrate             apply database migrations (DATABASE_PATH)
  news import <file…> [--section 33,39] [--province 50] [--lang th,en] [--topic T] [--draft]
                      import thaigov.go.th-style articles (same source URL → update)
  news list [--limit N]
                      the latest news items
  notify run [--at <ISO time>] [--dry-run]
                      plan and send the notifications due at that time (default now):
                      quiet hours, the monthly quota and exactly-once apply; prints
                      planned/sent/deferred/skipped and the quota
  prune [--dry-run]   apply the retention schedule to DATABASE_PATH now (docs/retention.md),
                      one line per rule with its count; --dry-run counts and changes nothing
  prune --docs        rewrite docs/retention.md from the schedule (src/retention.ts)
  richmenu render [--out DIR] [--lang th,en]
                      draw the rich-menu PNGs (assets/richmenu/<lang>/<menu>.png)
  richmenu deploy [--lang th,en] [--default th]
                      create/upload/alias/set-default the rich menus on LINE (idempotent)
  richmenu list | remove
                      show the channel's rich menus and aliases / delete ours
  seed [--people N] [--now ISO] [--force]
                      seed the deterministic demo data into DATABASE_PATH
  seed --d1 [--local [--persist-to DIR] | --remote] [--people N] [--now ISO] [--force]
                      the same demo data into the Worker's D1, through the same store code
  seed --sql FILE [--people N] [--now ISO]
                      the same demo data as SQL statements for D1
  staff add <email> --role viewer|editor|publisher|supervisor [--name N] [--lang th|en]
                      an operator-console account; password from stdin, or generated and
                      printed once
  staff list | disable | enable | reset-totp | sign-out <email> | role <email> <role>
                      list accounts; lock one out (ending its sessions); change a role
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const command = await load();
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
