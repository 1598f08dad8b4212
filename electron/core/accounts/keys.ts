// Shape and mode checks of gateway keys, with messages for the field they concern.
// Messages never echo the key: a secret pasted into the wrong field must not come back in an error.
import type { Gateway, Mode } from '../../../shared/contract';
import { AppError, invalid } from '../../../shared/errors';

const STRIPE_PUBLISHABLE = /^pk_(test|live)_[A-Za-z0-9]{8,}$/;
const STRIPE_SECRET = /^(?:sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/;
const STRIPE_WEBHOOK = /^whsec_[A-Za-z0-9+/=]{8,}$/;
const RAZORPAY_KEY_ID = /^rzp_(test|live)_[A-Za-z0-9]{6,}$/;
const RAZORPAY_SECRET = /^[A-Za-z0-9]{8,}$/;
const NO_SPACE = /^\S+$/;

const wrongMode = (keyMode: string, mode: Mode): string =>
  `This is a ${keyMode} key, but the account is in ${mode} mode. Use the ${mode} key${mode === 'live' ? ' from the live dashboard' : ' from the test dashboard'}, or create a ${keyMode}-mode account.`;

/** The mode a Stripe key (pk_/sk_/rk_) or Razorpay key id (rzp_) belongs to, or null. */
export function keyMode(key: string): Mode | null {
  const m = /^(?:pk|sk|rk|rzp)_(test|live)_/.exec(key);
  return m ? (m[1] as Mode) : null;
}

export function checkPublicKey(gateway: Gateway, mode: Mode, key: string): void {
  if (gateway === 'stripe') {
    if (key === '') throw invalid('publicKey', 'Enter the publishable key (it starts with pk_test_ or pk_live_)');
    if (/^(sk|rk)_/.test(key)) throw invalid('publicKey', 'This is a secret key. The publishable key starts with pk_test_ or pk_live_; put the secret key in its own field.');
    const m = STRIPE_PUBLISHABLE.exec(key);
    if (!m) throw invalid('publicKey', 'A Stripe publishable key starts with pk_test_ or pk_live_ followed by letters and digits');
    if (m[1] !== mode) throw invalid('publicKey', wrongMode(m[1]!, mode));
  } else {
    if (key === '') throw invalid('publicKey', 'Enter the key id (it starts with rzp_test_ or rzp_live_)');
    const m = RAZORPAY_KEY_ID.exec(key);
    if (!m) throw invalid('publicKey', 'A Razorpay key id starts with rzp_test_ or rzp_live_ followed by letters and digits');
    if (m[1] !== mode) throw invalid('publicKey', wrongMode(m[1]!, mode));
  }
}

/** Checks a secret key and returns the mode to show with it. */
export function checkSecretKey(gateway: Gateway, mode: Mode, key: string): Mode {
  if (gateway === 'stripe') {
    if (key === '') throw invalid('secretKey', 'Enter the secret key (it starts with sk_test_, sk_live_, rk_test_ or rk_live_)');
    if (key.startsWith('pk_')) throw invalid('secretKey', 'This is the publishable key. The secret key starts with sk_ (or rk_ for a restricted key).');
    if (key.startsWith('whsec_')) throw invalid('secretKey', 'This is a webhook signing secret. The secret key starts with sk_ (or rk_ for a restricted key).');
    const m = STRIPE_SECRET.exec(key);
    if (!m) throw invalid('secretKey', 'A Stripe secret key starts with sk_test_, sk_live_, rk_test_ or rk_live_ followed by letters and digits');
    if (m[1] !== mode) throw invalid('secretKey', wrongMode(m[1]!, mode));
    return m[1] as Mode;
  }
  if (key === '') throw invalid('secretKey', 'Enter the key secret shown next to the key id');
  if (key.startsWith('rzp_')) throw invalid('secretKey', 'This is the key id. Paste the key secret shown next to it.');
  if (!RAZORPAY_SECRET.test(key)) throw invalid('secretKey', 'A Razorpay key secret is made of letters and digits only');
  return mode;
}

export function checkWebhookSecret(gateway: Gateway, secret: string): void {
  if (gateway === 'stripe') {
    if (!STRIPE_WEBHOOK.test(secret)) {
      if (/^(sk|rk|pk)_/.test(secret)) throw invalid('webhookSecret', 'This is an API key. The webhook signing secret starts with whsec_.');
      throw invalid('webhookSecret', 'A Stripe webhook signing secret starts with whsec_');
    }
  } else if (!NO_SPACE.test(secret)) {
    throw invalid('webhookSecret', 'A webhook secret cannot contain spaces');
  }
}

/** The publishable key and secret of one Stripe account must be of the same mode. */
export function checkSameMode(publicKey: string | null, secretKey: string | null): void {
  if (!publicKey || !secretKey) return;
  const a = keyMode(publicKey);
  const b = keyMode(secretKey);
  if (a && b && a !== b) throw new AppError('invalid_input', `The publishable key is a ${a} key but the secret key is a ${b} key: use both from the same mode.`, { field: 'secretKey' });
}
