// Settings → Backup in Chromium against browser mode: the owner sets the recovery passphrase and
// the folder, the Overview warns while no backup has been made, "Back up now" writes one 0600 file, and the
// card shows when, how big and where. Screenshots light + dark.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openConsole, shotsLightDark, startConsoleSession, startHost, type ConsoleSession, type ConsolePage } from './fixtures';

let session: ConsoleSession;
let browser: Browser;
let cp: ConsolePage;
let page: Page;
let backupFile = '';
const folder = mkdtempSync(join(tmpdir(), 'paydesk-e2e-backups-'));

async function go(hash: string): Promise<void> {
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
  await page.locator('main h1').first().waitFor();
}

beforeAll(async () => {
  session = await startConsoleSession();
  ({ browser, cp, page } = session);
}, 180_000);

afterAll(async () => {
  await session?.close();
  rmSync(folder, { recursive: true, force: true });
});

it('the owner sets a passphrase and a folder, is warned on the Overview, backs up now, and sees the last backup', { timeout: 120_000 }, async () => {
  await go('#/settings');
  const card = page.locator('#backup');
  await card.waitFor();
  await expect.poll(() => card.getByTestId('backup-last').textContent()).toContain('No backup yet');
  await card.scrollIntoViewIfNeeded();
  await shotsLightDark(page, 'backup-settings-new');

  await card.getByLabel('Recovery passphrase', { exact: true }).fill('correct horse battery staple');
  await card.getByLabel('The same passphrase again').fill('correct horse battery staple');
  await card.getByRole('button', { name: 'Save passphrase' }).click();
  await card.getByText('Recovery passphrase set').waitFor();

  await card.getByLabel('Backup folder').fill(folder);
  await card.getByLabel('Keep the last').fill('7');
  await card.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(() => card.getByTestId('backup-last').textContent()).toContain('No backup yet');

  // a daily schedule and no backup yet: the Overview says so
  await go('#/overview');
  const warning = page.getByText('Backups are overdue');
  await warning.waitFor();
  await shotsLightDark(page, 'backup-overview-warning');

  await go('#/settings');
  await card.getByRole('button', { name: 'Back up now' }).click();
  await expect.poll(() => card.getByTestId('backup-last').textContent()).toMatch(/Last backup .*KB, in .*paydesk-\d{8}-\d{6}Z\.paydesk-backup/);
  const files = readdirSync(folder).filter((f) => f.endsWith('.paydesk-backup'));
  expect(files).toHaveLength(1);
  expect(statSync(join(folder, files[0]!)).mode & 0o777).toBe(0o600);
  backupFile = join(folder, files[0]!);
  await card.scrollIntoViewIfNeeded();
  await shotsLightDark(page, 'backup-settings-done');

  await go('#/overview');
  await page.locator('main h1').first().waitFor();
  await expect.poll(() => page.getByText('Backups are overdue').count()).toBe(0);
  expect(cp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
});

it('a fresh install restores the backup from its first screen; after a restart the restored desk is there', { timeout: 180_000 }, async () => {
  const fresh = await startHost();
  const fcp = await openConsole(browser, fresh, { viewport: { width: 1280, height: 900 } });
  const p = fcp.page;
  p.setDefaultTimeout(20_000);
  try {
    await p.locator('#get-started').waitFor();
    await p.getByRole('link', { name: 'Restore a backup' }).click();
    const card = p.locator('#backup');
    await card.waitFor();
    await card.getByLabel('Backup file').fill(backupFile);
    await card.getByRole('button', { name: 'Open backup' }).click();
    await expect.poll(() => card.getByTestId('backup-manifest').textContent()).toMatch(/by Paydesk .*payments, 0 refunds/);
    await card.getByLabel('Recovery passphrase of the backup').fill('not the passphrase');
    if (await card.getByLabel('Replace the desk on this computer').count()) await card.getByLabel('Replace the desk on this computer').check();
    await card.getByRole('button', { name: 'Restore' }).click();
    await card.getByText(/passphrase does not open this backup/).waitFor();
    await card.getByTestId('backup-manifest').scrollIntoViewIfNeeded();
    await shotsLightDark(p, 'backup-restore-form');
    await card.getByLabel('Recovery passphrase of the backup').fill('correct horse battery staple');
    await card.getByRole('button', { name: 'Restore' }).click();
    await card.getByText('Backup restored: restart Paydesk to open it').waitFor();
    await shotsLightDark(p, 'backup-restore-done');
    expect(fcp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await fcp.context.close();

    await fresh.restart();
    const again = await openConsole(browser, fresh, { viewport: { width: 1280, height: 900 } });
    try {
      await again.page.evaluate(() => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = '#/settings';
      });
      const restored = again.page.locator('#backup');
      // the backup settings travelled with the desk: the passphrase is set, the folder is the first desk's
      await restored.getByText('Recovery passphrase set').waitFor();
      await expect.poll(() => restored.getByLabel('Backup folder').inputValue()).toBe(folder);
      expect(readdirSync(fresh.dataDir).some((f) => f.startsWith('paydesk.sqlite.restored'))).toBe(false);
    } finally {
      await again.context.close();
    }
  } finally {
    await fresh.stop();
  }
});
