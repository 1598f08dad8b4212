// Full-window states before the console can show anything: starting, engine unreachable, database unusable.
import type { AppInfo } from '../../../../shared/contract';
import type { ApiError } from '../../api/errors';
import { Button, Icon } from '../../components';

export function SplashScreen() {
  return (
    <div className="fullscreen" aria-busy="true">
      <div className="fullscreen-card is-quiet">
        <span className="brand-mark brand-mark-lg" aria-hidden="true">P</span>
        <p className="muted">Opening Paydesk…</p>
      </div>
    </div>
  );
}

export function OfflineScreen({ error, retrying, onRetry }: { error: ApiError; retrying: boolean; onRetry(): void }) {
  const unreachable = error.code === 'host_unreachable';
  const sessionEnded = error.code === 'session_ended' || error.code === 'forbidden';
  return (
    <div className="fullscreen">
      <section className="fullscreen-card" aria-labelledby="offline-title">
        <div className="fullscreen-icon tone-warning">
          <Icon name={unreachable ? 'wifiOff' : 'alert'} size={28} />
        </div>
        <h1 id="offline-title">{sessionEnded ? 'This page’s session has ended' : 'Can’t reach Paydesk’s engine'}</h1>
        {sessionEnded ? (
          <p>
            This page has no valid access link: Paydesk was restarted, or the page was opened without the link. Open Paydesk again with the link it printed in the terminal
            (<code>Paydesk running at http://127.0.0.1:…/?token=…</code>).
          </p>
        ) : unreachable ? (
          <p>
            This window is open, but the part of Paydesk that keeps your data and talks to Stripe and Razorpay isn’t answering. If you started
            Paydesk from a terminal, check that it is still running. Nothing is lost: payments are kept on disk and caught up when it is back.
          </p>
        ) : (
          <p>{error.message}</p>
        )}
        <div className="fullscreen-actions">
          <Button variant="primary" icon="refresh" onClick={onRetry} busy={retrying}>
            {retrying ? 'Trying again…' : 'Try again'}
          </Button>
        </div>
        {unreachable && <p className="muted small">Paydesk tries again by itself every few seconds.</p>}
      </section>
    </div>
  );
}

export function StartupErrorScreen({ error, info, onRetry }: { error: NonNullable<AppInfo['startupError']>; info: AppInfo; onRetry(): void }) {
  return (
    <div className="fullscreen">
      <section className="fullscreen-card" aria-labelledby="startup-title" role="alert">
        <div className="fullscreen-icon tone-danger">
          <Icon name="database" size={28} />
        </div>
        <h1 id="startup-title">Paydesk can’t open your data</h1>
        {/* core's message already says what happened, that nothing changed and what to do */}
        <p className="lead">{error.message}</p>
        <dl className="facts">
          <div>
            <dt>Data folder</dt>
            <dd>
              <code>{info.dataDir}</code>
            </dd>
          </div>
          <div>
            <dt>This version</dt>
            <dd>Paydesk {info.version}</dd>
          </div>
          <div>
            <dt>Error code</dt>
            <dd>
              <code>{error.code}</code>
            </dd>
          </div>
        </dl>
        <div className="fullscreen-actions">
          <Button variant="secondary" icon="refresh" onClick={onRetry}>
            Check again
          </Button>
        </div>
      </section>
    </div>
  );
}

/** Browser mode: this tab holds no valid access token (the host restarted with a new one, or the tab was opened without it). */
export function SessionEndedScreen() {
  return (
    <div className="fullscreen">
      <section className="fullscreen-card" aria-labelledby="session-title" role="alert">
        <div className="fullscreen-icon tone-warning">
          <Icon name="key" size={28} />
        </div>
        <h1 id="session-title">Open Paydesk again</h1>
        <p>
          This page has no valid access link: Paydesk was restarted, or the page was opened without the link (each tab needs it once). Open the link Paydesk printed in the terminal
          (<code>Paydesk running at http://127.0.0.1:…/?token=…</code>). Nothing was lost.
        </p>
      </section>
    </div>
  );
}
