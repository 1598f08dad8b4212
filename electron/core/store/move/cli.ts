// `npm run store -- migrate [--from <data folder or its paydesk.sqlite>] --to postgres://user@host:port/db`
// (run through ../../backup/cli.ts). Prints the comparison table either way; exit status 0 when the shop was
// moved, 1 with one line on stderr saying why when it was not.
import envPaths from 'env-paths';
import { parseArgs } from 'node:util';
import { AppError } from '../../../../shared/errors';
import { moveToPostgres } from './index';

const USAGE = 'usage: store migrate [--from <data folder>] --to postgres://user@host:port/database (the password comes from PGPASSWORD or ~/.pgpass)';

/** The data folder browser mode uses when it is given none. */
export const defaultDataDir = (): string => envPaths('Paydesk', { suffix: '' }).data;

export async function migrateMain(argv: string[], print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' } } });
    if (positionals.length > 0 || !values.to) throw new AppError('invalid_input', USAGE);
    const to = values.to;
    const r = await moveToPostgres({ from: values.from ?? defaultDataDir(), to, out: print });
    print(`Moved ${r.rows} rows of ${r.tables} tables in ${(r.ms / 1000).toFixed(1)} s: every count and sum matches. This desk's team key is sealed in ${r.dataDir}.`);
    print(`The SQLite data in ${r.dataDir} is left untouched; it is no longer this shop's store, so do not take payments with it.`);
    print(`Start this desk on PostgreSQL: npm run host -- --data-dir ${r.dataDir} --store ${to}`);
    print(`Other desks, and the desktop app (npm start -- --store ${to}), join the team with a code from Settings → Team on this desk.`);
    return 0;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    process.stderr.write(`paydesk store: ${why.replace(/\s+/g, ' ')}\n`);
    return 1;
  }
}
