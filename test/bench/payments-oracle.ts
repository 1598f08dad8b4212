// bench:payments — what the screen must show for each filter and search, asked of the same database the host
// reads (SQLite file or PostgreSQL team database), written out here independently of the app's own
// queries, so a fast wrong answer fails the bench. Search as each engine defines it: SQLite's FTS5 trigram
// phrase, PostgreSQL's ILIKE over the same text columns (payments_search_trgm); ids by their beginning on both.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DB_FILE } from './payments-store';

export interface Expect {
  count: number;
  firstId: string | null;
}
export interface FilterCase {
  status: string;
  gateway: string;
  range: 'any' | '30d';
}
export interface Oracle {
  filter(c: FilterCase): Promise<Expect>;
  search(term: string): Promise<Expect>;
  /** a gateway id of the row `n` rows from the newest (a term people paste) */
  gatewayIdAt(n: number): Promise<string>;
  close(): Promise<void>;
}

type Query = <R>(sql: string, params: unknown[]) => Promise<R[]>;

const ID_COLUMNS = ['id', 'session_id', 'plink_id', 'order_id', 'payment_intent_id', 'charge_id', 'gateway_payment_id'];
const TEXT_COLUMNS = ['order_ref', 'customer_name', 'customer_email', 'customer_phone', 'description'];

function oracleOver(query: Query, engine: 'sqlite' | 'postgres', close: () => Promise<void>): Oracle {
  const first = async (where: string, params: unknown[]): Promise<Expect> => {
    const [n] = await query<{ n: number | string }>(`SELECT count(*) AS n FROM payments WHERE ${where}`, params);
    const [row] = await query<{ id: string }>(`SELECT id FROM payments WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT 1`, params);
    return { count: Number(n!.n), firstId: row?.id ?? null };
  };
  const textMatch = (term: string): { sql: string; params: unknown[] } =>
    engine === 'sqlite'
      ? { sql: 'rowid IN (SELECT rowid FROM payments_fts WHERE payments_fts MATCH ?)', params: [`"${term.replace(/"/g, '""')}"`] }
      : { sql: TEXT_COLUMNS.map((c) => `${c} ILIKE ?`).join(' OR '), params: TEXT_COLUMNS.map(() => `%${term.replace(/[\\%_]/g, (m) => `\\${m}`)}%`) };
  return {
    filter(c) {
      const w = ['livemode = 0'];
      const p: unknown[] = [];
      if (c.status) {
        w.push("status = ? AND refund_state = 'none'");
        p.push(c.status);
      }
      if (c.gateway) {
        w.push('gateway = ?');
        p.push(c.gateway);
      }
      if (c.range === '30d') {
        const d = new Date();
        w.push('created_at >= ?');
        p.push(new Date(d.getFullYear(), d.getMonth(), d.getDate() - 29).getTime());
      }
      return first(w.join(' AND '), p);
    },
    search(term) {
      const text = textMatch(term);
      return first(`livemode = 0 AND (${text.sql} OR ${ID_COLUMNS.map((c) => `(${c} >= ? AND ${c} < ?)`).join(' OR ')})`, [
        ...text.params,
        ...ID_COLUMNS.flatMap(() => [term, `${term}\u{10FFFF}`]),
      ]);
    },
    async gatewayIdAt(n) {
      const [r] = await query<{ v: string }>('SELECT coalesce(gateway_payment_id, session_id, plink_id) AS v FROM payments ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?', [n]);
      return r!.v;
    },
    close,
  };
}

export function sqliteOracle(dataDir: string): Oracle {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true });
  const query: Query = <R>(sql: string, params: unknown[]) => Promise.resolve(db.prepare(sql).all(...params) as R[]);
  return oracleOver(query, 'sqlite', () => Promise.resolve(void db.close()));
}

export async function pgOracle(url: string): Promise<Oracle> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const query: Query = async <R>(sql: string, params: unknown[]) => {
    let i = 0;
    return (await c.query(sql.replace(/\?/g, () => `$${++i}`), params)).rows as R[];
  };
  return oracleOver(query, 'postgres', () => c.end());
}
