/** @jsxImportSource hono/jsx */
/** The unanswered page of the operator console (being built). */
import { Hono } from 'hono';
import { type ConsoleEnv, consoleT, renderPage } from './context.tsx';

export const unansweredRoutes = new Hono<ConsoleEnv>();

unansweredRoutes.get('/', (c) => {
  const t = consoleT(c);
  return renderPage(c, {
    title: t('console.nav.unanswered'),
    current: 'unanswered',
    body: <h1>{t('console.nav.unanswered')}</h1>,
  });
});
