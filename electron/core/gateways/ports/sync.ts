// The part of the gateway seam for catching up with the gateway: its recent events or each open link's facts, as gateway-neutral facts (payments/sync.ts).
// Gateway-neutral: no SDK type appears here; each gateway's implementation is in gateways/<gateway>/sync.ts.
import type { PaymentEvent } from '../../../../shared/status';
import type { CustomerFacts, GatewayIds, PaymentRef } from '../facts';
import type { LinkHandle } from './links';

/** Where an event stream was read up to: the newest event's time (unix s) and the ids seen at that second. */
export interface EventCursor {
  created: number;
  ids: string[];
}

/** One gateway event read by the catch-up, with the payment it concerns and its facts. */
export interface SyncedEvent {
  id: string;
  type: string;
  ref: PaymentRef;
  facts: PaymentEvent[];
  /** the payer, when the event says */
  customer?: CustomerFacts | null;
}

/** Facts to fold into a payment together (one transaction, one timeline label). */
export interface SyncFacts {
  facts: PaymentEvent[];
  ids: GatewayIds;
  /** the timeline's label for where the facts came from */
  gatewayType: string;
  /** the payer, when the gateway says */
  customer?: CustomerFacts | null;
}

export interface LinkFacts {
  /** in the order to apply them */
  groups: SyncFacts[];
  /** a part the gateway did not answer (the rest is still applied); for the log */
  warnings: { message: string; detail: Record<string, unknown> }[];
}

export interface EventStream {
  /**
   * Events since `cursor` (the gateway keeps only recent ones), oldest first, without those the cursor already
   * saw and those about no payment; and the cursor after them. Throws AppError.
   */
  since(cursor: EventCursor, nowMs: number): Promise<{ events: SyncedEvent[]; cursor: EventCursor }>;
}

export interface SyncPort {
  /** null: the gateway has no event list to catch up from; each open link is read instead */
  readonly events: EventStream | null;
  /** What the gateway says now about one link. Throws AppError. */
  linkFacts(link: LinkHandle, nowMs: number): Promise<LinkFacts>;
}
