// The left navigation, in order. A screen added here appears in the sidebar, in the keyboard shortcuts and in
// their help; register its component in screen-views.tsx.
import type { IconName } from './components/Icon';
import type { Screen } from './router';

export interface NavItem {
  screen: Screen;
  label: string;
  icon: IconName;
  /** G, then this key, opens the screen (shortcuts.tsx); shown next to the label */
  goKey: string;
  /** Ctrl (⌘ on a Mac) + this key also opens it */
  modKey?: string;
}

export const NAV: readonly NavItem[] = [
  { screen: 'overview', label: 'Overview', icon: 'overview', goKey: 'O' },
  { screen: 'payments', label: 'Payments', icon: 'payments', goKey: 'P' },
  { screen: 'new-link', label: 'New link', icon: 'newLink', goKey: 'N', modKey: 'N' },
  { screen: 'refunds', label: 'Refunds', icon: 'refunds', goKey: 'F' },
  { screen: 'audit', label: 'Audit', icon: 'shield', goKey: 'A' },
  { screen: 'reports', label: 'Reports', icon: 'reports', goKey: 'R' },
  { screen: 'webhooks', label: 'Webhooks', icon: 'webhooks', goKey: 'W' },
  { screen: 'settings', label: 'Settings', icon: 'settings', goKey: 'S', modKey: ',' },
];
