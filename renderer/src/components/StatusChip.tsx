import type { ReactNode } from 'react';

export type ChipTone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'test' | 'live';

/**
 * A short status word with a colour dot. The word carries the meaning; colour only reinforces it.
 * `note`: a few words beside the chip that qualify it ("1 failed attempt", "Reusable link").
 */
export function StatusChip({ tone = 'neutral', children, title, dot = true, note }: { tone?: ChipTone; children: ReactNode; title?: string; dot?: boolean; note?: ReactNode }) {
  const chip = (
    <span className={`chip chip-${tone}`} title={title}>
      {dot && <span className="chip-dot" aria-hidden="true" />}
      {children}
    </span>
  );
  if (note === undefined || note === null || note === false || note === '') return chip;
  return (
    <span className="chip-with-note">
      {chip}
      <span className="chip-note">{note}</span>
    </span>
  );
}
