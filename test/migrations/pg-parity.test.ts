// Both engines have the same shape at the same schema version: SQLite migrated in memory and a real PostgreSQL
// (a throwaway cluster), both to the newest version both know (15 today), compared table by table: column names
// in order, declared types (INTEGER → bigint, a 0/1 flag → smallint, TEXT → text COLLATE "C", BLOB → bytea), NOT NULL,
// defaults, primary keys, unique constraints and indexes (columns and partial predicate), foreign keys (columns,
// target, ON DELETE), every named index, and the number of CHECK constraints. Each difference is printed in
// words. What may differ is listed in PG_ONLY with the reason; nothing else may. What the CHECKs mean is
// compared by pg-constraints.test.ts.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/store/migrate';
import { migrations } from '../../electron/core/store/migrations/index';
import { knownPgVersion, migratePg } from '../../electron/core/store/pg/migrate';
import { openPgSync, type PgSync } from '../../electron/core/store/pg/sync-client';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';

/** the newest schema both engines know: every SQLite migration from 15 on needs its PostgreSQL twin */
const VERSION = Math.min(knownPgVersion(), migrations.length);

/** what PostgreSQL has and SQLite has not, on purpose */
const PG_ONLY: Readonly<Record<string, string>> = {
  'index payments_search_trgm': 'the trigram search index: SQLite keeps that text in the FTS5 table payments_fts instead',
};

interface Column { name: string; type: string; notNull: boolean; dflt: string | null }
/** SQLite INTEGER columns that hold 0/1 (CHECK (x IN (0, 1)), or accounts.livemode = (mode = 'live')): smallint on PostgreSQL */
const FLAG = /CHECK \((\w+) (?:IN \(0, 1\)|= \(mode = 'live'\))\)/g;
interface Shape {
  columns: Column[];
  pk: string[];
  /** "cols | predicate", sorted */
  uniques: string[];
  /** "cols -> table(cols) on delete X", sorted */
  fks: string[];
  checks: number;
}
interface Schema { tables: Map<string, Shape>; indexes: Map<string, string> }

/** one spelling for both engines' predicates and defaults: no casts, parentheses, case or extra spaces */
const norm = (s: string | null): string | null =>
  s === null ? null : s.replace(/::[a-z ]+/g, '').replace(/[()]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

function sqliteSchema(db: Database.Database): Schema {
  const tables = new Map<string, Shape>();
  const indexes = new Map<string, string>();
  const names = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'payments_fts%' ORDER BY name").all() as { name: string; sql: string }[];
  for (const { name, sql } of names) {
    const info = db.prepare(`PRAGMA table_info(${name})`).all() as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
    const uniques: string[] = [];
    for (const ix of db.prepare(`PRAGMA index_list(${name})`).all() as { name: string; unique: number; origin: string; partial: number }[]) {
      const cols = indexColumns(db, ix.name);
      const where = (db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').get(ix.name) as { sql: string | null } | undefined)?.sql?.match(/\bWHERE\b([\s\S]*)$/i)?.[1] ?? null;
      if (ix.unique && ix.origin !== 'pk') uniques.push(`${cols} | ${norm(where) ?? '-'}`);
      if (ix.origin === 'c') indexes.set(ix.name, `${name}(${cols}) ${ix.unique ? 'unique' : ''} | ${norm(where) ?? '-'}`);
    }
    const fkRows = db.prepare(`PRAGMA foreign_key_list(${name})`).all() as { id: number; seq: number; table: string; from: string; to: string; on_delete: string }[];
    const fks = [...new Set(fkRows.map((r) => r.id))].map((id) => {
      const rows = fkRows.filter((r) => r.id === id).sort((a, b) => a.seq - b.seq);
      return `${rows.map((r) => r.from).join(', ')} -> ${rows[0]!.table}(${rows.map((r) => r.to).join(', ')}) on delete ${rows[0]!.on_delete.toLowerCase()}`;
    });
    const flags = new Set([...sql.matchAll(FLAG)].map((m) => m[1]));
    tables.set(name, {
      columns: info.map((c) => ({ name: c.name, type: flags.has(c.name) ? 'FLAG' : c.type, notNull: c.notnull === 1 || c.pk > 0, dflt: norm(c.dflt_value) })),
      pk: info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      uniques: uniques.sort(),
      fks: fks.sort(),
      checks: (sql.match(/\bCHECK\s*\(/gi) ?? []).length,
    });
  }
  return { tables, indexes };
}

/** an index's key columns: "name", "name DESC", "name NOCASE" (COLLATE NOCASE) */
function indexColumns(db: Database.Database, index: string): string {
  const rows = db.prepare(`PRAGMA index_xinfo(${index})`).all() as { name: string | null; desc: number; coll: string; key: number }[];
  return rows.filter((r) => r.key === 1).map((r) => `${r.name ?? '<expr>'}${r.desc ? ' DESC' : ''}${r.coll === 'NOCASE' ? ' NOCASE' : ''}`).join(', ');
}

const PG_DELETE: Record<string, string> = { a: 'no action', c: 'cascade', r: 'restrict', n: 'set null', d: 'set default' };

function pgSchema(db: PgSync): Schema {
  const tables = new Map<string, Shape>();
  const indexes = new Map<string, string>();
  const names = db.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").rows;
  for (const { t } of names) {
    const columns = db.query<{ name: string; type: string; nullable: string; dflt: string | null; coll: string | null }>(
      `SELECT column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS dflt, collation_name AS coll FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, [t]).rows;
    const ix = db.query<{ name: string; primary: boolean; unique: boolean; n: number; opts: string; pred: string | null; cols: string[] }>(
      `SELECT c.relname AS name, i.indisprimary AS primary, i.indisunique AS unique, i.indnkeyatts AS n, i.indoption::text AS opts,
              pg_get_expr(i.indpred, i.indrelid) AS pred,
              ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k) AS cols
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass ORDER BY c.relname`, [t]).rows;
    const uniques: string[] = [];
    let pk: string[] = [];
    for (const r of ix) {
      const opts = r.opts.split(' ').map(Number);
      const cols = r.cols.map((c, k) => {
        const nocase = /^lower\((\w+)\)$/.exec(c);
        return `${nocase ? nocase[1] : c}${(opts[k]! & 1) === 1 ? ' DESC' : ''}${nocase ? ' NOCASE' : ''}`;
      }).join(', ');
      if (r.primary) pk = r.cols;
      else if (r.unique) uniques.push(`${cols} | ${norm(r.pred) ?? '-'}`);
      const constraint = db.query('SELECT 1 FROM pg_constraint WHERE conname = $1 AND conrelid = $2::regclass', [r.name, t]).rowCount > 0;
      if (!constraint) indexes.set(r.name, `${t}(${cols}) ${r.unique ? 'unique' : ''} | ${norm(r.pred) ?? '-'}`);
    }
    const fks = db.query<{ def: string }>(
      `SELECT array_to_string(ARRAY(SELECT attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), ', ')
              || ' -> ' || con.confrelid::regclass::text || '('
              || array_to_string(ARRAY(SELECT attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o), ', ')
              || ') on delete ' || con.confdeltype::text AS def
       FROM pg_constraint con WHERE con.contype = 'f' AND con.conrelid = $1::regclass`, [t]).rows
      .map((r) => r.def.replace(/on delete (\w)$/, (_m, k: string) => `on delete ${PG_DELETE[k]}`));
    const checks = db.query("SELECT 1 FROM pg_constraint WHERE contype = 'c' AND conrelid = $1::regclass", [t]).rowCount;
    tables.set(t, {
      // text must compare and sort as SQLite's BINARY whatever the server's locale: COLLATE "C"
      columns: columns.map((c) => ({
        name: c.name,
        type: c.type === 'text' && c.coll !== 'C' ? `text collated ${c.coll ?? 'by the database default'}` : c.type,
        notNull: c.nullable === 'NO',
        dflt: norm(c.dflt),
      })),
      pk,
      uniques: uniques.sort(),
      fks: fks.sort(),
      checks,
    });
  }
  return { tables, indexes };
}

const PG_TYPES: Record<string, string[]> = { INTEGER: ['bigint'], FLAG: ['smallint'], TEXT: ['text'], BLOB: ['bytea'] };

function compareTable(name: string, s: Shape, p: Shape): string[] {
  const out: string[] = [];
  const sNames = s.columns.map((c) => c.name).join(', ');
  const pNames = p.columns.map((c) => c.name).join(', ');
  if (sNames !== pNames) out.push(`${name}: columns differ\n  sqlite: ${sNames}\n  pg:     ${pNames}`);
  for (const sc of s.columns) {
    const pc = p.columns.find((c) => c.name === sc.name);
    if (!pc) continue;
    if (!(PG_TYPES[sc.type] ?? []).includes(pc.type)) out.push(`${name}.${sc.name}: type ${sc.type === 'FLAG' ? 'INTEGER (a 0/1 flag)' : sc.type} on SQLite, ${pc.type} on PostgreSQL`);
    if (sc.notNull !== pc.notNull) out.push(`${name}.${sc.name}: NOT NULL on ${sc.notNull ? 'SQLite' : 'PostgreSQL'} only`);
    if (sc.dflt !== pc.dflt) out.push(`${name}.${sc.name}: default ${sc.dflt ?? 'none'} on SQLite, ${pc.dflt ?? 'none'} on PostgreSQL`);
  }
  const list = (what: string, a: readonly string[], b: readonly string[]): void => {
    if (a.join('; ') !== b.join('; ')) out.push(`${name}: ${what} differ\n  sqlite: ${a.join('; ') || '-'}\n  pg:     ${b.join('; ') || '-'}`);
  };
  list('primary keys', s.pk, p.pk);
  list('unique constraints/indexes', s.uniques, p.uniques);
  list('foreign keys', s.fks, p.fks);
  if (s.checks !== p.checks) out.push(`${name}: ${s.checks} CHECK constraints on SQLite, ${p.checks} on PostgreSQL`);
  return out;
}

function schemaDifferences(s: Schema, p: Schema): string[] {
  const out: string[] = [];
  for (const t of s.tables.keys()) if (!p.tables.has(t)) out.push(`table ${t}: missing on PostgreSQL`);
  for (const t of p.tables.keys()) if (!s.tables.has(t)) out.push(`table ${t}: missing on SQLite`);
  for (const [t, shape] of s.tables) {
    const other = p.tables.get(t);
    if (other) out.push(...compareTable(t, shape, other));
  }
  for (const [name, def] of s.indexes) {
    const other = p.indexes.get(name);
    if (other === undefined) out.push(`index ${name}: missing on PostgreSQL`);
    else if (other !== def) out.push(`index ${name} differs\n  sqlite: ${def}\n  pg:     ${other}`);
  }
  for (const name of p.indexes.keys()) if (!s.indexes.has(name) && !PG_ONLY[`index ${name}`]) out.push(`index ${name}: missing on SQLite`);
  return out;
}

let cluster: PgCluster;
let pgdb: PgSync;
let sqlite: Database.Database;

beforeAll(async () => {
  cluster = await startPgCluster();
  pgdb = openPgSync({ url: await cluster.createDatabase('paydesk_parity') });
  expect(migratePg(pgdb, { now: () => 1000, to: VERSION }).to).toBe(VERSION);
  sqlite = new Database(':memory:');
  sqlite.pragma('foreign_keys = ON');
  expect(migrate(sqlite, { to: VERSION, now: () => 1000 }).to).toBe(VERSION);
}, 60_000);
afterAll(() => {
  sqlite?.close();
  pgdb?.close();
  cluster?.stop();
});

describe(`the two engines at schema ${VERSION}`, () => {
  it('know the same newest schema version', () => {
    const sqliteVersion = migrations.length;
    const pgVersion = knownPgVersion();
    const why = `SQLite's migrations reach ${sqliteVersion}, PostgreSQL's ${pgVersion}: each schema change needs a migration for both engines under one number`;
    expect(pgVersion, why).toBe(sqliteVersion);
  });

  it('have the same tables, columns, keys, constraints and indexes', () => {
    const diffs = schemaDifferences(sqliteSchema(sqlite), pgSchema(pgdb));
    if (diffs.length > 0) console.log(`Differences between SQLite and PostgreSQL at schema ${VERSION}:\n${diffs.join('\n')}`);
    expect(diffs).toEqual([]);
  });

  it('notices a difference (the checker is not blind)', () => {
    const s = sqliteSchema(sqlite);
    const p = pgSchema(pgdb);
    const refunds = p.tables.get('refunds')!;
    p.tables.set('refunds', { ...refunds, columns: refunds.columns.slice(1), fks: [] });
    p.indexes.delete('payments_by_url');
    const payments = p.tables.get('payments')!;
    p.tables.set('payments', { ...payments, columns: payments.columns.map((c) =>
      c.name === 'amount_minor' ? { ...c, type: 'smallint' } : c.name === 'order_ref' ? { ...c, type: 'text collated by the database default' } : c) });
    const diffs = schemaDifferences(s, p);
    expect(diffs.some((d) => d.startsWith('refunds: columns differ'))).toBe(true);
    expect(diffs.some((d) => d.startsWith('refunds: foreign keys differ'))).toBe(true);
    expect(diffs).toContain('index payments_by_url: missing on PostgreSQL');
    expect(diffs).toContain('payments.amount_minor: type INTEGER on SQLite, smallint on PostgreSQL');
    expect(diffs).toContain('payments.order_ref: type TEXT on SQLite, text collated by the database default on PostgreSQL');
  });
});
