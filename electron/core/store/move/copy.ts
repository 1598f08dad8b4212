// Copying the tables: which ones, in which order, a page at a time. Parents come before the tables that
// point at them (foreign keys are checked on every insert), and a table that points at itself (a reusable
// link's payments) is copied roots first, then children.
import { MoveRefused } from './refused';
import type { MoveRepo, TableShape } from '../repos/move';

/**
 * What is not copied, and why: the search index and the migration history are the target's own (PostgreSQL
 * searches through a trigram index on payments; its migrations ran there), the vault's sealed key is sealed for
 * this machine only (it becomes the team key, kept in the data folder), and the team's tables are written by
 * the move itself (a one-desk store has no lease or join codes to carry over).
 */
export const NOT_COPIED: readonly RegExp[] = [/^payments_fts(_|$)/, /^schema_migrations$/, /^vault_meta$/, /^team_/];

const MAX_ROWS = 500;
/** PostgreSQL takes at most 65,535 parameters per statement */
const MAX_PARAMS = 30_000;

/** The source's tables to copy, parents first; refuses when the target's differ (another schema). */
export function planCopy(source: readonly TableShape[], target: readonly TableShape[]): TableShape[] {
  const theirs = new Map(target.map((t) => [t.name, t]));
  const copied = source.filter((t) => !NOT_COPIED.some((re) => re.test(t.name)));
  for (const t of copied) {
    const there = theirs.get(t.name);
    if (!there) throw new MoveRefused(`The PostgreSQL database has no table ${t.name}: it was not made by this version of Paydesk. Use a new, empty database.`);
    const missing = t.columns.filter((c) => !there.columns.includes(c));
    const extra = there.columns.filter((c) => !t.columns.includes(c));
    if (missing.length + extra.length > 0) {
      throw new MoveRefused(`Table ${t.name} differs between the two stores (${[...missing.map((c) => `no ${c} in PostgreSQL`), ...extra.map((c) => `no ${c} in SQLite`)].join(', ')}): both must be at the same Paydesk version.`);
    }
  }
  const byName = new Map(copied.map((t) => [t.name, t]));
  const ordered: TableShape[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: TableShape): void => {
    if (state.get(t.name) === 'done') return;
    if (state.get(t.name) === 'visiting') throw new MoveRefused(`The tables' foreign keys form a cycle through ${t.name}: they cannot be copied in order.`);
    state.set(t.name, 'visiting');
    for (const p of t.parents) {
      const parent = byName.get(p);
      if (parent) visit(parent);
    }
    state.set(t.name, 'done');
    ordered.push({ ...t, identity: theirs.get(t.name)?.identity ?? [] });
  };
  copied.forEach(visit);
  return ordered;
}

/** Copies one table's rows from `from` into `to`; returns how many. */
export function copyTable(from: MoveRepo, to: MoveRepo, t: TableShape): number {
  const perBatch = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / t.columns.length)));
  let copied = 0;
  for (const part of t.selfRef ? (['roots', 'children'] as const) : (['all'] as const)) {
    let after: unknown[] | null = null;
    for (;;) {
      const rows = from.page(t, after, perBatch, part);
      if (rows.length === 0) break;
      to.insert(t.name, t.columns, rows.map((r) => t.columns.map((c) => r[c])));
      copied += rows.length;
      const last = rows[rows.length - 1]!;
      after = t.key.map((k) => last[k]);
      if (rows.length < perBatch) break;
    }
  }
  for (const column of t.identity) to.followIdentity(t.name, column);
  return copied;
}
