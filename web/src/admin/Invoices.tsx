// Estimates and invoices across customers, by status.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

import type { EstimateSummary } from '../api/types';
import { Loading, Notice } from '../components/Notice';
import { Status } from '../components/Status';
import { date, money } from '../lib/format';
import { useLoad } from '../lib/useLoad';
import { Head } from './Head';
import { type Paged, listEstimates, listInvoices } from './api';
import { ESTIMATE_STATUS } from './words';

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

/** The cells every estimate row starts with: its link, status and total. */
export function EstimateCells({ account, e, customer }: { account: string; e: EstimateSummary; customer?: string | null }) {
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

/** One page of documents by status: tabs, then a table (or why there is none). */
function ByStatus<T extends { id: string }>(props: {
  title: string;
  statuses: readonly (readonly [string, string])[];
  load: (status: string) => Promise<Paged<T>>;
  cols: string[];
  row: (item: T) => ComponentChildren;
}) {
  const [status, setStatus] = useState(props.statuses[0]?.[0] ?? '');
  const { data, error, retry } = useLoad(() => props.load(status), [status]);
  return (
    <>
      <h1>{props.title}</h1>
      <Tabs options={props.statuses} value={status} onChange={setStatus} />
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.items.length === 0 && <p class="muted">None.</p>}
      {data && data.items.length > 0 && (
        <table class="table">
          <Head cols={props.cols} />
          <tbody>
            {data.items.map((item) => (
              <tr key={item.id}>{props.row(item)}</tr>
            ))}
          </tbody>
        </table>
      )}
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
