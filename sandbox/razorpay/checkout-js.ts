// GET /v1/checkout.js: the sandbox's stand-in for https://checkout.razorpay.com/v1/checkout.js. It defines
// window.Razorpay with the same options (key, order_id, amount, currency, name, description, prefill,
// handler, modal.ondismiss), open(), close() and on('payment.failed'), and like the real Checkout shows the
// payment in an overlay iframe: the sandbox's order page (/rzp/checkout/:order_id?embed_origin=<page>),
// which, once paid, posts the three fields (razorpay_payment_id, razorpay_order_id, razorpay_signature) to
// the page with postMessage and that page's origin as the target. The stand-in accepts a message only from
// the sandbox's origin and its own iframe, then calls options.handler with the fields.
// Served to any origin (a merchant's page loads it cross-origin); it carries no key and no state.
import type { RouteRegistrar, SandboxResponse } from '../core/types';

/** The message type the sandbox's order page posts to its parent (pages.ts). */
export const CHECKOUT_MESSAGE = 'paydesk-sandbox:razorpay-checkout';

const SCRIPT = `(function () {
  'use strict';
  var me = document.currentScript;
  var SANDBOX = me && me.src ? new URL(me.src).origin : '';
  function Razorpay(options) {
    if (!(this instanceof Razorpay)) return new Razorpay(options);
    if (!options || !options.key) throw new Error('Razorpay: options.key is required');
    if (!options.order_id) throw new Error('Razorpay: options.order_id is required');
    this.options = options;
    this.handlers = {};
    this.overlay = null;
    this.onMessage = this.receive.bind(this);
  }
  Razorpay.prototype.on = function (event, fn) { this.handlers[event] = fn; return this; };
  Razorpay.prototype.open = function () {
    if (this.overlay) return this;
    var o = this.options;
    var overlay = document.createElement('div');
    overlay.setAttribute('data-razorpay-sandbox', 'overlay');
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(15,23,42,.6);display:flex;align-items:center;justify-content:center';
    var frame = document.createElement('iframe');
    frame.title = 'Razorpay Checkout (Paydesk Sandbox)';
    frame.name = 'razorpay-checkout-frame';
    frame.style.cssText = 'width:min(460px,100vw);height:min(760px,100vh);border:0;border-radius:14px;background:#eef2f7;box-shadow:0 12px 40px rgba(0,0,0,.35)';
    var q = '?embed_origin=' + encodeURIComponent(window.location.origin);
    frame.src = SANDBOX + '/rzp/checkout/' + encodeURIComponent(o.order_id) + q;
    var close = document.createElement('button');
    close.type = 'button';
    close.textContent = '\\u00d7';
    close.setAttribute('aria-label', 'Close checkout');
    close.style.cssText = 'position:absolute;top:16px;right:16px;width:40px;height:40px;border:0;border-radius:50%;background:#fff;color:#0f172a;font:24px/1 system-ui,sans-serif;cursor:pointer';
    var self = this;
    close.addEventListener('click', function () { self.close(true); });
    overlay.appendChild(frame);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
    this.overlay = overlay;
    this.frame = frame;
    window.addEventListener('message', this.onMessage);
    return this;
  };
  Razorpay.prototype.close = function (dismissed) {
    if (!this.overlay) return;
    window.removeEventListener('message', this.onMessage);
    this.overlay.parentNode.removeChild(this.overlay);
    this.overlay = null;
    var modal = this.options.modal;
    if (dismissed && modal && typeof modal.ondismiss === 'function') modal.ondismiss();
  };
  Razorpay.prototype.receive = function (event) {
    if (event.origin !== SANDBOX || !this.frame || event.source !== this.frame.contentWindow) return;
    var d = event.data;
    if (!d || d.type !== '${CHECKOUT_MESSAGE}') return;
    if (d.status === 'failed') {
      if (this.handlers['payment.failed']) this.handlers['payment.failed']({ error: { description: d.description || 'Payment failed', metadata: { payment_id: d.razorpay_payment_id, order_id: this.options.order_id } } });
      return;
    }
    this.close(false);
    if (typeof this.options.handler === 'function') {
      this.options.handler({ razorpay_payment_id: d.razorpay_payment_id, razorpay_order_id: d.razorpay_order_id, razorpay_signature: d.razorpay_signature });
    }
  };
  window.Razorpay = Razorpay;
})();
`;

export function registerCheckoutJs(routes: RouteRegistrar): void {
  routes.on('GET', '/v1/checkout.js', (): SandboxResponse => ({
    status: 200,
    headers: {
      'content-type': 'text/javascript; charset=utf-8',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
    body: SCRIPT,
  }));
}
