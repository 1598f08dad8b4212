// Settings → Developers in Chromium against browser mode: the owner switches the merchant API on, creates a
// token (refunds unticked unless asked for), copies the integration document's curl and the test sends exactly that request
// to the local API: 201 with a checkout_url; after Revoke the same request is refused (401). A staff member
// never sees the panel. Screenshots: light, dark, and at 1024×700.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cardShots, pageRpc, startConsoleSession, type ConsolePage, type ConsoleSession } from './fixtures';

let session: ConsoleSession;
let cp: ConsolePage;
let page: Page;
const OWNER = { name: 'Asha', pin: '482913' };
const STAFF = { name: 'Ravi', pin: '1357' };
const people: Record<string, string> = {};

async function signInAs(who: { name: string; pin: string }): Promise<void> {
  await pageRpc(page, 'desk.lock', {});
  await pageRpc(page, 'desk.signIn', { operatorId: people[who.name], pin: who.pin });
  await page.reload();
  await page.locator('nav[aria-label="Main"]').waitFor();
  await expect.poll(() => page.getByTestId('desk-current').textContent()).toBe(who.name);
}

async function goSettings(): Promise<void> {
  // the callback runs in the page; this file is type-checked without the DOM lib
  await page.evaluate(() => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = '#/settings';
  });
  await page.locator('#accounts .account').first().waitFor();
}

/** The request a curl command line makes: its URL, -H headers and -d body (the shapes the panel prints). */
function parseCurl(curl: string): { url: string; headers: Record<string, string>; body: string } {
  const url = /-X POST (\S+)/.exec(curl)?.[1];
  const body = /-d '([^']*)'/.exec(curl)?.[1];
  const headers: Record<string, string> = {};
  for (const m of curl.matchAll(/-H "([^:"]+): ([^"]*)"/g)) headers[m[1]!] = m[2]!;
  if (!url || body === undefined) throw new Error(`not a curl the panel prints: ${curl}`);
  return { url, headers, body };
}

/** the text the page last put on the clipboard (navigator.clipboard, or the textarea fallback's copy) */
function copiedText(): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { __copied?: string }).__copied ?? '');
}

beforeAll(async () => {
  session = await startConsoleSession();
  ({ cp, page } = session);
  // record what the page copies, whichever way it copies (the clipboard API or execCommand on a textarea)
  await page.addInitScript(() => {
    const g = globalThis as unknown as { __copied?: string; navigator: { clipboard?: { writeText(t: string): Promise<void> } }; document: { execCommand(c: string): boolean; querySelector(s: string): { value: string } | null } };
    const clip = g.navigator.clipboard;
    if (clip) {
      const write = clip.writeText.bind(clip);
      clip.writeText = async (t: string) => {
        g.__copied = t;
        await write(t).catch(() => undefined);
      };
    }
    const exec = g.document.execCommand.bind(g.document);
    g.document.execCommand = (c: string) => {
      // copyText's fallback copies from a hidden read-only textarea it appends for the moment
      const ta = g.document.querySelector('textarea[readonly][aria-hidden="true"]');
      if (c === 'copy' && ta) g.__copied = ta.value;
      return exec(c);
    };
  });
  people[OWNER.name] = (await pageRpc<{ id: string }>(page, 'operators.create', { name: OWNER.name, role: 'owner', pin: OWNER.pin })).id;
  people[STAFF.name] = (await pageRpc<{ id: string }>(page, 'operators.create', { name: STAFF.name, role: 'staff', pin: STAFF.pin })).id;
}, 180_000);

afterAll(async () => {
  await session?.close();
});

it('the owner switches the API on, creates a token, and the copied curl creates a checkout until the token is revoked', { timeout: 150_000 }, async () => {
  await signInAs(OWNER);
  await goSettings();
  const dev = page.locator('#developers');
  await dev.waitFor();
  await expect.poll(() => dev.getByTestId('api-curl').textContent()).toContain('Bearer <token>');

  await dev.getByRole('button', { name: 'Switch on' }).click();
  await expect.poll(() => dev.getByRole('button', { name: 'Switch off' }).count()).toBe(1);
  const local = (await dev.getByTestId('api-local-url').textContent()) ?? '';
  expect(local).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  // no tunnel in this test: the panel says how to get a public address instead of showing a wrong one
  expect(await dev.getByTestId('api-public-url').count()).toBe(0);

  const form = dev.getByRole('form', { name: 'Create an API token' });
  await form.getByLabel('Name').fill('Shop website');
  await cardShots(page, '#developers', 'developers-form');
  await cardShots(page, '#developers', 'developers-form-1024', { width: 1024, height: 700 });
  expect(await form.getByLabel('Create payments').isChecked()).toBe(true);
  expect(await form.getByLabel('Read payment status').isChecked()).toBe(true);
  expect(await form.getByLabel('Refund payments').isChecked()).toBe(false);
  await form.getByRole('button', { name: 'Create token' }).click();

  const secret = (await dev.getByTestId('api-token-secret').textContent()) ?? '';
  expect(secret).toMatch(/^pdk_api_/);
  await expect.poll(() => dev.getByRole('status', { name: 'The new token' }).textContent()).toContain('Shown once.');
  const row = dev.getByRole('list', { name: 'API tokens' }).locator('li', { hasText: 'Shop website' });
  await expect.poll(() => row.textContent()).toContain(`••••${secret.slice(-4)}`);
  expect(await row.textContent()).toMatch(/Create.*Read/);
  expect(await row.textContent()).not.toContain('Refund');
  expect(await row.textContent()).toContain('never used');

  await cardShots(page, '#developers', 'developers');
  await cardShots(page, '#developers', 'developers-1024', { width: 1024, height: 700 });

  // the curl carries the real base and the token while it is shown; copy it as a person does
  await dev.getByRole('button', { name: 'Copy curl command' }).click();
  await expect.poll(copiedText).toContain(`Bearer ${secret}`);
  const copied = await copiedText();
  expect(copied).toBe(await dev.getByTestId('api-curl').textContent());
  const req = parseCurl(copied);
  expect(req.url).toBe(`${local}/api/payments/stripe/checkout`);
  expect(req.body).toBe('{"order_id":"ORD123","amount":5000,"currency":"usd"}');

  const first = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body });
  const created = (await first.json()) as { checkout_url?: string; order_id?: string };
  expect(first.status, JSON.stringify(created)).toBe(201);
  expect(created.checkout_url).toMatch(/^https?:\/\//);
  expect(created.order_id).toBe('ORD123');

  // shown once: after a reload the secret is gone, the curl is back to a placeholder, the use is recorded
  await page.reload();
  await dev.getByRole('list', { name: 'API tokens' }).waitFor();
  expect(await dev.getByTestId('api-token-secret').count()).toBe(0);
  expect(await page.content()).not.toContain(secret);
  expect(await dev.getByTestId('api-curl').textContent()).toContain('Bearer <token>');
  await expect.poll(() => row.textContent()).toMatch(/last used/);

  await row.getByRole('button', { name: 'Revoke Shop website' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke “Shop website”?' });
  await dialog.getByRole('button', { name: 'Revoke token' }).click();
  await expect.poll(() => row.count()).toBe(0);
  const again = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body });
  const refused = (await again.json()) as { error?: { code: string; message: string } };
  expect(again.status).toBe(401);
  expect(refused.error?.message).toContain('Settings → Developers');
  expect(cp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
});

it('with the public address up, the panel gives the public base, and the copied curl works through it', { timeout: 120_000 }, async () => {
  await signInAs(OWNER);
  // the "URL I run myself" pointing at the edge listener on this computer stands in for the tunnel here
  const edge = (await pageRpc<{ listener: { url: string | null } }>(page, 'webhooks.deliveries', {})).listener.url;
  expect(edge).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  await pageRpc(page, 'tunnel.start', { provider: 'own', ownUrl: edge });
  await goSettings();
  const dev = page.locator('#developers');
  await expect.poll(() => dev.getByTestId('api-public-url').textContent(), { timeout: 20_000 }).toBe(edge);

  const form = dev.getByRole('form', { name: 'Create an API token' });
  await form.getByLabel('Name').fill('Shop via tunnel');
  await form.getByRole('button', { name: 'Create token' }).click();
  const secret = (await dev.getByTestId('api-token-secret').textContent()) ?? '';
  expect(secret).toMatch(/^pdk_api_/);
  await dev.locator('label.segment', { hasText: 'Public' }).click();
  await expect.poll(() => dev.getByTestId('api-curl').textContent()).toContain(`${edge}/api/payments/stripe/checkout`);
  await cardShots(page, '#developers', 'developers-public');

  await dev.getByRole('button', { name: 'Copy curl command' }).click();
  await expect.poll(copiedText).toContain(`${edge}/api/`);
  const req = parseCurl(await copiedText());
  const first = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body.replace('ORD123', 'ORD124') });
  const created = (await first.json()) as { checkout_url?: string; order_id?: string; id?: string };
  expect(first.status, JSON.stringify(created)).toBe(201);
  expect(created.order_id).toBe('ORD124');
  const status = await fetch(`${edge}/api/payments/stripe/status/${created.id ?? ''}`, { headers: { authorization: `Bearer ${secret}` } });
  expect(status.status).toBe(200);
  await pageRpc(page, 'tunnel.stop', {});
});

it('a staff member sees no Developers panel', { timeout: 60_000 }, async () => {
  await signInAs(STAFF);
  await goSettings();
  await page.locator('#people').waitFor();
  expect(await page.locator('#developers').count()).toBe(0);
  expect(await page.getByRole('heading', { name: 'Developers' }).count()).toBe(0);
  // and core agrees: the owner-only methods refuse a staff member
  await expect(pageRpc(page, 'api.tokens.create', { name: 'Sneaky' })).rejects.toThrow(/owner/i);
  await expect(pageRpc(page, 'api.tokens.list', {})).rejects.toThrow(/owner/i);
});
