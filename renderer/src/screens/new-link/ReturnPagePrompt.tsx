// Under the kind picker: a Stripe Checkout Session must send the customer back to a page after paying, and this
// account has none to send them to (no "return to shop" page, no public address for Paydesk's own, not a sandbox
// account). Core would refuse the link at `kind`; this asks first: the owner gives the shop's page here (saved to
// the account, as in Settings → Accounts), staff are told to ask the owner.
import { useState, type KeyboardEvent } from 'react';
import type { Account, LinkKindInput } from '../../../../shared/contract';
import { useCan } from '../../api/access';
import { fieldError, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Button, TextField, toast } from '../../components';

/** true when a Checkout Session of `account` would have nowhere to send the customer back to */
export function needsShopPage(account: Account, kind: LinkKindInput, publicUrl: string | null | undefined): boolean {
  return account.gateway === 'stripe' && kind === 'checkout_session' && !account.returnSuccessUrl && !account.sandbox && !publicUrl;
}

export function ReturnPagePrompt({ account, kind, onSaved }: { account: Account; kind: LinkKindInput; onSaved(): void }) {
  const tunnel = useRpcQuery('tunnel.status', {});
  const can = useCan('accounts.update');
  if (tunnel.isPending || !needsShopPage(account, kind, tunnel.data?.status.url)) return null;
  return (
    <div className="return-prompt" role="status" aria-label="Return page needed">
      <p className="strong">Where should Stripe send the customer after paying?</p>
      <p className="small">
        Stripe Checkout brings the customer back to a page when they pay or cancel, and {account.label} has none yet.
        {can.allowed ? ' Give your shop’s page here: it is saved to the account (Settings → Accounts) for every link.' : ' Ask an owner to add the shop’s return page in Settings → Accounts, or to start the public address (Webhooks).'}
      </p>
      {can.allowed && <ShopPageField account={account} onSaved={onSaved} />}
    </div>
  );
}

function ShopPageField({ account, onSaved }: { account: Account; onSaved(): void }) {
  const [url, setUrl] = useState('');
  const update = useRpcMutation('accounts.update');
  const save = () => {
    if (!url.trim() || update.isPending) return;
    update.mutate({ id: account.id, returnSuccessUrl: url.trim() }, {
      onSuccess: () => {
        toast.success('Return page saved to the account');
        onSaved();
      },
    });
  };
  // inside the link form: Enter saves the page instead of submitting the link
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    save();
  };
  const error = update.error ? (fieldError(update.error, 'returnSuccessUrl') ?? update.error.message) : undefined;
  return (
    <div className="return-prompt-row">
      <TextField
        label="Your shop’s return page"
        name="returnSuccessUrl"
        type="url"
        inputMode="url"
        className="mono-input return-prompt-field"
        spellCheck={false}
        maxLength={500}
        placeholder="https://shop.example.com/thanks?order={ref}"
        hint="{ref} becomes the order reference. Or start the public address (Webhooks) to use Paydesk’s own thank-you page."
        value={url}
        error={error}
        onKeyDown={onKey}
        onChange={(e) => { setUrl(e.target.value); update.reset(); }}
      />
      <Button size="sm" variant="primary" busy={update.isPending} disabled={!url.trim()} onClick={save}>
        Save page
      </Button>
    </div>
  );
}
