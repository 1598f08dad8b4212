// A few more line icons for the payment screens, drawn like components/Icon (20px grid, currentColor).
import type { SVGProps } from 'react';

const PATHS = {
  copy: 'M7.25 7.25h9v9.5h-9zM12.75 7.25V3.25h-9v9.5h3.5',
  external: 'M11.5 3.5h5v5M16.5 3.5l-7 7M14.5 11.5v5h-11v-11h5',
  qr: 'M3.25 3.25h5v5h-5zM11.75 3.25h5v5h-5zM3.25 11.75h5v5h-5zM11.75 11.75h2v2h-2zM14.75 14.75h2v2h-2zM11.75 16.75v-1M16.75 11.75h-1',
  search: 'M8.75 15a6.25 6.25 0 1 0 0-12.5 6.25 6.25 0 0 0 0 12.5ZM13.25 13.25l4.25 4.25',
  bell: 'M5 13.5V9a5 5 0 0 1 10 0v4.5l1.5 1.75h-13L5 13.5ZM8.25 17.25a1.9 1.9 0 0 0 3.5 0',
  clock: 'M10 17.5a7.5 7.5 0 1 0 0-15 7.5 7.5 0 0 0 0 15ZM10 5.75V10l2.75 1.75',
  ban: 'M10 17.5a7.5 7.5 0 1 0 0-15 7.5 7.5 0 0 0 0 15ZM4.7 4.7l10.6 10.6',
  chevronDown: 'M5 8l5 5 5-5',
} as const;

export type PdIconName = keyof typeof PATHS;

export function PdIcon({ name, size = 16, ...rest }: { name: PdIconName; size?: number } & Omit<SVGProps<SVGSVGElement>, 'name'>) {
  return (
    <svg width={size} height={size} viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" className="icon" {...rest}>
      <path d={PATHS[name]} />
    </svg>
  );
}
