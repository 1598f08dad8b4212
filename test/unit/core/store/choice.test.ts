// Which store a desk opens: SQLite by default; a PostgreSQL URL with a host and a database; never a password
// in the URL (a command line is readable by every user of the machine), with the reason and where it goes.
import { describe, expect, it } from 'vitest';
import { describeStore, parseStoreChoice } from '../../../../electron/core/store/choice';

describe('the store choice', () => {
  it('is SQLite when nothing or "sqlite" is given', () => {
    expect(parseStoreChoice(undefined, '--store')).toEqual({ engine: 'sqlite' });
    expect(parseStoreChoice('  ', 'PAYDESK_STORE')).toEqual({ engine: 'sqlite' });
    expect(parseStoreChoice('sqlite', '--store')).toEqual({ engine: 'sqlite' });
  });

  it('takes a PostgreSQL URL with a host and a database, and describes it without the user', () => {
    const c = parseStoreChoice('postgres://paydesk@db.shop.lan:5433/paydesk', '--store');
    expect(c).toEqual({ engine: 'postgres', url: 'postgres://paydesk@db.shop.lan:5433/paydesk' });
    expect(describeStore(c)).toBe('PostgreSQL db.shop.lan:5433/paydesk');
    expect(parseStoreChoice('postgresql://u@h/d', '--store').engine).toBe('postgres');
  });

  it('refuses a password in the URL and says where it goes instead', () => {
    expect(() => parseStoreChoice('postgres://paydesk:s3cret@db/paydesk', '--store')).toThrow(/PGPASSWORD or in ~\/\.pgpass/);
    try {
      parseStoreChoice('postgres://paydesk:s3cret@db/paydesk', '--store');
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('s3cret');
      expect(err).toMatchObject({ field: 'store' });
    }
  });

  it('refuses anything else in words', () => {
    expect(() => parseStoreChoice('mysql://db/paydesk', '--store')).toThrow(/postgres:\/\//);
    expect(() => parseStoreChoice('not a url', 'PAYDESK_STORE')).toThrow(/PAYDESK_STORE must be sqlite or a PostgreSQL URL/);
    expect(() => parseStoreChoice('postgres://paydesk@db', '--store')).toThrow(/database name/);
  });
});
