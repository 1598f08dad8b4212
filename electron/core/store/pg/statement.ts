// Statements in better-sqlite3's shape over PostgreSQL (sync-client.ts), so a repository's SQL is written once
// where the two dialects agree: `?` and `@name` placeholders become $1…, and get / all / run / pluck behave
// as better-sqlite3's do. Where the dialects differ, the repository keeps an engine-specific statement.
import type { PgSync } from './sync-client';

export interface Placeholders {
  /** the SQL with $1… placeholders */
  text: string;
  /** for each $n, the positional index or the parameter name it takes its value from */
  sources: Array<number | string>;
}

/**
 * Rewrites `?` (positional) and `@name` (named) placeholders to $n, outside string literals, quoted
 * identifiers and comments. PostgreSQL's own `@>` / `<@` operators are left alone (no name follows the @).
 * A name used twice takes one $n.
 */
export function toPgPlaceholders(sql: string): Placeholders {
  const sources: Array<number | string> = [];
  const named = new Map<string, number>();
  let positional = 0;
  let text = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const skip = skipQuoted(sql, i);
    if (skip > i) {
      text += sql.slice(i, skip);
      i = skip;
    } else if (c === '?') {
      sources.push(positional++);
      text += `$${sources.length}`;
      i++;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      let n = named.get(name);
      if (n === undefined) {
        sources.push(name);
        n = sources.length;
        named.set(name, n);
      }
      text += `$${n}`;
      i += 1 + name.length;
    } else {
      text += c;
      i++;
    }
  }
  return { text, sources };
}

/** the index after a string literal, quoted identifier or comment starting at `i`; `i` when none starts there */
function skipQuoted(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === c) {
        if (sql[j + 1] === c) j += 2;
        else return j + 1;
      } else j++;
    }
    return sql.length;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return i;
}

/** better-sqlite3 binds booleans as 1/0 and rejects undefined; do the same so both engines store the same */
function bindValues(p: Placeholders, args: readonly unknown[]): unknown[] {
  const single = args.length === 1 && args[0] !== null && typeof args[0] === 'object' && !Buffer.isBuffer(args[0]) ? (args[0] as Record<string, unknown>) : null;
  return p.sources.map((s) => {
    const v = typeof s === 'number' ? args[s] : single?.[s];
    if (v === undefined) throw new RangeError(`Missing value for parameter ${typeof s === 'number' ? s + 1 : `@${s}`}`);
    return typeof v === 'boolean' ? (v ? 1 : 0) : v;
  });
}

export interface PgStatement<R = Record<string, unknown>> {
  get(...args: unknown[]): R | undefined;
  all(...args: unknown[]): R[];
  run(...args: unknown[]): { changes: number };
  /** run, for a write whose result nobody reads: sent with the connection's next request (PgSync.later) */
  later(...args: unknown[]): void;
  /** the first column of each row instead of the row */
  pluck(): PgStatement<unknown>;
}

export function pgStatement<R = Record<string, unknown>>(db: PgSync, sql: string, plucked = false): PgStatement<R> {
  const p = toPgPlaceholders(sql);
  const shape = (row: Record<string, unknown>): unknown => (plucked ? Object.values(row)[0] : row);
  return {
    get: (...args) => {
      const row = db.query(p.text, bindValues(p, args)).rows[0];
      return row === undefined ? undefined : (shape(row) as R);
    },
    all: (...args) => db.query(p.text, bindValues(p, args)).rows.map((r) => shape(r) as R),
    run: (...args) => ({ changes: db.query(p.text, bindValues(p, args)).rowCount }),
    later: (...args) => db.later(p.text, bindValues(p, args)),
    pluck: () => pgStatement<unknown>(db, sql, true),
  };
}
