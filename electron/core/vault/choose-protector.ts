// Which key protector seals this data dir's vault key.
import { AppError } from '../../../shared/errors';
import type { Log } from '../log';
import type { VaultRepo } from '../store/repos/vault';
import type { KeyProtector } from '../types';
import { createKeyFileProtector, keyFilePath } from './protectors/keyfile';
import { createKeyringProtector } from './protectors/keyring';

/**
 * The key protector: the one passed in (Electron: safeStorage); else the kind that sealed this data
 * dir before; else the OS keyring when reachable; else a 0600 key file.
 * PAYDESK_VAULT_PROTECTOR=keyfile skips the keyring probe (CI, tests).
 */
export async function chooseProtector(vault: VaultRepo, dataDir: string, given: KeyProtector | undefined, log: Log): Promise<KeyProtector> {
  if (given) return given;
  const sealedWith = vault.sealedWith();
  if (sealedWith === 'keyfile' || process.env.PAYDESK_VAULT_PROTECTOR === 'keyfile') return createKeyFileProtector(dataDir);
  if (sealedWith === 'safeStorage') {
    throw new AppError('unavailable', 'The saved keys in this data folder were sealed by the Paydesk desktop app (Electron safeStorage). Open it with the desktop app, or use another data folder for browser mode.');
  }
  const ring = await createKeyringProtector(dataDir, { create: sealedWith === null });
  if (ring.protector) return ring.protector;
  if (sealedWith === 'keyring') {
    throw new AppError('unavailable', `The saved keys were sealed with the OS keyring, which cannot be reached now (${ring.reason}). Unlock or start the keyring and restart Paydesk.`);
  }
  log('info', `OS keyring not reachable (${ring.reason}); sealing the vault key with a key file at ${keyFilePath(dataDir)}`);
  return createKeyFileProtector(dataDir);
}
