// Words and small marks for accounts, shared by Settings and Overview.
import type { Account, Gateway, Mode, SecretStatus } from '../../../../shared/contract';
import { gatewayLabel } from '../../../../shared/gateways';
import { StatusChip } from '../../components';

export function GatewayMark({ gateway }: { gateway: Gateway }) {
  return (
    <span className={`gateway-mark gateway-${gateway}`} aria-hidden="true">
      {gatewayLabel(gateway).charAt(0)}
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
  /** what a key looks like, as the empty field shows it; masked where the gateway's keys have no telling prefix */
  publicKeyPlaceholder: string;
  secretKeyPlaceholder: string;
  webhookSecretPlaceholder: string;
}

/** Each gateway names its keys differently; a Record so that a new gateway cannot miss its words. */
const KEY_LABELS: Record<Gateway, (mode: Mode) => KeyLabels> = {
  stripe: (mode) => ({
    publicKey: 'Publishable key',
    publicKeyHint: `Starts with pk_${mode}_. Stripe Dashboard → Developers → API keys.`,
    secretKey: 'Secret key',
    secretKeyHint: `Starts with sk_${mode}_ (or a restricted key, rk_${mode}_). Stored encrypted; you won’t see it again.`,
    webhookSecretHint: 'Starts with whsec_. Lets Paydesk check that webhook events really come from Stripe.',
    publicKeyPlaceholder: `pk_${mode}_…`,
    secretKeyPlaceholder: `sk_${mode}_…`,
    webhookSecretPlaceholder: 'whsec_…',
  }),
  razorpay: (mode) => ({
    publicKey: 'Key ID',
    publicKeyHint: `Starts with rzp_${mode}_. Razorpay Dashboard → Account & Settings → API keys.`,
    secretKey: 'Key secret',
    secretKeyHint: 'Shown once by Razorpay when you generate the key. Stored encrypted; you won’t see it again.',
    webhookSecretHint: 'The secret you chose when adding the webhook in Razorpay. Lets Paydesk check events are genuine.',
    publicKeyPlaceholder: `rzp_${mode}_…`,
    secretKeyPlaceholder: '••••••••',
    webhookSecretPlaceholder: '••••••••',
  }),
};

export function keyLabels(gateway: Gateway, mode: Mode): KeyLabels {
  return KEY_LABELS[gateway](mode);
}
