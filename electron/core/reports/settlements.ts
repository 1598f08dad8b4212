// Settlements and fees per account: the reports service (service.ts, built by the composition root), the
// refresh it runs through each gateway's report port (refresh.ts), and the reports settings (settings.ts).
export { createReportsService, type ReportsService, type ReportsServiceDeps } from './service';
export { settlementRowId } from './refresh';
export { DEFAULT_UNSETTLED_DAYS, readReportsSettings, SETTING_TIME_ZONE, SETTING_UNSETTLED_DAYS, systemTimeZone, writeReportsSettings } from './settings';
