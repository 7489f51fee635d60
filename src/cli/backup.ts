/**
 * `npm run cli -- backup [--out DIR] [--keep N]`: an online, verified backup of DATABASE_PATH.
 * `npm run cli -- restore <file>`: put a backup back (stop the server first).
 */
import { parseConfig } from '../config.ts';
import { backupDatabase, restoreDatabase } from '../store/backup.ts';

const USAGE = `usage: npm run cli -- backup [--out DIR] [--keep N]
       npm run cli -- restore <backup file>

backup   copies DATABASE_PATH with SQLite's online backup (the server may keep running), checks
         it, and keeps the newest N backups in DIR (default ./data/backups, N = 14)
restore  checks a backup and replaces DATABASE_PATH with it; stop the server first
`;

export async function run(args: string[] = []): Promise<number> {
  return runBackup(args);
}

export async function runBackup(args: string[], restore = false): Promise<number> {
  const config = parseConfig(process.env);
  try {
    if (restore) {
      const [file] = args;
      if (!file || file.startsWith('--')) {
        process.stderr.write(USAGE);
        return 2;
      }
      restoreDatabase(file, config.databasePath);
      process.stdout.write(`restored ${config.databasePath} from ${file}\n`);
      return 0;
    }
    let out = './data/backups';
    let keep = 14;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--out') out = args[++i] ?? out;
      else if (a === '--keep') keep = Number(args[++i]);
      else {
        process.stderr.write(`unknown option ${a}\n\n${USAGE}`);
        return 2;
      }
    }
    if (!Number.isInteger(keep) || keep < 1) {
      process.stderr.write(`--keep must be a whole number ≥ 1\n\n${USAGE}`);
      return 2;
    }
    const result = await backupDatabase(config.databasePath, out, { keep });
    process.stdout.write(
      `backup ${result.file} (${result.bytes.toLocaleString('en')} bytes, integrity ok)` +
        (result.deleted.length ? `; removed ${result.deleted.length} older` : '') +
        '\n',
    );
    return 0;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
