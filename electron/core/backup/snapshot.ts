// Writing one backup file: a consistent snapshot of the live database (the store takes it and counts it),
// encrypted and written 0600 under a temporary name, then renamed into place so a half-written backup
// never carries the final name.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SnapshotRepo } from '../store/snapshot';
import { makeFdPrivate, PRIVATE_FILE_MODE } from '../private-fs';
import { encodeBackup, sha256, type Manifest, type WrappedKey } from './format';

/** Writes `data` to `file` 0600: to a temporary name beside it, synced, then renamed. */
export function writePrivateAtomically(file: string, data: Buffer): void {
  const tmp = join(dirname(file), `.${randomBytes(6).toString('hex')}.partial`);
  const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    makeFdPrivate(fd);
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export interface WrittenBackup { file: string; bytes: number; manifest: Manifest }

/** Takes a snapshot and writes it, with `key` and a manifest, to `to`. */
export async function writeBackup(args: { snapshots: SnapshotRepo; workDir: string; dataKey: Buffer; key: WrappedKey; appVersion: string; now: number; to: string }): Promise<WrittenBackup> {
  const snap = await args.snapshots.take(args.workDir);
  const manifest: Manifest = {
    appVersion: args.appVersion,
    schemaVersion: snap.schemaVersion,
    createdAt: args.now,
    counts: { payments: snap.totals.payments, refunds: snap.totals.refunds, auditRows: snap.totals.auditRows, operators: snap.totals.operators },
    sums: snap.totals.sums,
    snapshotSha256: sha256(snap.bytes),
    snapshotBytes: snap.bytes.length,
  };
  const data = encodeBackup({ manifest, key: args.key, dataKey: args.dataKey, snapshot: snap.bytes });
  writePrivateAtomically(args.to, data);
  return { file: args.to, bytes: data.length, manifest };
}
