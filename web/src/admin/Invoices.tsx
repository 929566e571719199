// Invoices across customers, by status, soonest due first.
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../components/Notice';
import { date, money } from '../lib/format';
import { useLoad } from '../lib/useLoad';
import { listInvoices } from './api';

const STATUSES = [
  ['open', 'Due'],
  ['partially_paid', 'Partly paid'],
  ['paid', 'Paid'],
  ['void', 'Void'],
] as const;

export function InvoicesPage() {
  const [status, setStatus] = useState('open');
  const { data, error, retry } = useLoad(() => listInvoices(status), [status]);
  return (
    <>
      <h1>Invoices</h1>
      <div class="tabs" role="group" aria-label="Status">
        {STATUSES.map(([value, label]) => (
          <button key={value} type="button" class="button secondary" aria-pressed={status === value} onClick={() => setStatus(value)}>
            {label}
          </button>
        ))}
      </div>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.items.length === 0 && <p class="muted">None.</p>}
      {data && data.items.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Invoice</th>
              <th scope="col">Due</th>
              <th scope="col">Total</th>
              <th scope="col">Balance</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((i) => (
              <tr key={i.id}>
                <td>
                  <a href={`/admin/customers/${i.account}`} data-route>
                    {i.number}
                  </a>
                  {i.overdue && <span class="status invoice-overdue">Overdue</span>}
                </td>
                <td>{date(i.due_date)}</td>
                <td>{money(i.ledger.total, i.currency)}</td>
                <td>{money(i.ledger.balance, i.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
