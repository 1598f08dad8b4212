// New payment link: the form, then the result (URL, copy, QR, open, cancel) with its status live.
// Core validates everything and names the field of an error; the form only helps (amount preview, defaults).
import { useMemo, useRef, useState, type FormEvent } from 'react';
import type { Account, LinkCreateInput, LinkKindInput, Payment } from '../../../../shared/contract';
import { GATEWAY_LIMITS, gatewayLabel } from '../../../../shared/gateways';
import { parseAmount } from '../../../../shared/money';
import { fieldError, useRpcMutation } from '../../api/hooks';
import { Banner, Button, ButtonLink, CheckboxField, EmptyState, Page, Segmented, SelectField, TextField } from '../../components';
import { displayMoney } from '../../format/money';
import { hrefFor } from '../../router';
import { GatewayMark, ModeChip } from '../settings/account-labels';
import { PaidNotifier } from '../payments/notifications';
import { useCurrentMode } from '../payments/payment-labels';
import { LinkResult } from './LinkResult';
import { EXPIRY_MINUTES, NOTIFY_SENDS, currencyGroups, customExpiryHint, defaultCurrency, expiryOptions, kindOptions, kindWording, type ExpiryChoice } from './link-wording';
import '../payments/payments.css';

interface NoteRow {
  key: string;
  value: string;
}

const newRequestId = (): string => {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `req_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
};

/** datetime-local value for a time `minutes` from now */
function localInputValue(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function NewLinkScreen() {
  const { mode, modeAccounts, selected } = useCurrentMode();
  const [created, setCreated] = useState<Payment | null>(null);
  const [formKey, setFormKey] = useState(0);

  return (
    <Page title="New payment link" description="Ask a customer for an amount: they pay on Stripe’s or Razorpay’s own page, you see it here the moment they do.">
      <PaidNotifier />
      {modeAccounts.length === 0 ? (
        <EmptyState
          icon="newLink"
          title={`No ${mode} account connected`}
          action={
            <ButtonLink href={hrefFor('settings')} icon="plug">
              Connect an account
            </ButtonLink>
          }
        >
          <p>Payment links are made through a Stripe or Razorpay account. Connect one in Settings: test keys first if you like, nothing real is charged.</p>
        </EmptyState>
      ) : created ? (
        <LinkResult
          id={created.id}
          initial={created}
          onAnother={() => {
            setCreated(null);
            setFormKey((k) => k + 1);
          }}
        />
      ) : (
        <LinkForm key={formKey} accounts={modeAccounts} preferred={selected} mode={mode} onCreated={setCreated} />
      )}
    </Page>
  );
}

function LinkForm({ accounts, preferred, mode, onCreated }: { accounts: Account[]; preferred: Account | null; mode: Account['mode']; onCreated(p: Payment): void }) {
  const create = useRpcMutation('links.create');
  const firstUsable = accounts.find((a) => a.verification.status !== 'failed') ?? accounts[0]!;
  const [accountId, setAccountId] = useState((preferred && accounts.some((a) => a.id === preferred.id) ? preferred : firstUsable).id);
  const account = accounts.find((a) => a.id === accountId) ?? firstUsable;
  const gateway = account.gateway;

  const [kind, setKind] = useState<LinkKindInput>(GATEWAY_LIMITS[gateway].kinds[0]!);
  const [currency, setCurrency] = useState(defaultCurrency(gateway));
  const [amount, setAmount] = useState('');
  const [orderRef, setOrderRef] = useState('');
  const [description, setDescription] = useState('');
  const [customerName, setCustomerName] = useState('');
  const [customerEmail, setCustomerEmail] = useState('');
  const [customerPhone, setCustomerPhone] = useState('');
  const [expiry, setExpiry] = useState<ExpiryChoice>('default');
  const [customExpiry, setCustomExpiry] = useState('');
  const [notes, setNotes] = useState<NoteRow[]>([]);
  const [notifyTouched, setNotifyTouched] = useState<boolean | null>(null);
  const hasContact = customerEmail.trim() !== '' || customerPhone.trim() !== '';
  const notify = notifyTouched ?? hasContact;

  // one request id per distinct submission: a double click or a retry of the same form reuses it
  const request = useRef<{ key: string; id: string } | null>(null);

  const currencies = useMemo(() => currencyGroups(gateway), [gateway]);

  const expiryChoices = expiryOptions(kind, gateway);
  const effectiveExpiry: ExpiryChoice = expiry === 'default' ? (expiryChoices[0]?.value ?? 'none') : expiry;

  const pickAccount = (a: Account) => {
    setAccountId(a.id);
    if (a.gateway !== gateway) {
      setKind(GATEWAY_LIMITS[a.gateway].kinds[0]!);
      setCurrency(defaultCurrency(a.gateway));
      setExpiry('default');
    }
  };

  const preview = amount.trim() ? parseAmount(amount, currency) : null;
  const err = (field: string) => fieldError(create.error, field);
  const expiryError = err('expiresInMinutes') ?? err('expiresAt');
  const fieldNames = ['accountId', 'mode', 'kind', 'amount', 'currency', 'description', 'orderRef', 'customerName', 'customerEmail', 'customerPhone', 'expiresInMinutes', 'expiresAt', 'notes', 'notify', 'requestId'];
  const formError = create.error && !fieldNames.includes(create.error.field ?? '') ? create.error : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    const input: LinkCreateInput = { accountId, mode, kind, amount, currency, orderRef, notify };
    if (description.trim()) input.description = description;
    if (customerName.trim()) input.customerName = customerName;
    if (customerEmail.trim()) input.customerEmail = customerEmail;
    if (customerPhone.trim()) input.customerPhone = customerPhone;
    const minutes = EXPIRY_MINUTES[effectiveExpiry];
    if (minutes !== undefined) input.expiresInMinutes = minutes;
    else if (effectiveExpiry === 'custom' && customExpiry) input.expiresAt = new Date(customExpiry).getTime();
    const filled = notes.filter((n) => n.key.trim() || n.value.trim());
    if (filled.length) input.notes = Object.fromEntries(filled.map((n) => [n.key.trim(), n.value]));
    const key = JSON.stringify(input);
    if (!request.current || request.current.key !== key) request.current = { key, id: newRequestId() };
    create.mutate({ ...input, requestId: request.current.id }, { onSuccess: (p) => onCreated(p) });
  };

  const kinds = kindOptions(gateway);
  return (
    <form className="link-form" onSubmit={submit} noValidate aria-label="New payment link">
      {formError && (
        <Banner tone="danger" title={formError.code === 'gateway_unreachable' ? `${gatewayLabel(gateway)} couldn’t be reached` : 'The link wasn’t created'}>
          {formError.message}
        </Banner>
      )}

      <fieldset className="field link-accounts" aria-describedby={err('accountId') ? 'account-error' : undefined}>
        <legend className="field-label">Account</legend>
        <div className="account-pick" role="radiogroup" aria-label="Account">
          {accounts.map((a) => (
            <label key={a.id} className={a.id === accountId ? 'account-option is-selected' : 'account-option'}>
              <input
                type="radio"
                name="account"
                value={a.id}
                checked={a.id === accountId}
                onChange={() => pickAccount(a)}
              />
              <GatewayMark gateway={a.gateway} />
              <span className="account-option-text">
                <span className="strong truncate">{a.label}</span>
                <span className="muted small">{gatewayLabel(a.gateway)}{a.sandbox ? ' · Sandbox' : ''}</span>
              </span>
              <ModeChip mode={a.mode} />
            </label>
          ))}
        </div>
        {(err('accountId') ?? err('mode')) && (
          <p className="field-error" id="account-error">
            <span>{err('accountId') ?? err('mode')}</span>
          </p>
        )}
      </fieldset>

      <Segmented
        legend="Kind of link"
        name="kind"
        value={kind}
        options={kinds.map((k) => ({ value: k.value, label: k.label }))}
        onChange={(v) => {
          setKind(v);
          setExpiry('default');
        }}
        hint={kinds.find((k) => k.value === kind)?.hint}
        error={err('kind')}
      />

      <div className="link-amount-row">
        <TextField
          label="Amount"
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          placeholder={currency === 'JPY' || currency === 'KRW' ? '1,500' : '1,234.50'}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          required
          error={err('amount')}
          hint={preview ? (preview.ok ? <>The customer pays <strong>{displayMoney(preview.minor, currency)}</strong></> : preview.reason) : 'As you’d write it, e.g. 1,234.50'}
          className="link-amount"
        />
        <SelectField label="Currency" name="currency" value={currency} onChange={(e) => setCurrency(e.target.value)} error={err('currency')} className="link-currency">
          <optgroup label="Common">
            {currencies.top.map((c) => (
              <option key={c} value={c}>{c}</option>
            ))}
          </optgroup>
          <optgroup label={`All ${gatewayLabel(gateway)} currencies`}>
            {currencies.rest.map((c) => (
              <option key={c} value={c}>{c}</option>
            ))}
          </optgroup>
        </SelectField>
      </div>

      <div className="form-row">
        <TextField label="Order reference" name="orderRef" autoComplete="off" placeholder="INV-1024" value={orderRef} onChange={(e) => setOrderRef(e.target.value)} required error={err('orderRef')} hint="Your own reference; unique per account." />
        <TextField label="Description" name="description" optional placeholder="What the customer pays for" value={description} onChange={(e) => setDescription(e.target.value)} error={err('description')} hint="Shown on the payment page." />
      </div>

      <fieldset className="link-group">
        <legend className="link-group-title">Customer</legend>
        <TextField label="Name" name="customerName" optional autoComplete="off" value={customerName} onChange={(e) => setCustomerName(e.target.value)} error={err('customerName')} />
        <div className="form-row">
          <TextField label="Email" name="customerEmail" type="email" optional autoComplete="off" placeholder="name@example.com" value={customerEmail} onChange={(e) => setCustomerEmail(e.target.value)} error={err('customerEmail')} />
          <TextField label="Phone" name="customerPhone" type="tel" optional autoComplete="off" placeholder="+91 98765 43210" value={customerPhone} onChange={(e) => setCustomerPhone(e.target.value)} error={err('customerPhone')} hint="With the country code." />
        </div>
        <CheckboxField
          name="notify"
          label="Send a receipt"
          checked={notify}
          onChange={(v) => setNotifyTouched(v)}
          hint={
            hasContact
              ? `${gatewayLabel(gateway)} sends ${NOTIFY_SENDS[gateway]} to the customer’s ${[customerEmail.trim() && 'email', customerPhone.trim() && 'phone'].filter(Boolean).join(' and ')}.`
              : 'Needs the customer’s email or phone.'
          }
        />
      </fieldset>

      {expiryChoices.length > 0 ? (
        <div className="form-row">
          <SelectField label="Link expires" name="expiry" value={effectiveExpiry} onChange={(e) => setExpiry(e.target.value as ExpiryChoice)} error={effectiveExpiry === 'custom' ? undefined : expiryError}>
            {expiryChoices.map((o) => (
              <option key={o.value} value={o.value}>{o.label}</option>
            ))}
          </SelectField>
          {effectiveExpiry === 'custom' && (
            <TextField
              label="Expires at"
              name="expiresAt"
              type="datetime-local"
              value={customExpiry}
              min={localInputValue(Date.now())}
              onChange={(e) => setCustomExpiry(e.target.value)}
              error={expiryError}
              hint={customExpiryHint(kind, gateway)}
            />
          )}
        </div>
      ) : (
        <p className="muted small link-noexpiry">{kindWording(kind).noExpiry}</p>
      )}

      <fieldset className="link-group">
        <legend className="link-group-title">
          Notes <span className="field-optional">optional</span>
        </legend>
        <p className="field-hint">Your own key/value details, kept with the payment and sent to {gatewayLabel(gateway)} (at most 10).</p>
        {notes.map((n, i) => (
          <div key={i} className="note-row">
            <input className="input input-sm mono" aria-label={`Note ${i + 1} name`} placeholder="name (e.g. table)" value={n.key} onChange={(e) => setNotes(notes.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))} />
            <input className="input input-sm" aria-label={`Note ${i + 1} value`} placeholder="value" value={n.value} onChange={(e) => setNotes(notes.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
            <Button size="sm" variant="ghost" icon="x" aria-label={`Remove note ${i + 1}`} className="btn-icon-only" onClick={() => setNotes(notes.filter((_, j) => j !== i))} />
          </div>
        ))}
        {err('notes') && (
          <p className="field-error">
            <span>{err('notes')}</span>
          </p>
        )}
        {notes.length < 10 && (
          <div>
            <Button size="sm" variant="ghost" icon="plus" onClick={() => setNotes([...notes, { key: '', value: '' }])}>
              Add note
            </Button>
          </div>
        )}
      </fieldset>

      <div className="form-actions link-actions">
        <Button type="submit" variant="primary" busy={create.isPending} disabled={create.isPending}>
          {create.isPending ? 'Creating link…' : 'Create link'}
        </Button>
        <span className="muted small">
          {mode === 'test' ? 'Test mode: no real money moves.' : 'Live mode: the customer is really charged.'}
        </span>
      </div>
    </form>
  );
}

