// Every customer's invoices by status.
import { date, money } from '../../lib/format';
import { ByStatus } from '../components/ByStatus';
import { listInvoices } from '../api';

const INVOICE_STATUSES = [
  ['open', 'Due'],
  ['partially_paid', 'Partly paid'],
  ['paid', 'Paid'],
  ['void', 'Void'],
] as const;

export function InvoicesPage() {
  return (
    <ByStatus
      title="Invoices"
      statuses={INVOICE_STATUSES}
      load={listInvoices}
      cols={['Invoice', 'Customer', 'Due', 'Total', 'Balance']}
      row={(i) => (
        <>
          <td>
            <a href={`/admin/customers/${i.account}/invoices/${i.id}`} data-route>
              {i.number} · {i.title}
            </a>
            {i.overdue && <span class="status invoice-overdue">Overdue</span>}
          </td>
          <td>
            <a href={`/admin/customers/${i.account}`} data-route>
              {i.customer ?? 'Customer'}
            </a>
          </td>
          <td>{date(i.due_date)}</td>
          <td>{money(i.ledger.total, i.currency)}</td>
          <td>{money(i.ledger.balance, i.currency)}</td>
        </>
      )}
    />
  );
}
