import { useState, type FormEvent } from 'react';
import { AccountInputSchema, type Account, type Gateway, type MethodInput, type Mode } from '../../../../shared/contract';
import { GATEWAYS, gatewayLabel } from '../../../../shared/gateways';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, CheckboxField, Segmented, TextField } from '../../components';
import { keyLabels } from './account-labels';

export const CONNECT_FORM_ID = 'connect-account-form';

type Input = MethodInput<'accounts.create'>;
type FieldName = keyof Input;
const FIELDS: readonly FieldName[] = ['gateway', 'mode', 'label', 'publicKey', 'secretKey', 'webhookSecret', 'sandbox'];
const isField = (f: string | undefined): f is FieldName => (FIELDS as readonly string[]).includes(f ?? '');

export function ConnectAccountForm({ onDone, onBusy }: { onDone(account: Account): void; onBusy(busy: boolean): void }) {
  const [gateway, setGateway] = useState<Gateway>('stripe');
  const [mode, setMode] = useState<Mode>('test');
  const [label, setLabel] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [secretKey, setSecretKey] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [useSandbox, setUseSandbox] = useState(false);
  const sandboxUrl = useRpcQuery('system.info', {}, { staleTime: Infinity }).data?.sandboxUrl ?? null;
  const sandbox = useSandbox && mode === 'test' && sandboxUrl !== null;
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useRpcMutation('accounts.create');
  const labels = keyLabels(gateway, mode);

  const clear = (f: FieldName) => {
    setErrors((e) => (e[f] ? { ...e, [f]: undefined } : e));
    setFormError(null);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    const input: Input = { gateway, mode, label, publicKey, secretKey, ...(webhookSecret.trim() ? { webhookSecret } : {}), ...(sandbox ? { sandbox: true } : {}) };
    // quick checks from the contract's own schema; core parses again and checks key prefixes and modes
    const local: Partial<Record<FieldName, string>> = {};
    const parsed = AccountInputSchema.safeParse(input);
    if (!parsed.success) for (const issue of parsed.error.issues) {
      const f = String(issue.path[0]);
      if (isField(f)) local[f] ??= issue.message;
    }
    if (!publicKey.trim()) local.publicKey ??= `Paste the ${labels.publicKey.toLowerCase()}`;
    if (!secretKey.trim()) local.secretKey ??= `Paste the ${labels.secretKey.toLowerCase()}`;
    if (Object.keys(local).length > 0) {
      setErrors(local);
      focusFirstInvalid();
      return;
    }
    setErrors({});
    setFormError(null);
    onBusy(true);
    create.mutate(input, {
      onSuccess: (account) => {
        setSecretKey('');
        setWebhookSecret('');
        onDone(account);
      },
      onError: (err) => {
        if (isField(err.field)) {
          setErrors({ [err.field]: err.message });
          focusFirstInvalid();
        } else {
          setFormError(err.message);
        }
      },
      onSettled: () => onBusy(false),
    });
  };

  return (
    <form id={CONNECT_FORM_ID} className="form" onSubmit={submit} noValidate autoComplete="off">
      {formError && (
        <Banner tone="danger" title="The account wasn’t connected">
          {formError}
        </Banner>
      )}
      <div className="form-row">
        <Segmented
          legend="Gateway"
          name="gateway"
          value={gateway}
          error={errors.gateway}
          options={GATEWAYS.map((g) => ({ value: g, label: gatewayLabel(g) }))}
          onChange={(g) => {
            setGateway(g);
            clear('gateway');
          }}
        />
        <Segmented
          legend="Mode"
          name="mode"
          value={mode}
          error={errors.mode}
          options={[
            { value: 'test', label: 'Test' },
            { value: 'live', label: 'Live' },
          ]}
          onChange={(m) => {
            setMode(m);
            clear('mode');
          }}
        />
      </div>
      {mode === 'test' && sandboxUrl !== null && (
        <CheckboxField
          name="sandbox"
          label="Connect to Paydesk Sandbox"
          checked={useSandbox}
          onChange={(v) => {
            setUseSandbox(v);
            clear('sandbox');
          }}
          hint={
            <>
              Use the built-in emulator at <code>{sandboxUrl}</code> instead of the real gateway, with the sandbox’s test keys. Nothing leaves this computer.
            </>
          }
        />
      )}
      {errors.sandbox && <p className="field-error" role="alert">{errors.sandbox}</p>}
      {mode === 'live' && (
        <Banner tone="warning">Live keys take real payments. Use test keys until you have tried a payment end to end.</Banner>
      )}
      <TextField
        label="Name"
        name="label"
        value={label}
        placeholder={`e.g. Shop (${gatewayLabel(gateway)})`}
        hint="Only you see this, in Paydesk."
        error={errors.label}
        maxLength={60}
        required
        onChange={(e) => {
          setLabel(e.target.value);
          clear('label');
        }}
      />
      <TextField
        label={labels.publicKey}
        name="publicKey"
        className="mono-input"
        value={publicKey}
        placeholder={labels.publicKeyPlaceholder}
        hint={labels.publicKeyHint}
        error={errors.publicKey}
        spellCheck={false}
        autoCapitalize="off"
        required
        onChange={(e) => {
          setPublicKey(e.target.value);
          clear('publicKey');
        }}
      />
      <TextField
        label={labels.secretKey}
        name="secretKey"
        type="password"
        className="mono-input"
        autoComplete="off"
        value={secretKey}
        placeholder={labels.secretKeyPlaceholder}
        hint={labels.secretKeyHint}
        error={errors.secretKey}
        spellCheck={false}
        required
        onChange={(e) => {
          setSecretKey(e.target.value);
          clear('secretKey');
        }}
      />
      <TextField
        label="Webhook signing secret"
        name="webhookSecret"
        type="password"
        className="mono-input"
        autoComplete="off"
        optional
        value={webhookSecret}
        placeholder={labels.webhookSecretPlaceholder}
        hint={`${labels.webhookSecretHint} You can add it later.`}
        error={errors.webhookSecret}
        spellCheck={false}
        onChange={(e) => {
          setWebhookSecret(e.target.value);
          clear('webhookSecret');
        }}
      />
    </form>
  );
}

function focusFirstInvalid() {
  requestAnimationFrame(() => {
    document.querySelector<HTMLElement>(`#${CONNECT_FORM_ID} [aria-invalid="true"], #${CONNECT_FORM_ID} .has-error input`)?.focus();
  });
}
