// One invoice as the office sees it: what it is for, its lines and totals, its payments and its
// history, with Send, Record payment and Void where they apply.
import { useState } from 'preact/hooks';

import { Lines } from '../../components/Lines';
import { Loading, Notice } from '../../components/Notice';
import { date, dateTime, money, percent } from '../../lib/format';
import { useLoad } from '../../lib/useLoad';
import { documentAudit, getCustomer, getInvoice, sendInvoice, voidInvoice } from '../api';
import { PayOffline } from './Customers';
import { AuditLine, INVOICE_STATUS, customerNames } from '../lib/words';

export function AdminInvoicePage({ account, invoice }: { account: string; invoice: string }) {
  const { data, error, retry } = useLoad(() => Promise.all([getInvoice(account, invoice), getCustomer(account), documentAudit(invoice)]), [account, invoice]);
  const [done, setDone] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [paying, setPaying] = useState(false);
  if (error !== null && !data) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  const [inv, customer, log] = data;
  const i = inv.invoice;
  const c = i.currency;
  const names = customerNames(customer);
  const act = <T,>(run: () => Promise<T>, said: (t: T) => string) => {
    setActionError(null);
    setDone(null);
    run().then((t) => {
      setDone(said(t));
      retry();
    }, setActionError);
  };
  const open = i.status !== 'void' && i.status !== 'draft';
  return (
    <article>
      <p class="muted">
        <a href={`/admin/customers/${account}`} data-route>
          Back to {inv.customer}
        </a>
      </p>
      <div class="row">
        <h1>
          {i.number} · {inv.title}
        </h1>
        <span class={`status invoice-${i.overdue ? 'overdue' : i.status}`} data-testid="admin-invoice-status">
          {i.overdue ? 'Overdue' : INVOICE_STATUS[i.status]}
        </span>
      </div>
      <p class="muted">
        {inv.customer}
        {inv.property_label && <> · {inv.property_label}</>} · due {date(i.due_date)}
        {i.sent_at ? <> · sent {dateTime(i.sent_at)}</> : <> · not sent yet</>}
      </p>
      {done && <p role="status">{done}</p>}
      {actionError !== null && <Notice error={actionError} />}
      <div class="row start">
        {open && i.ledger.balance > 0 && (
          <button
            type="button"
            class="button secondary"
            onClick={() => act(() => sendInvoice(account, i.id), (r) => `${i.number} sent to ${r.recipients} contact${r.recipients === 1 ? '' : 's'}.`)}
          >
            {i.sent_at ? 'Send again' : 'Send to the customer'}
          </button>
        )}
        {open && i.ledger.balance > 0 && (
          <button type="button" class="button secondary" onClick={() => setPaying(!paying)}>
            Record payment
          </button>
        )}
        {i.ledger.paid === 0 && i.ledger.pending === 0 && i.status !== 'void' && (
          <button type="button" class="button secondary" onClick={() => act(() => voidInvoice(account, i.id), () => `${i.number} voided.`)}>
            Void
          </button>
        )}
      </div>
      {paying && (
        <PayOffline
          account={account}
          invoice={i}
          onDone={() => {
            setPaying(false);
            retry();
          }}
        />
      )}
      <Lines items={inv.content.items} currency={c} />
      <section class="totals" aria-label="Totals">
        <dl>
          <div>
            <dt>Subtotal</dt>
            <dd>{money(inv.totals.subtotal, c)}</dd>
          </div>
          {inv.totals.discount > 0 && (
            <div>
              <dt>Discount</dt>
              <dd>−{money(inv.totals.discount, c)}</dd>
            </div>
          )}
          <div>
            <dt>Tax ({percent(inv.content.tax_rate)})</dt>
            <dd>{money(inv.totals.tax, c)}</dd>
          </div>
          <div class="total">
            <dt>Total</dt>
            <dd>{money(inv.totals.total, c)}</dd>
          </div>
          <div>
            <dt>Paid</dt>
            <dd>{money(i.ledger.paid, c)}</dd>
          </div>
          {i.ledger.pending > 0 && (
            <div>
              <dt>Processing</dt>
              <dd>{money(i.ledger.pending, c)}</dd>
            </div>
          )}
          <div class="total">
            <dt>Balance</dt>
            <dd data-testid="admin-invoice-balance">{money(i.ledger.balance, c)}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="payments">
        <h2 id="payments">Payments</h2>
        {inv.payments.length === 0 ? (
          <p class="muted">No payments yet.</p>
        ) : (
          <ul>
            {inv.payments.map((p) => (
              <li key={p.id}>
                {money(p.amount, p.currency)} · {p.method} · {p.status.replace('_', ' ')} · {dateTime(p.updated_at)}
                {p.receipt_number && <> · receipt {p.receipt_number}</>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="history">
        <h2 id="history">History</h2>
        <ol class="audit">
          {log.items.map((a) => (
            <li key={a.id}>
              <AuditLine a={a} names={names} />
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
