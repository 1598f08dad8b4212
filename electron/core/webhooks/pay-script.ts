// The script of the pay page (/pay/assets/pay.js, served from Paydesk's own origin so the page's CSP needs
// no inline script). It opens Checkout with the options the page carries in #pay's data-config, posts the
// three fields Checkout returns to /pay/<id>/verify, and goes where the answer says (the shop's success page
// or Paydesk's thank-you page). Plain ES5 in a string: it runs in any customer's browser, unbundled.
export const PAY_SCRIPT = `(function () {
  'use strict';
  var root = document.getElementById('pay');
  if (!root) return;
  var cfg = JSON.parse(root.getAttribute('data-config') || '{}');
  var button = document.getElementById('pay-button');
  var note = document.getElementById('pay-note');
  function say(text, bad) { note.textContent = text; note.className = bad ? 'note bad' : 'note'; }
  function safeNext(next) { return typeof next === 'string' && (/^https?:\\/\\//.test(next) || next.indexOf('/pay/') === 0) ? next : null; }
  function verify(response) {
    button.disabled = true;
    say('Confirming the payment...');
    var body = { razorpay_payment_id: response.razorpay_payment_id, razorpay_order_id: response.razorpay_order_id, razorpay_signature: response.razorpay_signature };
    fetch(cfg.verifyUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (a) {
        var next = safeNext(a.body && a.body.next);
        if (a.ok && next) { say('Paid. Taking you back to the shop...'); window.location.assign(next); return; }
        say((a.body && a.body.message) || 'The payment could not be confirmed.', true);
        button.disabled = false;
      })
      .catch(function () {
        say('The payment could not be confirmed: the connection failed. If you were charged, keep this payment id: ' + response.razorpay_payment_id, true);
        button.disabled = false;
      });
  }
  button.addEventListener('click', function () {
    if (typeof window.Razorpay !== 'function') { say('The checkout could not be loaded. Check your connection and reload the page.', true); return; }
    say('');
    var checkout = new window.Razorpay({
      key: cfg.key, order_id: cfg.orderId, amount: cfg.amount, currency: cfg.currency, name: cfg.name,
      description: cfg.description, prefill: cfg.prefill, handler: verify,
      modal: { ondismiss: function () { if (!button.disabled) say('Checkout closed. Nothing was charged: press Pay to try again.'); } }
    });
    if (typeof checkout.on === 'function') {
      checkout.on('payment.failed', function (r) { say('The payment failed' + (r && r.error && r.error.description ? ': ' + r.error.description : '') + '. You can try again.', true); });
    }
    checkout.open();
  });
})();
`;
