import { EmptyState, Page } from '../../components';

export function WebhooksScreen() {
  return (
    <Page title="Webhooks" description="The notifications Stripe and Razorpay send when something happens to a payment.">
      <EmptyState icon="webhooks" title="No webhook events received">
        <p>
          Each event the gateways send appears here: when it arrived, whether its signature checked out, and what it changed. Payments still turn
          Paid without webhooks; Paydesk also checks with the gateway directly.
        </p>
      </EmptyState>
    </Page>
  );
}
