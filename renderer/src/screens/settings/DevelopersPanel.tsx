// Settings → Developers (owner only): the merchant HTTP API the shop's website or scripts call. Switch it on,
// see where it answers (this computer, and the public address while the tunnel is online), make tokens
// with what each may do, shown once, and revoke them. Staff never see this panel: the tokens are keys to
// the shop's payments, and every method behind it but the reads is owner-only in core as well.
import { useState, type FormEvent } from 'react';
import { API_SCOPES, DEFAULT_API_SCOPES, type ApiScope, type ApiStatus, type ApiToken, type Mode } from '../../../../shared/contract';
import { useCan } from '../../api/access';
import { fieldError, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, Card, CheckboxField, ConfirmDialog, Segmented, StatusChip, TextField, toast } from '../../components';
import { CopyButton } from '../../components/CopyButton';
import { CallbacksPanel } from './CallbacksPanel';
import { formatDate, formatRelative } from '../../format/dates';

const SCOPE_TEXT: Record<ApiScope, { label: string; short: string; hint: string }> = {
  'payments:create': { label: 'Create payments', short: 'Create', hint: 'Checkout sessions and Razorpay orders (POST /api/payments/…).' },
  'payments:read': { label: 'Read payment status', short: 'Read', hint: 'The status of a payment (GET /api/payments/…).' },
  'refunds:create': { label: 'Refund payments', short: 'Refund', hint: 'Sends money back to customers. Tick it only for a backend that must refund.' },
};

/** the local base URL, also before the API runs (the remembered port), so the curl is never empty */
const localBase = (s: ApiStatus | undefined): string => s?.url ?? (s?.port ? `http://127.0.0.1:${s.port}` : 'http://127.0.0.1:<port>');

export const curlFor = (base: string, token: string): string =>
  `curl -X POST ${base}/api/payments/stripe/checkout -H "Authorization: Bearer ${token}" -H "Content-Type: application/json" -d '{"order_id":"ORD123","amount":5000,"currency":"usd"}'`;

export function DevelopersPanel() {
  // hidden, not disabled, for staff: nothing here is theirs to use
  const can = useCan('api.tokens.create');
  if (!can.allowed) return null;
  return (<><Developers /><CallbacksPanel /></>);
}

function Developers() {
  const status = useRpcQuery('api.status', {});
  const tunnel = useRpcQuery('tunnel.status', {});
  const [shown, setShown] = useState<{ token: ApiToken; secret: string } | null>(null);
  const s = status.data;
  const t = tunnel.data?.status;
  const publicBase = t?.state === 'online' && t.url ? t.url : null;

  return (
    <Card
      id="developers"
      title="Developers"
      description="The HTTP API your shop’s website or scripts call to create payments, read their status and refund. Off until you switch it on."
    >
      {status.error && !status.data ? (
        <Banner tone="danger" title="Couldn’t load the API’s status">{status.error.message}</Banner>
      ) : !s ? (
        <div className="skeleton" aria-busy="true" />
      ) : (
        <div className="stack dev">
          <ApiSwitch status={s} />
          <BaseUrls local={localBase(s)} running={s.running} publicBase={publicBase} tunnelState={t?.state ?? null} />
          <CurlSnippet local={localBase(s)} publicBase={publicBase} secret={shown?.secret ?? null} />
          <hr className="divider" />
          <TokenCreate shown={shown} onCreated={setShown} onDismiss={() => setShown(null)} />
          <TokenList />
        </div>
      )}
    </Card>
  );
}

function ApiSwitch({ status: s }: { status: ApiStatus }) {
  const enable = useRpcMutation('api.enable', { onSuccess: () => toast.success('The API is on'), onError: (e) => toast.error(e.message) });
  const disable = useRpcMutation('api.disable', { onSuccess: () => toast.success('The API is off: it answers no request'), onError: (e) => toast.error(e.message) });
  const chip = s.running ? (
    <StatusChip tone="success">On</StatusChip>
  ) : s.enabled ? (
    <StatusChip tone="danger">Not running</StatusChip>
  ) : (
    <StatusChip tone="neutral">Off</StatusChip>
  );
  return (
    <div className="dev-group">
      <div className="dev-switch">
        <div className="security-line">
          <span className="strong">Merchant API</span>
          {chip}
          <span className="muted small">{s.running ? `Listening on this computer, port ${s.port ?? ''}.` : 'Answers no request while off.'}</span>
        </div>
        {s.enabled ? (
          <Button variant="secondary" busy={disable.isPending} onClick={() => disable.mutate({})}>
            Switch off
          </Button>
        ) : (
          <Button variant="primary" icon="plug" busy={enable.isPending} onClick={() => enable.mutate({})}>
            Switch on
          </Button>
        )}
      </div>
      {s.enabled && !s.running && (
        <Banner tone="danger" title="The API is switched on but not running">
          {s.error ?? 'It could not start.'}{' '}
          <Button size="sm" variant="secondary" busy={enable.isPending} onClick={() => enable.mutate({ port: 0 })}>
            Try another port
          </Button>
        </Banner>
      )}
    </div>
  );
}

function BaseUrls({ local, running, publicBase, tunnelState }: { local: string; running: boolean; publicBase: string | null; tunnelState: string | null }) {
  return (
    <dl className="dev-urls">
      <dt>On this computer</dt>
      <dd>
        <div className="copy-row">
          <code className="mono url-text" data-testid="api-local-url">{local}</code>
          {running && <CopyButton text={local} what="local API address" />}
        </div>
        <span className="muted small">For scripts on this computer. {running ? '' : 'Switch the API on to use it.'}</span>
      </dd>
      <dt>Public, for your website</dt>
      <dd>
        {publicBase ? (
          <>
            <div className="copy-row">
              <code className="mono url-text" data-testid="api-public-url">{publicBase}</code>
              <CopyButton text={publicBase} what="public API address" />
            </div>
            <span className="muted small">Over HTTPS through the public address (the tunnel); the API answers under /api/.</span>
          </>
        ) : (
          <span className="muted small">
            {tunnelState === 'connecting' ? 'The public address is connecting…' : 'None yet: start the public address on the Webhooks screen, and your website can reach the API through it.'}
          </span>
        )}
      </dd>
    </dl>
  );
}

function CurlSnippet({ local, publicBase, secret }: { local: string; publicBase: string | null; secret: string | null }) {
  const [where, setWhere] = useState<'local' | 'public'>('local');
  const base = where === 'public' && publicBase ? publicBase : local;
  const curl = curlFor(base, secret ?? '<token>');
  return (
    <div className="dev-group">
      <div className="dev-curl-head">
        <span className="strong">Try it: create a Stripe checkout</span>
        {publicBase && (
          <Segmented<'local' | 'public'>
            legend={<span className="visually-hidden">Address in the example</span>}
            name="curl-base"
            value={where}
            onChange={setWhere}
            options={[
              { value: 'local', label: 'This computer' },
              { value: 'public', label: 'Public' },
            ]}
          />
        )}
      </div>
      <div className="dev-curl">
        <pre className="mono" data-testid="api-curl">{curl}</pre>
        <CopyButton text={curl} what="curl command" />
      </div>
      <span className="muted small">
        {secret ? 'It contains the token you just created: keep it out of shared places.' : 'Replace <token> with a token created below. The answer has a checkout_url to send the customer to.'}
      </span>
    </div>
  );
}

function TokenCreate({ shown, onCreated, onDismiss }: { shown: { token: ApiToken; secret: string } | null; onCreated(c: { token: ApiToken; secret: string }): void; onDismiss(): void }) {
  const [name, setName] = useState('');
  const [mode, setMode] = useState<Mode>('test');
  const [scopes, setScopes] = useState<ApiScope[]>([...DEFAULT_API_SCOPES]);
  const create = useRpcMutation('api.tokens.create', {
    onSuccess: (c) => {
      onCreated(c);
      setName('');
      setScopes([...DEFAULT_API_SCOPES]);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, mode, scopes });
  };
  const toggle = (sc: ApiScope, on: boolean) => setScopes((now) => (on ? [...now, sc] : now.filter((x) => x !== sc)));
  const general = create.error && !fieldError(create.error, 'name') && !fieldError(create.error, 'scopes') ? create.error.message : null;

  if (shown) return <TokenShownOnce shown={shown} onDismiss={onDismiss} />;
  return (
    <form className="stack dev-create" onSubmit={submit} aria-label="Create an API token">
      <span className="strong">Create a token</span>
      <div className="dev-create-row">
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Shop website"
          maxLength={60}
          autoComplete="off"
          error={fieldError(create.error, 'name')}
          hint="Who uses it, so you know which one to revoke."
        />
        <Segmented<Mode>
          legend="Mode"
          name="token-mode"
          value={mode}
          onChange={setMode}
          options={[
            { value: 'test', label: 'Test' },
            { value: 'live', label: 'Live' },
          ]}
          hint={mode === 'live' ? 'Uses your live accounts: real money.' : 'Uses test accounts only.'}
        />
      </div>
      <fieldset className="dev-scopes">
        <legend className="field-label">What it may do</legend>
        {API_SCOPES.map((sc) => (
          <CheckboxField key={sc} name={`scope-${sc}`} label={SCOPE_TEXT[sc].label} hint={SCOPE_TEXT[sc].hint} checked={scopes.includes(sc)} onChange={(on) => toggle(sc, on)} />
        ))}
        {(fieldError(create.error, 'scopes') ?? (scopes.length === 0 ? 'Tick at least one permission for the token.' : null)) && (
          <p className="field-error" role="alert">{fieldError(create.error, 'scopes') ?? 'Tick at least one permission for the token.'}</p>
        )}
      </fieldset>
      {general && <Banner tone="danger" title="Couldn’t create the token">{general}</Banner>}
      <div className="form-actions">
        <Button type="submit" variant="primary" icon="key" busy={create.isPending} disabled={name.trim() === '' || scopes.length === 0}>
          Create token
        </Button>
      </div>
    </form>
  );
}

function TokenShownOnce({ shown, onDismiss }: { shown: { token: ApiToken; secret: string }; onDismiss(): void }) {
  return (
    <div className="once" role="status" aria-label="The new token">
      <span className="strong">Token “{shown.token.name}” created</span>
      <div className="copy-row dev-secret">
        <code className="mono url-text" data-testid="api-token-secret">{shown.secret}</code>
        <CopyButton text={shown.secret} what="API token" variant="primary" />
      </div>
      <p className="once-note small">
        <strong>Shown once.</strong> Paydesk keeps only a fingerprint of it and cannot show it again. Put it in your shop’s settings now; if you lose it, create a
        new one and revoke this one. Anyone with it can {shown.token.scopes.map((sc) => SCOPE_TEXT[sc].label.toLowerCase()).join(', ')}.
      </p>
      <Button size="sm" variant="ghost" onClick={onDismiss}>
        I’ve stored it
      </Button>
    </div>
  );
}

function TokenList() {
  // a request through the API pushes no event, so "last used" is refreshed now and then
  const q = useRpcQuery('api.tokens.list', {}, { refetchInterval: 30_000 });
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useRpcMutation('api.tokens.revoke');
  if (q.isPending) return <div className="skeleton" aria-busy="true" />;
  if (q.error) return <Banner tone="danger" title="Couldn’t load the tokens">{q.error.message}</Banner>;
  return (
    <div className="dev-group">
      <span className="strong">Tokens</span>
      {q.data.length === 0 ? (
        <p className="muted small">No tokens yet. Without one, the API refuses every request.</p>
      ) : (
        <ul className="mini-list dev-tokens" aria-label="API tokens">
          {q.data.map((t) => (
            <li key={t.id} className="dev-token">
              <div className="mini-list-main">
                <span className="dev-token-name">
                  <span className="strong">{t.name}</span>
                  <StatusChip tone={t.mode === 'live' ? 'live' : 'test'} dot={false}>{t.mode === 'live' ? 'Live' : 'Test'}</StatusChip>
                  <span className="mono muted small">••••{t.last4}</span>
                </span>
                <span className="dev-token-scopes">
                  {t.scopes.map((sc) => (
                    <span key={sc} className={sc === 'refunds:create' ? 'event-tag dev-scope-refund' : 'event-tag'} title={SCOPE_TEXT[sc].label}>
                      {SCOPE_TEXT[sc].short}
                    </span>
                  ))}
                </span>
                <span className="muted small">
                  Created {formatDate(t.createdAt)} · {t.lastUsedAt === null ? 'never used' : `last used ${formatRelative(t.lastUsedAt)}`}
                </span>
              </div>
              <Button size="sm" variant="ghost" icon="trash" aria-label={`Revoke ${t.name}`} onClick={() => setRevoking(t)}>
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={!!revoking}
        title={revoking ? `Revoke “${revoking.name}”?` : 'Revoke?'}
        confirmLabel="Revoke token"
        busy={revoke.isPending}
        onCancel={() => setRevoking(null)}
        onConfirm={() => {
          if (!revoking) return;
          const name = revoking.name;
          revoke.mutate(
            { id: revoking.id },
            {
              onSuccess: () => toast.success(`“${name}” no longer works`),
              onError: (e) => toast.error(e.message),
              onSettled: () => setRevoking(null),
            },
          );
        }}
      >
        <p>Requests with this token are refused from now on (401). Whatever uses it stops working until you give it a new token. This cannot be undone.</p>
      </ConfirmDialog>
    </div>
  );
}
