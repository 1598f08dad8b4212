// Settings → Team on a desk running on its own SQLite file, as an owner uses it: type a team database's URL
// (a throwaway cluster where the role `desk` needs a password), test it with a wrong password (the error
// sits under Password), then the right one (the answer says this desk will start the team), save it, and see
// that Paydesk must restart. After the restart, without --store, the desk is on the team database; it goes back to
// its own file the same way.
// Screenshots: /tmp/shots/team-store-*.png.
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';
import { launchBrowser, openConsole, SHOTS_DIR, startHost, type Host } from './fixtures';

const PASSWORD = 'desk-e2e-pw-7Hq';
let browser: Browser;
let cluster: PgCluster;
let url: string;
let host: Host | null = null;
const env = { PGPASSWORD: process.env.PGPASSWORD, PAYDESK_STORE: process.env.PAYDESK_STORE };

beforeAll(async () => {
  delete process.env.PGPASSWORD;
  delete process.env.PAYDESK_STORE;
  browser = await launchBrowser();
  cluster = await startPgCluster({ passwordFor: ['desk'] });
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query(`CREATE ROLE desk LOGIN PASSWORD '${PASSWORD}'`);
  await admin.query('CREATE DATABASE team_ui OWNER desk');
  await admin.end();
  url = `postgres://desk@127.0.0.1:${cluster.port}/team_ui`;
}, 120_000);
afterAll(async () => {
  await host?.stop();
  await browser?.close();
  cluster?.stop();
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
});

describe('Settings → Team: choosing the team database', () => {
  it('tests the database in words, saves it, says to restart, and opens it after the restart', async () => {
    host = await startHost({ sandbox: false });
    const { page, context, errors } = await openConsole(browser, host, { path: '#/settings', viewport: { width: 1366, height: 900 } });
    const card = page.locator('#team');
    const form = card.getByTestId('team-store-form');
    await form.waitFor({ timeout: 20_000 });
    await form.scrollIntoViewIfNeeded();
    expect(await card.getByTestId('team-how').innerText()).toContain('npm run store -- migrate');

    await form.getByLabel('Database URL').fill(url);
    await form.getByLabel('Password').fill('not-the-password');
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => form.locator('.field.has-error').innerText(), { timeout: 10_000 }).toMatch(/Password[\s\S]*refused desk's password/);
    await card.screenshot({ path: join(SHOTS_DIR, 'team-store-wrong-password.png') });

    await form.getByLabel('Password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => card.getByTestId('team-store-result').innerText(), { timeout: 10_000 }).toMatch(/this desk will start the team/);
    await card.screenshot({ path: join(SHOTS_DIR, 'team-store-tested.png') });

    await form.getByRole('button', { name: 'Use this database' }).click();
    await expect.poll(() => card.getByTestId('team-store-restart').innerText(), { timeout: 10_000 }).toMatch(/start it again/);
    await card.screenshot({ path: join(SHOTS_DIR, 'team-store-saved.png') });
    expect(await page.content()).not.toContain(PASSWORD);
    expect(errors).toEqual([]);
    await context.close();

    await host.restart();
    expect(host.output()).not.toContain(PASSWORD);
    const after = await openConsole(browser, host, { path: '#/settings', viewport: { width: 1366, height: 900 } }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${host?.output()}`);
    });
    const engine = after.page.locator('#team').getByTestId('team-engine');
    await expect.poll(() => engine.innerText(), { timeout: 20_000 }).toContain('Connected');
    expect(await engine.innerText()).toContain(`127.0.0.1:${cluster.port}/team_ui`);
    await after.page.locator('#team').screenshot({ path: join(SHOTS_DIR, 'team-store-after-restart.png') });

    // and back to this computer's own file, after a confirmation that says what that file holds
    await after.page.getByRole('button', { name: 'Use this computer’s own file instead' }).click();
    const dialog = after.page.getByRole('dialog');
    await expect.poll(() => dialog.innerText()).toMatch(/holds only what this desk had before it joined/);
    await after.page.screenshot({ path: join(SHOTS_DIR, 'team-store-own-file-confirm.png') });
    await dialog.getByRole('button', { name: 'Use own file' }).click();
    await expect.poll(() => after.page.getByTestId('team-store-restart').count(), { timeout: 10_000 }).toBe(1);
    expect(after.errors).toEqual([]);
    await after.context.close();
    await host.restart();
    const back = await openConsole(browser, host, { path: '#/settings' });
    await expect.poll(() => back.page.locator('#team').getByTestId('team-engine').innerText(), { timeout: 20_000 }).toContain('One desk');
    await back.context.close();
  }, 180_000);
});
