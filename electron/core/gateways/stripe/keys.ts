// Stripe's side of ports/keys.ts: pk_/sk_/rk_ keys carry their mode, webhook secrets start with whsec_.
import type { Mode } from '../../../../shared/contract';
import { AppError, invalid } from '../../../../shared/errors';
import { wrongMode } from '../keys-common';
import type { KeyPort } from '../ports/keys';

const PUBLISHABLE = /^pk_(test|live)_[A-Za-z0-9]{8,}$/;
const SECRET = /^(?:sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/;
const WEBHOOK = /^whsec_[A-Za-z0-9+/=]{8,}$/;

/** The mode a Stripe key (pk_/sk_/rk_) belongs to, or null. */
const keyMode = (key: string): Mode | null => {
  const m = /^(?:pk|sk|rk)_(test|live)_/.exec(key);
  return m ? (m[1] as Mode) : null;
};

export const stripeKeys: KeyPort = {
  callsNeedPublicKey: false,
  checkPublicKey(mode, key) {
    if (key === '') throw invalid('publicKey', 'Enter the publishable key (it starts with pk_test_ or pk_live_)');
    if (/^(sk|rk)_/.test(key)) throw invalid('publicKey', 'This is a secret key. The publishable key starts with pk_test_ or pk_live_; put the secret key in its own field.');
    const m = PUBLISHABLE.exec(key);
    if (!m) throw invalid('publicKey', 'A Stripe publishable key starts with pk_test_ or pk_live_ followed by letters and digits');
    if (m[1] !== mode) throw invalid('publicKey', wrongMode(m[1]!, mode));
  },
  checkSecretKey(mode, key) {
    if (key === '') throw invalid('secretKey', 'Enter the secret key (it starts with sk_test_, sk_live_, rk_test_ or rk_live_)');
    if (key.startsWith('pk_')) throw invalid('secretKey', 'This is the publishable key. The secret key starts with sk_ (or rk_ for a restricted key).');
    if (key.startsWith('whsec_')) throw invalid('secretKey', 'This is a webhook signing secret. The secret key starts with sk_ (or rk_ for a restricted key).');
    const m = SECRET.exec(key);
    if (!m) throw invalid('secretKey', 'A Stripe secret key starts with sk_test_, sk_live_, rk_test_ or rk_live_ followed by letters and digits');
    if (m[1] !== mode) throw invalid('secretKey', wrongMode(m[1]!, mode));
    return m[1] as Mode;
  },
  checkWebhookSecret(secret) {
    if (WEBHOOK.test(secret)) return;
    if (/^(sk|rk|pk)_/.test(secret)) throw invalid('webhookSecret', 'This is an API key. The webhook signing secret starts with whsec_.');
    throw invalid('webhookSecret', 'A Stripe webhook signing secret starts with whsec_');
  },
  checkPair(publicKey, secretKey) {
    if (!publicKey || !secretKey) return;
    const a = keyMode(publicKey);
    const b = keyMode(secretKey);
    if (a && b && a !== b) throw new AppError('invalid_input', `The publishable key is a ${a} key but the secret key is a ${b} key: use both from the same mode.`, { field: 'secretKey' });
  },
};
