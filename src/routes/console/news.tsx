/** @jsxImportSource hono/jsx */
/** The news page of the operator console (being built). */
import { Hono } from 'hono';
import { type ConsoleEnv, consoleT, renderPage } from './context.tsx';

export const newsRoutes = new Hono<ConsoleEnv>();

newsRoutes.get('/', (c) => {
  const t = consoleT(c);
  return renderPage(c, {
    title: t('console.nav.news'),
    current: 'news',
    body: <h1>{t('console.nav.news')}</h1>,
  });
});
