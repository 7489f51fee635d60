/** `npm run cli -- restore <backup file>` (see src/cli/backup.ts). */
import { runBackup } from './backup.ts';

export async function run(args: string[] = []): Promise<number> {
  return runBackup(args, true);
}
