/**
 * The Worker's upload stays under 400 KB gzipped (issue 15): the bundle `wrangler deploy` would
 * upload (wrangler.toml: src/entry/worker.ts, minified), built with `--dry-run`, every module
 * gzipped. On failure the message lists the biggest inputs (esbuild's metafile).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const WRANGLER = join(
  dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
  'bin',
  'wrangler.js',
);
/** The bar: 400 KB, as 400,000 bytes. */
const MAX_GZIP_BYTES = 400_000;

interface Metafile {
  outputs: Record<
    string,
    { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }
  >;
}

let out: string;
let gzipBytes = 0;
let wranglerSays = '';
let inputs: [string, number][] = [];

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'worker-bundle-'));
  const env: NodeJS.ProcessEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false' };
  // as on a real deploy: wrangler defines process.env.NODE_ENV from it ("production" if unset)
  delete env.NODE_ENV;
  const stdout = await new Promise<string>((ok, fail) => {
    execFile(
      process.execPath,
      [WRANGLER, 'deploy', '--dry-run', '--outdir', out, '--metafile', join(out, 'meta.json')],
      { cwd: ROOT, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? fail(new Error(`${err.message}\n${stderr}`)) : ok(stdout)),
    );
  });
  wranglerSays = /Total Upload: .*/.exec(stdout)?.[0] ?? '';
  for (const f of readdirSync(out)) {
    if (f.endsWith('.map') || f === 'meta.json' || f === 'README.md') continue;
    gzipBytes += gzipSync(readFileSync(join(out, f))).length;
  }
  const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as Metafile;
  const main = Object.values(meta.outputs).find((o) => o.entryPoint);
  inputs = Object.entries(main?.inputs ?? {})
    .map(([path, i]): [string, number] => [path, i.bytesInOutput])
    .sort((a, b) => b[1] - a[1]);
}, 150_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('the Worker bundle', () => {
  it(`is at most ${MAX_GZIP_BYTES} bytes gzipped`, () => {
    const top = inputs
      .slice(0, 15)
      .map(([path, bytes]) => `  ${String(bytes).padStart(8)}  ${path}`)
      .join('\n');
    expect(
      gzipBytes,
      `${gzipBytes} bytes gzipped (wrangler: ${wranglerSays}); biggest inputs (bytes in the bundle):\n${top}`,
    ).toBeLessThanOrEqual(MAX_GZIP_BYTES);
  });

  it('carries the compiled intent model and the packed locale files, not the JSON files', () => {
    const paths = inputs.map(([path]) => path);
    expect(paths.some((p) => p.endsWith('src/generated/intent-model.ts'))).toBe(true);
    for (const lang of ['th', 'en', 'my', 'km', 'lo'])
      expect(paths.some((p) => p.endsWith(`src/generated/locale-${lang}.ts`))).toBe(true);
    // none at all: the console's strings (locales/<lang>/console/) go only into the console's Worker
    const json = paths.filter((p) => /(^|\/)locales\/.*\.json$/.test(p));
    expect(json).toEqual([]);
  });

  it("carries none of the console's code (it has its own Worker)", () => {
    const paths = inputs.map(([path]) => path);
    expect(paths.filter((p) => /src\/(routes\/)?console\//.test(p))).toEqual([]);
  });
});
