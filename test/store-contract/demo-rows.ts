/**
 * The Node seed's demo rows for a database the seeder cannot write to (D1): the generator
 * (`generateDemoData`, src/store/demo-data.ts) runs against a recorder that stands in for its
 * better-sqlite3 handle, so the same statements with the same values come out, in order, ready to
 * replay anywhere. Statements over D1's 100 bound parameters (the multi-row contribution
 * INSERTs) are split by rows. test/store/contract.test.ts checks that replaying them gives
 * exactly the rows `seedDemoData` writes; test/workers/conversations.test.ts replays them on D1.
 * Runtime-neutral: no better-sqlite3, no node:*, no cloudflare:*.
 */
import { type GenerateDemoDataOptions, generateDemoData } from '../../src/store/demo-data.ts';

export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** D1's limit on bound parameters per statement. */
export const D1_MAX_PARAMS = 100;

/** Stands in for the better-sqlite3 handle `generateDemoData` writes through. */
function recorder(out: Statement[]) {
  return {
    prepare(sql: string) {
      return {
        run(...args: unknown[]) {
          const params = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
          out.push({ sql, params: [...params] });
        },
      };
    },
    transaction<A extends unknown[]>(fn: (...a: A) => unknown) {
      return (...a: A) => fn(...a);
    },
  };
}

/** A multi-row INSERT over the limit, as several INSERTs of fewer rows (same order). */
export function withinParamLimit(s: Statement, max = D1_MAX_PARAMS): Statement[] {
  if (s.params.length <= max) return [s];
  const at = s.sql.search(/\bvalues\b/i) + 'values'.length;
  const head = s.sql.slice(0, at);
  const tuple = /\([^()]*\)/.exec(s.sql.slice(at))![0];
  const perRow = tuple.split('?').length - 1;
  const rows = Math.floor(max / perRow);
  const out: Statement[] = [];
  for (let i = 0; i < s.params.length; i += rows * perRow) {
    const params = s.params.slice(i, i + rows * perRow);
    const n = params.length / perRow;
    out.push({ sql: `${head} ${Array.from({ length: n }, () => tuple).join(', ')}`, params });
  }
  return out;
}

/** The demo seed's statements for `options` (the same `people` and `now` as a Node seed). */
export function demoStatements(options: GenerateDemoDataOptions): Statement[] {
  const recorded: Statement[] = [];
  generateDemoData(recorder(recorded) as never, options);
  return recorded.flatMap((s) => withinParamLimit(s));
}
