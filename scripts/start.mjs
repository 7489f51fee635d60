/**
 * `npm start`. Plain JavaScript, so that it runs without the dev toolchain.
 *
 * - NODE_ENV=production: the compiled server, dist/entry/node.js (`npm run build`), on plain
 *   Node: nothing from the dev dependencies (no tsx), so it starts after `npm prune --omit=dev`.
 * - NODE_ENV unset (or empty) or development: NODE_ENV=development (configuration refuses to
 *   start without its secrets unless it is development), the TypeScript source through tsx.
 * - Any other NODE_ENV (test): the source through tsx, NODE_ENV kept.
 *
 * The server runs in this process (imported, not spawned): SIGINT and SIGTERM reach its own
 * handlers (src/entry/node.ts) and its exit code is this process's.
 */
import { existsSync } from 'node:fs';

const nodeEnv = process.env.NODE_ENV ?? '';
const production = nodeEnv === 'production';

// First, before anything that needs Node 22: the one-line refusal of src/check-runtime.ts
// (keep the two in step). After `npm prune --omit=dev` there is no Node 22 in node_modules/.bin,
// so production says to install one.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `This needs Node.js 22 or newer, and this is ${process.version}. ` +
      (production
        ? 'With NODE_ENV=production npm start runs on the machine’s Node (the dev dependencies ' +
          'that bring Node 22 are not installed): install Node.js 22 or newer.\n'
        : 'Run it through npm (npm start, npm run cli -- …, npm test): after npm install they ' +
          'use the Node 22 in node_modules/.bin.\n'),
  );
  process.exit(1);
}

if (production) {
  const entry = new URL('../dist/entry/node.js', import.meta.url);
  if (!existsSync(entry)) {
    process.stderr.write(
      'NODE_ENV=production starts the compiled server, and dist/entry/node.js is missing: ' +
        'run npm run build first.\n',
    );
    process.exit(1);
  }
  // Stack traces name the TypeScript source (tsconfig.build.json writes source maps).
  process.setSourceMapsEnabled(true);
  await import(entry.href);
} else {
  if (nodeEnv === '' || nodeEnv === 'development') process.env.NODE_ENV = 'development';
  // What `node --import tsx` does: TypeScript is loaded from here on (processing threads get
  // `--import tsx` from src/entry/process-pool.ts).
  await import('tsx');
  await import(new URL('../src/entry/node.ts', import.meta.url).href);
}
