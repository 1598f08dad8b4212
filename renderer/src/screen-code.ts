// Where each screen's code is: one chunk per screen, loaded on demand. The page's entry (main.tsx) starts
// loading the screen of the address at once; screen-views.tsx renders the screens from the same loaders,
// so each chunk is fetched and evaluated once.
import type { ComponentType } from 'react';
import type { Screen } from './router';

export type ScreenComponent = ComponentType<{ rest: string[] }>;

export const SCREEN_CODE: Record<Screen, () => Promise<ScreenComponent>> = {
  overview: () => import('./screens/overview/OverviewScreen').then((m) => m.OverviewScreen),
  payments: () => import('./screens/payments/PaymentsScreen').then((m) => m.PaymentsScreen),
  'new-link': () => import('./screens/new-link/NewLinkScreen').then((m) => m.NewLinkScreen),
  refunds: () => import('./screens/refunds/RefundsScreen').then((m) => m.RefundsScreen),
  audit: () => import('./screens/audit/AuditScreen').then((m) => m.AuditScreen),
  reports: () => import('./screens/reports/ReportsScreen').then((m) => m.ReportsScreen),
  webhooks: () => import('./screens/webhooks/WebhooksScreen').then((m) => m.WebhooksScreen),
  settings: () => import('./screens/settings/SettingsScreen').then((m) => m.SettingsScreen),
};
