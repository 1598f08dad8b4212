import { ButtonLink, EmptyState, Page } from '../../components';
import { hrefFor } from '../../router';

export function RefundsScreen() {
  return (
    <Page title="Refunds" description="Money you have sent back to customers, in full or in part.">
      <EmptyState
        icon="refunds"
        title="No refunds"
        action={
          <ButtonLink href={hrefFor('payments')} variant="secondary">
            Go to Payments
          </ButtonLink>
        }
      >
        <p>To refund a customer, open a paid payment and choose <strong>Refund</strong>. Each refund appears here with its status at the gateway.</p>
      </EmptyState>
    </Page>
  );
}
