// A staff member at the desk, in Chromium against browser mode: Settings and Webhooks offer no control
// that only an owner may use; where one would be, a note says who can. The owner sees the same screens
// with the controls, so the check cannot pass on an empty page. Screenshots: staff and owner, light + dark.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pageRpc, shotsLightDark, startConsoleSession, type ConsolePage, type ConsoleSession } from './fixtures';

let session: ConsoleSession;
let cp: ConsolePage;
let page: Page;
const OWNER = { name: 'Asha', pin: '482913' };
const STAFF = { name: 'Ravi', pin: '1357' };
const people: Record<string, string> = {};

/** buttons only an owner may press, by their visible name or aria-label */
const OWNER_ONLY = /^(Connect account|Manage keys|Remove .*|Verify|Add person|Start|Stop|Change|Generate (a new )?secret|Check again|Retry)$/;

async function go(hash: string): Promise<void> {
  // the callback runs in the page; this file is type-checked without the DOM lib
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
  await page.locator('main h1').first().waitFor();
}

async function signInAs(who: { name: string; pin: string }): Promise<void> {
  await pageRpc(page, 'desk.lock', {});
  await pageRpc(page, 'desk.signIn', { operatorId: people[who.name], pin: who.pin });
  await page.reload();
  await page.locator('nav[aria-label="Main"]').waitFor();
  await expect.poll(() => page.getByTestId('desk-current').textContent()).toBe(who.name);
}

/** every enabled button on the screen that only an owner may use */
async function ownerControls(): Promise<string[]> {
  const names: string[] = [];
  for (const b of await page.locator('main button:not([disabled]):visible').all()) {
    names.push(((await b.getAttribute('aria-label')) ?? (await b.innerText())).trim());
  }
  return names.filter((n) => OWNER_ONLY.test(n));
}

beforeAll(async () => {
  session = await startConsoleSession();
  ({ cp, page } = session);
  people[OWNER.name] = (await pageRpc<{ id: string }>(page, 'operators.create', { name: OWNER.name, role: 'owner', pin: OWNER.pin })).id;
  people[STAFF.name] = (await pageRpc<{ id: string }>(page, 'operators.create', { name: STAFF.name, role: 'staff', pin: STAFF.pin })).id;
}, 180_000);

afterAll(async () => {
  await session?.close();
});

it('staff find no owner-only control on Settings and Webhooks, and are told who can', { timeout: 120_000 }, async () => {
  await signInAs(OWNER);
  await go('#/settings');
  await page.locator('#accounts .account').first().waitFor();
  const forOwner = await ownerControls();
  expect(forOwner).toEqual(expect.arrayContaining(['Connect account', 'Manage keys', 'Verify', 'Add person']));
  await go('#/webhooks');
  await page.locator('#tunnel').waitFor();
  await shotsLightDark(page, 'roles-owner-webhooks', { fullPage: true });
  expect(await ownerControls()).toEqual(expect.arrayContaining(['Generate a new secret']));
  expect(await page.locator('#tunnel button', { hasText: /^(Start|Stop|Change)$/ }).count()).toBeGreaterThan(0);

  await signInAs(STAFF);
  await go('#/settings');
  await page.locator('#accounts .account').first().waitFor();
  expect(await ownerControls()).toEqual([]);
  await expect.poll(() => page.locator('#accounts [data-testid="role-note"]').textContent()).toContain('Only an owner can change gateway keys.');
  await expect.poll(() => page.locator('#reports [data-testid="role-note"]').textContent()).toContain('Only an owner can change the reports time zone.');
  await shotsLightDark(page, 'roles-staff-settings', { fullPage: true });

  await go('#/webhooks');
  await page.locator('#tunnel').waitFor();
  expect(await ownerControls()).toEqual([]);
  await expect.poll(() => page.locator('#tunnel [data-testid="role-note"]').textContent()).toContain('Only an owner can set up the tunnel.');
  await expect.poll(() => page.locator('#razorpay-webhooks [data-testid="role-note"]').count()).toBe(1);
  await shotsLightDark(page, 'roles-staff-webhooks', { fullPage: true });
  expect(cp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
});
