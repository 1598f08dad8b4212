// One-time join codes: how the team key reaches a new desk without ever being stored in clear. An owner's
// desk draws 150 random bits, shows them as 30 Crockford base32 characters in groups of five (easy to read
// aloud; I, L and O are read as 1, 1 and 0), and stores only the code's SHA-256 and the team key sealed
// (AES-256-GCM) under a key derived from the code with HKDF-SHA256, salted with the team's id. The database
// row alone opens nothing; the code is shown once and never logged, audited or sent in an event.
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import { KEY_BYTES, open, seal } from '../vault/aead';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const JOIN_CODE_CHARS = 30;
const GROUP = 5;
/** how long a code can be used */
export const JOIN_CODE_TTL_MS = 10 * 60_000;

/** A new code, already grouped for reading (`ABCDE-FGHJK-…`). */
export function newJoinCode(): string {
  const bytes = randomBytes(Math.ceil((JOIN_CODE_CHARS * 5) / 8));
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < JOIN_CODE_CHARS) {
      bits -= 5;
      out += ALPHABET[(value >> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return groupJoinCode(out);
}

const groupJoinCode = (plain: string): string => plain.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');

const HOW = 'Ask an owner for a new code: Settings → Team → Invite a desk.';

/**
 * The code as typed, made canonical: lower case, spaces and dashes are accepted; I, L and O mean 1, 1 and 0.
 * Throws in words (never repeating the code) when it cannot be a join code.
 */
export function normalizeJoinCode(typed: string): string {
  const plain = typed.toUpperCase().replace(/[\s-]+/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (plain.length !== JOIN_CODE_CHARS || ![...plain].every((c) => ALPHABET.includes(c))) {
    throw new AppError('unavailable', `That is not a join code: a join code has ${JOIN_CODE_CHARS} letters and digits in groups of five. ${HOW}`);
  }
  return plain;
}

/** The code's row id (team_join_codes.id): SHA-256 hex of the canonical code. */
export const joinCodeId = (canonical: string): string => createHash('sha256').update(canonical, 'utf8').digest('hex');

const wrapKeyOf = (canonical: string, teamId: string): Buffer =>
  Buffer.from(hkdfSync('sha256', Buffer.from(canonical, 'utf8'), Buffer.from(teamId, 'utf8'), Buffer.from('paydesk join', 'utf8'), KEY_BYTES));

const aadOf = (id: string): Buffer => Buffer.from(`paydesk-join:v1:${id}`, 'utf8');

/** The team key sealed under the code, bound to the code's row. */
export function wrapTeamKey(canonical: string, teamId: string, teamKey: Buffer): { nonce: Buffer; wrappedKey: Buffer; tag: Buffer } {
  const s = seal(wrapKeyOf(canonical, teamId), teamKey, aadOf(joinCodeId(canonical)));
  return { nonce: s.nonce, wrappedKey: s.ciphertext, tag: s.tag };
}

/** The team key, or null when the row was not sealed under this code for this team. */
export function unwrapTeamKey(canonical: string, teamId: string, row: { nonce: Buffer; wrappedKey: Buffer; tag: Buffer }): Buffer | null {
  try {
    return open(wrapKeyOf(canonical, teamId), { nonce: row.nonce, ciphertext: row.wrappedKey, tag: row.tag }, aadOf(joinCodeId(canonical)));
  } catch {
    return null;
  }
}
