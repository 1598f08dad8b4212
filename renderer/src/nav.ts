// The left navigation, in order. A screen added here appears in the sidebar; register its component in app.tsx.
import type { IconName } from './components/Icon';
import type { Screen } from './router';

export interface NavItem {
  screen: Screen;
  label: string;
  icon: IconName;
  /** shown next to the label and in its title; the handler is in app.tsx */
  shortcut?: string;
}

export const NAV: readonly NavItem[] = [
  { screen: 'overview', label: 'Overview', icon: 'overview' },
  { screen: 'payments', label: 'Payments', icon: 'payments' },
  { screen: 'new-link', label: 'New link', icon: 'newLink', shortcut: 'N' },
  { screen: 'refunds', label: 'Refunds', icon: 'refunds' },
  { screen: 'audit', label: 'Audit', icon: 'shield' },
  { screen: 'reports', label: 'Reports', icon: 'reports' },
  { screen: 'webhooks', label: 'Webhooks', icon: 'webhooks' },
  { screen: 'settings', label: 'Settings', icon: 'settings', shortcut: ',' },
];
