/** @jsxImportSource hono/jsx */
/** The staff and audit pages of the operator console (supervisor; being built). */
import { Hono } from 'hono';
import { type ConsoleEnv, consoleT, renderPage, requireRole } from './context.tsx';

export const staffRoutes = new Hono<ConsoleEnv>();

staffRoutes.use('/staff/*', requireRole('supervisor'));
staffRoutes.use('/staff', requireRole('supervisor'));
staffRoutes.use('/audit', requireRole('supervisor'));

staffRoutes.get('/staff', (c) => {
  const t = consoleT(c);
  return renderPage(c, {
    title: t('console.nav.staff'),
    current: 'staff',
    body: <h1>{t('console.nav.staff')}</h1>,
  });
});
