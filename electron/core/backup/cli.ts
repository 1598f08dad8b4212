// `npm run store -- backup --data-dir <dir> --to <file>`
// `npm run store -- restore --data-dir <dir> --from <file> [--replace]`
// `npm run store -- migrate [--from <dir>] --to postgres://user@host:port/db` (../store/move/cli.ts)
// The passphrase comes from PAYDESK_BACKUP_PASSPHRASE or a prompt on the terminal, never from argv.
// Any refusal: exit status 1 and one line on stderr saying why.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pkg from '../../../package.json';
import { AppError } from '../../../shared/errors';
import { dbPath } from '../store/db';
import { openDeskFile } from '../store/snapshot';
import type { KeyProtector } from '../types';
import { createKeyFileProtector, createKeyringProtector } from '../vault';
import { unwrapDataKey, wrapDataKey, WrappedKeySchema } from './format';
import { MIN_PASSPHRASE } from './service';
import { restoreBackup } from './restore';
import { writeBackup } from './snapshot';
import { migrateMain } from '../store/move/cli';

const USAGE = 'usage: store backup --data-dir <dir> --to <file> | store restore --data-dir <dir> --from <file> [--replace] | store migrate [--from <dir>] --to postgres://user@host:port/db';

class Refusal extends Error {}

/** Reads a line from the terminal without echoing it. */
async function prompt(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new Refusal('no passphrase: set PAYDESK_BACKUP_PASSPHRASE or run this in a terminal');
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((done, fail) => {
    let typed = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          done(typed);
          return;
        }
        if (ch === '\u0003') {
          finish();
          fail(new Refusal('cancelled'));
          return;
        }
        if (ch === '\u007f') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

async function passphrase(confirm: boolean): Promise<string> {
  const fromEnv = process.env.PAYDESK_BACKUP_PASSPHRASE;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const first = await prompt('Recovery passphrase: ');
  if (confirm && (await prompt('The same passphrase again: ')) !== first) throw new Refusal('the two passphrases differ');
  return first;
}

/** The protector this data folder's vault was sealed with (backup), or the one to seal it with (restore). */
async function protectorFor(dataDir: string, sealedWith: string | null): Promise<KeyProtector> {
  if (sealedWith === 'safeStorage') throw new Refusal('this data folder was sealed by the Paydesk desktop app: make the backup in the app (Settings → Backup)');
  if (sealedWith === 'keyfile' || process.env.PAYDESK_VAULT_PROTECTOR === 'keyfile') return createKeyFileProtector(dataDir);
  const ring = await createKeyringProtector(dataDir, { create: sealedWith === null });
  if (ring.protector) return ring.protector;
  if (sealedWith === 'keyring') throw new Refusal(`the OS keyring that sealed this data folder cannot be reached (${ring.reason})`);
  return createKeyFileProtector(dataDir);
}

async function backup(dataDir: string, to: string): Promise<string> {
  if (!existsSync(dbPath(dataDir))) throw new Refusal(`no Paydesk data in ${dataDir}`);
  if (existsSync(to)) throw new Refusal(`${to} already exists: choose a new file name`);
  const desk = openDeskFile(dbPath(dataDir));
  try {
    const sealed = desk.backup.sealedKey();
    if (!sealed) throw new Refusal(`the data in ${dataDir} has no vault yet: open it with Paydesk once first`);
    const protector = await protectorFor(dataDir, sealed.protector);
    const dataKey = await protector.unprotect(sealed.sealedKey);
    const stored = desk.settings().get('backup.key', WrappedKeySchema.nullable(), null);
    const pass = await passphrase(stored === null);
    // the desk's own recovery passphrase when one is set (so every backup opens with the same one)
    if (stored) await unwrapDataKey(stored, pass).catch(() => {
      throw new Refusal('that is not the recovery passphrase set in Settings → Backup');
    });
    if (!stored && pass.length < MIN_PASSPHRASE) throw new Refusal(`use a passphrase of at least ${MIN_PASSPHRASE} characters`);
    const key = stored ?? (await wrapDataKey(dataKey, pass));
    const w = await writeBackup({ snapshots: desk.snapshots, workDir: dataDir, dataKey, key, appVersion: (pkg as { version: string }).version, now: Date.now(), to });
    return `backup written: ${w.file} (${w.bytes} bytes; ${w.manifest.counts.payments} payments, ${w.manifest.counts.refunds} refunds, ${w.manifest.counts.auditRows} audit rows, ${w.manifest.counts.operators} operators)`;
  } finally {
    desk.close();
  }
}

async function restore(dataDir: string, from: string, replace: boolean): Promise<string> {
  const pass = await passphrase(false);
  const existing = existsSync(dbPath(dataDir)) ? openDeskFile(dbPath(dataDir)) : null;
  const sealedWith = existing ? (existing.backup.sealedKey()?.protector ?? null) : null;
  existing?.close();
  const protector = await protectorFor(dataDir, sealedWith === 'safeStorage' ? null : sealedWith);
  const r = await restoreBackup({ dataDir, from, passphrase: pass, protector, replace, now: Date.now() });
  const m = r.manifest;
  return `restored ${from} into ${dataDir} (made ${new Date(m.createdAt).toISOString()} by Paydesk ${m.appVersion}; ${m.counts.payments} payments, ${m.counts.refunds} refunds, ${m.counts.auditRows} audit rows, ${m.counts.operators} operators; counts and sums checked)` +
    (r.replacedTo ? `; the desk that was there is in ${r.replacedTo}` : '');
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'migrate') return migrateMain(argv.slice(1));
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'data-dir': { type: 'string' }, to: { type: 'string' }, from: { type: 'string' }, replace: { type: 'boolean', default: false } },
    });
    const [cmd, ...rest] = positionals;
    const dataDir = values['data-dir'];
    if (rest.length > 0 || !dataDir) throw new Refusal(USAGE);
    let line: string;
    if (cmd === 'backup' && values.to) line = await backup(resolve(dataDir), resolve(values.to));
    else if (cmd === 'restore' && values.from) line = await restore(resolve(dataDir), resolve(values.from), values.replace === true);
    else throw new Refusal(USAGE);
    process.stdout.write(`${line}\n`);
    return 0;
  } catch (err) {
    const why = err instanceof Refusal || err instanceof AppError ? err.message : err instanceof Error ? err.message : String(err);
    process.stderr.write(`paydesk store: ${why.replace(/\s+/g, ' ')}\n`);
    return 1;
  }
}

if (process.argv[1] && /backup[/\\]cli\.[cm]?[jt]s$/.test(process.argv[1])) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
