// Estimates and invoices across customers, by status.
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../components/Notice';
import { date, money } from '../lib/format';
import { useLoad } from '../lib/useLoad';
import { Head } from './Head';
import { Status } from '../components/Status';
import { listEstimates, listInvoices } from './api';

/** Status tabs: one pressed at a time. */
function Tabs({ options, value, onChange }: { options: readonly (readonly [string, string])[]; value: string; onChange: (v: string) => void }) {
  return (
    <div class="tabs" role="group" aria-label="Status">
      {options.map(([v, label]) => (
        <button key={v} type="button" class="button secondary" aria-pressed={value === v} onClick={() => onChange(v)}>
          {label}
        </button>
      ))}
    </div>
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
  const [status, setStatus] = useState('sent');
  const { data, error, retry } = useLoad(() => listEstimates(status), [status]);
  return (
    <>
      <h1>Estimates</h1>
      <Tabs options={ESTIMATE_STATUSES} value={status} onChange={setStatus} />
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.items.length === 0 && <p class="muted">None.</p>}
      {data && data.items.length > 0 && (
        <table class="table">
          <Head cols={['Estimate', 'Status', 'Total', 'Valid until']} />
          <tbody>
            {data.items.map((e) => (
              <tr key={e.id}>
                <td>
                  <a href={`/admin/customers/${e.account}/estimates/${e.id}`} data-route>
                    {e.number} · {e.title}
                  </a>
                </td>
                <td>
                  <Status status={e.status} />
                </td>
                <td>{money(e.total, e.currency)}</td>
                <td>{date(e.valid_until)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

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
      <Tabs options={STATUSES} value={status} onChange={setStatus} />
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.items.length === 0 && <p class="muted">None.</p>}
      {data && data.items.length > 0 && (
        <table class="table">
          <Head cols={['Invoice', 'Due', 'Total', 'Balance']} />
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
