/** @jsxImportSource hono/jsx */
/** The richmenu page of the operator console (being built). */
import { Hono } from 'hono';
import { type ConsoleEnv, consoleT, renderPage } from './context.tsx';

export const richmenuRoutes = new Hono<ConsoleEnv>();

richmenuRoutes.get('/', (c) => {
  const t = consoleT(c);
  return renderPage(c, {
    title: t('console.nav.richmenu'),
    current: 'richmenu',
    body: <h1>{t('console.nav.richmenu')}</h1>,
  });
});
