/**
 * The operator console's strings (Thai first, English), one file per page under
 * locales/<lang>/console/, merged under the `console` key of the th and en bundles
 * (src/i18n.ts). Staff use Thai or English only, so the other languages have no console files.
 */
import enCore from '../../locales/en/console/core.json' with { type: 'json' };
import enDashboard from '../../locales/en/console/dashboard.json' with { type: 'json' };
import enInbox from '../../locales/en/console/inbox.json' with { type: 'json' };
import enNews from '../../locales/en/console/news.json' with { type: 'json' };
import enRichmenu from '../../locales/en/console/richmenu.json' with { type: 'json' };
import enStaff from '../../locales/en/console/staff.json' with { type: 'json' };
import enUnanswered from '../../locales/en/console/unanswered.json' with { type: 'json' };
import thCore from '../../locales/th/console/core.json' with { type: 'json' };
import thDashboard from '../../locales/th/console/dashboard.json' with { type: 'json' };
import thInbox from '../../locales/th/console/inbox.json' with { type: 'json' };
import thNews from '../../locales/th/console/news.json' with { type: 'json' };
import thRichmenu from '../../locales/th/console/richmenu.json' with { type: 'json' };
import thStaff from '../../locales/th/console/staff.json' with { type: 'json' };
import thUnanswered from '../../locales/th/console/unanswered.json' with { type: 'json' };

export const CONSOLE_LANGS = ['th', 'en'] as const;
export type ConsoleLang = (typeof CONSOLE_LANGS)[number];

/** Each file is `{ "<page>": { … } }` (core.json has several top-level groups). */
export const CONSOLE_STRINGS: Record<ConsoleLang, Record<string, unknown>> = {
  th: Object.assign({}, thCore, thDashboard, thNews, thInbox, thUnanswered, thRichmenu, thStaff),
  en: Object.assign({}, enCore, enDashboard, enNews, enInbox, enUnanswered, enRichmenu, enStaff),
};
