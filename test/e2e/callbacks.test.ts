// Settings → Developers → Callbacks in Chromium against browser mode: a wrong address is refused at the
// field; the shop's receiver (a real server on 127.0.0.1 answering 200) is saved, the secret is shown once;
// a paid payment appears in the log as delivered, Resend sends it again, and a rotation says until when the
// previous secret signs. Screenshots: light and dark, and at 1024×700.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cardShots, createPaidPayment, sandboxAccountIds, startConsoleSession, type ConsoleSession } from './fixtures';

let session: ConsoleSession;
let page: Page;
let server: Server;
const bodies: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  session = await startConsoleSession();
  page = session.page;
}, 180_000);

afterAll(async () => {
  await session?.close();
  await new Promise((r) => server?.close(r));
});

it('the owner sets the callback address, sees the secret once, and the paid payment is delivered and resent', { timeout: 150_000 }, async () => {
  await page.evaluate(() => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = '#/settings';
  });
  const card = page.locator('#callbacks');
  await card.waitFor();
  const field = card.getByLabel('Callback URL');

  await field.fill('http://shop.example.com/callbacks');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => card.locator('.field-error').textContent()).toContain('https://');

  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/paydesk/callbacks`;
  await field.fill(url);
  await card.getByRole('button', { name: 'Save' }).click();
  const secret = (await card.getByTestId('callbacks-secret').textContent()) ?? '';
  expect(secret).toMatch(/^pdcb_/);
  expect(await card.getByRole('status', { name: 'The new signing secret' }).textContent()).toContain('Shown once.');

  const ids = await sandboxAccountIds(page);
  const paid = await createPaidPayment(page, session.host, { gateway: 'stripe', accountId: ids.stripe, amount: '49.00', orderRef: 'CB-E2E-1', customerName: 'Asha Rao', description: 'Callback order' });
  const row = card.locator(`[role="row"][data-status="delivered"]`, { hasText: 'CB-E2E-1' });
  await row.waitFor();
  expect(await row.textContent()).toContain('payment.paid');
  expect(await row.textContent()).toContain('HTTP 200');
  await expect.poll(() => bodies.filter((b) => b.includes(paid.id)).length).toBe(1);

  await cardShots(page, '#callbacks', 'callbacks');
  await cardShots(page, '#callbacks', 'callbacks-1024', { width: 1024, height: 700 });

  await row.getByRole('button', { name: /^Resend payment\.paid/ }).click();
  await expect.poll(() => bodies.filter((b) => b.includes(paid.id)).length).toBe(2);
  await card.getByRole('button', { name: 'I’ve stored it' }).click();
  await expect.poll(() => card.textContent()).toContain(`pdcb_••••${secret.slice(-4)}`);
  await cardShots(page, '#callbacks', 'callbacks-after');

  await card.getByRole('button', { name: 'Rotate secret' }).click();
  const rotated = (await card.getByTestId('callbacks-secret').textContent()) ?? '';
  expect(rotated).toMatch(/^pdcb_/);
  expect(rotated).not.toBe(secret);
  expect(await card.getByRole('status', { name: 'The new signing secret' }).textContent()).toContain('The previous secret keeps signing too until');
  await cardShots(page, '#callbacks', 'callbacks-rotated');
});
