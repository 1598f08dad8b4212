// A link's own state, apart from its payments' status: a single-use link that took money is `used` (it
// cannot be paid again); a declined try leaves it open; a reusable link stays open until it expires or is
// cancelled. A payment made through a reusable link has none. Core sends it; the screens read it the same way.
import type { PaymentStatus } from './status';

export type LinkState = 'creating' | 'open' | 'used' | 'expired' | 'cancelled';

export function linkStateFor(status: PaymentStatus, link: { reusable: boolean; underLink: boolean }): LinkState | null {
  if (link.underLink) return null;
  switch (status) {
    case 'creating':
    case 'expired':
    case 'cancelled':
      return status;
    case 'open':
    case 'failed':
      return 'open';
    default:
      return link.reusable ? 'open' : 'used';
  }
}
