// Work requests: the customer asks for the next job (what, where, when suits them, how urgent,
// how to reach them), adds photos, and follows what the office does with it: received, in
// review, estimate on its way, scheduled, or declined with the office's message. Loaded when
// first opened (the portal's first download stays within its budget).
import { useMemo, useState } from 'preact/hooks';

import { send, session, uploadSlot, uploadStatus } from '../api/client';
import type { FileView, NewAddress, NewRequest, Reach, RequestForm, RequestList, RequestStatus, WorkRequestView } from '../api/types';
import { Gallery, Uploader } from '../components/Files';
import { Loading, Notice, invalid } from '../components/Notice';
import { AddressFields, CategoryPicker, REQUEST_FIELDS, Urgent } from '../components/RequestParts';
import { WindowPicker } from '../components/WindowPicker';
import { dateTime } from '../lib/format';
import { navigate } from '../lib/router';
import { useLoad } from '../lib/useLoad';
import { type Choice, choices, windowText } from '../lib/when';

const MAX_WINDOWS = 3;
const enc = encodeURIComponent;
const getForm = () => send<RequestForm>({ path: '/api/request-form' });
const listRequests = () => send<RequestList>({ path: '/api/requests' });
const getRequest = (id: string) => send<WorkRequestView>({ path: `/api/requests/${enc(id)}` });
const askForWork = (body: NewRequest) => send<WorkRequestView>({ method: 'POST', path: '/api/requests', body });

/** Viewers, and the office viewing as the customer, look but do not ask. */
function mayAsk(): boolean {
  const s = session();
  return s !== null && s.role !== 'viewer' && s.scope !== 'portal:read';
}
const VIEW_ONLY = 'You can see this account’s requests. To ask for work, ask an approver on the account, or call the office.';

const STATUS_CLASS: Record<RequestStatus, string> = {
  received: 'status-sent',
  in_review: 'status-viewed',
  estimate: 'status-viewed',
  scheduled: 'status-approved',
  declined: 'status-declined',
};

function RequestStatusPill({ r }: { r: WorkRequestView }) {
  return <span class={`status ${STATUS_CLASS[r.status]}`}>{r.status_words}</span>;
}

/** What each status means for the customer, in a sentence. */
function nextStep(r: WorkRequestView): string {
  switch (r.status) {
    case 'received':
      return 'The office has your request and will look at it soon.';
    case 'in_review':
      return 'The office is looking at your request. They will be in touch about the next step.';
    case 'estimate':
      switch (r.estimate?.status) {
        case 'sent':
        case 'viewed':
          return 'Your estimate is ready: look it over and approve it when it suits you.';
        case 'approved':
          return 'You approved the estimate. The office will book the work with you.';
        case 'changes_requested':
          return 'You asked for changes to the estimate. The office will send a new version.';
        case 'declined':
          return 'You declined the estimate.';
        case 'expired':
          return 'The estimate has expired. Message the office if you still want the work done.';
        default:
          return 'The office is preparing an estimate. You will get it by email when it is ready.';
      }
    case 'scheduled':
      return 'A visit is booked: see it on the job’s page.';
    case 'declined':
      return 'The office cannot take on this request.';
  }
}

export function RequestsPage() {
  const { data, error, retry } = useLoad(listRequests, []);
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  return (
    <>
      <h1>Work requests</h1>
      {mayAsk() ? (
        <p>
          <a class="button" href="/requests/new" data-route>
            Request work
          </a>
        </p>
      ) : (
        <p class="notice">{VIEW_ONLY}</p>
      )}
      {data.requests.length === 0 ? (
        <p>No requests yet. Ask for your next job here: add photos and the times that suit you.</p>
      ) : (
        <ul class="cards">
          {data.requests.map((r) => (
            <li key={r.id} class="card">
              <a href={`/requests/${r.id}`} data-route>
                <strong>{r.category}</strong>
              </a>{' '}
              <RequestStatusPill r={r} />
              <p class="muted">
                Asked {dateTime(r.created_at)} · {r.place}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function NewRequestPage() {
  const { data, error, retry } = useLoad(getForm, []);
  if (!mayAsk()) return <p class="notice">{VIEW_ONLY}</p>;
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  return <RequestFormPage form={data} />;
}

const EMPTY_ADDRESS: NewAddress = { line1: '', line2: null, city: '', region: '', postal_code: '' };

function RequestFormPage({ form }: { form: RequestForm }) {
  const [category, setCategory] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [description, setDescription] = useState('');
  const [property, setProperty] = useState(form.properties[0]?.id ?? 'other');
  const [address, setAddress] = useState<NewAddress>(EMPTY_ADDRESS);
  const [about, setAbout] = useState('');
  const [picked, setPicked] = useState<Choice[]>([]);
  const [reach, setReach] = useState<Reach>(form.email ? 'email' : 'call');
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);
  const [sendError, setSendError] = useState<unknown>(null);
  // One key for this form: sent again after a lost answer, it gets the request already made.
  const key = useMemo(() => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(''), []);
  const place = form.properties.find((p) => p.id === property);
  const zone = place?.time_zone ?? form.time_zone;
  const days = useMemo(() => choices(form.working_hours, zone, 6), [form, zone]);
  const equipment = form.equipment.filter((e) => e.property === property);
  const jobs = form.jobs.filter((j) => !place || !j.property || j.property === property);
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setSendError(null);
    const body: NewRequest = {
      key,
      category,
      description,
      preferred: picked.map((c) => c.window),
      urgent,
      reach,
      ...(place ? { property: place.id } : { address: { ...address, line2: address.line2 || null } }),
      ...(about.startsWith('job_') ? { job: about } : {}),
      ...(about.startsWith('eqp_') ? { equipment: about } : {}),
      ...(phone.trim() ? { phone: phone.trim() } : {}),
    };
    askForWork(body)
      .then((r) => navigate(`/requests/${r.id}?sent=1`))
      .catch((err: unknown) => setSendError(err))
      .finally(() => setBusy(false));
  };
  const needsPhone = reach !== 'email' && !form.contact_phone;
  return (
    <form onSubmit={submit} class="request-form">
      <p>
        <a href="/requests" data-route>
          Your requests
        </a>
      </p>
      <h1>Request work</h1>
      <CategoryPicker categories={form.categories} value={category} onPick={setCategory} />
      <Urgent urgent={urgent} onChange={setUrgent} text={form.emergency_text} phone={form.phone} note="You can still send this request: the office sees it first." />
      <label for="request-description">Tell us about it</label>
      <textarea
        id="request-description"
        rows={4}
        maxLength={4000}
        required
        aria-invalid={invalid(sendError, 'description')}
        value={description}
        placeholder="What is happening, where in the home, since when"
        onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)}
      />
      <label for="request-where">Where</label>
      <select
        id="request-where"
        value={property}
        onChange={(e) => {
          // What it is about and when suit depend on the place: chosen again for the new one.
          setProperty((e.target as HTMLSelectElement).value);
          setAbout('');
          setPicked([]);
        }}
      >
        {form.properties.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label} · {p.address}
          </option>
        ))}
        <option value="other">Another address</option>
      </select>
      {!place && (
        <AddressFields id="a" value={address} onChange={setAddress} legend="The address (the office confirms it)" error={sendError} />
      )}
      {(jobs.length > 0 || equipment.length > 0) && (
        <>
          <label for="request-about">Is it about earlier work? (optional)</label>
          <select id="request-about" value={about} onChange={(e) => setAbout((e.target as HTMLSelectElement).value)}>
            <option value="">No</option>
            {jobs.map((j) => (
              <option key={j.id} value={j.id}>
                {j.label}
              </option>
            ))}
            {equipment.map((q) => (
              <option key={q.id} value={q.id}>
                {q.label}
              </option>
            ))}
          </select>
        </>
      )}
      <h2>When suits you?</h2>
      <p class="muted" aria-live="polite">
        {picked.length === 0 ? 'Pick up to three, or none if any time is fine.' : `${picked.length} of ${MAX_WINDOWS} picked.`}
      </p>
      <WindowPicker days={days} picked={picked} max={MAX_WINDOWS} onPick={setPicked} />
      <fieldset>
        <legend>How should we reach you?</legend>
        {form.email && (
          <label class="check">
            <input type="radio" name="reach" checked={reach === 'email'} onChange={() => setReach('email')} /> Email ({form.email})
          </label>
        )}
        <label class="check">
          <input type="radio" name="reach" checked={reach === 'call'} onChange={() => setReach('call')} /> Call{form.contact_phone ? ` (${form.contact_phone})` : ''}
        </label>
        <label class="check">
          <input type="radio" name="reach" checked={reach === 'text'} onChange={() => setReach('text')} /> Text{form.contact_phone ? ` (${form.contact_phone})` : ''}
        </label>
        {reach !== 'email' && (
          <>
            <label for="request-phone">{needsPhone ? 'Your phone number' : 'Another number (optional)'}</label>
            <input id="request-phone" type="tel" autocomplete="tel" required={needsPhone} aria-invalid={invalid(sendError, 'phone')} value={phone} onInput={(e) => setPhone((e.target as HTMLInputElement).value)} />
          </>
        )}
      </fieldset>
      <p class="muted">You add photos on the next step.</p>
      {sendError !== null && <Notice error={sendError} fields={REQUEST_FIELDS} />}
      {!category && <p class="muted">Choose what you need first.</p>}
      <button type="submit" class="button primary wide" disabled={busy || !category}>
        {busy ? 'Sending…' : 'Send request'}
      </button>
    </form>
  );
}

export function RequestPage({ id, sent }: { id: string; sent: boolean }) {
  const { data, error, retry, set } = useLoad(() => getRequest(id), [id]);
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  const r = data;
  const added = (f: FileView) => set({ ...r, photos: [...r.photos, f] });
  const open = r.status === 'received' || r.status === 'in_review';
  return (
    <>
      <p>
        <a href="/requests" data-route>
          Your requests
        </a>
      </p>
      {sent && (
        <div class="notice notice-success" role="status">
          <p>
            <strong>Request sent.</strong> The office has it. Add photos now if you can: they help the office prepare.
          </p>
        </div>
      )}
      <h1>
        {r.category} <RequestStatusPill r={r} />
      </h1>
      <p>{nextStep(r)}</p>
      {r.status === 'declined' && r.message && (
        <div class="notice">
          <p>The office wrote: {r.message}</p>
        </div>
      )}
      {r.estimate && (
        <p>
          <a class="button" href={`/estimates/${r.estimate.id}`} data-route>
            See the estimate: {r.estimate.title}
          </a>
        </p>
      )}
      {r.status === 'scheduled' && r.job && (
        <p>
          <a class="button" href={`/jobs/${r.job}`} data-route>
            See the job and its visit
          </a>
        </p>
      )}
      <section class="card" aria-labelledby="asked">
        <h2 id="asked">What you asked</h2>
        <p class="prose">{r.description}</p>
        <dl>
          <dt>Where</dt>
          <dd>{r.place}</dd>
          {r.regarding && (
            <>
              <dt>About</dt>
              <dd>{r.regarding}</dd>
            </>
          )}
          <dt>When suits you</dt>
          <dd>{r.preferred.length === 0 ? 'Any time' : r.preferred.map((w) => <div key={w.start}>{windowText(w, r.time_zone)}</div>)}</dd>
          {r.urgent && (
            <>
              <dt>Urgent</dt>
              <dd>Yes</dd>
            </>
          )}
          <dt>Asked</dt>
          <dd>
            {dateTime(r.created_at)} by {r.by}
          </dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="request-photos">
        <h2 id="request-photos">Photos</h2>
        {r.photos.length > 0 ? <Gallery photos={r.photos} /> : <p class="muted">No photos yet.</p>}
        {open && mayAsk() && <Uploader to={{ to: 'request', request: r.id }} api={{ slot: uploadSlot, status: uploadStatus }} onAdded={added} label="Add photos" />}
      </section>
      <p>
        <a class="button secondary" href={`/messages/${r.id}`} data-route>
          {r.unread > 0 ? `Messages about this request (${r.unread} new)` : 'Message the office about this request'}
        </a>
      </p>
      <section aria-labelledby="request-history">
        <h2 id="request-history">What happened</h2>
        <ol class="timeline">
          {r.history.map((s) => (
            <li key={s.at}>
              {dateTime(s.at)}: {label(s.status)} ({s.by})
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function label(s: RequestStatus): string {
  return { received: 'Sent', in_review: 'In review', estimate: 'Estimate on its way', scheduled: 'Scheduled', declined: 'Declined' }[s];
}
