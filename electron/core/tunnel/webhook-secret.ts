// The webhook secret Paydesk makes for a gateway whose webhooks the merchant sets up by hand: it is pasted
// into the gateway's dashboard next to the URL.
import { randomBytes } from 'node:crypto';

/** 32 random bytes, base64url (43 characters: letters, digits, - and _), so it survives copy and paste. */
export function generateWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Generate a webhook secret and store it through the injected accessor (the vault) before returning it,
 * so a secret is never shown that Paydesk would not verify with.
 */
export async function createWebhookSecret(accountId: string, store: (accountId: string, secret: string) => Promise<void> | void): Promise<string> {
  const secret = generateWebhookSecret();
  await store(accountId, secret);
  return secret;
}
