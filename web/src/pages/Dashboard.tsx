import { useState } from 'preact/hooks';

import { displayName, getHome, payBalance, session } from '../api/client';
import type { PayBalance, TenantProfile, VisitView } from '../api/types';
import { Loading, Notice } from '../components/Notice';
import { VisitCard } from '../components/Visit';
import { money, phone } from '../lib/format';
import { useLoad } from '../lib/useLoad';
import { EstimateCard } from './Estimates';
import { JobCard } from './Jobs';

/** Pays every open invoice in one Checkout. The amount sent is the one shown: if the balance
 * changed meanwhile the server refuses, and the card shows the new balance. */
function PayBalanceButton({ due, onChanged }: { due: PayBalance; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const pay = () => {
    setBusy(true);
    setError(null);
    payBalance(due.amount)
      .then((s) => window.location.assign(s.checkout_url))
      .catch((e: unknown) => {
        setError(e);
        setBusy(false);
        onChanged();
      });
  };
  return (
    <div class="pay-balance no-print">
      {error !== null && <Notice error={error} />}
      <button type="button" class="button primary" disabled={busy} onClick={pay}>
        {busy ? 'Opening checkout…' : `Pay balance, ${money(due.amount, due.currency)}`}
      </button>
      <p class="muted">
        {due.invoices === 1 ? 'Pays your open invoice' : `Pays all ${due.invoices} open invoices in one payment`} on a secure
        Stripe page.
      </p>
    </div>
  );
}

/** What needs the customer's attention, and how to reach the office. Shows only what exists. */
export function Dashboard({ tenant }: { tenant: TenantProfile | null }) {
  // Only what the contractor shows (the API leaves hidden sections empty too).
  const shows = tenant?.sections ?? { estimates: true, invoices: true, payments: true };
  // Everything on this page is one request, one Query of the account.
  const { data, error, retry, set } = useLoad(getHome, []);
  const readOnly = session()?.scope === 'portal:read';
  const name = displayName().split(' ')[0];
  const owed = data?.balance_due.filter((a) => a.amount > 0) ?? [];
  const inFlight = data?.processing.filter((a) => a.amount > 0) ?? [];
  const waiting = data?.waiting ?? [];
  const next = data?.next_visit;
  const others = data?.open_jobs.filter((j) => j.id !== next?.id) ?? [];
  const visitChanged = (v: VisitView) => {
    if (data && next) set({ ...data, next_visit: { ...next, next_visit: v } });
  };
  return (
    <>
      <h1>{name ? `Hello, ${name}` : 'Welcome'}</h1>
      {tenant?.welcome_message && <p class="welcome">{tenant.welcome_message}</p>}
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading page />}
      {data && data.unread_messages > 0 && (
        <p class="notice" role="status">
          <a href="/messages" data-route>
            {data.unread_messages} new message{data.unread_messages === 1 ? '' : 's'} from the office
          </a>
        </p>
      )}
      {next?.next_visit && (
        <section aria-labelledby="next-visit-title" class="next-visit">
          <h2 id="next-visit-title">
            {next.next_visit.status === 'on_the_way' || next.next_visit.status === 'arrived' ? 'Today' : 'Your next visit'}
          </h2>
          <VisitCard v={next.next_visit} title={next.title} onChanged={visitChanged} readOnly={readOnly} />
          <p>
            <a href={`/jobs/${next.id}`} data-route>
              See the job ({next.number})
            </a>
          </p>
        </section>
      )}
      {(owed.length > 0 || inFlight.length > 0) && (
        <section class="card balance" aria-labelledby="balance-title">
          <h2 id="balance-title">{owed.length > 0 ? 'Balance due' : 'Nothing due'}</h2>
          {owed.length > 0 && <p class="balance-amount">{owed.map((a) => money(a.amount, a.currency)).join(' + ')}</p>}
          {inFlight.length > 0 && (
            <p class="muted" data-testid="processing">
              Payment processing: {inFlight.map((a) => money(a.amount, a.currency)).join(' + ')} on its way by bank transfer. No need to pay it again.
            </p>
          )}
          {data?.pay_balance && <PayBalanceButton due={data.pay_balance} onChanged={retry} />}
          <a href="/invoices" data-route>
            See your invoices
          </a>
        </section>
      )}
      {data && shows.estimates && (
        <section aria-labelledby="waiting-title">
          <h2 id="waiting-title">Waiting for your decision</h2>
          {waiting.length === 0 ? (
            <p class="muted">Nothing needs your decision right now.</p>
          ) : (
            <ul class="cards">
              {waiting.map((e) => (
                <EstimateCard key={e.id} e={e} />
              ))}
            </ul>
          )}
          <p>
            <a href="/estimates" data-route>
              All estimates
            </a>
          </p>
        </section>
      )}
      {others.length > 0 && (
        <section aria-labelledby="jobs-title">
          <h2 id="jobs-title">Jobs under way</h2>
          <ul class="cards">
            {others.map((j) => (
              <JobCard key={j.id} j={j} />
            ))}
          </ul>
        </section>
      )}
      {data && data.open_requests.length > 0 && (
        <section aria-labelledby="requests-title">
          <h2 id="requests-title">Your requests</h2>
          <ul class="cards">
            {data.open_requests.map((r) => (
              <li key={r.id} class="card">
                <a href={`/requests/${r.id}`} data-route>
                  {r.category}
                </a>{' '}
                <span class="status">{r.status_words}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {data && data.to_rate.length > 0 && (
        <section aria-labelledby="rate-title">
          <h2 id="rate-title">How did we do?</h2>
          <ul class="cards">
            {data.to_rate.map((j) => (
              <li key={j.job} class="card">
                <p>
                  {j.title} ({j.number}) is done.
                </p>
                <a class="button secondary" href={`/rate/${j.job}`} data-route>
                  Rate this job
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {/* Shown with the list, not before it, so nothing moves once the page has painted. */}
      {(data || error !== null) && tenant && (tenant.support_phone || tenant.support_email) && (
        <section class="card contact" aria-labelledby="contact-title">
          <h2 id="contact-title">Contact {tenant.name}</h2>
          <p>
            <a href="/messages/general" data-route>
              Send the office a message
            </a>
          </p>
          {tenant.support_phone && (
            <p>
              Call or text <a href={`tel:${tenant.support_phone}`}>{phone(tenant.support_phone)}</a>
            </p>
          )}
          {tenant.support_email && (
            <p>
              Email <a href={`mailto:${tenant.support_email}`}>{tenant.support_email}</a>
            </p>
          )}
        </section>
      )}
    </>
  );
}
