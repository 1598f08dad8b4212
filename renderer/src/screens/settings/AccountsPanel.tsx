// Settings → Accounts: the merchant's connected Stripe and Razorpay accounts. Secrets appear only as
// "•••• last4" / "not set"; they can be replaced or removed, never read back.
import { useState } from 'react';
import type { Account } from '../../../../shared/contract';
import { gatewayLabel } from '../../../../shared/gateways';
import { useCan } from '../../api/access';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, Card, ConfirmDialog, Drawer, EmptyState, RoleNote, StatusChip, toast } from '../../components';
import { formatDateTime, formatRelative, isoString } from '../../format/dates';
import { ConnectAccountForm, CONNECT_FORM_ID } from './ConnectAccountForm';
import { ManageAccount } from './ManageAccount';
import { GatewayMark, ModeChip, VerificationChip, keyLabels, secretText } from './account-labels';

export function AccountsPanel() {
  const accounts = useRpcQuery('accounts.list', {});
  const [connecting, setConnecting] = useState(false);
  const [connectBusy, setConnectBusy] = useState(false);
  const [managing, setManaging] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Account | null>(null);
  const remove = useRpcMutation('accounts.remove');
  const managed = accounts.data?.find((a) => a.id === managing) ?? null;
  const canConnect = useCan('accounts.create');
  const canManage = useCan('accounts.update');

  return (
    <Card
      id="accounts"
      title="Payment accounts"
      description="The Stripe and Razorpay accounts Paydesk takes payments through. Keys are checked with a read-only call; nothing is charged."
      actions={
        canConnect.allowed ? (
          <Button variant="primary" icon="plus" onClick={() => setConnecting(true)}>
            Connect account
          </Button>
        ) : undefined
      }
    >
      <RoleNote permission={canManage} className="card-note" />
      {accounts.isPending ? (
        <div className="skeleton-list" aria-busy="true" aria-label="Loading accounts">
          <div className="skeleton" />
          <div className="skeleton" />
        </div>
      ) : accounts.error && !accounts.data ? (
        <Banner tone="danger" title="Couldn’t load accounts" action={<Button size="sm" onClick={() => void accounts.refetch()}>Try again</Button>}>
          {accounts.error.message}
        </Banner>
      ) : accounts.data.length === 0 ? (
        <EmptyState icon="plug" title="No accounts connected" action={canConnect.allowed ? <Button variant="primary" icon="plus" onClick={() => setConnecting(true)}>Connect account</Button> : undefined}>
          <p>Connect a Stripe or Razorpay account to create payment links. Start with test keys: nothing real is charged.</p>
        </EmptyState>
      ) : (
        <ul className="account-list" aria-label="Connected accounts">
          {accounts.data.map((a) => (
            <AccountRow key={a.id} account={a} canManage={canManage.allowed} onManage={() => setManaging(a.id)} onRemove={() => setRemoving(a)} />
          ))}
        </ul>
      )}

      <Drawer
        open={connecting}
        onClose={() => setConnecting(false)}
        title="Connect an account"
        description="Paste the keys from your gateway’s dashboard. Paydesk checks them before saving."
        footer={
          <>
            <Button variant="ghost" onClick={() => setConnecting(false)}>
              Cancel
            </Button>
            <Button variant="primary" type="submit" form={CONNECT_FORM_ID} busy={connectBusy}>
              {connectBusy ? 'Checking keys…' : 'Connect and verify'}
            </Button>
          </>
        }
      >
        {connecting && (
          <ConnectAccountForm
            onBusy={setConnectBusy}
            onDone={(a) => {
              setConnecting(false);
              if (a.verification.status === 'failed') toast.error(`${a.label} was saved, but ${gatewayLabel(a.gateway)} refused the keys.`);
              else toast.success(`${a.label} connected`);
            }}
          />
        )}
      </Drawer>

      <Drawer open={managed !== null} onClose={() => setManaging(null)} title={managed ? `Manage ${managed.label}` : 'Manage account'} description="Rename the account, replace its keys, or set where its customers return to. Saved secrets are never shown.">
        {managed && <ManageAccount account={managed} />}
      </Drawer>

      <ConfirmDialog
        open={removing !== null}
        title={removing ? `Remove ${removing.label}?` : 'Remove account?'}
        confirmLabel="Remove account"
        busy={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (!removing) return;
          const label = removing.label;
          remove.mutate(
            { id: removing.id },
            {
              onSuccess: () => {
                setRemoving(null);
                toast.success(`${label} removed`);
              },
              onError: (e) => toast.error(e.message),
            },
          );
        }}
      >
        <p>
          Its keys are deleted from this computer and Paydesk stops taking payments through it. Your {removing ? gatewayLabel(removing.gateway) : ''} account itself is not affected.
        </p>
      </ConfirmDialog>
    </Card>
  );
}

function AccountRow({ account: a, canManage, onManage, onRemove }: { account: Account; canManage: boolean; onManage(): void; onRemove(): void }) {
  const verify = useRpcMutation('accounts.verify');
  const v = a.verification;
  return (
    <li className="account" data-account-id={a.id} aria-label={`${a.label}, ${gatewayLabel(a.gateway)} ${a.mode} mode`}>
      <div className="account-id">
        <GatewayMark gateway={a.gateway} />
        <div className="account-name">
          <h3 className="account-label">{a.label}</h3>
          <div className="account-tags">
            <span className="muted">{gatewayLabel(a.gateway)}</span>
            <ModeChip mode={a.mode} />
            {a.sandbox && (
              <StatusChip tone="info" dot={false} title="Connected to the embedded Paydesk Sandbox, not the real gateway">
                Sandbox
              </StatusChip>
            )}
          </div>
        </div>
      </div>

      <dl className="account-keys">
        <div>
          <dt>{keyLabels(a.gateway, a.mode).publicKey}</dt>
          <dd className="mono truncate" title={a.publicKey ?? undefined}>
            {a.publicKey ?? <span className="muted">not set</span>}
          </dd>
        </div>
        <div>
          <dt>Secret key</dt>
          <dd className={a.secretKey.configured ? 'mono' : 'muted'}>{secretText(a.secretKey)}</dd>
        </div>
        <div>
          <dt>Webhook secret</dt>
          <dd className={a.webhookSecret.configured ? 'mono' : 'muted'}>{secretText(a.webhookSecret)}</dd>
        </div>
      </dl>

      <div className="account-status">
        <div className="account-verification">
          <VerificationChip v={v} />
          {v.at !== null && (
            <time className="muted small" dateTime={isoString(v.at)} title={formatDateTime(v.at)}>
              checked {formatRelative(v.at)}
            </time>
          )}
        </div>
        {v.status === 'failed' && v.message && <p className="account-message tone-danger-text">{v.message}</p>}
        {v.status !== 'failed' && v.message && <p className="account-message muted">{v.message}</p>}
        {verify.error && <p className="account-message tone-danger-text" role="alert">{verify.error.message}</p>}
        {a.returnSuccessUrl && (
          <p className="account-message muted truncate" title={`After paying: ${a.returnSuccessUrl}\nAfter cancelling: ${a.returnCancelUrl ?? a.returnSuccessUrl}`}>
            Customers return to <span className="mono">{a.returnSuccessUrl}</span>
          </p>
        )}
      </div>

      {canManage && (
      <div className="account-actions">
        <Button
          size="sm"
          icon="refresh"
          busy={verify.isPending}
          onClick={() =>
            verify.mutate(
              { id: a.id },
              {
                onSuccess: (r) => {
                  if (r.verification.status === 'verified') toast.success(`${r.label}: keys work`);
                  else toast.error(`${r.label}: ${r.verification.message ?? 'the gateway refused the keys'}`);
                },
              },
            )
          }
        >
          {verify.isPending ? 'Verifying…' : 'Verify'}
        </Button>
        <Button size="sm" icon="key" onClick={onManage}>
          Manage keys
        </Button>
        <Button size="sm" variant="ghost" icon="trash" onClick={onRemove} aria-label={`Remove ${a.label}`} title="Remove account" className="btn-danger-ghost btn-icon-only" />
      </div>
      )}
    </li>
  );
}
