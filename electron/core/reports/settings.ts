// The reports settings: the merchant's time zone (the export's and the summary's days) and after how many
// days an unsettled payment is flagged.
import { z } from 'zod';
import type { ReportsSettings } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { SettingsRepo } from '../store/repos/settings';
import { assertTimeZone } from './time';

export const SETTING_TIME_ZONE = 'timeZone';
export const SETTING_UNSETTLED_DAYS = 'reports.unsettledAfterDays';
export const DEFAULT_UNSETTLED_DAYS = 7;

export function systemTimeZone(): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    if (tz) assertTimeZone(tz);
    return tz || 'UTC';
  } catch {
    return 'UTC';
  }
}

const ZoneSchema = z.string().refine((tz) => {
  try {
    assertTimeZone(tz);
    return true;
  } catch {
    return false;
  }
});

export function readReportsSettings(settings: SettingsRepo): ReportsSettings {
  const stored = settings.get(SETTING_TIME_ZONE, ZoneSchema.nullable(), null);
  const system = systemTimeZone();
  return {
    timeZone: stored ?? system,
    timeZoneIsSystem: stored === null,
    systemTimeZone: system,
    unsettledAfterDays: settings.get(SETTING_UNSETTLED_DAYS, z.number().int().min(1).max(90), DEFAULT_UNSETTLED_DAYS),
  };
}

/** Saves the reports settings; an unknown zone is an invalid_input error on `timeZone`. */
export function writeReportsSettings(settings: SettingsRepo, input: { timeZone?: string | null | undefined; unsettledAfterDays?: number | undefined }): ReportsSettings {
  if (input.timeZone !== undefined) {
    if (input.timeZone === null) settings.remove(SETTING_TIME_ZONE);
    else {
      try {
        assertTimeZone(input.timeZone);
      } catch {
        throw new AppError('invalid_input', `"${input.timeZone.slice(0, 64)}" is not a time zone Paydesk knows (use an IANA name such as Asia/Kolkata)`, { field: 'timeZone' });
      }
      // kept as the merchant chose it (ICU would rename Asia/Kolkata to its old alias Asia/Calcutta)
      settings.set(SETTING_TIME_ZONE, input.timeZone);
    }
  }
  if (input.unsettledAfterDays !== undefined) settings.set(SETTING_UNSETTLED_DAYS, input.unsettledAfterDays);
  return readReportsSettings(settings);
}
