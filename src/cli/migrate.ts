import { parseConfig } from '../config.ts';
import { migrateNodeStore, openNodeStore } from '../store/node.ts';

export async function run(): Promise<number> {
  const config = parseConfig(process.env);
  const store = openNodeStore(config.databasePath);
  try {
    migrateNodeStore(store);
    process.stdout.write(`migrated ${config.databasePath}\n`);
  } finally {
    store.close();
  }
  return 0;
}
