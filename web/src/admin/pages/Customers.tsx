// Customers: the list (by name), a new customer with its first contact and property, and one
// customer with everything the office does for them.
import { useState } from 'preact/hooks';
import { CustomerJobs } from '../components/CustomerJobs';

import { Loading, Notice } from '../../components/Notice';
import { dateTime, money, parseMoney } from '../../lib/format';
import { navigate } from '../../lib/router';
import { useLoad } from '../../lib/useLoad';
import { Field, useSubmit } from '../components/Form';
import { Head } from '../components/Head';
import { EstimateCells } from './Estimates';
import { NewInvoice } from '../components/NewInvoice';
import { ContactEditing, NewContactOrProperty, Properties, useEditing } from '../components/Parties';
import { type InvoiceRow, auditLog, createCustomer, getCustomer, invoiceEstimate, inviteContact, listCustomers, moveDeposit, recordPayment, sendInvoice, setAccess, viewAs, voidInvoice, withdrawLinks } from '../api';
import { AuditLine, INVOICE_STATUS, customerNames } from '../lib/words';

function NewCustomer({ onDone }: { onDone: (id: string) => void }) {
  const [f, setF] = useState({ name: '', contact: '', email: '', phone: '', label: 'Home', line1: '', city: '', region: '', postal_code: '' });
  const [kind, setKind] = useState<'residential' | 'commercial'>('residential');
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const { error, busy, submit } = useSubmit(
    () => {
      const contact: Record<string, string> = { name: f.contact || f.name, role: 'approver' };
      if (f.email) contact.email = f.email;
      if (f.phone) contact.phone = f.phone;
      const body: Record<string, unknown> = { name: f.name, kind, contact };
      if (f.line1) body.property = { label: f.label, line1: f.line1, city: f.city, region: f.region, postal_code: f.postal_code };
      return createCustomer(body);
    },
    (c) => onDone(c.id),
  );
  return (
    <form class="card" onSubmit={submit} aria-labelledby="new-customer">
      <h2 id="new-customer">New customer</h2>
      <div class="grid2">
        <Field label="Customer name" name="name" value={f.name} onInput={set('name')} error={error} required />
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as 'residential' | 'commercial')}>
            <option value="residential">Residential</option>
            <option value="commercial">Commercial</option>
          </select>
        </label>
        <Field label="Contact name (if different)" name="contact.name" value={f.contact} onInput={set('contact')} error={error} />
        <Field label="Contact email" name="contact.email" type="email" value={f.email} onInput={set('email')} error={error} />
        <Field label="Contact phone" name="contact.phone" type="tel" value={f.phone} onInput={set('phone')} error={error} />
        <Field label="Property label" name="property.label" value={f.label} onInput={set('label')} error={error} />
        <Field label="Street address" name="property.line1" value={f.line1} onInput={set('line1')} error={error} />
        <Field label="City" name="property.city" value={f.city} onInput={set('city')} error={error} />
        <Field label="State" name="property.region" value={f.region} onInput={set('region')} error={error} />
        <Field label="ZIP code" name="property.postal_code" value={f.postal_code} onInput={set('postal_code')} error={error} />
      </div>
      {error !== null && <Notice error={error} />}
      <button class="button primary" disabled={busy}>
        {busy ? 'Saving…' : 'Create customer'}
      </button>
    </form>
  );
}

export function CustomersPage() {
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');
  const { data, error, retry } = useLoad(() => listCustomers(name), [name]);
  return (
    <>
      <div class="row">
        <h1>Customers</h1>
        <button type="button" class="button primary" onClick={() => setAdding(!adding)} aria-expanded={adding}>
          {adding ? 'Cancel' : 'New customer'}
        </button>
      </div>
      {adding && <NewCustomer onDone={(id) => navigate(`/admin/customers/${id}`)} />}
      <form role="search" class="inline" onSubmit={(e) => e.preventDefault()}>
        <label>
          Find a customer by name
          <input type="search" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="Starts with…" />
        </label>
      </form>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && (
        <table class="table">
          <Head cols={['Name', 'Kind']} />
          <tbody>
            {data.items.length === 0 && (
              <tr>
                <td colSpan={2}>{name.trim() ? `No customer's name starts with “${name.trim()}”.` : 'No customers yet.'}</td>
              </tr>
            )}
            {data.items.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={`/admin/customers/${c.id}`} data-route>
                    {c.name}
                  </a>
                </td>
                <td>{c.kind === 'commercial' ? 'Commercial' : 'Residential'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function PayOffline({ account, invoice, onDone }: { account: string; invoice: InvoiceRow; onDone: () => void }) {
  const [amount, setAmount] = useState((invoice.ledger.balance / 100).toFixed(2));
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await recordPayment(account, invoice.id, parseMoney(amount) ?? 0, note);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="inline" onSubmit={submit} aria-label={`Record a payment on ${invoice.number}`}>
      <label>
        Amount received
        <input inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
      </label>
      <label>
        Cheque number or note
        <input value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <button class="button secondary">Record payment</button>
      {error !== null && <Notice error={error} />}
    </form>
  );
}

export function CustomerPage({ id }: { id: string }) {
  const { data, error, retry } = useLoad(() => getCustomer(id), [id]);
  const log = useLoad(() => auditLog(id), [id, data]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [paying, setPaying] = useState<string | null>(null);
  const [invoicing, setInvoicing] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [open, setOpen] = useEditing();
  if (error !== null && !data) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  /** Runs an action, then reloads; `said` turns its answer into a confirmation. */
  const act = <T,>(run: () => Promise<T>, said?: (answer: T) => string) => {
    setActionError(null);
    setDone(null);
    run().then((answer) => {
      if (said) setDone(said(answer));
      retry();
    }, setActionError);
  };
  const names = customerNames(data);
  const invoiced = new Set(data.invoices.filter((i) => i.status !== 'void').map((i) => i.estimate));
  const look = (contact: string) =>
    act(async () => {
      const s = await viewAs(id, contact);
      window.open(`/view-as#token=${encodeURIComponent(s.access_token)}`, '_blank', 'noopener');
    });
  return (
    <article>
      <p class="muted">
        <a href="/admin" data-route>
          Customers
        </a>
      </p>
      <h1>{data.customer.name}</h1>
      {actionError !== null && <Notice error={actionError} />}
      {done && (
        <p role="status" class="notice">
          {done}
        </p>
      )}
      <section aria-labelledby="contacts">
        <h2 id="contacts">Contacts</h2>
        <ul class="cards">
          {data.contacts.map((c) => (
            <li class="card row" key={c.id}>
              <span>
                <strong>{c.name}</strong> · {c.role} · {[c.email, c.phone].filter(Boolean).join(' · ')}
              </span>
              <span class="actions">
                {c.portal_enabled ? (
                  <>
                    <button type="button" class="button link" onClick={() => act(() => inviteContact(id, c.id))}>
                      Invite {c.name}
                    </button>
                    <button
                      type="button"
                      class="button link"
                      onClick={() => act(() => withdrawLinks(id, c.id), () => `Every link sent to ${c.name} so far has stopped working.`)}
                    >
                      Withdraw {c.name}'s links
                    </button>
                    <button type="button" class="button link" onClick={() => look(c.id)}>
                      View as {c.name}
                    </button>
                    <button type="button" class="button link" onClick={() => act(() => setAccess(id, c.id, false))}>
                      Switch off access
                    </button>
                  </>
                ) : (
                  <button type="button" class="button link" onClick={() => act(() => setAccess(id, c.id, true))}>
                    Switch on access for {c.name}
                  </button>
                )}
                <ContactEditing account={id} contact={c} properties={data.properties} open={open} setOpen={setOpen} onChange={retry} onError={setActionError} />
              </span>
            </li>
          ))}
        </ul>
        <h3>Properties</h3>
        <Properties account={id} properties={data.properties} open={open} setOpen={setOpen} onChange={retry} onError={setActionError} />
        <NewContactOrProperty account={id} properties={data.properties} open={open} setOpen={setOpen} onChange={retry} />
      </section>
      <CustomerJobs account={id} properties={data.properties} />
      <section aria-labelledby="estimates">
        <div class="row">
          <h2 id="estimates">Estimates</h2>
          <a class="button secondary" href={`/admin/customers/${id}/estimates/new`} data-route>
            New estimate
          </a>
        </div>
        <table class="table">
          <Head cols={['Estimate', 'Status', 'Total', '']} />
          <tbody>
            {data.estimates.map((e) => (
              <tr key={e.id}>
                <EstimateCells account={id} e={e} />
                <td>
                  {e.status === 'approved' && !invoiced.has(e.id) && (
                    <button type="button" class="button secondary" onClick={() => act(() => invoiceEstimate(id, e.id))}>
                      Invoice {e.number}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="invoices">
        <div class="row">
          <h2 id="invoices">Invoices</h2>
          <button type="button" class="button secondary" onClick={() => setInvoicing(!invoicing)} aria-expanded={invoicing}>
            {invoicing ? 'Cancel' : 'New invoice'}
          </button>
        </div>
        {invoicing && (
          <NewInvoice
            account={id}
            properties={data.properties}
            onDone={(message) => {
              setInvoicing(false);
              setDone(message);
              retry();
            }}
          />
        )}
        <table class="table">
          <Head cols={['Invoice', 'Status', 'Total', 'Balance', '']} />
          <tbody>
            {data.invoices.map((i) => (
              <tr key={i.id}>
                <td>
                  <a href={`/admin/customers/${id}/invoices/${i.id}`} data-route>
                    {i.number} · {i.title}
                  </a>
                  {i.sent_at && <span class="muted"> · sent {dateTime(i.sent_at)}</span>}
                </td>
                <td data-testid={`invoice-status-${i.number}`}>{i.overdue ? 'Overdue' : INVOICE_STATUS[i.status]}</td>
                <td>{money(i.ledger.total, i.currency)}</td>
                <td>{money(i.ledger.balance, i.currency)}</td>
                <td>
                  <span class="actions">
                    {(i.status === 'open' || i.status === 'partially_paid') && (
                      <button
                        type="button"
                        class="button link"
                        onClick={() => act(() => sendInvoice(id, i.id), (r) => `${i.number} sent to ${r.recipients} contact${r.recipients === 1 ? '' : 's'}.`)}
                      >
                        {i.sent_at ? `Send ${i.number} again` : `Send ${i.number}`}
                      </button>
                    )}
                    {i.ledger.balance > 0 && i.status !== 'void' && (
                      <button type="button" class="button link" onClick={() => setPaying(paying === i.id ? null : i.id)}>
                        Record payment
                      </button>
                    )}
                    {i.ledger.paid === 0 && i.ledger.pending === 0 && i.status !== 'void' && (
                      <button type="button" class="button link" onClick={() => act(() => voidInvoice(id, i.id))}>
                        Void
                      </button>
                    )}
                  </span>
                  {paying === i.id && (
                    <PayOffline
                      account={id}
                      invoice={i}
                      onDone={() => {
                        setPaying(null);
                        retry();
                      }}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {data.credit_available > 0 && <p>Account credit available: {money(data.credit_available, data.currency)}</p>}
        {data.deposits_held.map((d) => (
          <p key={d.estimate} class="row">
            <span>
              Deposit of {money(d.amount, data.currency)} held for {d.number}: it is credited on the invoice made from that estimate.
            </span>
            <button
              type="button"
              class="button link"
              onClick={() => {
                const sure = window.confirm(`Move the ${money(d.amount, data.currency)} deposit of ${d.number} to the customer's account credit? It will no longer be kept for ${d.number}'s invoice.`);
                if (sure) act(() => moveDeposit(id, d.estimate), (r) => `Moved ${money(r.moved, data.currency)} of the ${d.number} deposit to account credit.`);
              }}
            >
              Move to account credit
            </button>
          </p>
        ))}
      </section>
      <section aria-labelledby="activity">
        <h2 id="activity">Activity</h2>
        {log.data ? (
          <ol class="audit">
            {log.data.items.map((a) => (
              <li key={a.id}>
                <AuditLine a={a} names={names} />
              </li>
            ))}
          </ol>
        ) : (
          <Loading />
        )}
      </section>
    </article>
  );
}
