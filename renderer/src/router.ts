// A small hash router: '#/settings' -> { screen: 'settings', rest: [] }. Hash routing works the same under
// app://paydesk/ (Electron) and the browser host, needs no server fallback, and never leaves the page.
import { useSyncExternalStore } from 'react';

export const SCREENS = ['overview', 'payments', 'new-link', 'refunds', 'audit', 'reports', 'webhooks', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

export interface Route {
  screen: Screen;
  /** path segments after the screen, e.g. ['accounts'] for '#/settings/accounts' */
  rest: string[];
}

const DEFAULT: Screen = 'overview';
const isScreen = (s: string | undefined): s is Screen => (SCREENS as readonly string[]).includes(s ?? '');

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, ...rest] = parts;
  return isScreen(first) ? { screen: first, rest } : { screen: DEFAULT, rest: [] };
}

export const hrefFor = (screen: Screen, ...rest: string[]): string => `#/${[screen, ...rest].map(encodeURIComponent).join('/')}`;

export function navigate(screen: Screen, ...rest: string[]): void {
  const next = hrefFor(screen, ...rest);
  if (window.location.hash !== next) window.location.hash = next;
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};
const snapshot = () => window.location.hash;

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot, () => '');
  return parseHash(hash);
}
