/** @jsxImportSource hono/jsx */
/** The inbox page of the operator console (being built). */
import { Hono } from 'hono';
import { type ConsoleEnv, consoleT, renderPage } from './context.tsx';

export const inboxRoutes = new Hono<ConsoleEnv>();

inboxRoutes.get('/', (c) => {
  const t = consoleT(c);
  return renderPage(c, {
    title: t('console.nav.inbox'),
    current: 'inbox',
    body: <h1>{t('console.nav.inbox')}</h1>,
  });
});
