// The settings repository on both engines: a value round-trips as JSON, is replaced on a second set, falls
// back when missing or no longer valid for its schema, and is removed.
import { expect, it } from 'vitest';
import { z } from 'zod';
import { describeOnBothEngines } from '../fixtures/engines';

describeOnBothEngines('settings repository', (store) => {
  const Schema = z.object({ enabled: z.boolean(), port: z.number().int() });

  it('sets, replaces, falls back and removes', () => {
    const { settings } = store().repos;
    expect(settings.get('api.config', Schema, { enabled: false, port: 0 })).toEqual({ enabled: false, port: 0 });
    settings.set('api.config', { enabled: true, port: 8787 });
    expect(settings.get('api.config', Schema, { enabled: false, port: 0 })).toEqual({ enabled: true, port: 8787 });
    settings.set('api.config', { enabled: true, port: 9000 });
    expect(settings.get('api.config', Schema, { enabled: false, port: 0 }).port).toBe(9000);
    settings.set('api.config', { enabled: 'yes' });
    expect(settings.get('api.config', Schema, { enabled: false, port: 1 })).toEqual({ enabled: false, port: 1 });
    settings.remove('api.config');
    expect(settings.get('api.config', Schema, { enabled: false, port: 2 }).port).toBe(2);
  });

  it('rolls a change back with its transaction', () => {
    const s = store();
    expect(() => s.transaction(() => {
      s.repos.settings.set('k', 1);
      throw new Error('undo');
    })).toThrow('undo');
    expect(s.repos.settings.get('k', z.number(), -1)).toBe(-1);
  });
});
