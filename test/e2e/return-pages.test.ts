// "Return to shop" pages in the console: the owner sets a Stripe account's pages in Settings (a bad address
// refused at its field), a Checkout Session then carries them as success_url / cancel_url in the sandbox; and
// the New link form asks for the shop's page before a Checkout link when the account has nowhere to send the
// customer back (no page, no public address, not a sandbox account), saving it to the account.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openConsole, pageRpc, sandboxAccountIds, sandboxKeys, SHOTS_DIR, useHostAndBrowser } from './fixtures';

// no internet: the second Stripe account is saved without reaching Stripe
const hb = useHostAndBrowser({ noInternet: true });

it('the owner sets the return pages in Settings and the sandbox session carries them', { timeout: 90_000 }, async () => {
  const { page, context, errors } = await openConsole(hb.browser, hb.host, { path: '#/settings' });
  try {
    const row = page.locator('li.account', { has: page.getByRole('heading', { name: 'Sandbox Stripe', exact: true }) });
    await row.getByRole('button', { name: 'Manage keys' }).click();
    const drawer = page.getByRole('dialog', { name: 'Manage Sandbox Stripe' });
    await drawer.waitFor();
    const form = drawer.getByRole('form', { name: 'Return to shop' });
    const success = form.getByLabel('After paying');
    await success.fill('http://shop.example.com/thanks');
    await form.getByRole('button', { name: 'Save return pages' }).click();
    await expect.poll(() => success.getAttribute('aria-invalid')).toBe('true');
    await expect(form.getByText(/Use an https address/).isVisible()).resolves.toBe(true);

    await success.fill('https://shop.example.com/thanks?order={ref}');
    await form.getByLabel('After cancelling').fill('https://shop.example.com/cart');
    await form.getByRole('button', { name: 'Save return pages' }).click();
    await expect.poll(() => page.getByText('Return pages saved').isVisible()).toBe(true);
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS_DIR, 'ui-return-pages-settings.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => row.getByText('Customers return to').isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS_DIR, 'ui-return-pages-card.png') });

    const ids = await sandboxAccountIds(page);
    const p = await pageRpc<{ gatewayIds: { sessionId: string } }>(page, 'links.create', { accountId: ids.stripe, amount: '12.00', currency: 'USD', orderRef: 'E2E RET/1' });
    const keys = await sandboxKeys(hb.host);
    const res = await fetch(`${hb.host.sandboxUrl}/v1/checkout/sessions/${p.gatewayIds.sessionId}`, { headers: { authorization: `Bearer ${keys.STRIPE_SECRET_KEY}` } });
    expect(await res.json()).toMatchObject({ success_url: 'https://shop.example.com/thanks?order=E2E%20RET%2F1', cancel_url: 'https://shop.example.com/cart' });
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('the New link form asks the owner for the shop’s page when a Checkout link would have nowhere to return to', { timeout: 90_000 }, async () => {
  const { page, context, errors } = await openConsole(hb.browser, hb.host, { path: '#/settings' });
  try {
    const shop = await pageRpc<{ id: string }>(page, 'accounts.create', {
      gateway: 'stripe', mode: 'test', label: 'Corner Shop', publicKey: 'pk_test_e2eReturnPagesAbc123', secretKey: 'sk_test_e2eReturnPagesAbc123',
    });
    await page.evaluate(`window.location.hash = '#/new-link'`);
    await page.getByRole('heading', { level: 1, name: 'New payment link' }).waitFor();
    await page.locator('label.account-option', { hasText: 'Corner Shop' }).click();
    const prompt = page.getByRole('status', { name: 'Return page needed' });
    await prompt.waitFor();
    await expect(prompt.getByText(/Corner Shop has none yet/).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(SHOTS_DIR, 'ui-return-page-prompt.png') });

    const field = prompt.getByLabel('Your shop’s return page');
    await field.fill('ftp://shop.example.com');
    await field.press('Enter');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    // Enter saved the page (refused), it did not submit the link form
    await expect(page.getByRole('heading', { name: 'Link ready to share' }).count()).resolves.toBe(0);
    await field.fill('https://corner.example.com/thanks/{ref}');
    await prompt.getByRole('button', { name: 'Save page' }).click();
    await prompt.waitFor({ state: 'hidden' });
    const listed = await pageRpc<{ id: string; returnSuccessUrl: string | null }[]>(page, 'accounts.list', {});
    expect(listed.find((a) => a.id === shop.id)?.returnSuccessUrl).toBe('https://corner.example.com/thanks/{ref}');

    // a sandbox account always has Paydesk's own page on the local listener: nothing is asked
    const ids = await sandboxAccountIds(page);
    await page.locator('label.account-option', { hasText: 'Sandbox Stripe' }).click();
    await expect.poll(() => page.locator(`input[name="account"][value="${ids.stripe}"]`).isChecked()).toBe(true);
    await expect(page.getByRole('status', { name: 'Return page needed' }).count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
