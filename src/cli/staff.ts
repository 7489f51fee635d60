/**
 * `npm run cli -- staff …` (SPEC §3.3): operator-console accounts.
 *   staff add <email> --role viewer|editor|publisher|supervisor [--name "…"] [--lang th|en]
 *       password from stdin (one line), or generated and printed once when stdin is a terminal
 *       or empty
 *   staff list
 *   staff disable <email>          signs the account out everywhere; it can no longer sign in
 *   staff enable <email>
 *   staff role <email> <role>
 *   staff reset-totp <email>       the next sign-in enrols a new authenticator
 *   staff sign-out <email>         ends every session of the account
 * Every change is in the staff audit trail with actor `cli`. With `--d1 [--local|--remote]` (as
 * for `import`) the accounts are those of the Worker's D1, which the console's Worker uses.
 */
import { isStaffRole, StaffAccountError } from '../console/auth.ts';
import { addStaff, changeStaff, type StaffAction } from '../console/staff-admin.ts';
import { CONSOLE_STRINGS } from '../console/strings.ts';
import { createI18n } from '../i18n.ts';
import { STAFF_ROLES } from '../store/schema.ts';
import { findStaffByEmail, listStaff } from '../store/staff.ts';
import { openCliStore, splitD1Args } from './import.ts';

const USAGE = `usage: npm run cli -- staff add <email> --role ${STAFF_ROLES.join('|')} [--name NAME] [--lang th|en]
       npm run cli -- staff list
       npm run cli -- staff disable|enable|reset-totp|sign-out <email>
       npm run cli -- staff role <email> <${STAFF_ROLES.join('|')}>
       … --d1 [--local [--persist-to DIR] | --remote] [--config FILE]   the Worker's D1

add: the password is read from stdin (one line, at least 12 characters); with nothing on stdin
a strong one is generated and printed once. Publishers and supervisors set up an authenticator
app (TOTP) at their first sign-in at /console.
`;

const CLI_ACTOR = { id: null, name: 'cli' } as const;

/** The CLI's verbs for the shared account changes (src/console/staff-admin.ts). */
const VERBS: Record<string, StaffAction | undefined> = {
  disable: 'disable',
  enable: 'enable',
  role: 'role',
  'reset-totp': 'reset-totp',
  'sign-out': 'sign-out',
};

const out = (line: string) => process.stdout.write(`${line}\n`);

async function readStdinLine(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  return line === '' ? undefined : line;
}

export async function run(allArgs: string[] = []): Promise<number> {
  const split = splitD1Args(allArgs);
  if (typeof split === 'string') {
    process.stderr.write(`${split}\n\n${USAGE}`);
    return 2;
  }
  const { target, rest: args } = split;
  const [verb, ...rest] = args;
  if (!verb || verb === '--help' || verb === 'help') {
    process.stdout.write(USAGE);
    return verb ? 0 : 2;
  }
  const opened = await openCliStore(target);
  if (typeof opened === 'string') {
    process.stderr.write(`${opened}\n`);
    return 1;
  }
  const { store, close } = opened;
  const clock = { now: () => Date.now() };
  const t = createI18n({ more: { console: CONSOLE_STRINGS } }).t('en');
  const fail = (message: string) => {
    process.stderr.write(`${message}\n`);
    return 1;
  };
  try {
    if (verb === 'list') {
      const rows = await listStaff(store);
      if (rows.length === 0) {
        process.stdout.write('no staff accounts (staff add <email> --role supervisor)\n');
      }
      for (const r of rows) {
        const state = r.disabledAt !== null ? 'disabled' : 'active';
        const totp = r.totpEnabledAt !== null ? 'totp' : 'no-totp';
        process.stdout.write(`${r.email}\t${r.role}\t${state}\t${totp}\t${r.displayName}\n`);
      }
      return 0;
    }
    if (verb === 'add') {
      let email: string | undefined;
      let role: string | undefined;
      let name: string | undefined;
      let lang: string | undefined;
      for (let i = 0; i < rest.length; i++) {
        const a = rest[i]!;
        if (a === '--role') role = rest[++i];
        else if (a === '--name') name = rest[++i];
        else if (a === '--lang') lang = rest[++i];
        else if (a.startsWith('--')) return fail(`unknown option ${a}\n\n${USAGE}`);
        else email = a;
      }
      if (!email) return fail(`an e-mail is required\n\n${USAGE}`);
      if (!isStaffRole(role)) return fail(`--role must be one of ${STAFF_ROLES.join(', ')}`);
      const given = await readStdinLine();
      try {
        const { account, generatedPassword } = await addStaff(
          { store, clock },
          { email, role, password: given, displayName: name, lang, actor: CLI_ACTOR },
        );
        process.stdout.write(`added ${account.email} (${account.role})\n`);
        if (generatedPassword) {
          process.stdout.write(`password (shown once): ${generatedPassword}\n`);
        }
        if (role === 'publisher' || role === 'supervisor') {
          process.stdout.write(
            'at the first sign-in at /console they set up an authenticator app (TOTP)\n',
          );
        }
        return 0;
      } catch (err) {
        if (err instanceof StaffAccountError) return fail(t(err.key));
        throw err;
      }
    }
    const email = rest[0];
    if (!email) return fail(`an e-mail is required\n\n${USAGE}`);
    const account = await findStaffByEmail(store, email);
    if (!account) return fail(`no staff account ${email}`);
    const action = VERBS[verb];
    if (!action) return fail(`unknown action "${verb}"\n\n${USAGE}`);
    if (action === 'role' && !isStaffRole(rest[1])) {
      return fail(`role must be one of ${STAFF_ROLES.join(', ')}`);
    }
    try {
      const done = await changeStaff(
        { store, clock },
        account,
        { action, role: rest[1] },
        CLI_ACTOR,
      );
      switch (done.action) {
        case 'disable':
          out(`disabled ${account.email}; ${done.sessionsEnded} session(s) ended`);
          break;
        case 'enable':
          out(`enabled ${account.email}`);
          break;
        case 'role':
          out(`${account.email}: ${done.from} → ${done.to} (signed out)`);
          break;
        case 'reset-totp':
          out(`${account.email}: authenticator removed; enrols again at sign-in`);
          break;
        case 'sign-out':
          out(`${account.email}: ${done.sessionsEnded} session(s) ended`);
          break;
      }
      return 0;
    } catch (err) {
      if (err instanceof StaffAccountError) return fail(t(err.key));
      throw err;
    }
  } finally {
    await close();
  }
}
