// The check before COMMIT: both sides' row counts per copied table and per-currency money sums, side by side.
// Any figure that differs means the copy is not the shop, and the move is rolled back.
import type { MoveRepo, TableShape } from '../repos/move';

export interface Figure {
  name: string;
  sqlite: number | null;
  postgres: number | null;
}

export interface Comparison {
  figures: Figure[];
  /** the names of the figures that differ */
  differing: string[];
}

/** Counts and sums of both sides; read inside the source's snapshot and the target's transaction. */
export function compareSides(source: MoveRepo, target: MoveRepo, tables: readonly TableShape[]): Comparison {
  const figures: Figure[] = tables.map((t) => ({ name: `rows ${t.name}`, sqlite: source.count(t.name), postgres: target.count(t.name) }));
  const mine = source.figures();
  const theirs = target.figures();
  for (const name of [...new Set([...mine.keys(), ...theirs.keys()])].sort()) {
    figures.push({ name, sqlite: mine.get(name) ?? null, postgres: theirs.get(name) ?? null });
  }
  return { figures, differing: figures.filter((f) => f.sqlite !== f.postgres).map((f) => f.name) };
}

const shown = (v: number | null): string => (v === null ? '-' : String(v));

/** The comparison as a table of lines, differing figures marked. */
export function formatComparison(c: Comparison): string[] {
  const width = Math.max(28, ...c.figures.map((f) => f.name.length)) + 2;
  const cell = (s: string): string => s.padStart(12);
  const lines = [`${''.padEnd(width)}${cell('SQLite')}${cell('PostgreSQL')}`];
  for (const f of c.figures) {
    lines.push(`${f.name.padEnd(width)}${cell(shown(f.sqlite))}${cell(shown(f.postgres))}${f.sqlite === f.postgres ? '' : '   <- differs'}`);
  }
  return lines;
}
