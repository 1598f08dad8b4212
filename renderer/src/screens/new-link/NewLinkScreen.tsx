// New payment link: the form, then the result (URL, copy, QR, open, cancel) with its status live.
// The form checks what it can before sending (every mistake at its field, the focus on the first) and starts
// from what the shop expects (the account's and the shop's currency); core checks everything again and names
// the field of an error it finds, shown at that field once.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { Account, LinkCreateInput, LinkKindInput, Payment } from '../../../../shared/contract';
import { GATEWAY_LIMITS, gatewayLabel } from '../../../../shared/gateways';
import { amountExample, parseAmount } from '../../../../shared/money';
import { callingCode, parsePhone, phoneCountry, phoneExample, type ShopPlace } from '../../../../shared/region';
import type { ApiError } from '../../api/errors';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, ButtonLink, CheckboxField, EmptyState, Page, Segmented, SelectField, TextField } from '../../components';
import { displayMoney, merchantLocale } from '../../format/money';
import { hrefFor } from '../../router';
import { GatewayMark, ModeChip } from '../settings/account-labels';
import { PaidNotifier } from '../payments/notifications';
import { useCurrentMode } from '../payments/payment-labels';
import { LinkResult } from './LinkResult';
import { ReturnPagePrompt } from './ReturnPagePrompt';
import { LimitedField, OpenOrderLink } from './form-parts';
import { TEXT_LIMITS, amountRange, checkLinkForm, firstBad, focusField, isFormField, type FieldErrors, type FormField } from './link-form-checks';
import { OrderPagePrompt } from './OrderPagePrompt';
import { EXPIRY_MINUTES, NOTIFY_SENDS, currencyGroups, customExpiryHint, defaultCurrency, expiryOptions, kindOptions, kindWording, type ExpiryChoice } from './link-wording';
import '../payments/payments.css';
import './new-link.css';

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
  // the shop's time zone (Settings → Reports) and locale tell which currency and phone country it expects
  const settings = useRpcQuery('reports.settings.get', {});
  const place = useMemo<ShopPlace>(() => ({ timeZone: settings.data?.timeZone ?? null, locale: merchantLocale() }), [settings.data?.timeZone]);

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
      ) : settings.isPending ? (
        <div className="link-form skeleton link-form-skeleton" aria-busy="true" />
      ) : (
        <LinkForm key={formKey} accounts={modeAccounts} preferred={selected} mode={mode} place={place} onCreated={setCreated} />
      )}
    </Page>
  );
}

interface FormProps {
  accounts: Account[];
  preferred: Account | null;
  mode: Account['mode'];
  place: ShopPlace;
  onCreated(p: Payment): void;
}

function LinkForm({ accounts, preferred, mode, place, onCreated }: FormProps) {
  const create = useRpcMutation('links.create');
  const formRef = useRef<HTMLFormElement>(null);
  const firstUsable = accounts.find((a) => a.verification.status !== 'failed') ?? accounts[0]!;
  const [accountId, setAccountId] = useState((preferred && accounts.some((a) => a.id === preferred.id) ? preferred : firstUsable).id);
  const account = accounts.find((a) => a.id === accountId) ?? firstUsable;
  const gateway = account.gateway;
  const locale = merchantLocale();

  const [kind, setKind] = useState<LinkKindInput>(GATEWAY_LIMITS[gateway].kinds[0]!);
  const [currency, setCurrency] = useState(() => defaultCurrency(gateway, place));
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

  // each field's error, from the form's own check or from core; editing a field clears its own
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<ApiError | null>(null);
  /** the order reference core refused (the order has an open link): the form offers a way to it */
  const [refusedRef, setRefusedRef] = useState(false);
  const [focusOn, setFocusOn] = useState<{ field: FormField } | null>(null);
  useEffect(() => {
    if (focusOn) focusField(formRef.current, focusOn.field);
  }, [focusOn]);
  const edited = (field: FormField, ...more: FormField[]) => {
    if ([field, ...more].some((f) => errors[f])) setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== field && !more.includes(k as FormField))));
  };
  const setter = (field: FormField, set: (v: string) => void) => (v: string) => {
    set(v);
    edited(field);
  };

  // one request id per distinct submission: a double click or a retry of the same form reuses it
  const request = useRef<{ key: string; id: string } | null>(null);

  const currencies = useMemo(() => currencyGroups(gateway, defaultCurrency(gateway, place)), [gateway, place]);
  const expiryChoices = expiryOptions(kind, gateway);
  const effectiveExpiry: ExpiryChoice = expiry === 'default' ? (expiryChoices[0]?.value ?? 'none') : expiry;
  const phoneCc = phoneCountry(place, gateway, currency);

  const pickAccount = (a: Account) => {
    setAccountId(a.id);
    edited('accountId', 'mode', 'kind', 'currency', 'amount', 'orderRef');
    if (a.gateway !== gateway) {
      setKind(GATEWAY_LIMITS[a.gateway].kinds[0]!);
      setCurrency(defaultCurrency(a.gateway, place));
      setExpiry('default');
    }
  };

  const preview = amount.trim() ? parseAmount(amount, currency) : null;
  const phonePreview = customerPhone.trim() ? parsePhone(customerPhone, phoneCc) : null;
  const err = (field: FormField) => errors[field];
  const expiryError = err('expiresInMinutes') ?? err('expiresAt');

  const refused = (e: ApiError) => {
    setRefusedRef(e.field === 'orderRef');
    if (isFormField(e.field)) {
      setErrors({ [e.field]: e.message });
      setFormError(null);
      setFocusOn({ field: e.field });
    } else setFormError(e);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    const found = checkLinkForm({ amount, currency, orderRef, description, customerName, customerEmail, customerPhone }, gateway, phoneCc, locale);
    const first = firstBad(found);
    setErrors(found);
    setFormError(null);
    if (first) {
      setFocusOn({ field: first });
      return;
    }
    const input: LinkCreateInput = { accountId, mode, kind, amount, currency, orderRef, notify };
    if (description.trim()) input.description = description;
    if (customerName.trim()) input.customerName = customerName;
    if (customerEmail.trim()) input.customerEmail = customerEmail;
    // sent as read here (E.164), so core stores the number the merchant saw under the field
    if (customerPhone.trim()) input.customerPhone = phonePreview?.ok ? phonePreview.e164 : customerPhone;
    const minutes = EXPIRY_MINUTES[effectiveExpiry];
    if (minutes !== undefined) input.expiresInMinutes = minutes;
    else if (effectiveExpiry === 'custom' && customExpiry) input.expiresAt = new Date(customExpiry).getTime();
    const filled = notes.filter((n) => n.key.trim() || n.value.trim());
    if (filled.length) input.notes = Object.fromEntries(filled.map((n) => [n.key.trim(), n.value]));
    const key = JSON.stringify(input);
    if (!request.current || request.current.key !== key) request.current = { key, id: newRequestId() };
    create.mutate({ ...input, requestId: request.current.id }, { onSuccess: (p) => onCreated(p), onError: refused });
  };

  const kinds = kindOptions(gateway);
  const amountHint = preview?.ok
    ? <>The customer pays <strong>{displayMoney(preview.minor, currency)}</strong>. {amountRange(gateway, currency, locale)}</>
    : `As you’d write it, e.g. ${amountExample(currency)} or ${amountExample(currency, false)}. ${amountRange(gateway, currency, locale)}`;
  const cc = callingCode(phoneCc);
  const phoneHint = phonePreview?.ok
    ? <>Saved as <strong>{phonePreview.display}</strong></>
    : cc ? `Without a country code, ${cc} is assumed.` : 'With the country code, e.g. +1 202 555 0123.';

  return (
    <form ref={formRef} className="link-form" onSubmit={submit} noValidate aria-label="New payment link">
      {formError && (
        <Banner tone="danger" title={formError.code === 'gateway_unreachable' ? `${gatewayLabel(gateway)} couldn’t be reached` : 'The link wasn’t created'}>
          {formError.message}
        </Banner>
      )}

      <fieldset className="field link-accounts" aria-describedby={err('accountId') ?? err('mode') ? 'account-error' : undefined}>
        <legend className="field-label">Account</legend>
        <div className="account-pick" role="radiogroup" aria-label="Account">
          {accounts.map((a) => (
            <label key={a.id} className={a.id === accountId ? 'account-option is-selected' : 'account-option'}>
              <input type="radio" name="account" value={a.id} checked={a.id === accountId} onChange={() => pickAccount(a)} />
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
        options={kinds.map((k) => ({
          value: k.value,
          label: (
            <span className="kind-option">
              <span>{k.label}</span>
              <span className="kind-term">{k.term}</span>
            </span>
          ),
        }))}
        onChange={(v) => {
          setKind(v);
          setExpiry('default');
          edited('kind', 'expiresInMinutes', 'expiresAt');
        }}
        hint={kinds.find((k) => k.value === kind)?.hint}
        error={err('kind')}
      />
      <ReturnPagePrompt account={account} kind={kind} onSaved={() => edited('kind')} />
      <OrderPagePrompt account={account} kind={kind} onSwitch={() => { setKind('payment_link'); setExpiry('default'); edited('kind'); }} />

      <div className="link-amount-row">
        <TextField
          label="Amount"
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          maxLength={40}
          placeholder={amountExample(currency)}
          value={amount}
          onChange={(e) => setter('amount', setAmount)(e.target.value)}
          required
          error={err('amount')}
          hint={amountHint}
          className="link-amount"
        />
        <SelectField label="Currency" name="currency" value={currency} onChange={(e) => { setCurrency(e.target.value); edited('currency', 'amount'); }} error={err('currency')} className="link-currency">
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

      <LimitedField
        label="Order reference" name="orderRef" what="an order reference" max={TEXT_LIMITS.orderRef} required placeholder="INV-1024"
        value={orderRef} onValue={setter('orderRef', setOrderRef)} error={err('orderRef')} className="link-order-ref"
        hint={err('orderRef') && refusedRef ? <OpenOrderLink accountId={accountId} orderRef={orderRef} /> : 'Your own reference for this order: the customer sees it on the payment page.'}
      />
      <LimitedField
        label="Description" name="description" what="a description" max={TEXT_LIMITS.description} optional rows={3} placeholder="What the customer pays for"
        value={description} onValue={setter('description', setDescription)} error={err('description')} hint="Shown on the payment page."
      />

      <fieldset className="link-group">
        <legend className="link-group-title">Customer</legend>
        <LimitedField label="Name" name="customerName" what="a name" max={TEXT_LIMITS.customerName} optional value={customerName} onValue={setter('customerName', setCustomerName)} error={err('customerName')} />
        <div className="form-row">
          <TextField label="Email" name="customerEmail" type="email" optional autoComplete="off" maxLength={TEXT_LIMITS.customerEmail} placeholder="name@example.com" value={customerEmail} onChange={(e) => setter('customerEmail', setCustomerEmail)(e.target.value)} error={err('customerEmail')} />
          <TextField label="Phone" name="customerPhone" type="tel" optional autoComplete="off" maxLength={TEXT_LIMITS.customerPhone} placeholder={phoneExample(phoneCc)} value={customerPhone} onChange={(e) => setter('customerPhone', setCustomerPhone)(e.target.value)} error={err('customerPhone')} hint={phoneHint} />
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
          <SelectField label="Link expires" name="expiry" value={effectiveExpiry} onChange={(e) => { setExpiry(e.target.value as ExpiryChoice); edited('expiresInMinutes', 'expiresAt'); }} error={effectiveExpiry === 'custom' ? undefined : expiryError}>
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
              onChange={(e) => { setCustomExpiry(e.target.value); edited('expiresInMinutes', 'expiresAt'); }}
              error={expiryError}
              hint={customExpiryHint(kind, gateway)}
            />
          )}
        </div>
      ) : (
        <p className="muted small link-noexpiry">{kindWording(kind).noExpiry}</p>
      )}

      <NotesGroup notes={notes} gateway={gateway} error={err('notes')} onNotes={(n) => { setNotes(n); edited('notes'); }} />

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

/** Up to 10 notes of the merchant's own, each a name and a value, with their length limits. */
function NotesGroup({ notes, gateway, error, onNotes }: { notes: NoteRow[]; gateway: Account['gateway']; error: string | undefined; onNotes(n: NoteRow[]): void }) {
  const change = (i: number, patch: Partial<NoteRow>) => onNotes(notes.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <fieldset className="link-group link-notes" aria-describedby={error ? 'notes-error' : undefined}>
      <legend className="link-group-title">
        Notes <span className="field-optional">optional</span>
      </legend>
      <p className="field-hint">
        Your own details, kept with the payment and sent to {gatewayLabel(gateway)} (at most 10; names up to {TEXT_LIMITS.noteName} characters, values up to {TEXT_LIMITS.noteValue}).
      </p>
      {notes.map((n, i) => (
        <div key={i} className="note-row">
          <input className="input input-sm mono" aria-label={`Note ${i + 1} name`} placeholder="name (e.g. table)" maxLength={TEXT_LIMITS.noteName} value={n.key} onChange={(e) => change(i, { key: e.target.value })} />
          <input className="input input-sm" aria-label={`Note ${i + 1} value`} placeholder="value" maxLength={TEXT_LIMITS.noteValue} value={n.value} onChange={(e) => change(i, { value: e.target.value })} />
          <Button size="sm" variant="ghost" icon="x" aria-label={`Remove note ${i + 1}`} className="btn-icon-only" onClick={() => onNotes(notes.filter((_, j) => j !== i))} />
        </div>
      ))}
      {error && (
        <p className="field-error" id="notes-error">
          <span>{error}</span>
        </p>
      )}
      {notes.length < 10 && (
        <div>
          <Button size="sm" variant="ghost" icon="plus" onClick={() => onNotes([...notes, { key: '', value: '' }])}>
            Add note
          </Button>
        </div>
      )}
    </fieldset>
  );
}
