export { openVault, type Vault } from './vault';
export { createKeyFileProtector, keyFilePath, KEY_FILE } from './protectors/keyfile';
export { createKeyringProtector } from './protectors/keyring';
