// The part of the gateway seam for a checkout run on the shop's own page (Razorpay Checkout.js): the
// gateway hands the customer's browser the payment's ids and a signature made with the account's key
// secret, and the shop's backend asks Paydesk whether they are genuine before it trusts the payment.
// Gateway-neutral: each gateway that has such a checkout implements it in gateways/<gateway>/checkout.ts.

/** What the checkout returned to the shop's page. */
export interface CheckoutReturn {
  /** the gateway's order the customer paid (Razorpay order_...) */
  orderId: string;
  /** the gateway payment that paid it (Razorpay pay_...) */
  paymentId: string;
  signature: string;
}

/** Where the checkout's script comes from, and what it loads in turn: the pay page's CSP allows exactly these. */
export interface CheckoutScript {
  /** the script's URL (Razorpay: https://checkout.razorpay.com/v1/checkout.js) */
  src: string;
  /** origins the script, its frames, its requests and its images come from */
  scriptOrigins: string[];
  frameOrigins: string[];
  connectOrigins: string[];
  imgOrigins: string[];
}

export interface CheckoutPort {
  /** the checkout script Paydesk's own pay page (/pay/<id>) loads for this account */
  script(): CheckoutScript;
  /** true when `signature` is the gateway's over this order and payment, made with this account's key secret */
  verifyReturn(r: CheckoutReturn): boolean;
}
