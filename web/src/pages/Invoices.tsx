import { getInvoice, listInvoices } from '../api/client';
import type { InvoiceStatus, InvoiceSummary } from '../api/types';
import { Lines } from '../components/Lines';
import { Loading, Notice } from '../components/Notice';
import { date, money, percent } from '../lib/format';
import { useLoad } from '../lib/useLoad';
import { PayBox, PaymentList } from './Pay';

const INVOICE_LABELS: Record<InvoiceStatus, string> = {
  draft: 'Draft',
  open: 'Due',
  partially_paid: 'Partly paid',
  paid: 'Paid',
  void: 'Cancelled',
};

/**
 * Where an invoice stands for the customer. `processing` is what a bank debit still settling
 * covers: when it covers the whole balance there is nothing to pay, so it never says "Due".
 */
export function InvoiceStatusBadge({ status, overdue, balance, processing }: { status: InvoiceStatus; overdue: boolean; balance: number; processing: number }) {
  const inFlight = balance > 0 && processing >= balance && status !== 'void';
  const [kind, label] = inFlight ? ['processing', 'Payment processing'] : overdue ? ['overdue', 'Overdue'] : [status, INVOICE_LABELS[status]];
  return <span class={`status invoice-${kind}`}>{label}</span>;
}

function InvoiceCard({ i }: { i: InvoiceSummary }) {
  return (
    <li class="card estimate-card">
      <div class="row">
        <h3>
          <a href={`/invoices/${i.id}`} data-route aria-label={i.title ? `${i.title}, invoice ${i.number}` : undefined}>
            {i.title || `Invoice ${i.number}`}
          </a>
        </h3>
        <InvoiceStatusBadge status={i.status} overdue={i.overdue} balance={i.balance} processing={i.processing} />
      </div>
      <p class="muted">
        Invoice {i.number}
        {i.property_label && <> · {i.property_label}</>}
        {' · '}
        {money(i.total, i.currency)}
        {i.processing > 0 && <> · {money(i.processing, i.currency)} on its way by bank transfer</>}
        {i.balance - i.processing > 0 && i.balance - i.processing !== i.total && <> · {money(i.balance - i.processing, i.currency)} still due</>}
        {i.balance - i.processing > 0 && <> · due {date(i.due_date)}</>}
      </p>
    </li>
  );
}

export function InvoiceListPage() {
  const { data, error, retry } = useLoad(listInvoices, []);
  return (
    <>
      <h1>Invoices</h1>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.invoices.length === 0 && <p class="muted">No invoices yet.</p>}
      {data && (
        <ul class="cards">
          {data.invoices.map((i) => (
            <InvoiceCard key={i.id} i={i} />
          ))}
        </ul>
      )}
    </>
  );
}

export function InvoicePage({ id }: { id: string }) {
  const { data, error, retry } = useLoad(() => getInvoice(id), [id]);
  if (error !== null && !data) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading label="Loading your invoice…" />;
  const c = data.content.currency;
  return (
    <article class="invoice">
      <header class="estimate-head">
        <p class="muted">
          <span>Invoice {data.number}</span>
          {data.title && <> · {data.title}</>}
          {data.property_label && <> · {data.property_label}</>}
        </p>
        <h1>{money(data.totals.total, c)}</h1>
        <p class="row">
          <InvoiceStatusBadge status={data.status} overdue={data.overdue} balance={data.ledger.balance} processing={Math.min(data.ledger.pending, data.ledger.balance)} />
          {data.pay.payable > 0 && <span>Due {date(data.content.due_date)}</span>}
          <button type="button" class="button link no-print" onClick={() => window.print()}>
            Print
          </button>
        </p>
      </header>
      <PayBox invoice={data} onChanged={retry} />
      <Lines items={data.content.items} currency={c} />
      <section class="totals" aria-labelledby="invoice-totals">
        <h2 id="invoice-totals" class="visually-hidden">
          Totals
        </h2>
        <dl>
          <div>
            <dt>Subtotal</dt>
            <dd>{money(data.totals.subtotal, c)}</dd>
          </div>
          {data.totals.discount > 0 && data.content.discount && (
            <div>
              <dt>{data.content.discount.label}</dt>
              <dd>−{money(data.totals.discount, c)}</dd>
            </div>
          )}
          <div>
            <dt>Tax ({percent(data.content.tax_rate)})</dt>
            <dd>{money(data.totals.tax, c)}</dd>
          </div>
          <div class="total">
            <dt>Total</dt>
            <dd>{money(data.totals.total, c)}</dd>
          </div>
          <div>
            <dt>Paid</dt>
            <dd>{money(data.ledger.paid, c)}</dd>
          </div>
          {data.ledger.pending > 0 && (
            <div>
              <dt>Processing</dt>
              <dd>{money(data.ledger.pending, c)}</dd>
            </div>
          )}
          <div class="deposit">
            <dt>Balance due</dt>
            <dd data-testid="balance">{money(data.ledger.balance, c)}</dd>
          </div>
        </dl>
      </section>
      {data.content.memo && <p class="prose">{data.content.memo}</p>}
      <section aria-labelledby="payments-title">
        <h2 id="payments-title">Payments</h2>
        <PaymentList payments={data.payments} />
      </section>
    </article>
  );
}
