import { parseConfig } from '../config.ts';
import { migrateNodeStore, openNodeStore } from '../store/node.ts';
import { seedDemoData } from '../store/seed.ts';

export async function run(): Promise<number> {
  const config = parseConfig(process.env);
  const store = openNodeStore(config.databasePath);
  try {
    migrateNodeStore(store);
    const report = await seedDemoData(store);
    process.stdout.write(
      report.seeded
        ? `seeded demo data v${report.version} into ${config.databasePath}\n`
        : `${config.databasePath} already has demo data v${report.version}\n`,
    );
  } finally {
    store.close();
  }
  return 0;
}
