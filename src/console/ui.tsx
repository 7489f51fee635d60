/** @jsxImportSource hono/jsx */
/**
 * Small pieces every console page draws the same way: a data table (scrollable wrapper, an
 * optional visually-hidden caption, a header row of `scope="col"` cells), a labelled input with
 * an optional hint the input is described by, and the "kind / today / week" count table.
 */
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import type { Translate } from '../i18n.ts';
import type { TodayWeek } from '../store/stats.ts';
import { Csrf } from './layout.tsx';

/** Column labels: the space-separated `keys` under `prefix`, translated
 * (`cols(t, 'console.staff', 'email name')` → the labels of console.staff.email and .name). */
export function cols(t: Translate, prefix: string, keys: string): string[] {
  return keys.split(' ').map((k) => t(`${prefix}.${k}`));
}

/** A table in its scroll wrapper; `children` are the body rows. */
export const DataTable: FC<
  PropsWithChildren<{ caption?: string; cols: readonly Child[]; class?: string }>
> = (p) => (
  <div class="table-wrap">
    <table class={p.class}>
      {p.caption !== undefined ? <caption class="visually-hidden">{p.caption}</caption> : null}
      <thead>
        <tr>
          {p.cols.map((col) => (
            <th scope="col">{col}</th>
          ))}
        </tr>
      </thead>
      <tbody>{p.children}</tbody>
    </table>
  </div>
);

/** The id of a field's hint (what the input's aria-describedby names). */
export const hintId = (id: string): string => `${id}-hint`;

/** The input's other attributes (type, autocomplete, required, value, …). */
type InputAttrs = Record<string, unknown>;

/**
 * A labelled field in its own block. Without children it draws an `<input id name>` with the
 * other props as attributes (described by the hint when there is one); with children (a select,
 * a datalist) it draws those after the input or, when `input` is false, in its place.
 */
export const Field: FC<
  PropsWithChildren<{ id: string; label: Child; hint?: Child; input?: boolean } & InputAttrs>
> = (p) => {
  const { id, label, hint, input, children, ...attrs } = p;
  return (
    <div>
      <label for={id}>
        {label}
        {hint !== undefined ? (
          <>
            {' '}
            <span class="hint" id={hintId(id)}>
              {hint}
            </span>
          </>
        ) : null}
      </label>
      {input === false ? null : (
        <input
          id={id}
          name={id}
          aria-describedby={hint !== undefined ? hintId(id) : undefined}
          {...attrs}
        />
      )}
      {children}
    </div>
  );
};

/** A "what / today / this week" table: a row a key, its heading cell `label(key)`. */
export const TodayWeekTable: FC<{
  t: Translate;
  caption?: string;
  /** The first column's heading. */
  head: string;
  /** The data attribute each row carries its key in (tests find rows by it). */
  dataAttr: string;
  rows: readonly (readonly [string, TodayWeek])[];
  label: (key: string) => Child;
  format: (n: number) => string;
}> = (p) => (
  <DataTable
    caption={p.caption}
    cols={[p.head, p.t('console.dashboard.today'), p.t('console.dashboard.week')]}
  >
    {p.rows.map(([key, v]) => (
      <tr {...{ [`data-${p.dataAttr}`]: key }}>
        <th scope="row">{p.label(key)}</th>
        <td>{p.format(v.today)}</td>
        <td>{p.format(v.week)}</td>
      </tr>
    ))}
  </DataTable>
);

export interface SelectOption {
  readonly value: string;
  readonly label: Child;
}

/** A labelled single-choice select; the option whose value is `selected` starts chosen. */
export const SelectField: FC<{
  id: string;
  name: string;
  label: Child;
  options: readonly SelectOption[];
  selected?: string;
  disabled?: boolean;
}> = (p) => (
  <Field id={p.id} label={p.label} input={false}>
    <select id={p.id} name={p.name} disabled={p.disabled}>
      {p.options.map((o) => (
        <option value={o.value} selected={o.value === p.selected}>
          {o.label}
        </option>
      ))}
    </select>
  </Field>
);

/** A form that is one button (an action on the thing shown): POST to `action` with the token. */
export const PostButton: FC<
  PropsWithChildren<{
    action: string;
    csrf: string;
    class?: string;
    disabled?: boolean;
    /** The question the console script asks before posting (data-confirm). */
    confirm?: string;
  }>
> = (p) => (
  <form method="post" action={p.action} class="inline">
    <Csrf token={p.csrf} />
    <button type="submit" class={p.class} disabled={p.disabled} data-confirm={p.confirm}>
      {p.children}
    </button>
  </form>
);

/** A submit button the signed-in role may not use: disabled and described by the reason the
 * page shows at `reasonId` while `allowed` is false. */
export const GatedSubmit: FC<
  PropsWithChildren<{ name: string; value: string; allowed: boolean; reasonId: string }>
> = (p) => (
  <button
    type="submit"
    name={p.name}
    value={p.value}
    disabled={!p.allowed}
    aria-describedby={p.allowed ? undefined : p.reasonId}
  >
    {p.children}
  </button>
);
