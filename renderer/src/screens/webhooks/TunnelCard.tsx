// The public URL: ngrok (authtoken + optional reserved domain, both entered write-only) or a URL the merchant
// runs themselves; Start/Stop; a status light with the reason in words; the URL with Copy; the local listener.
import { useEffect, useState } from 'react';
import type { TunnelOverview, TunnelProviderKind, TunnelStatus } from '../../../../shared/contract';
import { useCan } from '../../api/access';
import { fieldError, useRpcMutation } from '../../api/hooks';
import { Banner, Button, Card, RoleNote, Segmented, TextField } from '../../components';
import { CopyButton } from '../../components/CopyButton';
import { formatRelative } from '../../format/dates';

const STATE_WORD: Record<TunnelStatus['state'], string> = {
  offline: 'Offline',
  connecting: 'Connecting…',
  online: 'Online',
  error: 'Not connected',
};

export function StatusLight({ status }: { status: TunnelStatus }) {
  const retrying = status.state === 'connecting' && status.retryAt !== null;
  return (
    <div className={`light light-${status.state}`} role="status" aria-live="polite" data-state={status.state}>
      <span className="light-dot" aria-hidden="true" />
      <div className="light-text">
        <strong>{STATE_WORD[status.state]}</strong>
        {status.error && <span className="light-reason">{status.error}</span>}
        {retrying && status.retryAt && <span className="light-reason">Trying again {formatRelative(status.retryAt, Date.now()) === 'just now' ? 'now' : 'shortly'}.</span>}
        {status.state === 'online' && <span className="light-reason">Gateways can reach Paydesk. Since {formatRelative(status.since)}.</span>}
        {status.state === 'offline' && !status.error && <span className="light-reason">Gateways cannot reach Paydesk. Payments still update: Paydesk checks with the gateway itself.</span>}
      </div>
    </div>
  );
}

export function TunnelCard({ overview, listenerUrl, sandbox }: { overview: TunnelOverview; listenerUrl: string | null; sandbox: boolean }) {
  const status = overview.status;
  const [provider, setProvider] = useState<TunnelProviderKind>(status.provider ?? (overview.ngrok.authtoken.configured ? 'ngrok' : 'own'));
  const [ownUrl, setOwnUrl] = useState(overview.ownUrl ?? '');
  const [token, setToken] = useState('');
  const [domain, setDomain] = useState('');
  const [editing, setEditing] = useState(!overview.ngrok.authtoken.configured);
  useEffect(() => {
    if (status.provider) setProvider(status.provider);
  }, [status.provider]);

  const start = useRpcMutation('tunnel.start');
  const stop = useRpcMutation('tunnel.stop');
  const configure = useRpcMutation('tunnel.configure', {
    onSuccess: () => {
      setToken('');
      setDomain('');
      setEditing(false);
    },
  });
  const running = status.state === 'online' || status.state === 'connecting';
  const can = useCan('tunnel.configure');

  return (
    <Card id="tunnel" title="Public address" description="Stripe and Razorpay send webhooks to a public https address that forwards to Paydesk on this computer.">
      <div className="tunnel">
        <StatusLight status={status} />
        {status.url && (
          <div className="public-url">
            <span className="muted small">Public URL</span>
            <div className="copy-row">
              <code className="mono url-text">{status.url}</code>
              <CopyButton text={status.url} what="public URL" />
            </div>
          </div>
        )}
        {!can.allowed ? (
          <RoleNote permission={can} />
        ) : (
        <>
        <Segmented
          legend="How Paydesk gets its public address"
          name="tunnel-provider"
          value={provider}
          onChange={(v) => !running && setProvider(v)}
          options={[
            { value: 'ngrok', label: 'ngrok' },
            { value: 'own', label: 'A URL I run myself' },
          ]}
          hint={running ? 'Stop first to switch.' : provider === 'ngrok' ? 'A free ngrok account works. A reserved domain keeps the same address across restarts.' : 'Your own reverse proxy or tunnel that forwards to the local listener below.'}
        />
        {provider === 'ngrok' ? (
          <div className="stack">
            {!editing ? (
              <div className="secret-line">
                <span>
                  Authtoken <span className="mono">•••• {overview.ngrok.authtoken.last4 ?? ''}</span>
                  {overview.ngrok.domain && (
                    <>
                      {' '}
                      · domain <span className="mono">{overview.ngrok.domain}</span>
                    </>
                  )}
                </span>
                <Button size="sm" variant="ghost" onClick={() => setEditing(true)} disabled={running}>
                  Change
                </Button>
              </div>
            ) : (
              <form
                className="form tunnel-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  configure.mutate({ ...(token.trim() ? { authtoken: token.trim() } : {}), ...(domain.trim() ? { domain: domain.trim() } : {}) });
                }}
              >
                <TextField
                  label="ngrok authtoken"
                  type="password"
                  autoComplete="off"
                  spellCheck={false}
                  className="mono-input"
                  value={token}
                  onChange={(e) => setToken(e.target.value)}
                  error={fieldError(configure.error, 'authtoken')}
                  hint={overview.ngrok.authtoken.configured ? `Saved: •••• ${overview.ngrok.authtoken.last4 ?? ''}. Paste a new one to replace it.` : 'From dashboard.ngrok.com → Your Authtoken. Stored sealed on this computer; never shown again.'}
                />
                <TextField
                  label="Reserved domain"
                  optional
                  spellCheck={false}
                  placeholder={overview.ngrok.domain ?? 'shop-paydesk.ngrok.app'}
                  value={domain}
                  onChange={(e) => setDomain(e.target.value)}
                  error={fieldError(configure.error, 'domain')}
                  hint="Recommended: Razorpay refuses changing ngrok addresses."
                />
                <div className="form-actions">
                  {overview.ngrok.authtoken.configured && (
                    <Button variant="ghost" onClick={() => setEditing(false)}>
                      Cancel
                    </Button>
                  )}
                  <Button type="submit" busy={configure.isPending} disabled={!token.trim() && !domain.trim()}>
                    Save
                  </Button>
                </div>
              </form>
            )}
          </div>
        ) : (
          <TextField
            label="Your public URL"
            placeholder="https://pay.example.com"
            spellCheck={false}
            className="mono-input"
            value={ownUrl}
            disabled={running}
            onChange={(e) => setOwnUrl(e.target.value)}
            error={fieldError(start.error, 'ownUrl')}
            hint={
              <>
                An https address on port 443 that forwards to {listenerUrl ? <span className="mono">{listenerUrl}</span> : 'the local listener'}.
                {sandbox && listenerUrl && !running && (
                  <>
                    {' '}
                    In the sandbox the local address works too:{' '}
                    <button type="button" className="text-link link-button" onClick={() => setOwnUrl(listenerUrl)}>
                      use {listenerUrl}
                    </button>
                  </>
                )}
              </>
            }
          />
        )}
        {(start.error && !fieldError(start.error, 'ownUrl')) || stop.error ? (
          <Banner tone="danger" title="Couldn’t change the public address">
            {(start.error ?? stop.error)?.message}
          </Banner>
        ) : null}
        </>
        )}
        <div className="tunnel-actions">
          {!can.allowed ? null : running ? (
            <Button variant="secondary" busy={stop.isPending} onClick={() => stop.mutate({})}>
              Stop
            </Button>
          ) : (
            <Button
              variant="primary"
              busy={start.isPending}
              disabled={provider === 'ngrok' ? !overview.ngrok.authtoken.configured : !ownUrl.trim()}
              onClick={() => start.mutate(provider === 'own' ? { provider, ownUrl: ownUrl.trim() } : { provider })}
            >
              Start
            </Button>
          )}
          <span className="muted small">
            Local listener: {listenerUrl ? <span className="mono">{listenerUrl}</span> : 'not running'} (only this computer can reach it)
          </span>
        </div>
      </div>
    </Card>
  );
}
