// The part of the gateway seam that knows the shape of a gateway's keys: which key goes in which field,
// and which mode a key belongs to. Pure; messages name the field and never echo the key (a secret pasted
// into the wrong field must not come back in an error). Each gateway's rules are in gateways/<gateway>/keys.ts.
import type { Mode } from '../../../../shared/contract';

export interface KeyPort {
  /** the gateway's API authenticates with the public key and the secret together (Razorpay's key id), not the secret alone */
  readonly callsNeedPublicKey: boolean;
  /** throws AppError invalid_input at `publicKey` */
  checkPublicKey(mode: Mode, key: string): void;
  /** throws AppError invalid_input at `secretKey`; returns the mode to show with the secret */
  checkSecretKey(mode: Mode, key: string): Mode;
  /** throws AppError invalid_input at `webhookSecret` */
  checkWebhookSecret(secret: string): void;
  /** the public key and the secret of one account must belong together (same mode); throws at `secretKey` */
  checkPair(publicKey: string | null, secretKey: string | null): void;
}
