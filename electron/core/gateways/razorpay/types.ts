// Razorpay webhook payload types, from Razorpay's webhook and entity docs (razorpay/markdown-docs
// webhooks/all.md, api/payments/entity.md, api/orders/entity.md, api/payments/payment-links, api/refunds/entity.md).
// razorpay-node ships no webhook payload types. Amounts are integers in subunits; times are unix seconds.
// Empty `notes` arrive as [] (a PHP empty array), not {}.

export type RazorpayNotes = Record<string, string | number | null> | unknown[] | null;

export interface RazorpayPayment {
  id: string; // pay_...
  entity: 'payment';
  amount: number;
  currency: string;
  status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  order_id: string | null;
  invoice_id?: string | null;
  international?: boolean;
  method?: string;
  amount_refunded?: number;
  refund_status?: 'partial' | 'full' | null;
  captured?: boolean;
  description?: string | null;
  card_id?: string | null;
  bank?: string | null;
  wallet?: string | null;
  vpa?: string | null;
  email?: string | null;
  contact?: string | null;
  notes?: RazorpayNotes;
  /** total fee including tax, subunits; null until captured */
  fee?: number | null;
  tax?: number | null;
  error_code?: string | null;
  error_description?: string | null;
  error_source?: string | null;
  error_step?: string | null;
  error_reason?: string | null;
  acquirer_data?: Record<string, unknown>;
  created_at: number;
}

export interface RazorpayOrder {
  id: string; // order_...
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  status: 'created' | 'attempted' | 'paid';
  attempts?: number;
  notes?: RazorpayNotes;
  created_at: number;
}

export interface RazorpayPaymentLink {
  id: string; // plink_...
  entity?: 'payment_link';
  amount: number;
  amount_paid: number;
  currency: string;
  accept_partial?: boolean;
  description?: string | null;
  reference_id: string | null;
  status: 'created' | 'partially_paid' | 'paid' | 'cancelled' | 'expired';
  short_url?: string;
  order_id?: string | null;
  expire_by?: number | null;
  expired_at?: number | null;
  cancelled_at?: number | null;
  customer?: { name?: string; email?: string; contact?: string };
  notes?: RazorpayNotes;
  created_at: number;
  updated_at?: number;
}

export interface RazorpayRefund {
  id: string; // rfnd_...
  entity: 'refund';
  amount: number;
  currency: string;
  payment_id: string;
  notes?: RazorpayNotes;
  receipt?: string | null;
  status: 'pending' | 'processed' | 'failed';
  speed_requested?: 'normal' | 'optimum';
  speed_processed?: 'normal' | 'instant' | null;
  acquirer_data?: Record<string, unknown>;
  created_at: number;
}

export interface RazorpaySettlement {
  id: string; // setl_...
  entity: 'settlement';
  amount: number;
  status: 'created' | 'processed' | 'failed';
  fees: number;
  tax: number;
  utr: string | null;
  created_at: number;
}

export interface RazorpayWebhookEvent {
  entity: 'event';
  account_id: string;
  event: string;
  contains: string[];
  payload: {
    payment?: { entity: RazorpayPayment };
    order?: { entity: RazorpayOrder };
    payment_link?: { entity: RazorpayPaymentLink };
    refund?: { entity: RazorpayRefund };
    settlement?: { entity: RazorpaySettlement };
  };
  created_at: number;
}
