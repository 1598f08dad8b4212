// One-shot downloads of finished CSV exports (GET /exports/<id>): the file is served once, then deleted.
//
// The file is claimed before a byte is sent, by renaming it: a rename succeeds for one request only, so a
// second request (even one arriving while the first streams) finds nothing and gets 410, and the export
// service sees the file gone (reports.export.status: available false). The claimed file is deleted however
// the stream ends: a client that closes the connection right after the last byte makes the pipeline reject
// ("Premature close") although it has everything. A download cut short is not retried: export again.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

export interface ClaimedFile {
  path: string;
  size: number;
}

/** Takes `file` for one download; null when it is not there (already taken, expired, or never made). */
export async function claimOnce(file: string): Promise<ClaimedFile | null> {
  const claimed = `${file}.sending-${randomBytes(6).toString('hex')}`;
  try {
    await rename(file, claimed);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return { path: claimed, size: (await stat(claimed)).size };
  } catch (err) {
    await rm(claimed, { force: true });
    throw err;
  }
}

/** Sends the claimed file as the body (headers already written) and deletes it, whether or not it all went out. */
export async function sendAndDelete(claimed: ClaimedFile, res: ServerResponse): Promise<void> {
  try {
    await pipeline(createReadStream(claimed.path), res);
  } catch {
    // the client went away (or the read failed); pipeline has destroyed the response: nothing to answer
  } finally {
    await rm(claimed.path, { force: true });
  }
}
