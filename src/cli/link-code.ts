/**
 * `npm run cli -- link-code issue <pink card number> --by <staff>` or
 * `npm run cli -- link-code issue --passport MMR:MA1234567 --by <staff>`: a one-time link code
 * for an insured person whose document has no laser code (after staff checked the document).
 * The code is printed once; only its hash is stored.
 */
import { parseConfig } from '../config.ts';
import { bangkokDate, formatDate } from '../format.ts';
import { issueLinkCodeFor, type LinkCodeTarget } from '../link-codes.ts';
import { isValidNationalId } from '../nlu/index.ts';
import { PASSPORT_COUNTRIES, PINK_CARD_PREFIX } from '../pages/link-page.ts';
import { migrateNodeStore, openNodeStore } from '../store/node.ts';

const USAGE = `usage: npm run cli -- link-code issue <pink card number> --by <staff, office>
       npm run cli -- link-code issue --passport <${PASSPORT_COUNTRIES.join('|')}>:<number> --by <staff, office>

Issues a one-time link code (10 characters, valid 30 days, works once) for a pink card or
passport holder, after you have checked the document in person. Give the code to the person;
it is shown only now. A new code replaces an unused one.
`;

export function parseLinkCodeArgs(
  args: readonly string[],
): { target: LinkCodeTarget; by: string } | string {
  const [verb, ...rest] = args;
  if (verb !== 'issue')
    return verb === undefined || verb === '--help' ? '' : `unknown action "${verb}"`;
  let by: string | undefined;
  let passport: string | undefined;
  let nationalId: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--by') by = rest[++i];
    else if (a === '--passport') passport = rest[++i];
    else if (a.startsWith('--')) return `unknown option ${a}`;
    else nationalId = a;
  }
  if (!by?.trim()) return '--by <staff, office> is required (it goes to the audit trail)';
  if ((nationalId === undefined) === (passport === undefined)) {
    return 'give a pink card number or --passport COUNTRY:NUMBER';
  }
  if (nationalId !== undefined) {
    const id = nationalId.replace(/[\s-]/g, '');
    if (!isValidNationalId(id) || !id.startsWith(PINK_CARD_PREFIX)) {
      return 'not a pink card number (13 digits starting 00, check digit matching); Thai ID card holders link with the laser code';
    }
    return { target: { nationalId: id }, by: by.trim() };
  }
  const m = /^([A-Z]{3}):([A-Za-z0-9-]{6,14})$/.exec(passport ?? '');
  const country = PASSPORT_COUNTRIES.find((c) => c === m?.[1]);
  if (!m || !country)
    return `--passport must be COUNTRY:NUMBER, country one of ${PASSPORT_COUNTRIES.join(', ')}`;
  return {
    target: { passport: { country, number: m[2]!.replace(/-/g, '').toUpperCase() } },
    by: by.trim(),
  };
}

export async function run(args: string[] = []): Promise<number> {
  const parsed = parseLinkCodeArgs(args);
  if (typeof parsed === 'string') {
    if (parsed) process.stderr.write(`${parsed}\n\n`);
    (parsed ? process.stderr : process.stdout).write(USAGE);
    return parsed ? 2 : 0;
  }
  const config = parseConfig(process.env);
  const store = openNodeStore(config.databasePath);
  try {
    migrateNodeStore(store);
    const issued = await issueLinkCodeFor(store, parsed.target, parsed.by, Date.now());
    if (!issued) {
      process.stderr.write('No insured person has this document.\n');
      return 1;
    }
    process.stdout.write(
      `link code for ${issued.maskedNationalId}: ${issued.code}\n` +
        `valid until ${new Date(issued.expiresAt).toISOString()} (${formatDate('th', bangkokDate(issued.expiresAt))}), works once\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}
