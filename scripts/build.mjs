/**
 * `npm run build`: src/ compiled to dist/ by tsc (tsconfig.build.json; `./x.ts` imports become
 * `./x.js`) for `NODE_ENV=production npm start`, which runs it on plain Node.
 *
 * dist/ mirrors src/ one level below the repository root, so every file the app reads at run
 * time by a path relative to its module (locales/, data/, flex-templates/ imported as JSON;
 * drizzle/ migrations; assets/) is the same file from dist/ as from src/: a deployment ships
 * those directories next to dist/.
 *
 * Arguments go on to tsc (the tests build with `--outDir <tmp>/dist --noCheck`). The output
 * directory is emptied first, so nothing of a deleted module is left behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const at = args.indexOf('--outDir');
if (at >= 0 && !args[at + 1]) {
  process.stderr.write('build: --outDir needs a directory\n');
  process.exit(2);
}
const outDir = at >= 0 ? resolve(args[at + 1]) : join(root, 'dist');
if (at >= 0) args.splice(at, 2);
if (resolve(outDir) === resolve(root) || resolve(outDir) === resolve(root, 'src')) {
  process.stderr.write(`build: refusing to empty ${outDir}\n`);
  process.exit(2);
}

const pkg = createRequire(import.meta.url).resolve('typescript/package.json');
const tsc = join(dirname(pkg), JSON.parse(readFileSync(pkg, 'utf8')).bin.tsc);

rmSync(outDir, { recursive: true, force: true });
const run = spawnSync(
  process.execPath,
  [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir, ...args],
  { cwd: root, stdio: 'inherit' },
);
if (run.status !== 0) {
  process.stderr.write(`build: tsc failed (exit ${run.status ?? run.signal})\n`);
  process.exit(1);
}
const entry = join(outDir, 'entry', 'node.js');
if (!existsSync(entry)) {
  process.stderr.write(`build: tsc wrote no ${entry}\n`);
  process.exit(1);
}
process.stdout.write(`built ${relative(process.cwd(), outDir) || '.'}/ from src/\n`);
