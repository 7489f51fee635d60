/** @jsxImportSource hono/jsx */
/**
 * The console's page frame: skip link, header with the navigation the role may use, the
 * signed-in name, a language switch, flash messages and the page. Server-rendered; the script
 * only enhances. Every form gets the session's CSRF token through <Csrf />.
 */
import type { Child, FC } from 'hono/jsx';
import type { Translate } from '../i18n.ts';
import type { StaffRole } from '../store/schema.ts';
import { roleAtLeast } from './auth.ts';

export interface PageFrame {
  readonly t: Translate;
  readonly lang: 'th' | 'en';
  /** Absent on the login page. */
  readonly staff?: { readonly name: string; readonly email: string; readonly role: StaffRole };
  readonly csrf?: string;
  /** The nav item to mark as current. */
  readonly current?: NavKey;
  readonly title: string;
  readonly flash?: { readonly kind: 'ok' | 'error' | 'info'; readonly text: string };
  /** Extra scripts this page enhances itself with: absolute paths its own module serves
   * (e.g. /console/news/assets/news.js); same-origin only (CSP script-src 'self'). */
  readonly scripts?: readonly string[];
}

export type NavKey =
  | 'dashboard'
  | 'news'
  | 'inbox'
  | 'unanswered'
  | 'richmenu'
  | 'staff'
  | 'audit'
  | 'account';

const NAV: readonly { key: NavKey; href: string; role: StaffRole }[] = [
  { key: 'dashboard', href: '/console', role: 'viewer' },
  { key: 'news', href: '/console/news', role: 'viewer' },
  { key: 'inbox', href: '/console/inbox', role: 'viewer' },
  { key: 'unanswered', href: '/console/unanswered', role: 'viewer' },
  { key: 'richmenu', href: '/console/richmenu', role: 'viewer' },
  { key: 'staff', href: '/console/staff', role: 'supervisor' },
  { key: 'audit', href: '/console/audit', role: 'supervisor' },
  { key: 'account', href: '/console/account', role: 'viewer' },
];

/** The hidden CSRF field every console form carries. */
export const Csrf: FC<{ token: string | undefined }> = ({ token }) => (
  <input type="hidden" name="_csrf" value={token ?? ''} />
);

export const Layout: FC<PageFrame & { children?: Child }> = (p) => {
  const { t } = p;
  return (
    <html lang={p.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        {p.csrf ? <meta name="csrf-token" content={p.csrf} /> : null}
        <title>{`${p.title} · ${t('console.app.title')}`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          {t('console.app.skip')}
        </a>
        <header class="top">
          <a class="brand" href="/console">
            {t('console.app.title')}
          </a>
          {p.staff ? (
            <nav class="main" aria-label={t('console.app.menu')}>
              <ul>
                {NAV.filter((n) => roleAtLeast(p.staff!.role, n.role)).map((n) => (
                  <li>
                    <a href={n.href} aria-current={p.current === n.key ? 'page' : undefined}>
                      {t(`console.nav.${n.key}`)}
                    </a>
                  </li>
                ))}
                <li>
                  <form method="post" action="/console/logout" class="inline">
                    <Csrf token={p.csrf} />
                    <button type="submit" class="secondary">
                      {t('console.nav.logout')}
                    </button>
                  </form>
                </li>
              </ul>
            </nav>
          ) : null}
          <div class="who">
            {p.staff
              ? t('console.app.signedInAs', {
                  name: p.staff.name,
                  role: t(`console.roles.${p.staff.role}`),
                })
              : null}{' '}
            <a href={`?lang=${p.lang === 'th' ? 'en' : 'th'}`} lang={p.lang === 'th' ? 'en' : 'th'}>
              {t('console.app.language')}
            </a>
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {p.flash ? (
            <div
              class={`flash ${p.flash.kind}`}
              role={p.flash.kind === 'error' ? 'alert' : 'status'}
            >
              {p.flash.text}
            </div>
          ) : null}
          {p.children}
        </main>
        {(p.scripts ?? []).map((s) => (
          <script src={s} defer />
        ))}
        <script src="/console/assets/console.js" defer />
      </body>
    </html>
  );
};
