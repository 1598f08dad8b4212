// A desk's identity: made once per data folder, kept across starts, 0600, renamed only when asked.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESK_FILE, deskIdentity } from '../../../../electron/core/team/desk';

describe('deskIdentity', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'paydesk-desk-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps one id per data folder, in a private file', () => {
    const first = deskIdentity(dir, 'Counter');
    expect(first).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Counter' });
    expect(deskIdentity(dir, undefined)).toEqual(first);
    expect(statSync(path.join(dir, DESK_FILE)).mode & 0o777).toBe(0o600);
    const other = mkdtempSync(path.join(tmpdir(), 'paydesk-desk-'));
    try {
      expect(deskIdentity(other, 'Counter').id).not.toBe(first.id);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('takes a new name without changing the id, and tidies the name', () => {
    const first = deskIdentity(dir, 'Counter');
    expect(deskIdentity(dir, '  Back   office ')).toEqual({ id: first.id, name: 'Back office' });
    expect(deskIdentity(dir, '   ')).toEqual({ id: first.id, name: 'Back office' });
  });
});
