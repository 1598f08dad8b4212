// Settings → People at the desk (owner only): operators (name, role, PIN), the staff refund limit per
// currency and the idle lock. PINs go to core once and are never shown or read back.
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { CURRENCIES, parseAmount, toMajorString } from '../../../../shared/money';
import type { Operator, OperatorRole, RefundPolicy } from '../../../../shared/contract';
import { useCan } from '../../api/access';
import { fieldError, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, Card, ConfirmDialog, Drawer, EmptyState, Money, Segmented, StatusChip, TextField, toast } from '../../components';
import { formatDate } from '../../format/dates';
import { Avatar } from '../desk/SignInForm';

/** operators.* change who can sign in: the desk's list (desk.status) must follow */
function useDeskRefresh(): () => Promise<void> {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['desk.status'] });
}

const ROLES: { value: OperatorRole; label: string }[] = [
  { value: 'staff', label: 'Staff' },
  { value: 'owner', label: 'Owner' },
];

const ROLE_HINT: Record<OperatorRole, string> = {
  owner: 'Owners can do everything: keys, live mode, people, the refund limit, and approve large refunds.',
  staff: 'Staff create links and refund up to the limit below; above it an owner approves with their PIN.',
};

export function PeoplePanel() {
  const desk = useRpcQuery('desk.status', {});
  const d = desk.data;
  const isOwner = useCan('operators.create').allowed;
  const single = d?.mode === 'single_user';
  const [adding, setAdding] = useState(false);

  return (
    <Card
      id="people"
      title="People at the desk"
      description="Who works the console. Each person signs in with a PIN, so every refund and change shows who made it."
      actions={
        isOwner ? (
          <Button variant="secondary" icon="plus" onClick={() => setAdding(true)}>
            Add person
          </Button>
        ) : undefined
      }
    >
      {!d ? (
        <div className="skeleton" aria-busy="true" />
      ) : !isOwner ? (
        <div className="stack">
          <Banner tone="info" title="Only an owner can manage people">
            Adding people, changing PINs, the staff refund limit and the idle lock are owner-only. Ask an owner to sign in (Switch, in the sidebar).
          </Banner>
          <PolicyView />
        </div>
      ) : single ? (
        <EmptyState icon="shield" title="Just you, for now">
          <p>
            Paydesk is single-user: every action is recorded as “owner”. Add the people who work the desk, starting with yourself as an owner.
            From then on Paydesk asks who is at the desk and locks itself when nobody is using it.
          </p>
        </EmptyState>
      ) : (
        <OperatorList />
      )}
      {d && isOwner && (
        <>
          <hr className="divider people-divider" />
          <PolicyForm />
        </>
      )}
      <Drawer open={adding} onClose={() => setAdding(false)} title={single ? 'Add the first owner' : 'Add a person'} description="They sign in with their name and this PIN.">
        {adding && <OperatorForm first={single} onDone={() => setAdding(false)} />}
      </Drawer>
    </Card>
  );
}

function OperatorList() {
  const ops = useRpcQuery('operators.list', {});
  const desk = useRpcQuery('desk.status', {});
  const [editing, setEditing] = useState<Operator | null>(null);
  const [disabling, setDisabling] = useState<Operator | null>(null);
  const refreshDesk = useDeskRefresh();
  const disable = useRpcMutation('operators.disable', { onSuccess: refreshDesk });
  const enable = useRpcMutation('operators.update', { onSuccess: refreshDesk });

  if (ops.isPending) return <div className="skeleton" aria-busy="true" />;
  if (ops.error) return <Banner tone="danger" title="Couldn’t load people">{ops.error.message}</Banner>;
  return (
    <>
      <ul className="people-list" aria-label="People at the desk">
        {ops.data.map((o) => (
          <li key={o.id} className={o.disabled ? 'people-item is-disabled' : 'people-item'}>
            <Avatar name={o.name} role={o.role} />
            <div className="mini-list-main">
              <span className="strong">
                {o.name}
                {desk.data?.current?.id === o.id && <span className="muted small"> · you</span>}
              </span>
              <span className="muted small">Added {formatDate(o.createdAt)}</span>
            </div>
            <StatusChip tone={o.role === 'owner' ? 'info' : 'neutral'} dot={false}>
              {o.role === 'owner' ? 'Owner' : 'Staff'}
            </StatusChip>
            {o.disabled && <StatusChip tone="danger">Disabled</StatusChip>}
            <div className="people-actions">
              {o.disabled ? (
                <Button size="sm" onClick={() => enable.mutate({ id: o.id, enabled: true }, { onSuccess: () => toast.success(`${o.name} can sign in again`), onError: (e) => toast.error(e.message) })}>
                  Enable
                </Button>
              ) : (
                <>
                  <Button size="sm" onClick={() => setEditing(o)}>
                    Change
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setDisabling(o)}>
                    Disable
                  </Button>
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      <Drawer open={!!editing} onClose={() => setEditing(null)} title={editing ? `Change ${editing.name}` : 'Change'} description="Leave the PIN empty to keep it.">
        {editing && <OperatorForm operator={editing} onDone={() => setEditing(null)} />}
      </Drawer>
      <ConfirmDialog
        open={!!disabling}
        title={disabling ? `Disable ${disabling.name}?` : 'Disable?'}
        confirmLabel="Disable"
        busy={disable.isPending}
        onCancel={() => setDisabling(null)}
        onConfirm={() => {
          if (!disabling) return;
          disable.mutate(
            { id: disabling.id },
            {
              onSuccess: (o) => {
                toast.success(`${o.name} can no longer sign in`);
                setDisabling(null);
              },
              onError: (e) => {
                toast.error(e.message);
                setDisabling(null);
              },
            },
          );
        }}
      >
        <p>They can no longer sign in. What they did stays in the audit log under their name. You can enable them again later.</p>
      </ConfirmDialog>
    </>
  );
}

function OperatorForm({ operator, first, onDone }: { operator?: Operator; first?: boolean; onDone(): void }) {
  const [name, setName] = useState(operator?.name ?? '');
  const [role, setRole] = useState<OperatorRole>(operator?.role ?? (first ? 'owner' : 'staff'));
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const refreshDesk = useDeskRefresh();
  const create = useRpcMutation('operators.create', { onSuccess: refreshDesk });
  const update = useRpcMutation('operators.update', { onSuccess: refreshDesk });
  const m = operator ? update : create;
  const err = m.error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (m.isPending) return;
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = 'Enter their name, as colleagues know it.';
    if (!operator || pin) {
      if (!/^\d{4,12}$/.test(pin)) errs.pin = 'A PIN is 4 to 12 digits.';
      else if (pin !== pin2) errs.pin2 = 'The two PINs are not the same.';
    }
    setLocal(errs);
    if (Object.keys(errs).length) return;
    if (operator) {
      update.mutate(
        { id: operator.id, ...(name.trim() !== operator.name ? { name: name.trim() } : {}), ...(role !== operator.role ? { role } : {}), ...(pin ? { pin } : {}) },
        {
          onSuccess: (o) => {
            toast.success(`${o.name} updated`);
            onDone();
          },
        },
      );
    } else {
      create.mutate(
        { name: name.trim(), role, pin },
        {
          onSuccess: (o) => {
            toast.success(first ? `${o.name} added. You are signed in as ${o.name}.` : `${o.name} added`);
            onDone();
          },
        },
      );
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField label="Name" name="name" value={name} maxLength={60} autoComplete="off" onChange={(e) => setName(e.target.value)} error={local.name ?? fieldError(err, 'name')} data-autofocus="" />
      {first ? (
        <Banner tone="info">The first person must be an owner, so someone can manage the desk. You are signed in as them right away.</Banner>
      ) : (
        <Segmented<OperatorRole> legend="Role" name="role" value={role} options={ROLES} onChange={setRole} hint={ROLE_HINT[role]} error={fieldError(err, 'role')} />
      )}
      <div className="form-row">
        <TextField
          label={operator ? 'New PIN' : 'PIN'}
          optional={!!operator}
          name="pin"
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          maxLength={12}
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          error={local.pin ?? fieldError(err, 'pin')}
          hint="4 to 12 digits"
        />
        <TextField
          label="PIN again"
          name="pin2"
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          maxLength={12}
          value={pin2}
          onChange={(e) => setPin2(e.target.value.replace(/\D/g, ''))}
          error={local.pin2}
        />
      </div>
      {err && !err.field && <Banner tone="danger">{err.message}</Banner>}
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={m.isPending}>
          {operator ? 'Save changes' : first ? 'Add owner' : 'Add person'}
        </Button>
      </div>
    </form>
  );
}

function PolicyView() {
  const policy = useRpcQuery('settings.getRefundPolicy', {});
  const p = policy.data;
  if (!p) return null;
  const limits = Object.entries(p.staffLimits);
  return (
    <dl className="facts">
      <div>
        <dt>Staff refund limit</dt>
        <dd>
          {limits.length === 0
            ? 'None set: every staff refund needs an owner'
            : limits.map(([cur, minor], i) => (
                <span key={cur}>
                  {i > 0 && ', '}
                  <Money minor={minor} currency={cur} />
                </span>
              ))}
        </dd>
      </div>
      <div>
        <dt>Idle lock</dt>
        <dd>after {p.idleMinutes} minutes</dd>
      </div>
    </dl>
  );
}

interface LimitRow {
  key: number;
  currency: string;
  amount: string;
}

function PolicyForm() {
  const policy = useRpcQuery('settings.getRefundPolicy', {});
  return policy.data ? <PolicyEditor key={JSON.stringify(policy.data)} policy={policy.data} /> : <div className="skeleton" aria-busy="true" />;
}

let rowKey = 1;

function PolicyEditor({ policy }: { policy: RefundPolicy }) {
  const [rows, setRows] = useState<LimitRow[]>(() => Object.entries(policy.staffLimits).map(([currency, minor]) => ({ key: rowKey++, currency, amount: toMajorString(minor, currency) })));
  const [idle, setIdle] = useState(String(policy.idleMinutes));
  const [errs, setErrs] = useState<Record<string, string>>({});
  const save = useRpcMutation('settings.setRefundPolicy');
  const used = new Set(rows.map((r) => r.currency));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: Record<string, string> = {};
    const staffLimits: Record<string, number> = {};
    for (const r of rows) {
      if (!r.amount.trim()) {
        next[`amount-${r.key}`] = 'Enter the most a staff member may refund at once (0: always ask an owner).';
        continue;
      }
      if (r.amount.trim() === '0') {
        staffLimits[r.currency] = 0;
        continue;
      }
      const parsed = parseAmount(r.amount, r.currency);
      if (!parsed.ok) next[`amount-${r.key}`] = `${parsed.reason}.`;
      else staffLimits[r.currency] = parsed.minor;
    }
    const minutes = Number(idle);
    if (!/^\d+$/.test(idle.trim()) || minutes < 1 || minutes > 240) next.idle = 'Between 1 and 240 minutes.';
    setErrs(next);
    if (Object.keys(next).length) return;
    save.mutate({ staffLimits, idleMinutes: minutes }, { onSuccess: () => toast.success('Refund limit and idle lock saved') });
  };

  return (
    <form className="form policy-form" onSubmit={submit} noValidate aria-labelledby="policy-title">
      <div>
        <h3 className="card-title" id="policy-title">
          Refund limit and idle lock
        </h3>
        <p className="card-description">
          Staff refund up to the limit of each currency on their own; above it, or in a currency without a limit, an owner approves with their PIN.
        </p>
      </div>
      <fieldset className="field">
        <legend className="field-label">Staff refund limit, per refund</legend>
        {rows.length === 0 && <p className="muted small">No limit set: every staff refund needs an owner’s approval.</p>}
        <ul className="limit-list">
          {rows.map((r) => (
            <li key={r.key} className="limit-row">
              <select
                className="input select input-sm limit-currency"
                aria-label="Currency"
                value={r.currency}
                onChange={(e) => setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, currency: e.target.value } : x)))}
              >
                {CURRENCIES.filter((c) => c === r.currency || !used.has(c)).map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
              <TextField
                label={`Limit in ${r.currency}`}
                className="limit-amount"
                name={`limit-${r.currency}`}
                inputMode="decimal"
                autoComplete="off"
                value={r.amount}
                onChange={(e) => setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, amount: e.target.value } : x)))}
                error={errs[`amount-${r.key}`]}
              />
              <Button size="sm" variant="ghost" icon="trash" aria-label={`Remove the ${r.currency} limit`} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))} />
            </li>
          ))}
        </ul>
        <div>
          <Button
            size="sm"
            icon="plus"
            onClick={() => {
              const next = ['INR', 'USD', 'EUR', 'GBP', ...CURRENCIES].find((c) => !used.has(c)) ?? 'USD';
              setRows((rs) => [...rs, { key: rowKey++, currency: next, amount: '' }]);
            }}
          >
            Add a currency
          </Button>
        </div>
      </fieldset>
      <TextField
        label="Lock the desk after (minutes without activity)"
        name="idle"
        inputMode="numeric"
        value={idle}
        onChange={(e) => setIdle(e.target.value)}
        error={errs.idle ?? fieldError(save.error, 'idleMinutes')}
        className="idle-field"
      />
      {save.error && !save.error.field && <Banner tone="danger">{save.error.message}</Banner>}
      {save.error?.field && save.error.field !== 'idleMinutes' && <Banner tone="danger">{save.error.message}</Banner>}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save limit and lock
        </Button>
      </div>
    </form>
  );
}
