import { eq } from 'drizzle-orm';
import type { InsuredPersonRow } from './account-links.ts';
import type { Store } from './db.ts';
import { insuredPersons } from './schema.ts';

export async function getPersonById(
  store: Store,
  id: number,
): Promise<InsuredPersonRow | undefined> {
  const rows = await store.db
    .select()
    .from(insuredPersons)
    .where(eq(insuredPersons.id, id))
    .limit(1);
  return rows[0];
}
