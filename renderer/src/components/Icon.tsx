// Line icons drawn inline (no icon font, no remote asset: the CSP allows neither). 20px grid, currentColor.
import type { SVGProps } from 'react';

const PATHS = {
  overview: 'M3 10.5 10 4l7 6.5M5 9v7.5h3.5V12h3v4.5H15V9',
  payments: 'M2.75 5.75h14.5v9.5H2.75zM2.75 8.75h14.5M5.5 12.5h3',
  newLink: 'M8.5 11.5 11.5 8.5M7.3 9.2l-1.6 1.6a2.6 2.6 0 0 0 3.7 3.7l1.6-1.6M12.7 10.8l1.6-1.6a2.6 2.6 0 0 0-3.7-3.7L9 7.1',
  refunds: 'M7.5 6 4.5 9l3 3M4.5 9h7a4 4 0 0 1 0 8H9',
  reports: 'M5.25 2.75h6.5l3 3v11.5h-9.5zM11.75 2.75v3h3M7.75 10.25h4.5M7.75 13.25h4.5',
  webhooks: 'M10 3.5v5M6 16.5a3 3 0 1 1-1.2-5.6L7.5 6.3M14 16.5H8.7M14 16.5a3 3 0 1 0 .3-6 3 3 0 0 0-1.8.6L10 6.6',
  settings: 'M10 12.6a2.6 2.6 0 1 0 0-5.2 2.6 2.6 0 0 0 0 5.2ZM10 2.75v2M10 15.25v2M17.25 10h-2M4.75 10h-2M15.1 4.9l-1.4 1.4M6.3 13.7l-1.4 1.4M15.1 15.1l-1.4-1.4M6.3 6.3 4.9 4.9',
  sun: 'M10 13.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7ZM10 2v1.5M10 16.5V18M18 10h-1.5M3.5 10H2M15.7 4.3l-1 1M5.3 14.7l-1 1M15.7 15.7l-1-1M5.3 5.3l-1-1',
  moon: 'M16.5 12.3A6.8 6.8 0 0 1 7.7 3.5 6.8 6.8 0 1 0 16.5 12.3Z',
  monitor: 'M2.75 3.75h14.5v10H2.75zM7 17.25h6M10 13.75v3.5',
  check: 'M4.5 10.5 8 14l7.5-8',
  alert: 'M10 3 18 17H2L10 3ZM10 8.5v3.5M10 14.5v.25',
  info: 'M10 17.5a7.5 7.5 0 1 0 0-15 7.5 7.5 0 0 0 0 15ZM10 9v5M10 6.25v.25',
  x: 'M5 5l10 10M15 5 5 15',
  plus: 'M10 4v12M4 10h12',
  key: 'M12.5 10.5a4 4 0 1 0-3.9-3.1L3 13v3.5h3.5V15H8v-1.5h1.5l1.4-1.4a4 4 0 0 0 1.6.4ZM13.5 6.5v.25',
  shield: 'M10 2.5 16 5v5c0 3.7-2.6 6.5-6 7.5-3.4-1-6-3.8-6-7.5V5l6-2.5ZM7.5 10l1.8 1.8L13 8',
  plug: 'M7 2.5v4M13 2.5v4M5 6.5h10v3a5 5 0 0 1-10 0v-3ZM10 14.5v3',
  refresh: 'M16 10a6 6 0 1 1-1.8-4.3M16 3.5v3.5h-3.5',
  trash: 'M3.5 5.5h13M8 5.5V3.5h4v2M5.5 5.5l.8 11h7.4l.8-11M8.5 8.5v5M11.5 8.5v5',
  flask: 'M8 2.75h4M8.75 2.75v5L4 15.5a1.2 1.2 0 0 0 1 1.75h10a1.2 1.2 0 0 0 1-1.75l-4.75-7.75v-5M6.2 12h7.6',
  wifiOff: 'M3 3l14 14M6.5 10.2a5.5 5.5 0 0 1 2.3-1.1M3.5 7.3a9.5 9.5 0 0 1 2.6-1.7M13 8.7a5.5 5.5 0 0 1 .9.5M10.5 4.5a9.5 9.5 0 0 1 6 2.8M8.2 13.3a2.6 2.6 0 0 1 3.6 0M10 16.25v.25',
  database: 'M10 7.5c3.6 0 6.5-1.1 6.5-2.5S13.6 2.5 10 2.5 3.5 3.6 3.5 5s2.9 2.5 6.5 2.5ZM3.5 5v10c0 1.4 2.9 2.5 6.5 2.5s6.5-1.1 6.5-2.5V5M3.5 10c0 1.4 2.9 2.5 6.5 2.5s6.5-1.1 6.5-2.5',
  chevronRight: 'M8 5l5 5-5 5',
  sidebar: 'M2.75 3.75h14.5v12.5H2.75zM7.25 3.75v12.5M4.75 7h.5M4.75 9.5h.5',
  keyboard: 'M2.75 5.25h14.5v9.5H2.75zM5.5 8.25h.25M8.5 8.25h.25M11.5 8.25h.25M14.25 8.25h.25M6.5 11.75h7',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 20, ...rest }: { name: IconName; size?: number } & Omit<SVGProps<SVGSVGElement>, 'name'>) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      className="icon"
      {...rest}
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
