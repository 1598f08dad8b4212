// Which store a desk opens: SQLite in its data folder (the default, one desk), or a team's PostgreSQL
// database, named by `--store postgres://user@host:port/db` (browser mode, npm start) or PAYDESK_STORE.
// The password never travels in the URL: a command line is visible to every user of the machine (ps) and
// lands in shell history, so it comes from PGPASSWORD or ~/.pgpass, which node-postgres reads itself.
import { invalid } from '../../../shared/errors';

/** password: only from the choice saved in Settings → Team (sealed there), never from a URL, argv or a log */
export type StoreChoice = { engine: 'sqlite' } | { engine: 'postgres'; url: string; password?: string };

/** The store named by `value` (from `source`, for the message); SQLite when it is empty or absent. */
export function parseStoreChoice(value: string | undefined, source: string): StoreChoice {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'sqlite') return { engine: 'sqlite' };
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw invalid('store', `${source} must be sqlite or a PostgreSQL URL such as postgres://paydesk@db.example.com:5432/paydesk.`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw invalid('store', `${source} must be sqlite or a PostgreSQL URL starting with postgres://`);
  }
  if (u.password) {
    throw invalid('store', `Leave the password out of ${source}: others can read a command line. Put it in PGPASSWORD or in ~/.pgpass (host:port:database:user:password, mode 0600).`);
  }
  if (!u.hostname || u.pathname.replace(/^\//, '') === '') {
    throw invalid('store', `${source} needs a host and a database name, for example postgres://paydesk@db.example.com:5432/paydesk.`);
  }
  return { engine: 'postgres', url: text };
}

/** The URL without any user name, for logs and screens. */
export const describeStore = (c: StoreChoice): string => {
  if (c.engine === 'sqlite') return 'SQLite in the data folder';
  const u = new URL(c.url);
  return `PostgreSQL ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
};
