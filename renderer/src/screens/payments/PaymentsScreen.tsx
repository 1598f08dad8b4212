import { ButtonLink, EmptyState, Page } from '../../components';
import { hrefFor } from '../../router';

export function PaymentsScreen() {
  return (
    <Page title="Payments" description="Every payment link you create, and whether it has been paid.">
      <EmptyState
        icon="payments"
        title="No payments yet"
        action={
          <ButtonLink href={hrefFor('new-link')} icon="plus">
            Create a payment link
          </ButtonLink>
        }
      >
        <p>Payment links you create appear here, and turn <strong>Paid</strong> the moment the customer pays.</p>
      </EmptyState>
    </Page>
  );
}
