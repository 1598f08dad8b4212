// Refunds, end to end in Chromium against browser mode + the embedded Paydesk Sandbox: people at the desk
// (an owner and a staff member, a staff refund limit), then from a payment's detail drawer:
//   - staff refunds part of a paid Stripe link, then the rest (the payment shows refunded);
//   - a Razorpay refund with speed optimum;
//   - a staff refund above the limit needs an owner's PIN on the spot (a wrong PIN is refused at the field);
//   - double-clicking the confirm button makes exactly one refund (checked at the sandbox);
//   - the Refunds and Audit screens show each action; the lock screen lets the owner back in.
// Payments are created through the RPC from the page (with the token the page holds) and paid through
// the sandbox's control API. Screenshots (light and dark) go to SHOTS_DIR.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, openConsole, sandboxKeys, sandboxPost, SHOTS_DIR, shotsLightDark, startHost, type ConsolePage, type Host, pageRpc, createPaidPayment, type E2ePayment } from './fixtures';

let host: Host;
let browser: Browser;
let keys: Awaited<ReturnType<typeof sandboxKeys>>;
let cp: ConsolePage;
let page: Page;

const OWNER = { name: 'Olivia Owner', pin: '2468' };
const STAFF = { name: 'Sam Staff', pin: '1357' };
const ids = { stripe: '', razorpay: '', owner: '', staff: '' };

type PaymentLite = E2ePayment;

/** Calls the console's RPC from inside the page (same origin, with the page's token). */
const rpc = <T>(method: string, input: unknown): Promise<T> => pageRpc<T>(page, method, input);

const paidPayment = (gateway: 'stripe' | 'razorpay', amount: string, orderRef: string, customerName: string): Promise<PaymentLite> =>
  createPaidPayment(page, host, { gateway, accountId: ids[gateway], amount, orderRef, customerName, description: 'E2E refund test' });

const shotsDone: string[] = [];
/** light and dark screenshots of the page as it is now */
async function shots(name: string): Promise<void> {
  await shotsLightDark(page, `refunds-${name}`, { settleMs: 150 });
  shotsDone.push(name);
}

/** in-page navigation (no reload) */
async function go(hash: string): Promise<void> {
  // the callback runs in the page; this file is type-checked without the DOM lib
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
}

async function openPayment(p: PaymentLite): Promise<Locator> {
  const drawer = page.getByRole('dialog', { name: `Payment ${p.orderRef}` });
  for (let attempt = 0; ; attempt++) {
    await go(`#/payments/${p.id}`);
    try {
      await drawer.waitFor({ timeout: 8000 });
      break;
    } catch (err) {
      const state = await page.evaluate(`({ hash: location.hash, dialogs: Array.from(document.querySelectorAll('dialog')).map((d) => d.className + ':' + d.open) })`);
      console.warn(`payment drawer did not open (attempt ${attempt + 1})`, JSON.stringify(state));
      if (attempt >= 2) throw err;
      await go('#/payments');
    }
  }
  const panel = drawer.locator('section.refund-panel');
  await panel.waitFor();
  return panel;
}

function refundDialog(): Locator {
  return page.getByRole('dialog', { name: /^(Refund payment|Confirm the refund)$/ });
}

async function startRefund(panel: Locator): Promise<Locator> {
  const dialog = refundDialog();
  const heading = dialog.getByRole('heading', { name: 'Refund payment' });
  // under load a click can land while the drawer is still settling and open nothing; a person clicks again
  for (let attempt = 0; attempt < 3; attempt++) {
    await panel.getByRole('button', { name: 'Refund', exact: true }).click();
    if (await heading.waitFor({ timeout: 4000 }).then(() => true, () => false)) return dialog;
    console.warn(`refunds e2e: the refund dialog did not open after click ${attempt + 1}; clicking again`);
  }
  await heading.waitFor();
  return dialog;
}

async function amountError(dialog: Locator): Promise<string> {
  const input = dialog.getByLabel(/Amount to refund/);
  await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
  const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
  return (await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent()) ?? '';
}

async function switchTo(who: { name: string; pin: string }): Promise<void> {
  await page.locator('.desk-badge').getByRole('button', { name: 'Switch' }).click();
  const d = page.getByRole('dialog', { name: 'Switch operator' });
  await d.waitFor();
  await d.getByText(who.name, { exact: true }).click();
  await d.getByLabel(`PIN for ${who.name}`).fill(who.pin);
  await d.getByRole('button', { name: 'Switch', exact: true }).click();
  await d.waitFor({ state: 'hidden' });
  await expect.poll(() => page.getByTestId('desk-current').textContent()).toBe(who.name);
}

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  keys = await sandboxKeys(host);
  mkdirSync(SHOTS_DIR, { recursive: true });
  cp = await openConsole(browser, host, { viewport: { width: 1280, height: 860 } });
  page = cp.page;
  page.setDefaultTimeout(20_000);

  const stripe = await rpc<{ id: string }>('accounts.create', { gateway: 'stripe', mode: 'test', label: 'Corner Shop (Stripe)', publicKey: keys.STRIPE_PUBLISHABLE_KEY, secretKey: keys.STRIPE_SECRET_KEY, sandbox: true });
  const rzp = await rpc<{ id: string }>('accounts.create', { gateway: 'razorpay', mode: 'test', label: 'Corner Shop (Razorpay)', publicKey: keys.RAZORPAY_KEY_ID, secretKey: keys.RAZORPAY_KEY_SECRET, sandbox: true });
  ids.stripe = stripe.id;
  ids.razorpay = rzp.id;
}, 180_000);

afterAll(async () => {
  // the page as the test left it (a failure's last state), for people to look at
  await page?.screenshot({ path: join(SHOTS_DIR, 'refunds-last-state.png') }).catch(() => undefined);
  await cp?.context.close();
  await browser?.close();
  await host?.stop();
});

it('staff refunds in part and in full, Razorpay optimum, owner approval above the limit, one refund per double click, all on record', { timeout: 240_000 }, async () => {
  // ---- people at the desk: the first owner through Settings (signed in at once), then staff and the policy
  await go('#/settings');
  const people = page.locator('#people');
  await people.getByRole('button', { name: 'Add person' }).click();
  let drawer = page.getByRole('dialog', { name: 'Add the first owner' });
  await drawer.getByLabel('Name').fill(OWNER.name);
  await drawer.getByLabel('PIN', { exact: true }).fill(OWNER.pin);
  await drawer.getByLabel('PIN again').fill(OWNER.pin);
  await drawer.getByRole('button', { name: 'Add owner' }).click();
  await drawer.waitFor({ state: 'hidden' });
  await expect.poll(() => page.getByTestId('desk-current').textContent()).toBe(OWNER.name);

  await people.getByRole('button', { name: 'Add person' }).click();
  drawer = page.getByRole('dialog', { name: 'Add a person' });
  await drawer.getByLabel('Name').fill(STAFF.name);
  await drawer.getByLabel('Staff', { exact: true }).check();
  await drawer.getByLabel('PIN', { exact: true }).fill(STAFF.pin);
  await drawer.getByLabel('PIN again').fill('9999');
  await drawer.getByRole('button', { name: 'Add person' }).click();
  await drawer.getByText('The two PINs are not the same.').waitFor();
  await drawer.getByLabel('PIN again').fill(STAFF.pin);
  await drawer.getByRole('button', { name: 'Add person' }).click();
  await drawer.waitFor({ state: 'hidden' });
  await people.getByText(STAFF.name).waitFor();

  // staff limit: $50.00 and ₹10,000.00 per refund; idle lock 30 minutes
  await people.getByRole('button', { name: 'Add a currency' }).click();
  await people.getByLabel('Limit in INR').fill('10,000');
  await people.getByRole('button', { name: 'Add a currency' }).click();
  await people.getByLabel('Limit in USD').fill('50');
  await people.getByLabel(/Lock the desk after/).fill('30');
  await people.getByRole('button', { name: 'Save limit and lock' }).click();
  await expect.poll(async () => (await rpc<{ staffLimits: Record<string, number> }>('settings.getRefundPolicy', {})).staffLimits).toEqual({ INR: 1_000_000, USD: 5000 });
  await people.scrollIntoViewIfNeeded();
  await shots('people-settings');

  const desk = await rpc<{ operators: { id: string; name: string }[] }>('desk.status', {});
  ids.owner = desk.operators.find((o) => o.name === OWNER.name)!.id;
  ids.staff = desk.operators.find((o) => o.name === STAFF.name)!.id;

  // payments to refund (created while the owner is at the desk)
  const [partial, dbl, big, rzp] = await Promise.all([
    paidPayment('stripe', '40.00', 'E2E-PART', 'Asha Rao'),
    paidPayment('stripe', '30.00', 'E2E-DOUBLE', 'Ben Ortiz'),
    paidPayment('stripe', '80.00', 'E2E-BIG', 'Chen Wei'),
    paidPayment('razorpay', '500.00', 'E2E-RZP', 'Divya Nair'),
  ]);

  // ---- the staff member takes the desk (one click + PIN)
  await switchTo(STAFF);

  // ---- 1. partial, then the rest, of a paid Stripe link
  let panel = await openPayment(partial);
  await expect.poll(() => panel.getByTestId('refundable').textContent()).toBe('$40.00');
  let dialog = await startRefund(panel);
  const amount = dialog.getByLabel(/Amount to refund/);
  await expect(amount.inputValue()).resolves.toBe('40.00');
  // bad input, at the field, in cashier words; nothing is sent
  for (const [typed, words] of [
    ['0', /more than zero/],
    ['-5', /more than zero/],
    ['12.345', /at most 2 digits after the point/],
    ['41', /at most \$40\.00/],
  ] as const) {
    await amount.fill(typed);
    await dialog.getByRole('button', { name: 'Review refund' }).click();
    expect(await amountError(dialog)).toMatch(words);
  }
  await shots('dialog-error');
  await amount.fill('15');
  await dialog.getByLabel('Reason').selectOption('requested_by_customer');
  await shots('dialog');
  await dialog.getByRole('button', { name: 'Review refund' }).click();
  await dialog.getByRole('heading', { name: 'Confirm the refund' }).waitFor();
  const facts = dialog.getByRole('definition');
  await expect(dialog.locator('dl').textContent()).resolves.toMatch(/Amount\$15\.00CurrencyUSDCustomerAsha Rao.*Left to refund after\$25\.00 of \$40\.00 paid/);
  expect(await facts.count()).toBeGreaterThan(4);
  await shots('confirm');
  await dialog.getByRole('button', { name: 'Refund $15.00' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await expect.poll(() => panel.getByTestId('refundable').textContent(), { timeout: 20_000 }).toBe('$25.00');
  await panel.locator('.refund-item').first().getByText(`by ${STAFF.name}`, { exact: false }).waitFor();

  // the rest: the default amount is what is left
  dialog = await startRefund(panel);
  await expect(dialog.getByLabel(/Amount to refund/).inputValue()).resolves.toBe('25.00');
  await dialog.getByLabel('Reason').selectOption('duplicate');
  await dialog.getByRole('button', { name: 'Review refund' }).click();
  await expect(dialog.locator('dl').textContent()).resolves.toMatch(/Left to refund after\$0\.00/);
  await dialog.getByRole('button', { name: 'Refund $25.00' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await panel.getByText('Refunded in full').waitFor({ timeout: 20_000 });
  await expect(panel.getByRole('button', { name: 'Refund', exact: true }).count()).resolves.toBe(0);
  await expect.poll(async () => (await rpc<{ payment: PaymentLite }>('payments.get', { id: partial.id })).payment.displayStatus, { timeout: 20_000 }).toBe('refunded');

  // ---- 2. double-clicking the confirm button makes one refund
  panel = await openPayment(dbl);
  dialog = await startRefund(panel);
  await dialog.getByLabel(/Amount to refund/).fill('10');
  await dialog.getByRole('button', { name: 'Review refund' }).click();
  await dialog.getByRole('button', { name: 'Refund $10.00' }).dblclick();
  await dialog.waitFor({ state: 'hidden' });
  await expect.poll(() => panel.getByTestId('refundable').textContent(), { timeout: 20_000 }).toBe('$20.00');
  const dblDetail = await rpc<{ payment: PaymentLite }>('payments.get', { id: dbl.id });
  const pi = dblDetail.payment.gatewayIds.paymentIntentId;
  expect(pi).toBeTruthy();
  const atGateway = (await (await fetch(`${host.sandboxUrl}/v1/refunds?payment_intent=${pi}`, { headers: { authorization: `Bearer ${keys.STRIPE_SECRET_KEY}` } })).json()) as { data: { amount: number }[] };
  expect(atGateway.data.map((r) => r.amount)).toEqual([1000]);
  expect(await rpc<unknown[]>('refunds.forPayment', { paymentId: dbl.id })).toHaveLength(1);

  // ---- 3. above the staff limit: an owner approves with their PIN on the spot
  panel = await openPayment(big);
  dialog = await startRefund(panel);
  await dialog.getByText('An owner will need to approve this').waitFor();
  await dialog.getByRole('button', { name: 'Review refund' }).click();
  const approval = dialog.locator('section.approval');
  await approval.waitFor();
  const confirmBig = dialog.getByRole('button', { name: 'Approve and refund $80.00' });
  await expect(confirmBig.isDisabled()).resolves.toBe(true);
  await approval.getByLabel('Owner', { exact: true }).selectOption({ label: OWNER.name });
  await approval.getByLabel('Owner’s PIN').fill('0000');
  await confirmBig.click();
  await approval.getByText('That PIN is not right.').waitFor();
  await expect(approval.getByLabel('Owner’s PIN').getAttribute('aria-invalid')).resolves.toBe('true');
  await approval.getByLabel('Owner’s PIN').fill(OWNER.pin);
  await shots('approval');
  await confirmBig.click();
  await dialog.waitFor({ state: 'hidden' });
  await panel.getByText(`approved by ${OWNER.name}`, { exact: false }).waitFor({ timeout: 20_000 });
  await panel.getByText('Refunded in full').waitFor({ timeout: 20_000 });

  // ---- 4. Razorpay, speed optimum, with a note
  panel = await openPayment(rzp);
  await expect.poll(() => panel.getByTestId('refundable').textContent()).toBe('₹500.00');
  dialog = await startRefund(panel);
  await dialog.getByLabel(/Amount to refund/).fill('200');
  await dialog.getByLabel('Optimum', { exact: true }).check();
  await dialog.getByLabel(/Note/).fill('Size exchange');
  await shots('dialog-razorpay');
  await dialog.getByRole('button', { name: 'Review refund' }).click();
  await expect(dialog.locator('dl').textContent()).resolves.toMatch(/SpeedOptimum.*Size exchange.*Left to refund after₹300\.00/);
  await dialog.getByRole('button', { name: 'Refund ₹200.00' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await expect.poll(() => panel.getByTestId('refundable').textContent(), { timeout: 20_000 }).toBe('₹300.00');
  await panel.getByText(/Optimum speed · Size exchange/).waitFor();
  const rzpRefunds = await rpc<{ speed: string; note: string; amountMinor: number }[]>('refunds.forPayment', { paymentId: rzp.id });
  expect(rzpRefunds.map((r) => [r.amountMinor, r.speed, r.note])).toEqual([[20_000, 'optimum', 'Size exchange']]);

  // ---- the Refunds screen: every refund, filters
  await go('#/refunds');
  const table = page.getByRole('table', { name: 'Refunds' });
  await expect.poll(() => table.locator('[data-refund-id]').count(), { timeout: 20_000 }).toBe(5);
  await table.getByRole('link', { name: 'E2E-RZP' }).waitFor();
  await shots('refunds-screen');
  await page.getByLabel('Gateway').selectOption('razorpay');
  await expect.poll(() => table.locator('[data-refund-id]').count()).toBe(1);
  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await page.getByPlaceholder(/Search order/).fill('E2E-PART');
  await expect.poll(() => table.locator('[data-refund-id]').count()).toBe(2);

  // ---- the Audit screen shows each action (as the owner)
  await switchTo(OWNER);
  await go('#/audit');
  const log = page.getByRole('list', { name: 'Audit log' });
  await log.waitFor();
  const count = (action: string) => log.locator(`li[data-action="${action}"]`).count();
  await expect.poll(() => count('refund.requested'), { timeout: 20_000 }).toBe(5);
  expect(await count('refund.refused')).toBeGreaterThanOrEqual(1); // the wrong owner PIN
  expect(await count('operator.added')).toBe(2);
  expect(await count('settings.changed')).toBeGreaterThanOrEqual(1);
  expect(await count('link.created')).toBe(4);
  // the row reads as a sentence; the opened entry labels its facts in words, never with field names
  const approved = log.locator('li[data-action="refund.requested"]').filter({ hasText: `Refund of $80.00 for E2E-BIG approved by ${OWNER.name}.` });
  await approved.getByRole('button').click();
  await approved.getByText('Approved by', { exact: true }).waitFor();
  expect(await approved.getByText('approvedBy', { exact: true }).count()).toBe(0);
  await shots('audit-screen');
  await page.getByLabel('Action').selectOption('refund');
  await expect.poll(async () => (await log.locator('li').all()).length).toBeGreaterThanOrEqual(6);
  await expect(count('link.created')).resolves.toBe(0);

  // ---- the lock screen: Lock, then the owner signs back in
  await page.locator('.desk-badge').getByRole('button', { name: 'Lock' }).click();
  const lock = page.getByRole('heading', { name: 'Who is at the desk?' });
  await lock.waitFor();
  await shots('lock-screen');
  await page.getByText(OWNER.name, { exact: true }).click();
  await page.getByLabel(`PIN for ${OWNER.name}`).fill('1111');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByText('That PIN is not right.').waitFor();
  await page.getByLabel(`PIN for ${OWNER.name}`).fill(OWNER.pin);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();

  expect(shotsDone.length).toBeGreaterThanOrEqual(8);
  expect(cp.errors.filter((e) => !/the server responded with a status of/.test(e))).toEqual([]);
});

it('a refund the card issuer declines: the dialog says no money moved, and staff can start a new refund from it', { timeout: 120_000 }, async () => {
  const p = await paidPayment('stripe', '20.00', 'E2E-DECLINE', 'Eva Lind');
  const panel = await openPayment(p);
  // the sandbox declines the next refund request, as an issuer would (402 card_declined)
  await sandboxPost(host, '/__sandbox/faults', { path: '/v1/refunds', status: 402, count: 1 });
  const dialog = await startRefund(panel);
  await dialog.getByLabel(/Amount to refund/).fill('5');
  await dialog.getByRole('button', { name: 'Review refund' }).click();
  await dialog.getByRole('button', { name: 'Refund $5.00' }).click();
  await dialog.getByText('The gateway declined this refund').waitFor({ timeout: 20_000 });
  await dialog.getByText(/declined this request \(Paydesk Sandbox fault\)\. No money was sent\./).waitFor();
  await shots('declined');
  await expect.poll(() => panel.getByTestId('refundable').textContent()).toBe('$20.00');
  // a new attempt is a new refund (a new request id), from the form, with what was typed
  await dialog.getByRole('button', { name: 'Start a new refund' }).click();
  await dialog.getByRole('heading', { name: 'Refund payment' }).waitFor();
  await expect(dialog.getByLabel(/Amount to refund/).inputValue()).resolves.toBe('5');
  await dialog.getByRole('button', { name: 'Review refund' }).click();
  await dialog.getByRole('button', { name: 'Refund $5.00' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await expect.poll(() => panel.getByTestId('refundable').textContent(), { timeout: 20_000 }).toBe('$15.00');
  const refunds = await rpc<{ status: string; amountMinor: number }[]>('refunds.forPayment', { paymentId: p.id });
  expect(refunds.map((r) => [r.status, r.amountMinor]).sort()).toEqual([['failed', 500], ['succeeded', 500]]);
});
