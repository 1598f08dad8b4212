// Local days in reports.summary and reports.export.start: a day that is not on the calendar (30 February,
// month 13, day 00) is refused at the field that holds it, with the same words for both methods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaydeskCore } from '../../../../electron/core/index';
import { isCalendarDate } from '../../../../shared/contract';
import { withCore, type CoreFixture } from '../../../fixtures/with-core';

let fixture: CoreFixture;
let core: PaydeskCore;
const ctx = { transport: 'internal' } as const;

beforeAll(async () => {
  fixture = await withCore({ sandbox: false });
  core = fixture.core;
});
afterAll(async () => {
  await fixture?.dispose();
});

describe('isCalendarDate', () => {
  it.each(['2026-01-01', '2026-02-28', '2024-02-29', '2000-02-29', '2026-12-31', '2026-04-30'])('%s is a day', (d) => {
    expect(isCalendarDate(d)).toBe(true);
  });
  it.each(['2026-02-29', '1900-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-01-00', '2026-04-31', '2026-01-32', '2026-1-01', '26-01-01', '2026-01-01T00:00', ''])('%j is not', (d) => {
    expect(isCalendarDate(d)).toBe(false);
  });
});

const summary = (from: string, to: string) => core.call('reports.summary', { mode: 'test', from, to }, ctx);
const exportStart = (from: string, to: string) => core.call('reports.export.start', { mode: 'test', from, to, preset: 'paydesk' }, ctx);

describe.each([
  ['reports.summary', summary],
  ['reports.export.start', exportStart],
] as const)('%s', (_method, call) => {
  it.each<[string, string, 'from' | 'to', RegExp]>([
    ['2026-02-30', '2026-03-01', 'from', /^The first day, 2026-02-30, is not a date on the calendar$/],
    ['2026-01-01', '2026-02-30', 'to', /^The last day, 2026-02-30, is not a date on the calendar$/],
    ['2026-13-01', '2026-12-31', 'from', /first day, 2026-13-01, is not a date/],
    ['2026-01-01', '2026-13-01', 'to', /last day, 2026-13-01, is not a date/],
    ['2026-03-00', '2026-03-05', 'from', /first day, 2026-03-00, is not a date/],
    ['2026-03-01', '2026-03-00', 'to', /last day, 2026-03-00, is not a date/],
    ['2025-02-29', '2025-03-01', 'from', /not a date on the calendar/],
    ['2026-3-1', '2026-03-05', 'from', /^Enter the first day as a date, YYYY-MM-DD$/],
    ['2026-03-01', 'tomorrow', 'to', /^Enter the last day as a date, YYYY-MM-DD$/],
    ['0026-03-01', '2026-03-05', 'from', /^Choose the first day between 1970 and 2999$/],
    ['2026-03-01', '9999-12-31', 'to', /^Choose the last day between 1970 and 2999$/],
  ])('from %s to %s: refused at %s', async (from, to, field, message) => {
    const r = await call(from, to);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: 'invalid_input', field });
      expect(r.error.message).toMatch(message);
    }
  });
});

it('a leap day is a day', async () => {
  const r = await summary('2024-02-29', '2024-02-29');
  expect(r.ok).toBe(true);
});
