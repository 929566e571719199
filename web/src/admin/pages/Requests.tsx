// The office's work requests: the inbox (open ones, urgent first; or one status), and one
// request with what the customer asked, its photos, the warranty check, and what the office
// does with it: start the review, make a job with a visit in one of the customer's windows (or
// another), make a draft estimate, or decline with a message. Each step is audited and the
// customer is told.
import { useState } from 'preact/hooks';

import { send } from '../../api/client';
import type { RequestConverted, RequestInbox, RequestStatus, StaffRequestView, WorkRequest } from '../../api/types';
import { Gallery } from '../../components/Files';
import { Loading, Notice } from '../../components/Notice';
import { dateTime, phone } from '../../lib/format';
import { navigate } from '../../lib/router';
import { useLoad, useMore } from '../../lib/useLoad';
import { asLocal, windowText } from '../../lib/when';
import { listCustomers, listStaff } from '../api';

const enc = encodeURIComponent;
const base = (account: string, id: string) => `/api/admin/customers/${enc(account)}/requests/${enc(id)}`;
const getInbox = (status: string, urgent: boolean, cursor?: string) =>
  send<RequestInbox>({
    path: `/api/admin/requests?limit=50${status ? `&status=${status}` : ''}${urgent ? '&urgent=true' : ''}${cursor ? `&cursor=${enc(cursor)}` : ''}`,
  });
const getOne = (account: string, id: string) => send<StaffRequestView>({ path: base(account, id) });
const act = <T,>(account: string, id: string, what: string, body: unknown) => send<T>({ method: 'POST', path: `${base(account, id)}/${what}`, body });

const WORDS: Record<RequestStatus, string> = {
  received: 'New',
  in_review: 'In review',
  estimate: 'Estimate made',
  scheduled: 'Scheduled',
  declined: 'Declined',
};
const REACH: Record<WorkRequest['reach'], string> = { email: 'prefers email', call: 'prefers a call', text: 'prefers a text' };
const FILTERS: [string, string][] = [
  ['', 'Open'],
  ['received', 'New'],
  ['in_review', 'In review'],
  ['estimate', 'Estimate made'],
  ['scheduled', 'Scheduled'],
  ['declined', 'Declined'],
];

function Marks({ r }: { r: WorkRequest }) {
  return (
    <>
      {r.source === 'form' && <span class="status status-sent">Lead</span>} {r.urgent && <span class="status status-declined">Urgent</span>} {r.regarding?.under_warranty && <span class="status status-approved">Under warranty</span>}{' '}
      <span class="status">{WORDS[r.status]}</span>
    </>
  );
}

export function RequestsInboxPage() {
  const [status, setStatus] = useState('');
  const [urgent, setUrgent] = useState(false);
  const { data, error, retry, update } = useLoad(() => getInbox(status, urgent), [status, urgent]);
  const more = useMore(data, update, (cursor) => getInbox(status, urgent, cursor), (d, page) => ({ requests: [...d.requests, ...page.requests], next: page.next ?? null }));
  return (
    <>
      <h1>Work requests</h1>
      <div role="group" aria-label="Show">
        {FILTERS.map(([s, label]) => (
          <button key={s} type="button" class={`chip${status === s ? ' on' : ''}`} aria-pressed={status === s} onClick={() => setStatus(s)}>
            {label}
          </button>
        ))}
        <label class="check">
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent((e.target as HTMLInputElement).checked)} /> Urgent only
        </label>
      </div>
      {error !== null ? (
        <Notice error={error} onRetry={retry} />
      ) : !data ? (
        <Loading />
      ) : data.requests.length === 0 ? (
        <p>No requests here.</p>
      ) : (
        <ul class="cards">
          {data.requests.map((r) => (
            <li key={r.id} class="card">
              <a href={`/admin/requests/${r.account}/${r.id}`} data-route>
                <strong>{r.category}</strong>
              </a>{' '}
              <Marks r={r} />
              <p class="muted">
                {r.name} · asked {dateTime(r.created_at)} · {r.place}
              </p>
            </li>
          ))}
        </ul>
      )}
      {more.error !== null && <Notice error={more.error} />}
      {data?.next && (
        <button type="button" class="button secondary" disabled={more.busy} onClick={more.more}>
          {more.busy ? 'Loading…' : 'Show more requests'}
        </button>
      )}
    </>
  );
}

export function RequestAdminPage({ account, id }: { account: string; id: string }) {
  const { data, error, retry, set } = useLoad(() => getOne(account, id), [account, id]);
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  return <RequestDetail view={data} onChanged={(request) => set({ ...data, request })} />;
}

function RequestDetail({ view, onChanged }: { view: StaffRequestView; onChanged: (r: WorkRequest) => void }) {
  const r = view.request;
  const staff = useLoad(listStaff, []);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const [declining, setDeclining] = useState(false);
  const [message, setMessage] = useState('');
  const first = r.preferred[0] ? asLocal(r.preferred[0], r.time_zone) : null;
  const [win, setWin] = useState(first ?? { date: '', start: '08:00', end: '12:00' });
  const [tech, setTech] = useState('');
  const open = r.status === 'received' || r.status === 'in_review';
  const run = <T,>(p: Promise<T>, then: (v: T) => void) => {
    setBusy(true);
    setErr(null);
    p.then(then)
      .catch((e: unknown) => setErr(e))
      .finally(() => setBusy(false));
  };
  const toJob = (e: Event) => {
    e.preventDefault();
    run(act<RequestConverted>(r.account, r.id, 'job', { window: win, technicians: tech ? [tech] : [] }), (c) => {
      onChanged(c.request);
      if (c.job) navigate(`/admin/jobs/${r.account}/${c.job}`);
    });
  };
  const toEstimate = () =>
    run(act<RequestConverted>(r.account, r.id, 'estimate', {}), (c) => {
      onChanged(c.request);
      if (c.estimate) navigate(`/admin/customers/${r.account}/estimates/${c.estimate}`);
    });
  const decline = (e: Event) => {
    e.preventDefault();
    run(act<WorkRequest>(r.account, r.id, 'decline', { message }), (next) => {
      setDeclining(false);
      onChanged(next);
    });
  };
  const technicians = (staff.data ?? []).filter((s) => s.active && s.role === 'technician');
  return (
    <>
      <p>
        <a href="/admin/requests" data-route>
          All requests
        </a>
      </p>
      <h1>
        {r.category} <Marks r={r} />
      </h1>
      <p>
        <a href={`/admin/customers/${r.account}`} data-route>
          {view.customer}
        </a>{' '}
        · asked {dateTime(r.created_at)} by {r.name} · {REACH[r.reach]}
        {r.email ? ` · ${r.email}` : ''}
        {r.phone ? ` · ${phone(r.phone)}` : ''}
      </p>
      <section class="card">
        <p class="prose">{r.description}</p>
        <dl>
          <dt>Where</dt>
          <dd>
            {r.place}
            {r.address && !r.property && ' (a new address: making a job or an estimate adds it to the customer)'}
          </dd>
          {r.regarding && (
            <>
              <dt>About</dt>
              <dd>
                {r.regarding.label}
                {r.regarding.warranty_until && ` · warranty until ${r.regarding.warranty_until}`}
                {r.regarding.under_warranty ? ' · under warranty' : r.regarding.warranty_until ? ' · warranty ended' : ''}
              </dd>
            </>
          )}
          <dt>Times that suit them</dt>
          <dd>{r.preferred.length === 0 ? 'Any time' : r.preferred.map((w) => <div key={w.start}>{windowText(w, r.time_zone)}</div>)}</dd>
          {r.message && (
            <>
              <dt>Declined with</dt>
              <dd>{r.message}</dd>
            </>
          )}
        </dl>
        {view.photos.length > 0 ? <Gallery photos={view.photos} /> : <p class="muted">No photos.</p>}
        <p>
          <a href={`/admin/inbox/${r.account}/${r.id}`} data-route>
            {view.unread > 0 ? `Thread (${view.unread} unread)` : 'Write to the customer about it'}
          </a>
          {r.job && (
            <>
              {' '}
              ·{' '}
              <a href={`/admin/jobs/${r.account}/${r.job}`} data-route>
                The job
              </a>
            </>
          )}
          {r.estimate && (
            <>
              {' '}
              ·{' '}
              <a href={`/admin/customers/${r.account}/estimates/${r.estimate}`} data-route>
                The estimate
              </a>
            </>
          )}
        </p>
      </section>
      {err !== null && <Notice error={err} />}
      {view.lead && <Merge r={r} onMerged={(next) => navigate(`/admin/requests/${next.account}/${next.id}`)} />}
      {open && (
        <>
          {r.status === 'received' && (
            <p>
              <button type="button" class="button secondary" disabled={busy} onClick={() => run(act<WorkRequest>(r.account, r.id, 'review', {}), onChanged)}>
                Start the review (the customer sees "In review")
              </button>
            </p>
          )}
          <form class="card" onSubmit={toJob} aria-labelledby="to-job">
            <h2 id="to-job">Make a job with a visit</h2>
            {r.preferred.length > 0 && (
              <div role="group" aria-label="Their windows">
                {r.preferred.map((w) => {
                  const l = asLocal(w, r.time_zone);
                  const on = l.date === win.date && l.start === win.start;
                  return (
                    <button key={w.start} type="button" class={`chip${on ? ' on' : ''}`} aria-pressed={on} onClick={() => setWin(l)}>
                      {windowText(w, r.time_zone)}
                    </button>
                  );
                })}
              </div>
            )}
            <label for="job-date">Day</label>
            <input id="job-date" type="date" required value={win.date} onInput={(e) => setWin({ ...win, date: (e.target as HTMLInputElement).value })} />
            <label for="job-start">From</label>
            <input id="job-start" type="time" required value={win.start} onInput={(e) => setWin({ ...win, start: (e.target as HTMLInputElement).value })} />
            <label for="job-end">To</label>
            <input id="job-end" type="time" required value={win.end} onInput={(e) => setWin({ ...win, end: (e.target as HTMLInputElement).value })} />
            <label for="job-tech">Technician</label>
            <select id="job-tech" value={tech} onChange={(e) => setTech((e.target as HTMLSelectElement).value)}>
              <option value="">Not yet</option>
              {technicians.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <button type="submit" class="button primary" disabled={busy}>
              Make the job and book the visit
            </button>
          </form>
          <div class="actions">
            <button type="button" class="button secondary" disabled={busy} onClick={toEstimate}>
              Make a draft estimate
            </button>
            <button type="button" class="button secondary" disabled={busy} onClick={() => setDeclining(true)}>
              Decline
            </button>
          </div>
          {declining && (
            <form class="card" onSubmit={decline}>
              <label for="decline-message">What the customer reads</label>
              <textarea id="decline-message" rows={3} maxLength={2000} required value={message} onInput={(e) => setMessage((e.target as HTMLTextAreaElement).value)} />
              <button type="submit" class="button primary" disabled={busy}>
                Decline the request
              </button>
            </form>
          )}
        </>
      )}
      <h2>What happened</h2>
      <ol class="timeline">
        {r.history.map((s) => (
          <li key={s.at}>
            {dateTime(s.at)}: {WORDS[s.status]} ({s.by})
          </li>
        ))}
      </ol>
    </>
  );
}

/** A lead (from the public form) found to be an existing customer: its request moves there. */
function Merge({ r, onMerged }: { r: WorkRequest; onMerged: (r: WorkRequest) => void }) {
  const [q, setQ] = useState(r.name);
  const [into, setInto] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const found = useLoad(() => listCustomers(q), [q]);
  const choices = (found.data?.items ?? []).filter((c) => c.id !== r.account);
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    send<WorkRequest>({ method: 'POST', path: `${base(r.account, r.id)}/merge`, body: { into } })
      .then(onMerged)
      .catch((x: unknown) => setErr(x))
      .finally(() => setBusy(false));
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="merge-lead">
      <h2 id="merge-lead">Already a customer?</h2>
      <p>This came from the public form. If it is an existing customer, merge it: the request and its photos move to them, and the lead goes.</p>
      <label for="merge-q">Find the customer</label>
      <input id="merge-q" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
      <label for="merge-into">Customer</label>
      <select id="merge-into" value={into} required onChange={(e) => setInto((e.target as HTMLSelectElement).value)}>
        <option value="">Choose…</option>
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      {err !== null && <Notice error={err} />}
      <button type="submit" class="button secondary" disabled={busy || !into}>
        Merge into this customer
      </button>
    </form>
  );
}
