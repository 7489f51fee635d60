/**
 * The operators' guides name only commands that exist (the commands themselves are run by
 * test/entry/production-start.test.ts, test/store/backup.test.ts, the CLI tests,
 * test/entry/dev-worker.test.ts and the workers lane). For docs/deploy-cloudflare.md: every
 * `wrangler …` command is checked against wrangler's own `--help` (the subcommand exists, every
 * flag exists, a value is one of the flag's choices; this runs offline), the commands marked
 * (tested) that run without the Cloudflare network are run here against a temporary local D1,
 * and what the guide says about wrangler.toml, the admin API, migrations and the Sessions API is
 * checked against the repository.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cliSource = readFileSync('src/cli/index.ts', 'utf8');
const commands = new Set(
  [...cliSource.matchAll(/^\s+'?([a-z][a-z-]*)'?: \(\) => import\(/gm)].map((m) => m[1]!),
);
const scripts = Object.keys(
  (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts,
);

const GUIDES: { file: string; commandList: string; minCliCommands: number }[] = [
  { file: 'docs/deploy-node.md', commandList: "## 9. Operators' commands", minCliCommands: 4 },
  {
    file: 'docs/deploy-cloudflare.md',
    commandList: "## 17. Operators' commands on Workers",
    minCliCommands: 1,
  },
];

describe('docs/deploy-*.md', () => {
  for (const guide of GUIDES) {
    it(`${guide.file}: every CLI command and npm script it names exists`, () => {
      expect(existsSync(guide.file)).toBe(true);
      const text = readFileSync(guide.file, 'utf8');
      const named = [
        ...text.matchAll(/(?:node dist\/cli\/index\.js|npm run cli --) ([a-z][a-z-]*)/g),
      ].map((m) => m[1]!);
      expect(named.length).toBeGreaterThanOrEqual(guide.minCliCommands);
      for (const name of named) expect(commands, `${guide.file}: ${name}`).toContain(name);
      for (const m of text.matchAll(/npm run ([a-z][a-z:-]*)/g)) {
        if (m[1] === 'cli') continue;
        expect(scripts, `${guide.file}: npm run ${m[1]}`).toContain(m[1]);
      }
      // Every backtick-quoted command name in the operators' commands section exists too.
      const list = text.split(guide.commandList)[1];
      expect(list, `${guide.file}: "${guide.commandList}"`).toBeDefined();
      const listed = [...list!.matchAll(/`([a-z][a-z-]*)(?: [a-z]+)?`/g)].map((m) => m[1]!);
      expect(listed.length).toBeGreaterThan(3);
      for (const name of listed) expect(commands, `${guide.file}: ${name}`).toContain(name);
    });
  }
});

// --- docs/deploy-cloudflare.md -------------------------------------------------------------

const CF_GUIDE = 'docs/deploy-cloudflare.md';
const cfText = readFileSync(CF_GUIDE, 'utf8');
const wranglerToml = readFileSync('wrangler.toml', 'utf8');
const WRANGLER = join('node_modules', 'wrangler', 'bin', 'wrangler.js');
const WRANGLER_CLI = join('node_modules', 'wrangler', 'wrangler-dist', 'cli.js');

/**
 * Lines of code in the guide: fenced blocks (comments cut, `\` continuations joined) and inline
 * spans. A fenced line whose comment says (tested) is marked.
 */
function codeLines(md: string): { code: string; tested: boolean }[] {
  const out: { code: string; tested: boolean }[] = [];
  const prose = md.replace(/^```[a-z]*\n([\s\S]*?)^```$/gm, (_m, body: string) => {
    for (const raw of body.replace(/\\\n\s*/g, ' ').split('\n')) {
      const comment = /(?:^|\s)#.*$/.exec(raw);
      out.push({
        code: comment ? raw.slice(0, comment.index) : raw,
        tested: comment !== null && /\(tested/.test(comment[0]),
      });
    }
    return '';
  });
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) out.push({ code: m[1]!, tested: false });
  return out;
}

/** Shell-like words up to the end of the command (`|`, `&&`, `;`); quotes grouped and removed. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === '|' || ch === '&' || ch === ';') {
      break;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

interface WranglerCommand {
  line: string;
  words: string[];
  tested: boolean;
}

const wranglerCommands: WranglerCommand[] = codeLines(cfText).flatMap(({ code, tested }) => {
  const m = /(?:^|[\s|;&(])(?:npx )?wrangler (.+)$/.exec(code);
  if (!m) return [];
  return [
    { line: `wrangler ${m[1]!.split(/\s[|;&]/)[0]!.trim()}`, words: shellWords(m[1]!), tested },
  ];
});

function wrangler(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [WRANGLER, ...args],
      {
        env: { ...process.env, CI: '1', NO_COLOR: '1', WRANGLER_SEND_METRICS: 'false' },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}

interface Arg {
  type?: string;
  choices?: string[];
  alias: string[];
  required: boolean;
  variadic: boolean;
  deprecated: boolean;
}

interface CommandDef {
  type: string;
  positional: string[];
  args: Record<string, Arg>;
  deprecated: boolean;
}

/**
 * Wrangler's own command registry (the tree its parser and `--help` are built from), read in a
 * child process: every command path with its flags, their types, choices and aliases.
 */
const REGISTRY_SCRIPT = `
const { registry, globalFlags } = require(process.argv[1]).experimental_getWranglerCommands();
const args = (defs) => Object.fromEntries(Object.entries(defs ?? {}).map(([name, d]) => [name, {
  type: d.type, choices: d.choices, alias: d.alias === undefined ? [] : [].concat(d.alias),
  required: Boolean(d.demandOption), variadic: Boolean(d.array), deprecated: Boolean(d.deprecated),
}]));
const commands = {};
(function walk(node, path) {
  for (const [name, child] of node.subtree) {
    const d = child.definition;
    if (d) commands[[...path, name].join(' ')] = {
      type: d.type, positional: d.positionalArgs ?? [], args: args(d.args),
      deprecated: Boolean(d.metadata?.deprecated),
    };
    walk(child, [...path, name]);
  }
})(registry, []);
process.stdout.write(JSON.stringify({ commands, globals: args(globalFlags) }));
`;

async function wranglerRegistry(): Promise<{
  commands: Record<string, CommandDef>;
  globals: Record<string, Arg>;
}> {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', REGISTRY_SCRIPT, join(process.cwd(), WRANGLER_CLI)],
      { env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
  return JSON.parse(out);
}

/** The problems with one command of the guide, judged by wrangler's registry. */
function checkCommand(
  cmd: WranglerCommand,
  registry: { commands: Record<string, CommandDef>; globals: Record<string, Arg> },
): string[] {
  // The longest run of leading words that names a command.
  let path = 0;
  while (path < cmd.words.length && registry.commands[cmd.words.slice(0, path + 1).join(' ')]) {
    path++;
  }
  const def = registry.commands[cmd.words.slice(0, path).join(' ')];
  if (def?.type !== 'command') {
    return [`${cmd.line}: not a wrangler command (${def ? def.type : 'unknown'})`];
  }
  const problems: string[] = def.deprecated ? [`${cmd.line}: deprecated`] : [];
  const flags = { ...registry.globals, ...def.args };
  const given: string[] = [];
  const rest = cmd.words.slice(path);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (!word.startsWith('-')) {
      given.push(word);
      continue;
    }
    const [name, inline] = word.replace(/^--?/, '').split('=', 2) as [string, string | undefined];
    const flag = Object.entries(flags).find(([n, a]) => n === name || a.alias.includes(name))?.[1];
    if (!flag || def.positional.includes(name)) {
      problems.push(`${cmd.line}: no flag ${word}`);
      continue;
    }
    if (flag.deprecated) problems.push(`${cmd.line}: ${word} is deprecated`);
    let value = inline;
    if (value === undefined && flag.type !== 'boolean') {
      value = rest[++i];
      if (value === undefined) problems.push(`${cmd.line}: ${word} needs a value`);
    }
    if (value !== undefined && flag.choices && !flag.choices.includes(value)) {
      problems.push(`${cmd.line}: ${word} ${value} is not one of ${flag.choices.join(', ')}`);
    }
  }
  const positional = def.positional.map((n) => def.args[n]!);
  const required = positional.filter((a) => a.required).length;
  const variadic = positional.some((a) => a.variadic);
  if (given.length < required || (!variadic && given.length > positional.length)) {
    problems.push(
      `${cmd.line}: ${given.length} positional argument(s), wrangler takes ${def.positional.join(', ') || 'none'}`,
    );
  }
  return problems;
}

describe(`${CF_GUIDE}: wrangler`, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'deploy-guide-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('names wrangler commands, each of them (and its flags) known to the pinned wrangler', async () => {
    expect(wranglerCommands.length).toBeGreaterThan(20);
    const registry = await wranglerRegistry();
    // The registry is the one `--help` shows: a command it lacks is refused by wrangler.
    expect(registry.commands['d1 migrations apply']?.type).toBe('command');
    const problems = wranglerCommands.flatMap((cmd) => checkCommand(cmd, registry));
    expect(problems).toEqual([]);
    // …and a made-up command or flag would be caught.
    const fake = (line: string) => ({ line, words: line.split(' ').slice(1), tested: false });
    expect(checkCommand(fake('wrangler d1 backup sso-bot'), registry)).not.toEqual([]);
    expect(checkCommand(fake('wrangler d1 create sso-bot --region apac'), registry)).not.toEqual(
      [],
    );
    expect(checkCommand(fake('wrangler d1 create sso-bot --location th'), registry)).not.toEqual(
      [],
    );
  }, 60_000);

  it('runs the commands marked (tested) that need no Cloudflare account, against a temporary D1', async () => {
    const tested = wranglerCommands.filter((c) => c.tested);
    // Local D1: migrate, then list (nothing left) and query the migrations table.
    const migrations = readdirSync('drizzle').filter((f) => f.endsWith('.sql'));
    const ran: string[] = [];
    for (const cmd of tested) {
      const args = [...cmd.words];
      if (args.includes('--local')) args.push('--persist-to', join(tmp, 'd1'));
      const outdir = args.indexOf('--outdir');
      if (outdir >= 0) args[outdir + 1] = join(tmp, 'worker');
      const { code, out } = await wrangler(args);
      expect(code, `${cmd.line}\n${out}`).toBe(0);
      const sub = cmd.words.slice(0, 3).join(' ');
      if (sub === 'd1 migrations apply') expect(out).toMatch(/0000_init\.sql/);
      if (sub === 'd1 migrations list') expect(out).toMatch(/No migrations to apply/);
      if (sub.startsWith('d1 execute')) for (const f of migrations) expect(out).toContain(f);
      if (cmd.words[0] === 'deploy') {
        expect(out).toMatch(/--dry-run: exiting now/);
        expect(out).toMatch(/env\.DB \(sso-bot\)/);
        // The bot's Worker: the queues it sends to (the dead-letter queue is only consumed).
        // The console's Worker (-c wrangler.console.toml) has none: the bot's Worker sends pushes.
        const consoleWorker = cmd.words.includes('wrangler.console.toml');
        for (const q of ['sso-bot-events', 'sso-bot-pushes']) {
          if (consoleWorker) expect(out).not.toContain(`(${q})`);
          else expect(out).toContain(`(${q})`);
        }
      }
      ran.push(sub);
    }
    expect(ran).toEqual([
      'd1 migrations apply',
      'd1 migrations list',
      'd1 execute DB',
      'deploy --dry-run --outdir',
      'deploy -c wrangler.console.toml',
    ]);
  }, 180_000);
});

describe(`${CF_GUIDE}: what it says about the repository is true`, () => {
  it('cites test files that exist', () => {
    for (const m of cfText.matchAll(/`(test\/[a-z0-9/*.-]+\.test\.ts)`/g)) {
      const file = m[1]!;
      if (file.includes('*')) {
        const dir = file.slice(0, file.lastIndexOf('/'));
        expect(
          readdirSync(dir).some((f) => f.endsWith('.test.ts')),
          file,
        ).toBe(true);
      } else {
        expect(existsSync(file), file).toBe(true);
      }
    }
  });

  it('matches wrangler.toml: D1, queues, consumers, dead-letter queue, cron, vars', () => {
    for (const line of [
      'binding = "DB"',
      'database_name = "sso-bot"',
      'migrations_dir = "drizzle"',
    ]) {
      expect(cfText).toContain(line);
      expect(wranglerToml).toContain(line);
    }
    const queues = new Set([...cfText.matchAll(/`(sso-bot-[a-z-]+)`/g)].map((m) => m[1]!));
    expect([...queues].sort()).toEqual(['sso-bot-events', 'sso-bot-events-dlq', 'sso-bot-pushes']);
    const consumers = wranglerToml
      .split(/^(?=\[)/m)
      .filter((block) => block.startsWith('[[queues.consumers]]'));
    const consumed = consumers.map((b) => /^queue = "([^"]+)"/m.exec(b)?.[1]);
    for (const q of queues) expect(consumed, `a consumer of ${q} in wrangler.toml`).toContain(q);
    const events = consumers.find((b) => /^queue = "sso-bot-events"/m.test(b)) ?? '';
    expect(events).toMatch(/^dead_letter_queue = "sso-bot-events-dlq"/m);
    const cron = /`(crons = \[[^\]]*\])`/.exec(cfText)?.[1];
    expect(cron).toBeDefined();
    expect(wranglerToml).toContain(cron!);
    // The guide's [vars] block: the first three are to be added, the rest are in wrangler.toml.
    const vars = /```toml\n\[vars\]\n([\s\S]*?)```/.exec(cfText)?.[1] ?? '';
    const lines = vars
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter(Boolean);
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines.slice(0, 3)) expect(wranglerToml).not.toContain(line);
    for (const line of lines.slice(3)) expect(wranglerToml).toContain(line);
  });

  it('names only variables the app reads', () => {
    const source = readdirSync('src', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join('src', f), 'utf8'))
      .join('\n');
    const names = new Set(
      [...cfText.matchAll(/(?:`|^|secret put )([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/gm)]
        .map((m) => m[1]!)
        .filter((n) => !n.startsWith('CLOUDFLARE_')),
    );
    expect(names.size).toBeGreaterThan(10);
    for (const name of names) expect(source, name).toContain(name);
  });

  it('names only admin routes that the admin API documents', () => {
    const openapi = readFileSync('src/routes/admin-openapi.ts', 'utf8');
    const paths = new Set([...openapi.matchAll(/^\s+'(\/admin\/[^']*)': \{/gm)].map((m) => m[1]!));
    const named = [...cfText.matchAll(/(\/admin\/[a-z0-9{}<>./-]*[a-z0-9}>])/g)]
      .map((m) => m[1]!.replace(/<id>/g, '{id}'))
      .filter((p) => p !== '/admin/*');
    expect(named.length).toBeGreaterThan(5);
    for (const p of named) expect(paths, p).toContain(p);
  });

  it('says migrations only add: no DROP or RENAME in drizzle/', () => {
    expect(cfText).toMatch(/no `DROP`, no\s+`RENAME`/);
    for (const f of readdirSync('drizzle').filter((n) => n.endsWith('.sql'))) {
      expect(readFileSync(join('drizzle', f), 'utf8'), f).not.toMatch(/\bDROP\b|\bRENAME\b/i);
    }
  });

  it('says whether the Worker uses the D1 Sessions API, as src/ does', () => {
    const usesSessions = readdirSync('src', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .some((f) => /\.withSession\(/.test(readFileSync(join('src', f), 'utf8')));
    expect(/Worker does not use the Sessions API/.test(cfText)).toBe(!usesSessions);
    expect(/The Worker\s+uses the Sessions API/.test(cfText)).toBe(usesSessions);
  });

  it('says where each D1 session starts, as src/entry/worker.ts does', () => {
    const worker = readFileSync('src/entry/worker.ts', 'utf8');
    const d1 = readFileSync('src/store/d1.ts', 'utf8');
    expect(d1).toMatch(/export function openD1Session\(/);
    expect(d1).toMatch(/typeof withSession !== 'function'/);
    expect(cfText).toMatch(/falls back to the plain\s+binding/);
    // Queue messages and writes start on the primary; health and admin lists may not.
    expect(worker).toMatch(/openD1Session\(env\.DB, 'first-primary'\)/);
    expect(worker).toMatch(/path === '\/healthz'\) return 'first-unconstrained'/);
    expect(worker).toMatch(/const BOOKMARK_HEADER = 'x-d1-bookmark'/);
    expect(cfText).toMatch(/every queue message[^\n]*\| `first-primary`, one session per message/);
    expect(cfText).toMatch(/`GET \/link` \(the link page\) \| `first-primary`/);
    expect(cfText).toMatch(/`GET \/healthz`, the admin API's `GET` lists \| `first-unconstrained`/);
    expect(cfText).toMatch(/`x-d1-bookmark` header/);
  });

  it("gives the cron's notification budget as src/entry/worker.ts has it", () => {
    const worker = readFileSync('src/entry/worker.ts', 'utf8');
    expect(cfText).toMatch(/at most 20 s and 3,000 pushes per run/);
    expect(worker).toMatch(/NOTIFY_CRON_BUDGET_MS = 20_000/);
    expect(worker).toMatch(/NOTIFY_CRON_MAX_PUSHES = 3000/);
  });
});
