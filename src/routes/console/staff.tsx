/** @jsxImportSource hono/jsx */
/**
 * /console/staff and /console/audit (supervisors only). Staff: the accounts with their role,
 * second factor, state and last sign-in; adding one (its generated password shown once, on the
 * answer to the form, never stored in clear); and per account: role, disable/enable, reset TOTP,
 * sign out everywhere — the same semantics as the CLI (src/console/staff-admin.ts), each audited.
 * Audit: the staff audit trail, newest first, filtered by account and action, paged by id, and
 * exported as CSV (the export is audited too).
 */
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { isEmail, isStaffRole, needsTotp } from '../../console/auth.ts';
import { Csrf } from '../../console/layout.tsx';
import {
  addStaff,
  changeStaff,
  isStaffAction,
  StaffAccountError,
  type StaffAction,
} from '../../console/staff-admin.ts';
import { cols, DataTable, Field, PostButton, SelectField } from '../../console/ui.tsx';
import { bangkokDate, formatDate } from '../../format.ts';
import type { Translate } from '../../i18n.ts';
import { STAFF_ROLES } from '../../store/schema.ts';
import {
  getStaff,
  listStaff,
  listStaffAudit,
  type StaffAccountRow,
  type StaffAuditRow,
} from '../../store/staff.ts';
import { lastSignIns, recentStaffActions } from '../../store/stats.ts';
import {
  auditStaff,
  type ConsoleContext,
  type ConsoleEnv,
  consoleT,
  field,
  form,
  renderPage,
  requireRole,
} from './context.tsx';

export const staffRoutes = new Hono<ConsoleEnv>();

staffRoutes.use('/staff/*', requireRole('supervisor'));
staffRoutes.use('/staff', requireRole('supervisor'));
staffRoutes.use('/audit', requireRole('supervisor'));
staffRoutes.use('/audit.csv', requireRole('supervisor'));

/** Audit entries per page. */
export const AUDIT_PAGE_SIZE = 50;
/** The CSV export holds at most this many entries (the newest matching); `before` pages on. */
export const AUDIT_EXPORT_MAX = 10_000;
const EXPORT_CHUNK = 500;

/** `at` (ms) as the console reads it: "15 มี.ค. 2569 14:05" / "15 Mar 2026 14:05", Bangkok time. */
export function formatDateTime(lang: 'th' | 'en', at: number): string {
  const time = new Date(at + 7 * 3600_000).toISOString().slice(11, 16);
  return `${formatDate(lang, bangkokDate(at))} ${time}`;
}

// ---- staff ------------------------------------------------------------------------------------

staffRoutes.get('/staff', async (c) => staffListPage(c));

async function staffListPage(
  c: ConsoleContext,
  opts: {
    status?: number;
    error?: string;
    values?: { email: string; name: string; role: string; lang: string };
  } = {},
) {
  const t = consoleT(c);
  const lang = c.get('consoleLang');
  const { store } = c.get('deps');
  const [accounts, signIns] = await Promise.all([listStaff(store), lastSignIns(store)]);
  const v = opts.values ?? { email: '', name: '', role: 'viewer', lang };
  return renderPage(c, {
    title: t('console.staff.title'),
    current: 'staff',
    status: opts.status,
    flash: opts.error ? { kind: 'error', text: opts.error } : undefined,
    body: (
      <>
        <h1>{t('console.staff.title')}</h1>
        <section aria-labelledby="accounts-h">
          <h2 id="accounts-h">{t('console.staff.accounts', { n: accounts.length })}</h2>
          <DataTable cols={cols(t, 'console.staff', 'email name role totp state lastSignIn')}>
            {accounts.map((a) => (
              <tr data-staff={a.email}>
                <th scope="row">
                  <a href={`/console/staff/${a.id}`}>{a.email}</a>
                </th>
                <td>{a.displayName}</td>
                <td>{t(`console.roles.${a.role}`)}</td>
                <td>
                  <TotpBadge t={t} account={a} />
                </td>
                <td>
                  <StateBadge t={t} account={a} />
                </td>
                <td>
                  {signIns.has(a.id)
                    ? formatDateTime(lang, signIns.get(a.id)!)
                    : t('console.staff.never')}
                </td>
              </tr>
            ))}
          </DataTable>
        </section>
        <section aria-labelledby="add-h">
          <h2 id="add-h">{t('console.staff.add.title')}</h2>
          <p class="hint">{t('console.staff.add.hint')}</p>
          <form method="post" action="/console/staff" class="stack">
            <Csrf token={c.get('staff').csrf} />
            <Field
              id="add-email"
              label={t('console.staff.email')}
              name="email"
              type="email"
              autocomplete="off"
              required
              maxlength={254}
              value={v.email}
            />
            <Field
              id="add-name"
              label={t('console.staff.name')}
              name="name"
              type="text"
              autocomplete="off"
              maxlength={100}
              value={v.name}
            />
            <RoleField id="add-role" label={t('console.staff.role')} t={t} selected={v.role} />
            <SelectField
              id="add-lang"
              name="lang"
              label={t('console.staff.language')}
              options={(['th', 'en'] as const).map((l) => ({
                value: l,
                label: t(`console.staff.langs.${l}`),
              }))}
              selected={v.lang}
            />
            <div class="actions">
              <button type="submit">{t('console.staff.add.submit')}</button>
            </div>
          </form>
        </section>
      </>
    ),
  });
}

const RoleField: FC<{
  id: string;
  label: string;
  t: Translate;
  selected: string;
  disabled?: boolean;
}> = ({ t, ...p }) => (
  <SelectField
    {...p}
    name="role"
    options={STAFF_ROLES.map((r) => ({ value: r, label: t(`console.roles.${r}`) }))}
  />
);

const TotpBadge: FC<{ t: Translate; account: StaffAccountRow }> = ({ t, account }) =>
  account.totpEnabledAt !== null ? (
    <span class="badge ok">{t('console.staff.totpOn')}</span>
  ) : needsTotp(account.role) ? (
    <span class="badge warn">{t('console.staff.totpPending')}</span>
  ) : (
    <span class="badge">{t('console.staff.totpOff')}</span>
  );

const StateBadge: FC<{ t: Translate; account: StaffAccountRow }> = ({ t, account }) =>
  account.disabledAt !== null ? (
    <span class="badge bad">{t('console.staff.disabled')}</span>
  ) : (
    <span class="badge ok">{t('console.staff.active')}</span>
  );

staffRoutes.post('/staff', async (c) => {
  const t = consoleT(c);
  const deps = c.get('deps');
  const body = await form(c);
  const values = {
    email: field(body, 'email').slice(0, 254),
    name: field(body, 'name').slice(0, 100),
    role: field(body, 'role'),
    lang: field(body, 'lang') === 'en' ? 'en' : 'th',
  };
  const refuse = (key: string) =>
    staffListPage(c, { status: 400, error: t(key), values: { ...values } });
  if (!isEmail(values.email)) return refuse('console.account.badEmail');
  if (!isStaffRole(values.role)) return refuse('console.staff.errors.badRole');
  const actor = c.get('staff').account;
  let added: Awaited<ReturnType<typeof addStaff>>;
  try {
    added = await addStaff(deps, {
      email: values.email,
      role: values.role,
      displayName: values.name || undefined,
      lang: values.lang,
      actor: { id: actor.id, name: actor.email },
    });
  } catch (err) {
    if (err instanceof StaffAccountError) return refuse(err.key);
    throw err;
  }
  const { account, generatedPassword } = added;
  // The only time the password exists in clear: this answer (no-store), never a redirect URL.
  return renderPage(c, {
    title: t('console.staff.added.title'),
    current: 'staff',
    status: 201,
    flash: { kind: 'ok', text: t('console.staff.added.ok', { email: account.email }) },
    body: (
      <section>
        <h1>{t('console.staff.added.title')}</h1>
        <dl>
          <dt>{t('console.staff.email')}</dt>
          <dd>{account.email}</dd>
          <dt>{t('console.staff.role')}</dt>
          <dd>{t(`console.roles.${account.role}`)}</dd>
          <dt>{t('console.staff.added.password')}</dt>
          <dd>
            <code id="generated-password" data-password={generatedPassword}>
              {generatedPassword}
            </code>
          </dd>
        </dl>
        <p class="flash info">{t('console.staff.added.once')}</p>
        {needsTotp(account.role) ? <p>{t('console.staff.added.totp')}</p> : null}
        <p>
          <a href="/console/staff">{t('console.staff.back')}</a>
        </p>
      </section>
    ),
  });
});

function accountId(raw: string): number | undefined {
  return /^[0-9]{1,10}$/.test(raw) ? Number(raw) : undefined;
}

staffRoutes.get('/staff/:id', async (c) => {
  const t = consoleT(c);
  const lang = c.get('consoleLang');
  const { store } = c.get('deps');
  const id = accountId(c.req.param('id'));
  const account = id === undefined ? undefined : await getStaff(store, id);
  if (!account) return notFound(c);
  const self = account.id === c.get('staff').account.id;
  const signIn = (await lastSignIns(store)).get(account.id);
  const csrf = c.get('staff').csrf;
  const action = (a: StaffAction) => `/console/staff/${account.id}/${a}`;
  return renderPage(c, {
    title: account.email,
    current: 'staff',
    body: (
      <>
        <p>
          <a href="/console/staff">{t('console.staff.back')}</a>
        </p>
        <h1>{account.email}</h1>
        <dl>
          <dt>{t('console.staff.name')}</dt>
          <dd>{account.displayName}</dd>
          <dt>{t('console.staff.role')}</dt>
          <dd>{t(`console.roles.${account.role}`)}</dd>
          <dt>{t('console.staff.totp')}</dt>
          <dd>
            <TotpBadge t={t} account={account} />
          </dd>
          <dt>{t('console.staff.state')}</dt>
          <dd>
            <StateBadge t={t} account={account} />
          </dd>
          <dt>{t('console.staff.lastSignIn')}</dt>
          <dd>{signIn ? formatDateTime(lang, signIn) : t('console.staff.never')}</dd>
          <dt>{t('console.staff.language')}</dt>
          <dd>{t(`console.staff.langs.${account.lang === 'en' ? 'en' : 'th'}`)}</dd>
        </dl>
        <p>
          <a href={`/console/audit?staff=${account.id}`}>{t('console.staff.seeAudit')}</a>
        </p>
        {self ? <p class="flash info">{t('console.staff.selfNote')}</p> : null}

        <h2>{t('console.staff.role')}</h2>
        <form method="post" action={action('role')} class="stack">
          <Csrf token={csrf} />
          <RoleField
            id="role"
            label={t('console.staff.newRole')}
            t={t}
            selected={account.role}
            disabled={self}
          />
          <p class="hint">{t('console.staff.roleHint')}</p>
          <div class="actions">
            <button type="submit" disabled={self}>
              {t('console.staff.changeRole')}
            </button>
          </div>
        </form>

        <h2>{t('console.staff.access')}</h2>
        <div class="actions">
          {account.disabledAt === null ? (
            <PostButton
              action={action('disable')}
              csrf={csrf}
              class="danger"
              disabled={self}
              confirm={t('console.staff.confirm.disable', { email: account.email })}
            >
              {t('console.staff.disable')}
            </PostButton>
          ) : (
            <PostButton action={action('enable')} csrf={csrf}>
              {t('console.staff.enable')}
            </PostButton>
          )}
          <PostButton
            action={action('reset-totp')}
            csrf={csrf}
            class="secondary"
            confirm={t('console.staff.confirm.resetTotp', { email: account.email })}
          >
            {t('console.staff.resetTotp')}
          </PostButton>
          <PostButton action={action('sign-out')} csrf={csrf} class="secondary">
            {t('console.staff.signOut')}
          </PostButton>
        </div>
        <p class="hint">{t('console.staff.accessHint')}</p>
      </>
    ),
  });
});

staffRoutes.post('/staff/:id/:action', async (c) => {
  const deps = c.get('deps');
  const verb = c.req.param('action');
  const id = accountId(c.req.param('id'));
  const account = id === undefined ? undefined : await getStaff(deps.store, id);
  if (!account || !isStaffAction(verb)) return notFound(c);
  const body = await form(c);
  const me = c.get('staff').account;
  const back = `/console/staff/${account.id}`;
  try {
    const done = await changeStaff(
      deps,
      account,
      { action: verb, role: field(body, 'role') },
      { id: me.id, name: me.email },
    );
    // Signing one's own account out everywhere ends this session too.
    if (account.id === me.id && done.sessionsEnded > 0) {
      return c.redirect('/console/login?reason=signed-out', 303);
    }
    return c.redirect(`${back}?ok=staff.done.${verb.replace('-', '_')}`, 303);
  } catch (err) {
    if (err instanceof StaffAccountError) {
      return c.redirect(`${back}?error=${err.key.slice('console.'.length)}`, 303);
    }
    throw err;
  }
});

function notFound(c: ConsoleContext) {
  const t = consoleT(c);
  return renderPage(c, {
    title: t('console.errors.title'),
    status: 404,
    flash: { kind: 'error', text: t('console.errors.notFound') },
    body: (
      <>
        <h1>{t('console.errors.notFound')}</h1>
        <p>
          <a href="/console/staff">{t('console.staff.back')}</a>
        </p>
      </>
    ),
  });
}

// ---- audit ------------------------------------------------------------------------------------

interface AuditFilter {
  staffId?: number;
  action?: string;
  before?: number;
}

function auditFilter(c: ConsoleContext): AuditFilter {
  const staff = accountId(c.req.query('staff') ?? '');
  const action = (c.req.query('action') ?? '').trim().slice(0, 80);
  const before = accountId(c.req.query('before') ?? '');
  return {
    ...(staff !== undefined ? { staffId: staff } : {}),
    ...(action ? { action } : {}),
    ...(before !== undefined ? { before } : {}),
  };
}

function auditQuery(f: AuditFilter, extra: Record<string, string | number> = {}): string {
  const q = new URLSearchParams();
  if (f.staffId !== undefined) q.set('staff', String(f.staffId));
  if (f.action) q.set('action', f.action);
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

staffRoutes.get('/audit', async (c) => {
  const t = consoleT(c);
  const lang = c.get('consoleLang');
  const { store } = c.get('deps');
  const filter = auditFilter(c);
  const [rows, accounts, actions] = await Promise.all([
    listStaffAudit(store, { ...filter, limit: AUDIT_PAGE_SIZE + 1 }),
    listStaff(store),
    recentStaffActions(store),
  ]);
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  const more = rows.length > AUDIT_PAGE_SIZE;
  const emailOf = new Map(accounts.map((a) => [a.id, a.email]));
  return renderPage(c, {
    title: t('console.staff.audit.title'),
    current: 'audit',
    body: (
      <>
        <h1>{t('console.staff.audit.title')}</h1>
        <search>
          <form method="get" action="/console/audit" class="stack">
            <SelectField
              id="audit-staff"
              name="staff"
              label={t('console.staff.audit.account')}
              options={[
                { value: '', label: t('console.common.all') },
                ...accounts.map((a) => ({ value: String(a.id), label: a.email })),
              ]}
              selected={String(filter.staffId ?? '')}
            />
            <Field
              id="audit-action"
              label={t('console.staff.audit.action')}
              hint={t('console.staff.audit.actionHint')}
              name="action"
              type="text"
              list="audit-actions"
              autocomplete="off"
              maxlength={80}
              value={filter.action ?? ''}
            >
              <datalist id="audit-actions">
                {actions.map((a) => (
                  <option value={a} />
                ))}
              </datalist>
            </Field>
            <div class="actions">
              <button type="submit">{t('console.staff.audit.filter')}</button>
              <a class="button secondary" href={`/console/audit.csv${auditQuery(filter)}`}>
                {t('console.staff.audit.export')}
              </a>
            </div>
          </form>
        </search>
        {page.length === 0 ? (
          <p>{t('console.common.none')}</p>
        ) : (
          <DataTable
            caption={t('console.staff.audit.title')}
            cols={cols(t, 'console.staff.audit', 'at actor action target detail')}
          >
            {page.map((r) => (
              <tr data-audit={r.id}>
                <td>
                  <time datetime={isoBangkok(r.at)}>{formatDateTime(lang, r.at)}</time>
                </td>
                <td>{r.actor}</td>
                <td>
                  <code>{r.action}</code>
                </td>
                <td>
                  <Target target={r.target} emailOf={emailOf} />
                </td>
                <td>{r.detail ? <code>{r.detail}</code> : null}</td>
              </tr>
            ))}
          </DataTable>
        )}
        <nav class="actions" aria-label={t('console.staff.audit.pages')}>
          {filter.before !== undefined ? (
            <a href={`/console/audit${auditQuery({ ...filter, before: undefined })}`}>
              {t('console.staff.audit.newest')}
            </a>
          ) : null}
          {more ? (
            <a
              href={`/console/audit${auditQuery(filter, { before: page[page.length - 1]!.id })}`}
              rel="next"
            >
              {t('console.staff.audit.older')}
            </a>
          ) : null}
        </nav>
      </>
    ),
  });
});

const Target: FC<{ target: string | null; emailOf: Map<number, string> }> = ({
  target,
  emailOf,
}) => {
  if (!target) return null;
  const m = /^staff:([0-9]+)$/.exec(target);
  const email = m ? emailOf.get(Number(m[1])) : undefined;
  return m && email ? <a href={`/console/staff/${m[1]}`}>{email}</a> : <code>{target}</code>;
};

/** `2026-03-15T14:05:09+07:00` */
function isoBangkok(at: number): string {
  return `${new Date(at + 7 * 3600_000).toISOString().slice(0, 19)}+07:00`;
}

/** One CSV cell: quoted, and a leading = + - @ neutralised (spreadsheet formula injection). */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replaceAll('"', '""')}"`;
}

staffRoutes.get('/audit.csv', async (c) => {
  const { store } = c.get('deps');
  const filter = auditFilter(c);
  const rows: StaffAuditRow[] = [];
  let before = filter.before;
  while (rows.length < AUDIT_EXPORT_MAX) {
    const chunk = await listStaffAudit(store, {
      ...filter,
      ...(before !== undefined ? { before } : {}),
      limit: Math.min(EXPORT_CHUNK, AUDIT_EXPORT_MAX - rows.length),
    });
    rows.push(...chunk);
    if (chunk.length < EXPORT_CHUNK) break;
    before = chunk[chunk.length - 1]!.id;
  }
  await auditStaff(c, 'audit.export', null, {
    rows: rows.length,
    ...(filter.staffId !== undefined ? { staff: filter.staffId } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.before !== undefined ? { before: filter.before } : {}),
  });
  const header = ['id', 'at', 'actor', 'staff_id', 'action', 'target', 'detail'];
  const lines = [header.join(',')];
  for (const r of rows) {
    lines.push(
      [r.id, isoBangkok(r.at), r.actor, r.staffId, r.action, r.target, r.detail]
        .map(csvCell)
        .join(','),
    );
  }
  const day = bangkokDate(c.get('deps').clock.now());
  // A BOM so spreadsheet programs read the Thai as UTF-8.
  return c.body(`\uFEFF${lines.join('\r\n')}\r\n`, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="staff-audit-${day}.csv"`,
  });
});
