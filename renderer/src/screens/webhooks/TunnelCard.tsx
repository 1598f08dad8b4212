// The public URL: ngrok (authtoken + optional reserved domain, both entered write-only) or a URL the merchant
// runs themselves; Start/Stop; a status light with the reason in words (what the listener receives counts
// more than the tunnel's own state); the URL with Copy; the local listener.
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

/** a delivery this recent means gateways reach Paydesk now, whatever the tunnel says */
export const RECEIVING_MS = 5 * 60_000;

/** What the listener received: the newest delivery (ms) and whether the local listener runs. */
export interface Reception {
  lastDeliveryAt: number | null;
  listening: boolean;
}

/** "12 s ago", "3 min ago", then the relative date */
export function agoText(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return formatRelative(ms, now);
}

/** Re-renders every `ms` while mounted (for "12 s ago"). */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/**
 * The state shown: what the listener receives wins over the tunnel's own state. A delivery in the last few
 * minutes means gateways reach Paydesk (through this tunnel, or an address started elsewhere: the sandbox,
 * the merchant's own proxy); one from before the tunnel was stopped proves nothing about now.
 */
export function shownState(status: TunnelStatus, r: Reception, now: number): 'receiving' | 'listening' | TunnelStatus['state'] {
  const recent = r.lastDeliveryAt !== null && now - r.lastDeliveryAt < RECEIVING_MS;
  const sinceStop = status.state === 'online' || r.lastDeliveryAt === null || r.lastDeliveryAt >= status.since;
  if (status.state === 'online') return 'online';
  if (recent && sinceStop) return 'receiving';
  if (status.state === 'offline' && r.listening) return 'listening';
  return status.state;
}

/** Why the listener waits: nothing lately, or nothing since the public address was stopped. */
function listeningText(status: TunnelStatus, last: number | null, now: number): string {
  const beforeStop = last !== null && now - last < RECEIVING_MS && last < status.since;
  const when = last === null ? '' : ` (last delivery ${agoText(last, now)}${beforeStop ? ', before it stopped' : ''})`;
  const what = beforeStop ? `nothing has arrived since the public address stopped${when}` : `nothing has arrived in the last few minutes${when}`;
  return `Paydesk listens on this computer, but ${what}. Start a public address so gateways can reach it; payments still update meanwhile: Paydesk checks with the gateway itself.`;
}

export function StatusLight({ status, reception = { lastDeliveryAt: null, listening: false } }: { status: TunnelStatus; reception?: Reception }) {
  const now = useNow(5000);
  const shown = shownState(status, reception, now);
  const retrying = status.state === 'connecting' && status.retryAt !== null;
  const last = reception.lastDeliveryAt;
  const lastText = last !== null ? `Last delivery ${agoText(last, now)}.` : null;
  const light = shown === 'receiving' ? 'online' : shown === 'listening' ? 'offline' : shown;
  return (
    <div className={`light light-${light}`} role="status" aria-live="polite" data-state={status.state} data-shown={shown}>
      <span className="light-dot" aria-hidden="true" />
      <div className="light-text">
        <strong>{shown === 'receiving' ? 'Receiving' : shown === 'listening' ? 'No public address' : STATE_WORD[status.state]}</strong>
        {shown === 'receiving' && <span className="light-reason">Gateways reach Paydesk. {lastText}</span>}
        {shown === 'receiving' && status.state !== 'offline' && status.error && <span className="light-reason">Public address: {status.error}</span>}
        {shown !== 'receiving' && status.error && <span className="light-reason">{status.error}</span>}
        {retrying && status.retryAt && <span className="light-reason">Trying again {formatRelative(status.retryAt, Date.now()) === 'just now' ? 'now' : 'shortly'}.</span>}
        {shown === 'online' && <span className="light-reason">Gateways can reach Paydesk. Since {formatRelative(status.since)}.{lastText ? ` ${lastText}` : ''}</span>}
        {shown === 'listening' && !status.error && <span className="light-reason">{listeningText(status, last, now)}</span>}
        {shown === 'offline' && !status.error && <span className="light-reason">Gateways cannot reach Paydesk. Payments still update: Paydesk checks with the gateway itself.</span>}
      </div>
    </div>
  );
}

export function TunnelCard({ overview, listenerUrl, sandbox, lastDeliveryAt = null }: { overview: TunnelOverview; listenerUrl: string | null; sandbox: boolean; lastDeliveryAt?: number | null }) {
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
        <StatusLight status={status} reception={{ lastDeliveryAt, listening: listenerUrl !== null }} />
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
