// Key/value settings, values stored as JSON. Each caller parses its value with its own schema.
import type { z } from 'zod';
import type { SqlDb } from '../sql';

export function settingsRepo(db: SqlDb, now: () => number) {
  const getStmt = db.prepare('SELECT value FROM settings WHERE key = ?');
  const setStmt = db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  const delStmt = db.prepare('DELETE FROM settings WHERE key = ?');

  return {
    /** the stored value parsed with `schema`, or `fallback` when missing or no longer valid */
    get<S extends z.ZodType>(key: string, schema: S, fallback: z.output<S>): z.output<S> {
      const row = getStmt.get(key) as { value: string } | undefined;
      if (!row) return fallback;
      const parsed = schema.safeParse(JSON.parse(row.value));
      return parsed.success ? parsed.data : fallback;
    },
    set(key: string, value: unknown): void {
      setStmt.run(key, JSON.stringify(value), now());
    },
    remove(key: string): void {
      delStmt.run(key);
    },
  };
}

export type SettingsRepo = ReturnType<typeof settingsRepo>;
