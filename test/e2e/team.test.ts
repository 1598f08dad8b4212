// Settings → Team as people see it: a desk on its own SQLite file says it is a team of one and how to move to a
// shared database; a desk on PostgreSQL (a throwaway cluster) says it is connected, that it runs the shared
// jobs, lists itself among the desks holding the team key, and gives an owner a one-time join code.
// Screenshots: /tmp/shots/team-*.png.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';
import { launchBrowser, openConsole, SHOTS_DIR, startHost, type Host } from './fixtures';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => browser?.close());

async function teamCard(host: Host, shot: string) {
  const cp = await openConsole(browser, host, { path: '#/settings', viewport: { width: 1366, height: 850 } });
  const card = cp.page.locator('#team');
  await card.scrollIntoViewIfNeeded();
  await card.getByTestId('team-engine').waitFor({ timeout: 20_000 });
  return { ...cp, card, shoot: () => card.screenshot({ path: join(SHOTS_DIR, `${shot}.png`) }) };
}

describe('Settings → Team', () => {
  it('on SQLite: one desk that runs everything, and how to share the shop', async () => {
    const host = await startHost();
    try {
      const { card, context, shoot, errors } = await teamCard(host, 'team-sqlite');
      await expect.poll(() => card.getByTestId('team-engine').innerText()).toContain('One desk');
      expect(await card.getByTestId('team-how').innerText()).toContain('npm run store -- migrate');
      await expect.poll(() => card.getByTestId('team-lease').count()).toBe(0);
      await shoot();
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await host.stop();
    }
  }, 90_000);

  describe('on PostgreSQL', () => {
    let cluster: PgCluster;
    let host: Host;
    beforeAll(async () => {
      cluster = await startPgCluster();
      const url = await cluster.createDatabase('team_e2e');
      host = await startHost({ args: ['--store', url] });
    }, 120_000);
    afterAll(async () => {
      await host?.stop();
      cluster?.stop();
    });

    it('is connected, runs the shared jobs, lists this desk, and makes a one-time join code', async () => {
      const { card, context, page, shoot, errors } = await teamCard(host, 'team-postgres');
      await expect.poll(() => card.getByTestId('team-engine').innerText(), { timeout: 15_000 }).toContain('Connected');
      await expect.poll(() => card.getByTestId('team-lease').innerText(), { timeout: 15_000 }).toContain('This desk runs');
      await expect.poll(() => card.getByTestId('team-desk').count()).toBe(1);
      expect(await card.getByTestId('team-desk').innerText()).toContain('This desk');
      await card.getByRole('button', { name: 'Invite a desk' }).click();
      const code = await card.getByTestId('team-join-code').innerText();
      // 26 Crockford base32 characters (130 bits), in groups of five
      expect(code.replace(/-/g, '')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26,}$/);
      await shoot();
      // the code is shown once: after Done it is gone, and the audit log says a desk was invited without the code
      await card.getByRole('button', { name: 'Done' }).click();
      await expect.poll(() => card.getByTestId('team-join-code').count()).toBe(0);
      await page.goto(`${host.url}#/audit`);
      await expect.poll(() => page.getByText('Desk invited').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await page.content()).not.toContain(code);
      expect(errors).toEqual([]);
      await context.close();
    }, 90_000);
  });
});
