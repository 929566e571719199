// Paying: the Pay now box on an invoice, the deposit button after approval, the page Stripe
// Checkout returns to, and the payment history with account credit. Amounts are the server's;
// the customer only picks among what the contractor's rules allow.
import { useEffect, useState } from 'preact/hooks';

import { applyCredit, buyCredit, getPayment, listPayments, payDeposit, payInvoice } from '../api/client';
import type { InvoiceView, PaymentMethod, PaymentStatus, PaymentView, Started } from '../api/types';
import { Loading, Notice } from '../components/Notice';
import { dateTime, money, parseMoney } from '../lib/format';
import { useLoad } from '../lib/useLoad';

export const PAYMENT_LABELS: Record<PaymentStatus, string> = {
  started: 'Not completed',
  canceled: 'Not completed',
  processing: 'Processing (bank transfers take a few days)',
  succeeded: 'Paid',
  failed: 'Failed',
  disputed: 'Disputed',
  dispute_lost: 'Reversed after a dispute',
};

export const METHOD_LABELS: Record<PaymentMethod, string> = {
  online: 'Online',
  card: 'Card',
  ach: 'Bank transfer',
  offline: 'Cheque or cash',
  credit: 'Account credit',
};

function toCheckout(s: Started): void {
  window.location.assign(s.checkout_url);
}

/** Pay now, in full or in part, and apply account credit. */
export function PayBox({ invoice, onChanged }: { invoice: InvoiceView; onChanged: () => void }) {
  const p = invoice.pay;
  const c = invoice.content.currency;
  const [part, setPart] = useState(false);
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (invoice.status === 'void' || invoice.ledger.balance === 0) return null;
  if (p.blocked) {
    return (
      <section class="card pay no-print" aria-labelledby="pay-title">
        <h2 id="pay-title">Paying</h2>
        <p>{p.blocked}</p>
      </section>
    );
  }
  if (p.payable === 0) {
    return (
      <section class="card pay" aria-labelledby="pay-title">
        <h2 id="pay-title">Payment processing</h2>
        <p>A bank payment for this invoice is on its way. Bank transfers take a few business days to clear.</p>
      </section>
    );
  }
  const partMinor = parseMoney(amount);
  const partOk = partMinor !== null && partMinor >= Math.max(p.partial_minimum, 1) && partMinor <= p.payable;
  const go = (run: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    run().catch((e: unknown) => {
      setError(e);
      setBusy(false);
    });
  };
  const pay = () => go(() => payInvoice(invoice.id, part && partMinor !== null ? partMinor : undefined).then(toCheckout));
  const credit = () =>
    go(() =>
      applyCredit(invoice.id).then(() => {
        setBusy(false);
        onChanged();
      }),
    );
  return (
    <section class="card pay no-print" aria-labelledby="pay-title">
      <h2 id="pay-title">Pay now</h2>
      {p.credit_available > 0 && (
        <p>
          You have {money(p.credit_available, c)} of account credit.{' '}
          <button type="button" class="button secondary" disabled={busy} onClick={credit}>
            Apply {money(p.credit_available, c)} credit
          </button>
        </p>
      )}
      {p.partial_allowed && (
        <fieldset>
          <legend>How much?</legend>
          <label class="choice">
            <input type="radio" name="how-much" checked={!part} onChange={() => setPart(false)} /> The balance, {money(p.payable, c)}
          </label>
          <label class="choice">
            <input type="radio" name="how-much" checked={part} onChange={() => setPart(true)} /> Another amount (at least {money(p.partial_minimum, c)})
          </label>
          {part && (
            <label>
              Amount
              <input inputMode="decimal" autoComplete="off" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} aria-invalid={amount !== '' && !partOk} />
            </label>
          )}
        </fieldset>
      )}
      <button type="button" class="button primary" disabled={busy || (part && !partOk)} onClick={pay}>
        {busy ? 'Opening checkout…' : `Pay ${money(part && partMinor !== null ? partMinor : p.payable, c)}`}
      </button>
      <p class="muted">
        Card{p.methods.includes('us_bank_account') ? ' or bank transfer (ACH)' : ''}, on a secure Stripe page.
        {!p.methods.includes('us_bank_account') && p.ach_minimum !== null && p.ach_minimum !== undefined && <> Bank transfer is offered from {money(p.ach_minimum, c)}.</>}
      </p>
      {p.card_fee_disclosure && <p class="muted">{p.card_fee_disclosure}</p>}
      {error !== null && <Notice error={error} />}
    </section>
  );
}

/** Pay the deposit of an approved estimate. */
export function DepositButton({ estimate, amount, currency }: { estimate: string; amount: number; currency: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const pay = () => {
    setBusy(true);
    setError(null);
    payDeposit(estimate).then(toCheckout, (e: unknown) => {
      setError(e);
      setBusy(false);
    });
  };
  return (
    <div class="pay">
      <button type="button" class="button primary" disabled={busy} onClick={pay}>
        {busy ? 'Opening checkout…' : `Pay the ${money(amount, currency)} deposit`}
      </button>
      {error !== null && <Notice error={error} />}
    </div>
  );
}

const HEADLINES: Record<PaymentStatus, string> = {
  started: 'Waiting for confirmation…',
  canceled: 'Payment not completed',
  processing: 'Payment processing',
  succeeded: 'Payment received',
  failed: 'Payment failed',
  disputed: 'Payment disputed',
  dispute_lost: 'Payment reversed',
};

function explain(p: PaymentView): string {
  switch (p.status) {
    case 'started':
      return 'We have not heard from the payment page yet. This page updates by itself.';
    case 'processing':
      return 'Your bank transfer was submitted. Bank transfers take a few business days to clear; we will email you a receipt when it does.';
    case 'succeeded':
      return 'Thank you. This is your receipt: print it or keep the email we sent for your records.';
    case 'failed':
      return 'The payment did not go through and nothing was charged. You can try again with another card or account.';
    case 'canceled':
      return 'The payment page was closed without paying. Nothing was charged.';
    default:
      return 'Contact us if you have questions about this payment.';
  }
}

/** Where Stripe Checkout returns to: the payment as it stands, updating until it settles. */
export function PaymentPage({ id }: { id: string }) {
  const { data, error, retry } = useLoad(() => getPayment(id), [id]);
  const status = data?.payment.status;
  useEffect(() => {
    if (status !== 'started' && status !== 'processing') return;
    const t = setTimeout(retry, status === 'started' ? 1500 : 5000);
    return () => clearTimeout(t);
  }, [data]);
  if (error !== null && !data) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading label="Checking your payment…" />;
  const p = data.payment;
  const back = p.document ? (p.purpose === 'deposit' ? `/estimates/${p.document}` : `/invoices/${p.document}`) : '/payments';
  return (
    <article class="card narrow receipt" aria-live="polite">
      <h1 data-testid="payment-status">{HEADLINES[p.status]}</h1>
      <p>{explain(p)}</p>
      <dl>
        <div>
          <dt>For</dt>
          <dd>{p.label}</dd>
        </div>
        <div>
          <dt>Amount</dt>
          <dd>{money(p.amount, p.currency)}</dd>
        </div>
        <div>
          <dt>Method</dt>
          <dd>{METHOD_LABELS[p.method]}</dd>
        </div>
        {p.receipt_number && (
          <div>
            <dt>Receipt</dt>
            <dd data-testid="receipt-number">{p.receipt_number}</dd>
          </div>
        )}
        <div>
          <dt>{p.status === 'succeeded' ? 'Paid on' : 'Updated'}</dt>
          <dd>{dateTime(p.updated_at)}</dd>
        </div>
        {data.balance !== null && data.balance !== undefined && (
          <div>
            <dt>Balance due now</dt>
            <dd data-testid="balance-now">{money(data.balance, p.currency)}</dd>
          </div>
        )}
      </dl>
      <p class="no-print">
        <a href={back} data-route>
          Back to {p.purpose === 'deposit' ? 'the estimate' : p.purpose === 'invoice' ? 'the invoice' : 'your payments'}
        </a>
        {p.status === 'succeeded' && (
          <>
            {' · '}
            <button type="button" class="button link" onClick={() => window.print()}>
              Print receipt
            </button>
          </>
        )}
      </p>
    </article>
  );
}

/** Payments as cards linking to their receipts; `withLabel` names what each paid. */
export function PaymentList({ payments, withLabel = false }: { payments: PaymentView[]; withLabel?: boolean }) {
  if (payments.length === 0) return <p class="muted">No payments yet.</p>;
  return (
    <ul class="cards">
      {payments.map((p) => (
        <li class="card" key={p.id}>
          <div class="row">
            <a href={`/payments/${p.id}`} data-route>
              <strong>{money(p.amount, p.currency)}</strong>
              {withLabel && <> · {p.label}</>}
            </a>
            <span>{p.status === 'succeeded' && p.refunded >= p.amount ? 'Refunded' : PAYMENT_LABELS[p.status]}</span>
          </div>
          <p class="muted">
            {METHOD_LABELS[p.method]}
            {p.credit_source?.startsWith('est_') && ' (your deposit)'} · {dateTime(p.created_at)}
            {p.refunded > 0 && <> · {money(p.refunded, p.currency)} refunded</>}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** Pay ahead: account credit, applied to invoices later. */
function BuyCredit({ currency }: { currency: string }) {
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const minor = parseMoney(amount);
  const buy = (e: Event) => {
    e.preventDefault();
    if (minor === null) return;
    setBusy(true);
    setError(null);
    buyCredit(minor).then(toCheckout, (err: unknown) => {
      setError(err);
      setBusy(false);
    });
  };
  return (
    <form class="card pay no-print" onSubmit={buy}>
      <h2>Pay ahead</h2>
      <p class="muted">Add credit to your account; it can be applied to any invoice.</p>
      <label>
        Credit amount ({currency})
        <input inputMode="decimal" autoComplete="off" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
      </label>
      <button type="submit" class="button secondary" disabled={busy || minor === null}>
        {busy ? 'Opening checkout…' : minor === null ? 'Add credit' : `Add ${money(minor, currency)} credit`}
      </button>
      {error !== null && <Notice error={error} />}
    </form>
  );
}

/** Every payment, newest first, with the account's credit. */
export function PaymentsPage() {
  const { data, error, retry } = useLoad(listPayments, []);
  if (error !== null && !data) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading label="Loading your payments…" />;
  const cr = data.credit;
  return (
    <>
      <h1>Payments</h1>
      {(cr.available > 0 || cr.pending > 0) && (
        <p class="card">
          Account credit: <strong data-testid="credit">{money(cr.available, cr.currency)}</strong>
          {cr.pending > 0 && <> ({money(cr.pending, cr.currency)} processing)</>}. It can be applied to any invoice.
        </p>
      )}
      {cr.deposits_held > 0 && (
        <p class="card" data-testid="deposits-held">
          Deposits paid: {money(cr.deposits_held, cr.currency)}. Each is credited on the invoice for its estimate.
        </p>
      )}
      <BuyCredit currency={cr.currency} />
      <PaymentList payments={data.payments} withLabel />
    </>
  );
}
