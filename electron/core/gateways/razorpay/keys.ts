// Razorpay's side of ports/keys.ts: the key id (rzp_test_/rzp_live_) carries the mode; the key secret
// and the webhook secret (made by Paydesk or the merchant) do not.
import { invalid } from '../../../../shared/errors';
import { wrongMode } from '../keys-common';
import type { KeyPort } from '../ports/keys';

const KEY_ID = /^rzp_(test|live)_[A-Za-z0-9]{6,}$/;
const SECRET = /^[A-Za-z0-9]{8,}$/;
const NO_SPACE = /^\S+$/;

export const razorpayKeys: KeyPort = {
  callsNeedPublicKey: true,
  checkPublicKey(mode, key) {
    if (key === '') throw invalid('publicKey', 'Enter the key id (it starts with rzp_test_ or rzp_live_)');
    const m = KEY_ID.exec(key);
    if (!m) throw invalid('publicKey', 'A Razorpay key id starts with rzp_test_ or rzp_live_ followed by letters and digits');
    if (m[1] !== mode) throw invalid('publicKey', wrongMode(m[1]!, mode));
  },
  checkSecretKey(mode, key) {
    if (key === '') throw invalid('secretKey', 'Enter the key secret shown next to the key id');
    if (key.startsWith('rzp_')) throw invalid('secretKey', 'This is the key id. Paste the key secret shown next to it.');
    if (!SECRET.test(key)) throw invalid('secretKey', 'A Razorpay key secret is made of letters and digits only');
    return mode;
  },
  checkWebhookSecret(secret) {
    if (!NO_SPACE.test(secret)) throw invalid('webhookSecret', 'A webhook secret cannot contain spaces');
  },
  // the key secret carries no mode to compare with the key id's
  checkPair() {},
};
