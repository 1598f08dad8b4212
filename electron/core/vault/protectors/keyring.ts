// Key protector backed by the OS keyring (macOS Keychain, Windows Credential Manager, Secret Service)
// through @napi-rs/keyring. A random key-encryption key lives in the keyring; the data key is sealed with it.
import { createHash, randomBytes } from 'node:crypto';
import { AsyncEntry } from '@napi-rs/keyring';
import type { KeyProtector } from '../../types';
import { KEY_BYTES, open, pack, seal, unpack } from '../aead';

const SERVICE = 'Paydesk';
const AAD = Buffer.from('paydesk-vault-data-key:keyring:v1');
const TIMEOUT_MS = 3000;

/** One keyring entry per data dir, so two data dirs never share a key. */
const entryName = (dataDir: string): string => `vault-key:${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;

async function loadKek(entry: AsyncEntry, create: boolean): Promise<Buffer | null> {
  const existing = await entry.getPassword(AbortSignal.timeout(TIMEOUT_MS));
  if (existing) {
    const kek = Buffer.from(existing, 'base64');
    if (kek.length === KEY_BYTES) return kek;
    throw new Error('The vault key in the OS keyring has an unexpected format');
  }
  if (!create) return null;
  const kek = randomBytes(KEY_BYTES);
  await entry.setPassword(kek.toString('base64'), AbortSignal.timeout(TIMEOUT_MS));
  const back = await entry.getPassword(AbortSignal.timeout(TIMEOUT_MS));
  if (back !== kek.toString('base64')) throw new Error('The OS keyring did not keep the vault key');
  return kek;
}

/**
 * Returns a keyring protector when an OS keyring is reachable (probing it, and creating the key if
 * `create`), or null with the reason when it is not (headless Linux without Secret Service, for example).
 */
export async function createKeyringProtector(dataDir: string, opts: { create: boolean }): Promise<{ protector: KeyProtector } | { protector: null; reason: string }> {
  let kek: Buffer | null;
  const entry = new AsyncEntry(SERVICE, entryName(dataDir));
  try {
    kek = await loadKek(entry, opts.create);
  } catch (err) {
    return { protector: null, reason: err instanceof Error ? err.message : String(err) };
  }
  if (!kek) return { protector: null, reason: 'no vault key in the OS keyring' };
  const key = kek;
  return {
    protector: {
      kind: 'keyring',
      description: 'Keys are sealed with a key kept in your operating system keyring, unlocked with your user session.',
      async protect(dataKey) {
        return pack(seal(key, dataKey, AAD));
      },
      async unprotect(sealed) {
        return open(key, unpack(sealed), AAD);
      },
    },
  };
}
