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
 * Every change is in the staff audit trail with actor `cli`.
 */
import { parseConfig } from '../config.ts';
import {
  createStaffAccount,
  generatePassword,
  isStaffRole,
  StaffAccountError,
} from '../console/auth.ts';
import { createI18n } from '../i18n.ts';
import { migrateNodeStore, openNodeStore } from '../store/node.ts';
import { STAFF_ROLES } from '../store/schema.ts';
import {
  deleteSessionsOf,
  findStaffByEmail,
  listStaff,
  updateStaff,
  writeStaffAudit,
} from '../store/staff.ts';

const USAGE = `usage: npm run cli -- staff add <email> --role ${STAFF_ROLES.join('|')} [--name NAME] [--lang th|en]
       npm run cli -- staff list
       npm run cli -- staff disable|enable|reset-totp|sign-out <email>
       npm run cli -- staff role <email> <${STAFF_ROLES.join('|')}>

add: the password is read from stdin (one line, at least 12 characters); with nothing on stdin
a strong one is generated and printed once. Publishers and supervisors set up an authenticator
app (TOTP) at their first sign-in at /console.
`;

const CLI_ACTOR = { id: null, name: 'cli' } as const;

async function readStdinLine(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  return line === '' ? undefined : line;
}

export async function run(args: string[] = []): Promise<number> {
  const [verb, ...rest] = args;
  if (!verb || verb === '--help' || verb === 'help') {
    process.stdout.write(USAGE);
    return verb ? 0 : 2;
  }
  const config = parseConfig(process.env);
  const store = openNodeStore(config.databasePath);
  const clock = { now: () => Date.now() };
  const t = createI18n().t('en');
  const fail = (message: string) => {
    process.stderr.write(`${message}\n`);
    return 1;
  };
  try {
    migrateNodeStore(store);
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
      const password = given ?? generatePassword();
      try {
        const account = await createStaffAccount(
          { store, clock },
          { email, role, password, displayName: name, lang, actor: CLI_ACTOR },
        );
        process.stdout.write(`added ${account.email} (${account.role})\n`);
        if (!given) process.stdout.write(`password (shown once): ${password}\n`);
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
    const now = clock.now();
    const audit = (action: string, detail?: Record<string, unknown>) =>
      writeStaffAudit(store, {
        at: now,
        actor: CLI_ACTOR,
        action,
        target: `staff:${account.id}`,
        detail: detail ?? null,
      });
    switch (verb) {
      case 'disable': {
        await updateStaff(store, account.id, { disabledAt: now, sessionsValidAfter: now + 1 }, now);
        const ended = await deleteSessionsOf(store, account.id);
        await audit('staff.disable', { sessions: ended });
        process.stdout.write(`disabled ${account.email}; ${ended} session(s) ended\n`);
        return 0;
      }
      case 'enable':
        await updateStaff(store, account.id, { disabledAt: null }, now);
        await audit('staff.enable');
        process.stdout.write(`enabled ${account.email}\n`);
        return 0;
      case 'role': {
        const role = rest[1];
        if (!isStaffRole(role)) return fail(`role must be one of ${STAFF_ROLES.join(', ')}`);
        await updateStaff(store, account.id, { role, sessionsValidAfter: now + 1 }, now);
        await deleteSessionsOf(store, account.id);
        await audit('staff.role', { from: account.role, to: role });
        process.stdout.write(`${account.email}: ${account.role} → ${role} (signed out)\n`);
        return 0;
      }
      case 'reset-totp':
        await updateStaff(
          store,
          account.id,
          {
            totpSecret: null,
            totpEnabledAt: null,
            totpLastStep: null,
            sessionsValidAfter: now + 1,
          },
          now,
        );
        await deleteSessionsOf(store, account.id);
        await audit('totp.reset');
        process.stdout.write(`${account.email}: authenticator removed; enrols again at sign-in\n`);
        return 0;
      case 'sign-out': {
        await updateStaff(store, account.id, { sessionsValidAfter: now + 1 }, now);
        const ended = await deleteSessionsOf(store, account.id);
        await audit('sessions.revoke_all', { sessions: ended });
        process.stdout.write(`${account.email}: ${ended} session(s) ended\n`);
        return 0;
      }
      default:
        return fail(`unknown action "${verb}"\n\n${USAGE}`);
    }
  } finally {
    store.close();
  }
}
