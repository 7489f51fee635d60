/**
 * `npm run build:data`: writes the generated modules of src/generated/ from locales/ (the source
 * of truth; scripts/data-modules.ts): the locale files packed, and the intent model's compiled
 * training data. Run it after editing a locale file (strings, knowledge, term lists, training
 * examples); test/generated.test.ts fails while a generated module is stale.
 * `--check`: write nothing, exit 1 when a module is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  intentModule,
  localeModules,
  ROOT,
  staleModules,
  strayModules,
  unlistedLocaleFiles,
} from './data-modules.ts';

const check = process.argv.includes('--check');
let failed = false;

const unlisted = unlistedLocaleFiles();
if (unlisted.length > 0) {
  console.error(
    `not in src/locale-file-names.ts (list them, or leave them out in scripts/data-modules.ts): ${unlisted.join(', ')}`,
  );
  failed = true;
}

/** Writes (or, with --check, checks) `modules`. */
function update(modules: ReadonlyMap<string, string>): void {
  const stale = new Set(staleModules(modules));
  for (const [path, text] of modules) {
    if (!stale.has(path)) console.log(`${path} is up to date`);
    else if (check) {
      console.error(`${path} is stale: run npm run build:data`);
      failed = true;
    } else {
      writeFileSync(join(ROOT, path), text);
      console.log(`wrote ${path} (${text.length} characters)`);
    }
  }
}

// the locale modules first: compiling the intent model reads them (data-modules.ts)
const locales = localeModules();
update(locales);
const intents = await intentModule();
update(intents);

const all = new Map([...locales, ...intents]);
for (const path of strayModules(all)) {
  console.error(`${path}: no generator writes it (delete it)`);
  failed = true;
}
if (failed) process.exit(1);
