// AES-256-GCM with a random 96-bit nonce. Used for secrets (AAD = their ref) and by protectors to seal the data key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed { nonce: Buffer; ciphertext: Buffer; tag: Buffer }

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Sealed {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce, ciphertext, tag: cipher.getAuthTag() };
}

/** Throws if the ciphertext, tag, nonce or AAD were changed. */
export function open(key: Buffer, sealed: Sealed, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

/** nonce | tag | ciphertext in one buffer (how protectors store the sealed data key). */
export function pack(s: Sealed): Buffer {
  return Buffer.concat([Buffer.from([1]), s.nonce, s.tag, s.ciphertext]);
}

export function unpack(b: Buffer): Sealed {
  if (b.length < 1 + NONCE_BYTES + TAG_BYTES || b[0] !== 1) throw new Error('Sealed key has an unknown format');
  return {
    nonce: b.subarray(1, 1 + NONCE_BYTES),
    tag: b.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES),
    ciphertext: b.subarray(1 + NONCE_BYTES + TAG_BYTES),
  };
}
