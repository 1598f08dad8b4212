// What moving a shop from one store to another reads and writes, the same on both engines: the tables and
// their columns (from each engine's catalog), rows a page at a time in key order, multi-row inserts, the
// figures both sides must agree on (row counts, per-currency money sums), and whether a shop is already there.
// Table and column names come from the database's own catalog and are checked before they are spliced in.
import { dialect, type SqlDb } from '../sql';

export interface TableShape {
  name: string;
  /** in the table's own order */
  columns: string[];
  /** the primary key (SQLite's rowid when it has none): pages are read in its order */
  key: string[];
  /** the tables its foreign keys point at, itself excluded */
  parents: string[];
  /** a column pointing at the table itself (payments.parent_id): parents are copied before children */
  selfRef: string | null;
  /** columns whose values a sequence hands out (PostgreSQL identity columns) */
  identity: string[];
}

export type Row = Record<string, unknown>;

const NAME = /^[a-z_][a-z0-9_]*$/;

/** `name` double-quoted, once it is known to be a plain identifier. */
export function ident(name: string): string {
  if (!NAME.test(name)) throw new Error(`Unexpected table or column name ${JSON.stringify(name)}: nothing was moved.`);
  return `"${name}"`;
}

/** a value as json_populate_recordset reads it back into its column: bytes in bytea's hex input form */
const jsonValue = (v: unknown): unknown => (v instanceof Uint8Array ? `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}` : v);

const SQLITE_TABLES = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
const PG_TABLES = "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename";

function sqliteShape(db: SqlDb, name: string): TableShape {
  const cols = db.prepare<{ name: string; pk: number }>('SELECT name, pk FROM pragma_table_info(?) ORDER BY cid').all(name);
  const fks = db.prepare<{ table: string; from: string }>('SELECT "table", "from" FROM pragma_foreign_key_list(?)').all(name);
  const key = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  return {
    name,
    columns: cols.map((c) => c.name),
    key: key.length > 0 ? key : ['rowid'],
    parents: [...new Set(fks.filter((f) => f.table !== name).map((f) => f.table))],
    selfRef: fks.find((f) => f.table === name)?.from ?? null,
    identity: [],
  };
}

function pgShape(db: SqlDb, name: string): TableShape {
  const cols = db.prepare<{ name: string; identity: string }>(`SELECT column_name AS name, is_identity AS identity FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`).all(name);
  const key = db.prepare<{ name: string }>(`SELECT a.attname AS name FROM pg_index i
    JOIN unnest(i.indkey) WITH ORDINALITY k(attnum, n) ON true
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY k.n`).all(name);
  const fks = db.prepare<{ parent: string; col: string }>(`SELECT c.confrelid::regclass::text AS parent, a.attname AS col FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    WHERE c.contype = 'f' AND c.conrelid = ?::regclass`).all(name);
  return {
    name,
    columns: cols.map((c) => c.name),
    key: key.map((k) => k.name),
    parents: [...new Set(fks.filter((f) => f.parent !== name).map((f) => f.parent))],
    selfRef: fks.find((f) => f.parent === name)?.col ?? null,
    identity: cols.filter((c) => c.identity === 'YES').map((c) => c.name),
  };
}

/** per currency: count and sums of each table that holds money, as "what currency figure" → value */
const FIGURES: readonly { table: string; label: string; sql: string }[] = [
  { table: 'payments', label: 'payments', sql: `SELECT currency AS cur, count(*) AS count, sum(amount_minor) AS amount, sum(captured_minor) AS captured,
      sum(refunded_minor) AS refunded FROM payments GROUP BY currency` },
  { table: 'refunds', label: 'refunds', sql: `SELECT currency || ' ' || status AS cur, count(*) AS count, sum(amount_minor) AS amount
      FROM refunds GROUP BY currency, status` },
  { table: 'settlements', label: 'settlements', sql: `SELECT currency AS cur, count(*) AS count, sum(amount_minor) AS amount, sum(fee_minor) AS fee,
      sum(tax_minor) AS tax FROM settlements GROUP BY currency` },
  { table: 'settlement_items', label: 'settlement items', sql: `SELECT s.currency AS cur, count(*) AS count, sum(i.amount_minor) AS amount,
      sum(i.net_minor) AS net FROM settlement_items i JOIN settlements s ON s.id = i.settlement_id GROUP BY s.currency` },
  { table: 'stripe_balance_txns', label: 'ledger', sql: `SELECT currency AS cur, count(*) AS count, sum(amount_minor) AS amount, sum(fee_minor) AS fee,
      sum(net_minor) AS net FROM stripe_balance_txns GROUP BY currency` },
];

/**
 * Rows a move leaves behind, as the condition the rows moved meet: the backup settings hold this machine's
 * backup folder and the data key wrapped under the recovery passphrase, which a team database must not hold
 * (a copy of it could then be opened by guessing the passphrase); backups of a team database are the server's.
 */
const KEPT: Readonly<Record<string, string>> = { settings: "key NOT LIKE 'backup.%'" };

/** the tables whose rows mean a shop is already there */
const SHOP_TABLES = ['payments', 'accounts', 'team_meta', 'team_desks'] as const;

export function moveRepo(db: SqlDb) {
  const tableNames = (): string[] => db.prepare<{ name: string }>(dialect(db, { sqlite: SQLITE_TABLES, postgres: PG_TABLES })).all().map((r) => r.name);
  const count = (table: string, all = false): number => {
    const kept = all ? undefined : KEPT[table];
    return Number(db.prepare<{ n: number }>(`SELECT count(*) AS n FROM ${ident(table)}${kept ? ` WHERE ${kept}` : ''}`).get()?.n ?? 0);
  };
  const inserts = new Map<string, ReturnType<typeof db.prepare>>();

  return {
    /** the highest schema version applied; null when the database has no migrations table (not a Paydesk store) */
    schemaVersion(): number | null {
      if (!tableNames().includes('schema_migrations')) return null;
      return Number(db.prepare<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations').get()?.v ?? 0);
    },
    tables(): TableShape[] {
      return tableNames().map((name) => (db.engine === 'sqlite' ? sqliteShape(db, name) : pgShape(db, name)));
    },
    /** the rows a move copies (`all`: every row) */
    count,
    /** "2 settings rows" for each table with rows a move leaves behind */
    leftBehind: (): string[] =>
      Object.keys(KEPT).flatMap((t) => {
        const n = count(t, true) - count(t);
        return n > 0 ? [`${n} ${t} row${n === 1 ? '' : 's'}`] : [];
      }),
    /**
     * Up to `limit` rows after `after` (the key of the last row read; null: from the start), in key order.
     * `part` reads only the rows whose self-reference is empty (roots) or set (children).
     */
    page(t: TableShape, after: unknown[] | null, limit: number, part: 'all' | 'roots' | 'children' = 'all'): Row[] {
      const where: string[] = KEPT[t.name] ? [KEPT[t.name]!] : [];
      if (after) where.push(`(${t.key.map(ident).join(', ')}) > (${t.key.map(() => '?').join(', ')})`);
      if (part !== 'all' && t.selfRef) where.push(`${ident(t.selfRef)} IS ${part === 'roots' ? '' : 'NOT '}NULL`);
      const keyCols = t.key.filter((k) => !t.columns.includes(k));
      const sql = `SELECT ${[...keyCols, ...t.columns].map(ident).join(', ')} FROM ${ident(t.name)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${t.key.map(ident).join(', ')} LIMIT ?`;
      return db.prepare<Row>(sql).all(...(after ?? []), limit);
    },
    /** inserts `rows` (values in `columns` order) in one statement */
    insert(table: string, columns: readonly string[], rows: readonly unknown[][]): void {
      if (rows.length === 0) return;
      const cols = columns.map(ident).join(', ');
      if (db.engine === 'postgres') {
        // one JSON parameter instead of one per value: about twice as fast as a long VALUES list, and exact
        // (text stays text, integers are integers, bytes travel as bytea's \x hex input)
        const json = JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, jsonValue(r[i])]))));
        db.prepare(`INSERT INTO ${ident(table)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${ident(table)}, CAST(? AS json))`).run(json);
        return;
      }
      const id = `${table}:${rows.length}`;
      let stmt = inserts.get(id);
      if (!stmt) {
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        stmt = db.prepare(`INSERT INTO ${ident(table)} (${cols}) VALUES ${rows.map(() => tuple).join(', ')}`);
        inserts.set(id, stmt);
      }
      stmt.run(...rows.flat());
    },
    /** the next value of an identity column follows the largest one copied (SQLite's rowid does so by itself) */
    followIdentity(table: string, column: string): void {
      if (db.engine !== 'postgres') return;
      db.prepare(`SELECT setval(pg_get_serial_sequence(?, ?), coalesce(max(${ident(column)}), 1), max(${ident(column)}) IS NOT NULL) FROM ${ident(table)}`)
        .get(ident(table), column);
    },
    /** "payments USD amount" → sum, for every money table present */
    figures(): Map<string, number> {
      const present = new Set(tableNames());
      const out = new Map<string, number>();
      for (const f of FIGURES) {
        if (!present.has(f.table)) continue;
        for (const row of db.prepare<Row>(f.sql).all()) {
          for (const [k, v] of Object.entries(row)) if (k !== 'cur') out.set(`${f.label} ${String(row.cur)} ${k}`, Number(v ?? 0));
        }
      }
      return out;
    },
    /** "3 payments, 2 accounts" for the tables that show a shop is already here; empty when none */
    shopRows(): string[] {
      const present = new Set(tableNames());
      return SHOP_TABLES.filter((t) => present.has(t)).flatMap((t) => {
        const n = count(t);
        return n > 0 ? [`${n} ${t.replace('_', ' ')} row${n === 1 ? '' : 's'}`] : [];
      });
    },
  };
}

export type MoveRepo = ReturnType<typeof moveRepo>;
