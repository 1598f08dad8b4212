// Choose who you are, enter your PIN: used by the lock screen and by "Switch" in the sidebar.
import { useState, type FormEvent } from 'react';
import type { DeskOperator, DeskStatus } from '../../../../shared/contract';
import { fieldError, useRpcMutation } from '../../api/hooks';
import { Banner, Button, Icon, TextField } from '../../components';

export const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('') || '?';

export function Avatar({ name, role, size = 'md' }: { name: string; role?: 'owner' | 'staff'; size?: 'sm' | 'md' }) {
  return (
    <span className={['avatar', role === 'owner' ? 'is-owner' : '', size === 'sm' ? 'avatar-sm' : ''].filter(Boolean).join(' ')} aria-hidden="true">
      {initials(name)}
    </span>
  );
}

export function SignInForm({
  operators,
  exceptId,
  onDone,
  submitLabel = 'Unlock',
  id = 'desk-sign-in',
}: {
  operators: DeskOperator[];
  /** switching: the person already at the desk is listed last, not first */
  exceptId?: string | null;
  onDone?(status: DeskStatus): void;
  submitLabel?: string;
  id?: string;
}) {
  const ordered = exceptId ? [...operators.filter((o) => o.id !== exceptId), ...operators.filter((o) => o.id === exceptId)] : operators;
  const [who, setWho] = useState<string>(ordered.length === 1 ? ordered[0]!.id : '');
  const [pin, setPin] = useState('');
  const [pickError, setPickError] = useState<string | undefined>();
  const signIn = useRpcMutation('desk.signIn', { onSuccess: (s) => onDone?.(s) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (signIn.isPending) return;
    if (!who) {
      setPickError('Choose your name first.');
      return;
    }
    signIn.mutate({ operatorId: who, pin }, { onError: () => setPin('') });
  };
  const err = signIn.error;
  const pinError = fieldError(err, 'pin') ?? (err && !err.field && err.code === 'unauthorized' ? err.message : undefined);
  const chosen = ordered.find((o) => o.id === who);

  return (
    <form id={id} className="form desk-form" onSubmit={submit} noValidate>
      <fieldset className="field">
        <legend className="field-label">Your name</legend>
        <div className="desk-people" role="radiogroup" aria-label="Who is at the desk">
          {ordered.map((o) => (
            <label key={o.id} className={o.id === who ? 'desk-person is-selected' : 'desk-person'}>
              <input
                type="radio"
                name={`${id}-who`}
                value={o.id}
                checked={o.id === who}
                onChange={() => {
                  setWho(o.id);
                  setPickError(undefined);
                  signIn.reset();
                }}
              />
              <Avatar name={o.name} role={o.role} />
              <span className="desk-person-name">{o.name}</span>
              <span className="desk-person-role muted small">{o.role === 'owner' ? 'Owner' : 'Staff'}</span>
              {o.id === exceptId && <span className="muted small">(at the desk now)</span>}
            </label>
          ))}
        </div>
        {(pickError ?? fieldError(err, 'operatorId')) && (
          <p className="field-error">
            <Icon name="alert" size={14} />
            <span>{pickError ?? fieldError(err, 'operatorId')}</span>
          </p>
        )}
      </fieldset>
      <TextField
        label={chosen ? `PIN for ${chosen.name}` : 'PIN'}
        name="pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={12}
        value={pin}
        onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
        error={pinError}
        data-autofocus=""
      />
      {err && !pinError && !fieldError(err, 'operatorId') && <Banner tone="danger">{err.message}</Banner>}
      <Button type="submit" variant="primary" busy={signIn.isPending} disabled={!pin}>
        {submitLabel}
      </Button>
    </form>
  );
}
