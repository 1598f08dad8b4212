// Key protector for browser mode without an OS keyring: a random key-encryption key in a 0600 file
// in the data dir. Honest about what it does: copying only the database file reveals nothing, but
// anyone who can act as this user account (or copy the whole data folder) can unseal the vault.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensurePrivateDir, makeFilesPrivate, PRIVATE_FILE_MODE } from '../../private-fs';
import type { KeyProtector } from '../../types';
import { KEY_BYTES, open, pack, seal, unpack } from '../aead';

export const KEY_FILE = 'vault.key';
const AAD = Buffer.from('paydesk-vault-data-key:keyfile:v1');

export const keyFilePath = (dataDir: string): string => join(dataDir, KEY_FILE);

function readOrCreateKek(file: string): Buffer {
  ensurePrivateDir(dirname(file));
  try {
    const fd = openSync(file, 'wx', PRIVATE_FILE_MODE); // exclusive: never overwrite an existing key
    try {
      writeSync(fd, randomBytes(KEY_BYTES).toString('base64') + '\n');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  makeFilesPrivate([file]);
  const kek = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (kek.length !== KEY_BYTES) throw new Error(`The vault key file ${file} is damaged (wrong length)`);
  return kek;
}

export function createKeyFileProtector(dataDir: string): KeyProtector {
  const file = keyFilePath(dataDir);
  let kek: Buffer | null = null;
  const key = (): Buffer => (kek ??= readOrCreateKek(file));
  return {
    kind: 'keyfile',
    description:
      `Keys are sealed with a key file (${KEY_FILE}, readable only by your user account) in the data folder. ` +
      'This protects them if the database file alone is copied, but not against anyone who can use your user account or copy the whole data folder.',
    async protect(dataKey) {
      return pack(seal(key(), dataKey, AAD));
    },
    async unprotect(sealed) {
      return open(key(), unpack(sealed), AAD);
    },
  };
}
