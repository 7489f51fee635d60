/** @jsxImportSource hono/jsx */
/** The dashboard page of the operator console (being built). */
import { Hono } from 'hono';
import { type ConsoleEnv, consoleT, renderPage } from './context.tsx';

export const dashboardRoutes = new Hono<ConsoleEnv>();

dashboardRoutes.get('/', (c) => {
  const t = consoleT(c);
  return renderPage(c, {
    title: t('console.nav.dashboard'),
    current: 'dashboard',
    body: <h1>{t('console.nav.dashboard')}</h1>,
  });
});
