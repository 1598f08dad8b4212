import type { ReactNode } from 'react';

export type ChipTone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'test' | 'live';

/** A short status word with a colour dot. The word carries the meaning; colour only reinforces it. */
export function StatusChip({ tone = 'neutral', children, title, dot = true }: { tone?: ChipTone; children: ReactNode; title?: string; dot?: boolean }) {
  return (
    <span className={`chip chip-${tone}`} title={title}>
      {dot && <span className="chip-dot" aria-hidden="true" />}
      {children}
    </span>
  );
}
