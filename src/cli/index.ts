/** `npm run cli -- <command>` (SPEC §3.3). One file per command. */
const commands: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  chat: () => import('./chat.ts'),
  classify: () => import('./classify.ts'),
  import: () => import('./import.ts'),
  migrate: () => import('./migrate.ts'),
  seed: () => import('./seed.ts'),
};

const USAGE = `usage: npm run cli -- <command> [args]

commands:
  chat [--url http://localhost:3000] [--user NAME] [--lang th|en]
                      talk to the bot in the terminal (signed webhooks, readable replies)
  classify <text…>    print the intent of a text as one JSON line
  classify --jsonl    read lines (text or {"text":…}) from stdin, print one JSON line each
  import <dataset> <file> [--format csv|jsonl] [--dry-run]
                      load a CSV/JSONL extract into DATABASE_PATH, all rows or none
                      (datasets: employers, hospitals, persons, contributions, registrations,
                      claims, claim-status, payments; columns: docs/import-formats.md)
  migrate             apply database migrations (DATABASE_PATH)
  seed                seed the deterministic demo data into DATABASE_PATH
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
