import { ButtonLink, EmptyState, Page } from '../../components';
import { hrefFor } from '../../router';
import { useAccountsView } from '../../state/accounts-view';

export function NewLinkScreen() {
  const { accounts } = useAccountsView();
  return (
    <Page title="New payment link" description="Ask a customer for an amount: they pay on Stripe’s or Razorpay’s own page, you see it here.">
      <EmptyState
        icon="newLink"
        title="Payment links are coming to this screen"
        action={
          accounts.length === 0 ? (
            <ButtonLink href={hrefFor('settings')} icon="plug">
              Connect an account
            </ButtonLink>
          ) : undefined
        }
      >
        <p>
          You’ll enter an amount, a currency and an order reference, then share the link as a URL or a QR code.
          {accounts.length === 0 ? ' First, connect a Stripe or Razorpay account in Settings.' : ` It will be charged through one of your ${accounts.length} connected accounts.`}
        </p>
      </EmptyState>
    </Page>
  );
}
