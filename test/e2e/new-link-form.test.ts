// The New link form as a merchant in India meets it, in Chromium against browser mode + the embedded sandbox:
// the currency a Razorpay account and an Asia/Kolkata shop start with, an amount in lakhs ("1,00,000.50")
// accepted and shown back as ₹1,00,000.50, one error per bad field with the focus on the first, length limits
// shown as you type with a 10,000-character paste cut before submit, a phone number stored in one form, and the
// way to an order's open link when its reference is refused. Screenshots: SHOTS_DIR/new-link-*-{light,dark}.png.
import { expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openConsole, pageRpc, sandboxAccountIds, shotsLightDark, useHostAndBrowser, type ConsolePage } from './fixtures';

const UI_TIMEOUT = 15_000;
const env = useHostAndBrowser();

async function openForm(account: 'Sandbox Stripe' | 'Sandbox Razorpay'): Promise<{ c: ConsolePage; form: Locator }> {
  const c = await openConsole(env.browser, env.host, { path: '#/new-link', viewport: { width: 1280, height: 1000 } });
  const form = c.page.getByRole('form', { name: 'New payment link' });
  await form.waitFor({ timeout: UI_TIMEOUT });
  await form.locator('label.account-option', { hasText: account }).click();
  return { c, form };
}

// page-side code is written as strings: this file is type-checked without the DOM lib

/** the name of the focused control */
const focused = (page: Page) => page.evaluate<string | null>('document.activeElement && document.activeElement.name || null');

/** pastes `text` into the control as a person does (a paste event with clipboard data) */
async function paste(control: Locator, text: string): Promise<void> {
  await control.focus();
  await control.page().evaluate(`(() => {
    const data = new DataTransfer();
    data.setData('text/plain', ${JSON.stringify(text)});
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  })()`);
}

it('starts a Razorpay account in INR, and a Stripe account of a shop in Asia/Kolkata in INR too', async () => {
  const { c, form } = await openForm('Sandbox Razorpay');
  try {
    await expect(form.getByLabel('Currency').inputValue()).resolves.toBe('INR');
    await expect(form.getByRole('radio', { name: /One customer, one payment/ }).isChecked()).resolves.toBe(true);
    await shotsLightDark(c.page, 'new-link-empty', { fullPage: true });

    await pageRpc(c.page, 'reports.settings.set', { timeZone: 'Asia/Kolkata' });
    await c.page.reload();
    const again = c.page.getByRole('form', { name: 'New payment link' });
    await again.locator('label.account-option', { hasText: 'Sandbox Stripe' }).click();
    await expect.poll(() => again.getByLabel('Currency').inputValue()).toBe('INR');
    await again.getByText('Stripe takes ₹0.50 to ₹9,99,999.99 in one payment.').waitFor();
    await again.getByRole('radio', { name: /Reusable: many customers/ }).waitFor();
    expect(c.errors).toEqual([]);
  } finally {
    await pageRpc(c.page, 'reports.settings.set', { timeZone: null });
    await c.context.close();
  }
});

it('takes 1,00,000.50 in INR and shows the link as ₹1,00,000.50, the phone stored as +91…', async () => {
  const { c, form } = await openForm('Sandbox Razorpay');
  try {
    await form.getByLabel('Amount').fill('1,00,000.50');
    await expect.poll(() => form.getByText('The customer pays').textContent()).toContain('₹1,00,000.50');
    await form.getByLabel('Order reference').fill('E2E-LAKH-1');
    await form.getByLabel('Phone').fill('98765 00000');
    await form.getByText('Saved as +91 98765 00000').waitFor();
    await form.getByRole('button', { name: 'Create link' }).click();
    const result = c.page.locator('.link-result');
    await result.locator('.link-result-amount').getByText('₹1,00,000.50').waitFor({ timeout: UI_TIMEOUT });
    const id = await result.getAttribute('data-payment-id');
    await result.getByText('+919876500000').waitFor();
    const p = await pageRpc(c.page, 'payments.get', { id });
    expect(p).toMatchObject({ payment: { amountMinor: 10000050, currency: 'INR', customerPhone: '+919876500000' } });
    await shotsLightDark(c.page, 'new-link-result', { fullPage: true });
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
});

it('shows a bad amount once, at the amount field, and moves the focus to the first bad field', async () => {
  const { c, form } = await openForm('Sandbox Stripe');
  try {
    await form.getByLabel('Currency').selectOption('USD');
    await form.getByLabel('Amount').fill('12,34');
    await form.getByLabel('Order reference').fill('E2E-BAD-AMOUNT');
    await form.getByRole('button', { name: 'Create link' }).click();
    const amountField = form.locator('.field', { has: c.page.locator('input[name=amount]') });
    await amountField.locator('.field-error').waitFor();
    await expect(form.locator('.field-error').count()).resolves.toBe(1);
    await expect(amountField.locator('.field-error').textContent()).resolves.toMatch(/point before the decimals of the amount/);
    await expect(c.page.getByText(/point before the decimals/).count()).resolves.toBe(1);
    await expect(form.getByLabel('Amount').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(focused(c.page)).resolves.toBe('amount');

    // two bad fields: each shows its own error once, the focus on the first of them
    await form.getByLabel('Amount').fill('');
    await form.getByLabel('Order reference').fill('');
    await form.getByLabel('Email').fill('not-an-email');
    await form.getByRole('button', { name: 'Create link' }).click();
    await expect.poll(() => form.locator('.field-error').count()).toBe(3);
    await expect(c.page.getByText('Enter an amount', { exact: true }).count()).resolves.toBe(1);
    await expect(focused(c.page)).resolves.toBe('amount');
    await shotsLightDark(c.page, 'new-link-errors', { fullPage: true });

    // core's error (an amount over Stripe's limit is refused by both; core's words match) lands at the field once too
    await form.getByLabel('Amount').fill('10,00,000');
    await form.getByLabel('Order reference').fill('E2E-BAD-AMOUNT');
    await form.getByLabel('Email').fill('');
    await form.getByRole('button', { name: 'Create link' }).click();
    await expect.poll(() => amountField.locator('.field-error').textContent()).toBe('The amount is too large: Stripe takes at most $999,999.99 in one payment.');
    await expect(form.locator('.field-error').count()).resolves.toBe(1);
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
});

it('limits a 10,000-character description before submit, saying so, and counts as you type', async () => {
  const { c, form } = await openForm('Sandbox Stripe');
  try {
    const description = form.getByLabel('Description');
    await expect(form.locator('textarea[name=description]').count()).resolves.toBe(1);
    await expect(description.getAttribute('maxlength')).resolves.toBe('250');
    await description.fill('Blue mug');
    await form.getByText('8/250').waitFor();
    await description.fill('');
    await paste(description, 'x'.repeat(10_000));
    await expect.poll(() => description.inputValue().then((v) => v.length)).toBe(250);
    await form.getByText(/The pasted text had 10,000 characters: it was cut to 250/).waitFor();
    await form.getByText('250/250').waitFor();
    await description.scrollIntoViewIfNeeded();
    await shotsLightDark(c.page, 'new-link-long-paste');
    // typing past the limit is stopped by the box itself
    await description.fill('y'.repeat(10_000));
    await expect(description.inputValue().then((v) => v.length)).resolves.toBeLessThanOrEqual(250);
    await form.getByLabel('Amount').fill('25');
    await form.getByLabel('Order reference').fill('E2E-LONG-DESC');
    await form.getByRole('button', { name: 'Create link' }).click();
    const result = c.page.locator('.link-result');
    await result.waitFor({ timeout: UI_TIMEOUT });
    const id = await result.getAttribute('data-payment-id');
    const p = await pageRpc<{ payment: { description: string } }>(c.page, 'payments.get', { id });
    expect(p.payment.description.length).toBe(250);
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
});

it('refuses an order reference whose link is open, with a way to that payment', async () => {
  const { c, form } = await openForm('Sandbox Razorpay');
  try {
    const ids = await sandboxAccountIds(c.page);
    const open = await pageRpc<{ id: string }>(c.page, 'links.create', { accountId: ids.razorpay, amount: '499', currency: 'INR', orderRef: 'E2E-DUP-1' });
    await form.getByLabel('Amount').fill('499');
    await form.getByLabel('Order reference').fill('E2E-DUP-1');
    await form.getByRole('button', { name: 'Create link' }).click();
    const refField = form.locator('.field', { has: c.page.locator('input[name=orderRef]') });
    await refField.locator('.field-error').waitFor({ timeout: UI_TIMEOUT });
    await expect(form.locator('.field-error').count()).resolves.toBe(1);
    await expect(focused(c.page)).resolves.toBe('orderRef');
    const go = refField.getByRole('link', { name: /^Open E2E-DUP-1/ });
    await go.waitFor({ timeout: UI_TIMEOUT });
    await shotsLightDark(c.page, 'new-link-duplicate');
    await go.click();
    await expect.poll(() => c.page.evaluate<string>('window.location.hash')).toBe(`#/payments/${open.id}`);
    await c.page.locator('dialog[open] .pay-detail').waitFor({ timeout: UI_TIMEOUT });
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
});
