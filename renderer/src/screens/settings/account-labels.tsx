// Words and small marks for accounts, shared by Settings and Overview.
import type { Account, Gateway, Mode, SecretStatus } from '../../../../shared/contract';
import { StatusChip } from '../../components';

export const gatewayName = (g: Gateway): string => (g === 'stripe' ? 'Stripe' : 'Razorpay');

export function GatewayMark({ gateway }: { gateway: Gateway }) {
  return (
    <span className={`gateway-mark gateway-${gateway}`} aria-hidden="true">
      {gateway === 'stripe' ? 'S' : 'R'}
    </span>
  );
}

export function ModeChip({ mode }: { mode: Mode }) {
  return <StatusChip tone={mode === 'test' ? 'test' : 'live'}>{mode === 'test' ? 'Test mode' : 'Live'}</StatusChip>;
}

export function VerificationChip({ v }: { v: Account['verification'] }) {
  if (v.status === 'verified') return <StatusChip tone="success">Verified</StatusChip>;
  if (v.status === 'failed') return <StatusChip tone="danger">Keys refused</StatusChip>;
  return <StatusChip tone="neutral">Not verified</StatusChip>;
}

/** "•••• 4242" or "not set": the renderer never has more than the last four characters. */
export function secretText(s: SecretStatus): string {
  if (!s.configured) return 'not set';
  return s.last4 ? `•••• ${s.last4}` : '•••• set';
}

export interface KeyLabels {
  publicKey: string;
  publicKeyHint: string;
  secretKey: string;
  secretKeyHint: string;
  webhookSecretHint: string;
}

export function keyLabels(gateway: Gateway, mode: Mode): KeyLabels {
  if (gateway === 'stripe') {
    return {
      publicKey: 'Publishable key',
      publicKeyHint: `Starts with pk_${mode}_. Stripe Dashboard → Developers → API keys.`,
      secretKey: 'Secret key',
      secretKeyHint: `Starts with sk_${mode}_ (or a restricted key, rk_${mode}_). Stored encrypted; you won’t see it again.`,
      webhookSecretHint: 'Starts with whsec_. Lets Paydesk check that webhook events really come from Stripe.',
    };
  }
  return {
    publicKey: 'Key ID',
    publicKeyHint: `Starts with rzp_${mode}_. Razorpay Dashboard → Account & Settings → API keys.`,
    secretKey: 'Key secret',
    secretKeyHint: 'Shown once by Razorpay when you generate the key. Stored encrypted; you won’t see it again.',
    webhookSecretHint: 'The secret you chose when adding the webhook in Razorpay. Lets Paydesk check events are genuine.',
  };
}
