// Every customer's estimates by status.
import type { EstimateSummary } from '../../api/types';
import { Status } from '../../components/Status';
import { date, money } from '../../lib/format';
import { ByStatus } from '../components/ByStatus';
import { listEstimates } from '../api';
import { ESTIMATE_STATUS } from '../lib/words';

/** The cells every estimate row starts with: its link, status and total. */
export function EstimateCells({ account, e, customer }: { account: string; e: EstimateSummary; customer?: string | null | undefined }) {
  return (
    <>
      <td>
        <a href={`/admin/customers/${account}/estimates/${e.id}`} data-route>
          {e.number} · {e.title}
        </a>
      </td>
      {customer !== undefined && (
        <td>
          <a href={`/admin/customers/${account}`} data-route>
            {customer ?? 'Customer'}
          </a>
        </td>
      )}
      <td>
        <Status status={e.status} labels={ESTIMATE_STATUS} />
      </td>
      <td>{money(e.total, e.currency)}</td>
    </>
  );
}

const ESTIMATE_STATUSES = [
  ['sent', 'Sent'],
  ['viewed', 'Viewed'],
  ['changes_requested', 'Changes requested'],
  ['approved', 'Approved'],
  ['declined', 'Declined'],
  ['draft', 'Drafts'],
] as const;

export function EstimatesPage() {
  return (
    <ByStatus
      title="Estimates"
      statuses={ESTIMATE_STATUSES}
      load={listEstimates}
      cols={['Estimate', 'Customer', 'Status', 'Total', 'Valid until']}
      row={(e) => (
        <>
          <EstimateCells account={e.account} e={e} customer={e.customer} />
          <td>{date(e.valid_until)}</td>
        </>
      )}
    />
  );
}
