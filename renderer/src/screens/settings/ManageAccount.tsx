// Rename an account, change its public key, replace or remove a secret, set the shop's return pages. A secret
// is write-only: the form sends a new value (replace) or null (remove), and shows back only "•••• last4".
import { useState, type FormEvent } from 'react';
import type { Account, SecretStatus } from '../../../../shared/contract';
import { fieldError, useRpcMutation } from '../../api/hooks';
import { Banner, Button, ConfirmDialog, TextField, toast } from '../../components';
import { keyLabels, secretText } from './account-labels';
import { ReturnPagesForm } from './ReturnPagesForm';

export function ManageAccount({ account }: { account: Account }) {
  const labels = keyLabels(account.gateway, account.mode);
  return (
    <div className="stack">
      <DetailsForm account={account} publicKeyLabel={labels.publicKey} publicKeyHint={labels.publicKeyHint} />
      <hr className="divider" />
      <SecretEditor account={account} field="secretKey" title={labels.secretKey} hint={labels.secretKeyHint} status={account.secretKey} removable={false} />
      <SecretEditor account={account} field="webhookSecret" title="Webhook signing secret" hint={labels.webhookSecretHint} status={account.webhookSecret} removable />
      {account.gateway === 'stripe' && (
        <>
          <hr className="divider" />
          <ReturnPagesForm account={account} />
        </>
      )}
    </div>
  );
}

function DetailsForm({ account, publicKeyLabel, publicKeyHint }: { account: Account; publicKeyLabel: string; publicKeyHint: string }) {
  const [label, setLabel] = useState(account.label);
  const [publicKey, setPublicKey] = useState(account.publicKey ?? '');
  const update = useRpcMutation('accounts.update');
  const dirty = label !== account.label || publicKey !== (account.publicKey ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      {
        id: account.id,
        ...(label !== account.label ? { label } : {}),
        // only a changed key is sent: unchanged keys are not re-verified (and built-in sandbox keys cannot change)
        ...(publicKey !== (account.publicKey ?? '') ? { publicKey } : {}),
      },
      { onSuccess: () => toast.success('Saved') },
    );
  };
  const generalError = update.error && !['label', 'publicKey'].includes(update.error.field ?? '') ? update.error.message : null;
  return (
    <form className="form" onSubmit={submit} noValidate>
      {generalError && <Banner tone="danger">{generalError}</Banner>}
      <TextField label="Name" name="label" value={label} maxLength={60} error={fieldError(update.error, 'label')} onChange={(e) => { setLabel(e.target.value); update.reset(); }} />
      <TextField
        label={publicKeyLabel}
        name="publicKey"
        className="mono-input"
        value={publicKey}
        hint={publicKeyHint}
        spellCheck={false}
        error={fieldError(update.error, 'publicKey')}
        onChange={(e) => { setPublicKey(e.target.value); update.reset(); }}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" size="sm" disabled={!dirty} busy={update.isPending}>
          Save changes
        </Button>
      </div>
    </form>
  );
}

function SecretEditor({
  account,
  field,
  title,
  hint,
  status,
  removable,
}: {
  account: Account;
  field: 'secretKey' | 'webhookSecret';
  title: string;
  hint: string;
  status: SecretStatus;
  removable: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const [confirmRemove, setConfirmRemove] = useState(false);
  const update = useRpcMutation('accounts.update');
  const error = update.error ? (update.error.field === field || !update.error.field ? update.error.message : undefined) : undefined;

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!value.trim()) return;
    update.mutate(
      { id: account.id, [field]: value },
      {
        onSuccess: () => {
          setValue('');
          setEditing(false);
          toast.success(`${title} replaced`);
        },
      },
    );
  };

  return (
    <section className="secret" aria-label={title}>
      <div className="secret-head">
        <div>
          <h3 className="secret-title">{title}</h3>
          <p className={status.configured ? 'mono secret-status' : 'muted secret-status'}>{secretText(status)}</p>
        </div>
        {!editing && (
          <div className="secret-actions">
            <Button size="sm" onClick={() => setEditing(true)}>
              {status.configured ? 'Replace' : 'Add'}
            </Button>
            {removable && status.configured && (
              <Button size="sm" variant="ghost" className="btn-danger-ghost" onClick={() => setConfirmRemove(true)}>
                Remove
              </Button>
            )}
          </div>
        )}
      </div>
      {editing && (
        <form className="form secret-form" onSubmit={save} noValidate autoComplete="off">
          <TextField
            label={`New ${title.toLowerCase()}`}
            name={field}
            type="password"
            autoComplete="off"
            className="mono-input"
            value={value}
            hint={hint}
            error={error}
            spellCheck={false}
            autoFocus
            onChange={(e) => {
              setValue(e.target.value);
              update.reset();
            }}
          />
          <div className="form-actions">
            <Button
              variant="ghost"
              size="sm"
              onClick={() => {
                setEditing(false);
                setValue('');
                update.reset();
              }}
            >
              Cancel
            </Button>
            <Button type="submit" variant="primary" size="sm" busy={update.isPending} disabled={!value.trim()}>
              Save {title.toLowerCase()}
            </Button>
          </div>
        </form>
      )}
      {!editing && error && <p className="field-error" role="alert">{error}</p>}
      <ConfirmDialog
        open={confirmRemove}
        title={`Remove the ${title.toLowerCase()}?`}
        confirmLabel="Remove"
        busy={update.isPending}
        onCancel={() => setConfirmRemove(false)}
        onConfirm={() =>
          update.mutate(
            { id: account.id, [field]: null },
            {
              onSuccess: () => {
                setConfirmRemove(false);
                toast.success(`${title} removed`);
              },
              onError: () => setConfirmRemove(false),
            },
          )
        }
      >
        <p>Paydesk will no longer be able to check that webhook events for {account.label} are genuine until you add it again.</p>
      </ConfirmDialog>
    </section>
  );
}
