// "Return to shop": the account's own pages that Stripe Checkout sends the customer back to, used when the shop's
// website gave none with the payment (core/payments/return-urls.ts). `{ref}` in an address becomes the order
// reference. Both fields are sent on save; an empty one clears it.
import { useState, type FormEvent } from 'react';
import type { Account } from '../../../../shared/contract';
import { fieldError, useRpcMutation } from '../../api/hooks';
import { Banner, Button, TextField, toast } from '../../components';

const FIELDS = ['returnSuccessUrl', 'returnCancelUrl'];

/** the example under the fields: a sandbox account may use a page on this computer */
const example = (sandbox: boolean): string =>
  sandbox ? 'https://shop.example.com/thanks?order={ref}, or http://127.0.0.1:… for a shop running on this computer' : 'https://shop.example.com/thanks?order={ref}';

export function ReturnPagesForm({ account }: { account: Account }) {
  const [success, setSuccess] = useState(account.returnSuccessUrl ?? '');
  const [cancel, setCancel] = useState(account.returnCancelUrl ?? '');
  const update = useRpcMutation('accounts.update');
  const dirty = success.trim() !== (account.returnSuccessUrl ?? '') || cancel.trim() !== (account.returnCancelUrl ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      { id: account.id, returnSuccessUrl: success.trim() || null, returnCancelUrl: cancel.trim() || null },
      { onSuccess: (a) => { setSuccess(a.returnSuccessUrl ?? ''); setCancel(a.returnCancelUrl ?? ''); toast.success('Return pages saved'); } },
    );
  };
  const generalError = update.error && !FIELDS.includes(update.error.field ?? '') ? update.error.message : null;
  return (
    <section className="stack return-pages" aria-labelledby={`return-${account.id}`}>
      <div>
        <h3 className="secret-title" id={`return-${account.id}`}>Return to shop</h3>
        <p className="muted small">
          Where Stripe Checkout sends the customer after paying or cancelling, when your website gives no page with the payment. Write <code>{'{ref}'}</code> where the order reference goes. Left empty, Paydesk shows its own thank-you page on the public address.
        </p>
      </div>
      <form className="form" onSubmit={submit} noValidate aria-label="Return to shop">
        {generalError && <Banner tone="danger">{generalError}</Banner>}
        <TextField
          label="After paying"
          name="returnSuccessUrl"
          type="url"
          inputMode="url"
          className="mono-input"
          optional
          spellCheck={false}
          maxLength={500}
          placeholder="https://shop.example.com/thanks?order={ref}"
          value={success}
          hint={`For example ${example(account.sandbox)}`}
          error={fieldError(update.error, 'returnSuccessUrl')}
          onChange={(e) => { setSuccess(e.target.value); update.reset(); }}
        />
        <TextField
          label="After cancelling"
          name="returnCancelUrl"
          type="url"
          inputMode="url"
          className="mono-input"
          optional
          spellCheck={false}
          maxLength={500}
          placeholder="https://shop.example.com/cart"
          value={cancel}
          hint="Empty: the page after paying, which can tell from the order whether it was paid."
          error={fieldError(update.error, 'returnCancelUrl')}
          onChange={(e) => { setCancel(e.target.value); update.reset(); }}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" size="sm" disabled={!dirty} busy={update.isPending}>
            Save return pages
          </Button>
        </div>
      </form>
    </section>
  );
}
