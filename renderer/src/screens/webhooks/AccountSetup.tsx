// Per account: Stripe endpoints are registered by Paydesk through the API (status, URL, retry); Razorpay
// has no API for that, so the merchant pastes the URL and a generated secret into the Razorpay Dashboard.
import { useState } from 'react';
import type { RazorpaySecret, RazorpayWebhookSetup, StripeWebhookSetup } from '../../../../shared/contract';
import { useCan } from '../../api/access';
import { useRpcMutation } from '../../api/hooks';
import { Banner, Button, Card, RoleNote, StatusChip } from '../../components';
import { CopyButton } from '../../components/CopyButton';
import { formatRelative } from '../../format/dates';
import { GatewayMark, ModeChip } from '../settings/account-labels';

const REG: Record<StripeWebhookSetup['registration'], { word: string; tone: 'success' | 'warning' | 'danger' | 'neutral' | 'info' }> = {
  registered: { word: 'Registered', tone: 'success' },
  pending: { word: 'Registering…', tone: 'info' },
  failed: { word: 'Not registered', tone: 'danger' },
  not_started: { word: 'Waiting for the public address', tone: 'neutral' },
};

export function StripeSetupCard({ accounts }: { accounts: StripeWebhookSetup[] }) {
  const retry = useRpcMutation('webhooks.registerStripe');
  const can = useCan('webhooks.registerStripe');
  return (
    <Card id="stripe-webhooks" title="Stripe" description="Paydesk registers its webhook endpoint with Stripe by itself, and keeps it up to date when the address changes.">
      <RoleNote permission={can} className="card-note" />
      <ul className="setup-list">
        {accounts.map((a) => {
          const r = REG[a.registration];
          return (
            <li key={a.accountId} className="setup-item" data-account={a.accountId} data-registration={a.registration}>
              <div className="setup-head">
                <GatewayMark gateway="stripe" />
                <span className="strong">{a.label}</span>
                <ModeChip mode={a.mode} />
                <StatusChip tone={r.tone}>{r.word}</StatusChip>
                <span className="setup-spacer" />
                {can.allowed && (
                  <Button size="sm" variant="ghost" icon="refresh" busy={retry.isPending && retry.variables?.accountId === a.accountId} disabled={!a.url} onClick={() => retry.mutate({ accountId: a.accountId })}>
                    {a.registration === 'failed' ? 'Retry' : 'Check again'}
                  </Button>
                )}
              </div>
              <dl className="facts facts-inline setup-facts">
                <div>
                  <dt>Endpoint URL</dt>
                  <dd className="mono">{a.registeredUrl ?? a.url ?? '—'}</dd>
                </div>
                {a.endpointId && (
                  <div>
                    <dt>Endpoint</dt>
                    <dd className="mono">{a.endpointId}</dd>
                  </div>
                )}
                <div>
                  <dt>Signing secret</dt>
                  <dd>{a.webhookSecret.configured ? `Stored sealed (•••• ${a.webhookSecret.last4 ?? ''})` : 'Not yet: Stripe returns it when the endpoint is created'}</dd>
                </div>
                {a.checkedAt && (
                  <div>
                    <dt>Checked</dt>
                    <dd>{formatRelative(a.checkedAt)}</dd>
                  </div>
                )}
              </dl>
              {a.error && <p className="field-error small">{a.error}</p>}
            </li>
          );
        })}
      </ul>
      {retry.error && <Banner tone="danger" title="Couldn’t register">{retry.error.message}</Banner>}
    </Card>
  );
}

export function RazorpaySetupCard({ accounts }: { accounts: RazorpayWebhookSetup[] }) {
  const can = useCan('webhooks.razorpaySecret');
  return (
    <Card id="razorpay-webhooks" title="Razorpay" description="Razorpay has no way for Paydesk to register itself, so set it up once in the Razorpay Dashboard: about two minutes.">
      <RoleNote permission={can} className="card-note" />
      <div className="stack-lg">
        {accounts.map((a) => (
          <RazorpayWalkthrough key={a.accountId} a={a} canGenerate={can.allowed} />
        ))}
      </div>
    </Card>
  );
}

function RazorpayWalkthrough({ a, canGenerate }: { a: RazorpayWebhookSetup; canGenerate: boolean }) {
  const [secret, setSecret] = useState<RazorpaySecret | null>(null);
  const gen = useRpcMutation('webhooks.razorpaySecret', { onSuccess: (s) => setSecret(s) });
  const blocking = a.warnings.filter((w) => w.blocking);
  const cautions = a.warnings.filter((w) => !w.blocking);
  return (
    <section className="walkthrough" aria-label={`Razorpay set-up for ${a.label}`} data-account={a.accountId}>
      <div className="setup-head">
        <GatewayMark gateway="razorpay" />
        <span className="strong">{a.label}</span>
        <ModeChip mode={a.mode} />
        <StatusChip tone={a.webhookSecret.configured ? 'success' : 'neutral'}>{a.webhookSecret.configured ? `Secret set (•••• ${a.webhookSecret.last4 ?? ''})` : 'No secret yet'}</StatusChip>
      </div>
      {blocking.length > 0 && (
        <Banner tone="danger" title="Razorpay will refuse this address">
          {blocking.map((w) => w.message).join(' ')}
        </Banner>
      )}
      {cautions.length > 0 && (
        <Banner tone="warning" title="Razorpay may refuse this address">
          {cautions.map((w) => w.message).join(' ')}
        </Banner>
      )}
      {a.recommendation && (
        <p className="recommendation small">
          <strong>Recommended:</strong> {a.recommendation}
        </p>
      )}
      <ol className="walk-steps">
        <li>
          <span className="walk-title">
            In the Razorpay Dashboard ({a.mode === 'test' ? 'Test mode' : 'Live mode'}), open <strong>Account &amp; Settings → Webhooks</strong> and choose <strong>Add New Webhook</strong>.
          </span>
        </li>
        <li>
          <span className="walk-title">Paste this as the Webhook URL:</span>
          {a.url ? (
            <div className="copy-row">
              <code className="mono url-text">{a.url}</code>
              <CopyButton text={a.url} what="webhook URL" />
            </div>
          ) : (
            <span className="muted small">Start the public address above first: the URL appears here.</span>
          )}
        </li>
        <li>
          <span className="walk-title">Paste a secret Paydesk generates as the Secret:</span>
          {secret ? (
            <div className="once" role="status">
              <div className="copy-row">
                <code className="mono url-text" data-testid="razorpay-secret">
                  {secret.secret}
                </code>
                <CopyButton text={secret.secret} what="webhook secret" variant="primary" />
              </div>
              <p className="once-note small">
                <strong>Shown once.</strong> Paydesk has stored it sealed and will not show it again. Paste it into Razorpay now; if you lose it, generate a new one (the old one stops working here).
              </p>
              <Button size="sm" variant="ghost" onClick={() => setSecret(null)}>
                I’ve pasted it
              </Button>
            </div>
          ) : !canGenerate ? (
            <span className="muted small">An owner generates it.</span>
          ) : (
            <div>
              <Button size="sm" icon="key" busy={gen.isPending} onClick={() => gen.mutate({ accountId: a.accountId })}>
                {a.webhookSecret.configured ? 'Generate a new secret' : 'Generate secret'}
              </Button>
              {a.webhookSecret.configured && <p className="muted small">A secret is already set. A new one replaces it: update Razorpay too.</p>}
              {gen.error && <p className="field-error small">{gen.error.message}</p>}
            </div>
          )}
        </li>
        <li>
          <span className="walk-title">Tick these events, then Create Webhook:</span>
          <div className="event-list">
            {a.events.map((e) => (
              <code key={e} className="mono event-tag">
                {e}
              </code>
            ))}
          </div>
        </li>
      </ol>
    </section>
  );
}
