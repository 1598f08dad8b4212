import { ButtonLink, Card, EmptyState, Icon, Page, StatusChip } from '../../components';
import { hrefFor } from '../../router';
import { useAccountsView } from '../../state/accounts-view';
import { GatewayMark, gatewayName } from '../settings/account-labels';

export function OverviewScreen() {
  const { accounts } = useAccountsView();
  const verified = accounts.filter((a) => a.verification.status === 'verified');
  const steps = [
    { done: accounts.length > 0, title: 'Connect a payment account', body: 'Stripe or Razorpay, in test mode first if you like.', href: hrefFor('settings') },
    { done: false, title: 'Create a payment link', body: 'Enter an amount and an order reference.', href: hrefFor('new-link') },
    { done: false, title: 'Share it and watch it turn Paid', body: 'Send the URL or show the QR code at the counter.', href: hrefFor('payments') },
  ];
  return (
    <Page
      title="Overview"
      description="Today at a glance."
      actions={
        <ButtonLink href={hrefFor('new-link')} icon="plus">
          New payment link
        </ButtonLink>
      }
    >
      <div className="grid-2">
        <Card title="Get started" id="get-started">
          <ol className="steps">
            {steps.map((s, i) => (
              <li key={s.title} className={s.done ? 'step is-done' : 'step'}>
                <span className="step-mark" aria-hidden="true">
                  {s.done ? <Icon name="check" size={14} /> : i + 1}
                </span>
                <div>
                  <a href={s.href} className="step-title">
                    {s.title}
                    {s.done && <span className="visually-hidden"> (done)</span>}
                  </a>
                  <p className="step-body">{s.body}</p>
                </div>
              </li>
            ))}
          </ol>
        </Card>
        <Card
          title="Accounts"
          id="overview-accounts"
          actions={
            <a href={hrefFor('settings')} className="text-link">
              Manage
            </a>
          }
        >
          {accounts.length === 0 ? (
            <p className="muted">No accounts connected yet.</p>
          ) : (
            <ul className="mini-list">
              {accounts.map((a) => (
                <li key={a.id}>
                  <GatewayMark gateway={a.gateway} />
                  <span className="mini-list-main">
                    <span className="strong">{a.label}</span>
                    <span className="muted small">{gatewayName(a.gateway)}</span>
                  </span>
                  <StatusChip tone={a.mode === 'test' ? 'test' : 'live'}>{a.mode === 'test' ? 'Test' : 'Live'}</StatusChip>
                </li>
              ))}
            </ul>
          )}
          {accounts.length > 0 && (
            <p className="muted small card-foot">
              {verified.length} of {accounts.length} verified
            </p>
          )}
        </Card>
      </div>
      <Card title="Today" id="overview-today">
        <EmptyState icon="overview" title="No payments today">
          <p>Takings, paid and pending links, and refunds for today will show here as payments come in.</p>
        </EmptyState>
      </Card>
    </Page>
  );
}
