import { EmptyState, Page } from '../../components';

export function ReportsScreen() {
  return (
    <Page title="Reports" description="Reconcile what customers paid with what reached your bank.">
      <EmptyState icon="reports" title="Nothing to reconcile yet">
        <p>
          Once payments come in, you’ll export a reconciliation CSV here: every payment and refund with gateway fees, taxes and the net amount
          settled, for any date range.
        </p>
      </EmptyState>
    </Page>
  );
}
