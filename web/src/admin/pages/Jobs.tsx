// Jobs for the office: every customer's jobs by status, and one job's page: its visits (book,
// assign technicians, move, cancel), the customer's requests (move to one of their windows, or
// decline with a message), hold, resume, cancel, complete, and its timeline.
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../../components/Notice';
import { JOB_LABELS, VISIT_LABELS } from '../../components/Visit';
import { dateTime } from '../../lib/format';
import { useLoad } from '../../lib/useLoad';
import { addDays, asLocal, todayIn, windowText } from '../../lib/when';
import {
  type AdminRequest,
  type AdminVisit,
  type JobPage,
  type LocalWindowIn,
  cancelVisit,
  declineRequest,
  editVisit,
  getJob,
  jobAction,
  listJobs,
  listStaff,
  moveVisit,
  scheduleVisit,
} from '../api';
import { ByStatus } from '../components/ByStatus';
import { JobFiles } from '../components/JobFiles';

const JOB_STATUSES = [
  ['unscheduled', 'To schedule'],
  ['scheduled', 'Scheduled'],
  ['in_progress', 'In progress'],
  ['on_hold', 'On hold'],
  ['completed', 'Completed'],
  ['cancelled', 'Cancelled'],
] as const;

export function JobsPage() {
  return (
    <ByStatus
      title="Jobs"
      statuses={JOB_STATUSES}
      load={listJobs}
      cols={['Job', 'Customer', 'Property', 'Created']}
      row={(j) => (
        <>
          <td>
            <a href={`/admin/jobs/${j.account}/${j.id}`} data-route>
              {j.number} · {j.title}
            </a>
            {j.hold_reason && <p class="muted">{j.hold_reason}</p>}
          </td>
          <td>
            <a href={`/admin/customers/${j.account}`} data-route>
              {j.customer ?? 'Customer'}
            </a>
          </td>
          <td>{j.property_label ?? ''}</td>
          <td>{dateTime(j.created_at)}</td>
        </>
      )}
    />
  );
}

/** Day, start and end inputs in the job's zone. */
function WindowInput({ value, onChange, idPrefix }: { value: LocalWindowIn; onChange: (w: LocalWindowIn) => void; idPrefix: string }) {
  return (
    <div class="row window-input">
      <label for={`${idPrefix}-date`}>
        Day
        <input id={`${idPrefix}-date`} type="date" required value={value.date} onInput={(e) => onChange({ ...value, date: e.currentTarget.value })} />
      </label>
      <label for={`${idPrefix}-start`}>
        From
        <input id={`${idPrefix}-start`} type="time" required value={value.start} onInput={(e) => onChange({ ...value, start: e.currentTarget.value })} />
      </label>
      <label for={`${idPrefix}-end`}>
        To
        <input id={`${idPrefix}-end`} type="time" required value={value.end} onInput={(e) => onChange({ ...value, end: e.currentTarget.value })} />
      </label>
    </div>
  );
}

function Technicians({ chosen, onChange, idPrefix }: { chosen: string[]; onChange: (ids: string[]) => void; idPrefix: string }) {
  const staff = useLoad(listStaff, []);
  if (!staff.data) return <Loading />;
  return (
    <fieldset class="technicians">
      <legend>Technicians</legend>
      {staff.data
        .filter((s) => s.active)
        .map((s) => (
          <label class="check" key={s.id} for={`${idPrefix}-${s.id}`}>
            <input
              id={`${idPrefix}-${s.id}`}
              type="checkbox"
              checked={chosen.includes(s.id)}
              onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, s.id] : chosen.filter((x) => x !== s.id))}
            />
            {s.name} ({s.role})
          </label>
        ))}
    </fieldset>
  );
}

/** An action's state: `run` sets busy, clears the error, and hands the answer to `done`. */
function useRun(done: (p: JobPage) => void): { busy: boolean; error: unknown; run: (p: Promise<JobPage>) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = (p: Promise<JobPage>) => {
    setBusy(true);
    setError(null);
    p.then(done)
      .catch((err: unknown) => setError(err))
      .finally(() => setBusy(false));
  };
  return { busy, error, run };
}


function BookVisit({ page, onDone }: { page: JobPage; onDone: (p: JobPage) => void }) {
  const [open, setOpen] = useState(false);
  const [w, setW] = useState<LocalWindowIn>({ date: addDays(todayIn(page.job.time_zone), 1), start: '09:00', end: '11:00' });
  const [techs, setTechs] = useState<string[]>([]);
  const [customerNotes, setCustomerNotes] = useState('');
  const [internal, setInternal] = useState('');
  const { busy, error, run } = useRun((p) => {
    setOpen(false);
    onDone(p);
  });
  if (!open) {
    return (
      <button type="button" class="button primary" onClick={() => setOpen(true)}>
        Book a visit
      </button>
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    run(scheduleVisit(page.job.account, page.job.id, { window: w, technicians: techs, customer_notes: customerNotes, internal_notes: internal }));
  };
  return (
    <form class="card" onSubmit={submit} aria-label="Book a visit">
      <h3>Book a visit</h3>
      <p class="muted">Times are in {page.job.time_zone}. The customer gets an email (or a text) with the calendar file.</p>
      <WindowInput value={w} onChange={setW} idPrefix="book" />
      <Technicians chosen={techs} onChange={setTechs} idPrefix="book-tech" />
      <label for="book-customer-notes">
        Note for the customer
        <textarea id="book-customer-notes" rows={2} maxLength={2000} value={customerNotes} onInput={(e) => setCustomerNotes(e.currentTarget.value)} />
      </label>
      <label for="book-internal">
        Internal note (staff only)
        <textarea id="book-internal" rows={2} maxLength={2000} value={internal} onInput={(e) => setInternal(e.currentTarget.value)} />
      </label>
      {error !== null && <Notice error={error} />}
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Booking…' : 'Book and tell the customer'}
        </button>
        <button type="button" class="button link" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function VisitRow({ page, v, onDone }: { page: JobPage; v: AdminVisit; onDone: (p: JobPage) => void }) {
  const zone = page.job.time_zone;
  const [mode, setMode] = useState<'none' | 'move' | 'cancel' | 'assign'>('none');
  const [w, setW] = useState<LocalWindowIn>(asLocal(v.window, zone));
  const [reason, setReason] = useState('');
  const [techs, setTechs] = useState<string[]>(v.technicians.map((c) => c.id));
  const { busy, error, run } = useRun((after) => {
    setMode('none');
    onDone(after);
  });
  const open = v.status === 'scheduled' || v.status === 'confirmed';
  const pending = page.requests.filter((r) => r.visit === v.id && !r.outcome);
  return (
    <li class="card" data-testid="admin-visit">
      <div class="row">
        <strong>{windowText(v.window, zone)}</strong>
        <span class={`status visit-${v.status}`}>{VISIT_LABELS[v.status]}</span>
      </div>
      <p>
        {v.technicians.length ? v.technicians.map((c) => c.name).join(', ') : 'No technician yet'}
        {v.eta && v.status === 'on_the_way' && <> · arriving about {new Date(v.eta).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit', timeZone: zone })}</>}
      </p>
      {v.customer_notes && <p class="muted">Customer note: {v.customer_notes}</p>}
      {v.internal_notes && <p class="muted">Internal: {v.internal_notes}</p>}
      {v.completion_notes && <p>Done: {v.completion_notes}</p>}
      {pending.map((r) => (
        <Request key={r.id} page={page} r={r} onDone={onDone} />
      ))}
      {error !== null && <Notice error={error} />}
      {open && mode === 'none' && (
        <div class="actions">
          <button type="button" class="button secondary" onClick={() => setMode('move')}>
            Move
          </button>
          <button type="button" class="button secondary" onClick={() => setMode('assign')}>
            Technicians
          </button>
          <button type="button" class="button link" onClick={() => setMode('cancel')}>
            Cancel visit
          </button>
        </div>
      )}
      {mode === 'move' && (
        <form onSubmit={(e) => (e.preventDefault(), run(moveVisit(page.job.account, page.job.id, v.id, w)))}>
          <WindowInput value={w} onChange={setW} idPrefix={`move-${v.id}`} />
          <div class="actions">
            <button class="button primary" disabled={busy}>
              Move and tell the customer
            </button>
            <button type="button" class="button link" onClick={() => setMode('none')}>
              Back
            </button>
          </div>
        </form>
      )}
      {mode === 'assign' && (
        <form onSubmit={(e) => (e.preventDefault(), run(editVisit(page.job.account, page.job.id, v.id, { technicians: techs })))}>
          <Technicians chosen={techs} onChange={setTechs} idPrefix={`assign-${v.id}`} />
          <div class="actions">
            <button class="button primary" disabled={busy}>
              Save technicians
            </button>
            <button type="button" class="button link" onClick={() => setMode('none')}>
              Back
            </button>
          </div>
        </form>
      )}
      {mode === 'cancel' && (
        <form onSubmit={(e) => (e.preventDefault(), run(cancelVisit(page.job.account, page.job.id, v.id, reason)))}>
          <label for={`cancel-reason-${v.id}`}>
            Why (the customer sees this)
            <textarea id={`cancel-reason-${v.id}`} rows={2} maxLength={2000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
          <div class="actions">
            <button class="button danger" disabled={busy}>
              Cancel the visit
            </button>
            <button type="button" class="button link" onClick={() => setMode('none')}>
              Back
            </button>
          </div>
        </form>
      )}
    </li>
  );
}

/** A customer's pending request: move to one of their windows, cancel, or decline. */
function Request({ page, r, onDone }: { page: JobPage; r: AdminRequest; onDone: (p: JobPage) => void }) {
  const zone = page.job.time_zone;
  const [message, setMessage] = useState('');
  const [declining, setDeclining] = useState(false);
  const { busy, error, run } = useRun(onDone);
  return (
    <div class="notice" data-testid="request">
      <p>
        <strong>{r.cancel ? 'The customer asks to cancel this visit.' : 'The customer asks for another time.'}</strong>
        {r.note && <> “{r.note}”</>}
      </p>
      <div class="actions">
        {r.preferred.map((w) => (
          <button
            key={w.start}
            type="button"
            class="button secondary"
            disabled={busy}
            onClick={() => run(moveVisit(page.job.account, page.job.id, r.visit, asLocal(w, zone)))}
          >
            Move to {windowText(w, zone)}
          </button>
        ))}
        {r.cancel && (
          <button type="button" class="button danger" disabled={busy} onClick={() => run(cancelVisit(page.job.account, page.job.id, r.visit, r.note))}>
            Cancel as asked
          </button>
        )}
        <button type="button" class="button link" onClick={() => setDeclining(true)}>
          Decline
        </button>
      </div>
      {declining && (
        <form onSubmit={(e) => (e.preventDefault(), run(declineRequest(page.job.account, page.job.id, r.id, message)))}>
          <label for={`decline-${r.id}`}>
            Message to the customer
            <textarea id={`decline-${r.id}`} rows={2} required maxLength={2000} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
          </label>
          <button class="button primary" disabled={busy}>
            Send and keep the visit
          </button>
        </form>
      )}
      {error !== null && <Notice error={error} />}
    </div>
  );
}

function JobActions({ page, onDone }: { page: JobPage; onDone: (p: JobPage) => void }) {
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState<'hold' | 'cancel' | null>(null);
  const action = useRun((p) => {
    setAsking(null);
    onDone(p);
  });
  const { busy, error } = action;
  const s = page.job.status;
  if (s === 'completed' || s === 'cancelled') return null;
  const run = (body: Parameters<typeof jobAction>[2]) => action.run(jobAction(page.job.account, page.job.id, body));
  return (
    <div>
      <div class="actions">
        {s !== 'unscheduled' && s !== 'on_hold' && !page.visits.some((v) => v.status === 'on_the_way' || v.status === 'arrived') && (
          <button type="button" class="button primary" disabled={busy} onClick={() => run({ action: 'complete' })}>
            Mark job completed
          </button>
        )}
        {s === 'on_hold' ? (
          <button type="button" class="button secondary" disabled={busy} onClick={() => run({ action: 'resume' })}>
            Resume
          </button>
        ) : (
          <button type="button" class="button secondary" onClick={() => setAsking('hold')}>
            Put on hold
          </button>
        )}
        <button type="button" class="button link" onClick={() => setAsking('cancel')}>
          Cancel job
        </button>
      </div>
      {asking && (
        <form
          class="card"
          onSubmit={(e) => (e.preventDefault(), run(asking === 'hold' ? { action: 'hold', reason } : { action: 'cancel', reason }))}
        >
          <label for="job-reason">
            {asking === 'hold' ? 'Why it waits (the customer sees this)' : 'Why it is cancelled (the customer sees this)'}
            <textarea id="job-reason" rows={2} maxLength={2000} required={asking === 'hold'} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
          <button class="button primary" disabled={busy}>
            {asking === 'hold' ? 'Put on hold' : 'Cancel the job and its booked visits'}
          </button>
        </form>
      )}
      {error !== null && <Notice error={error} />}
    </div>
  );
}

export function AdminJobPage({ account, job }: { account: string; job: string }) {
  const { data, error, retry, set } = useLoad(() => getJob(account, job), [account, job]);
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  const j = data.job;
  return (
    <>
      <p>
        <a href={`/admin/customers/${account}`} data-route>
          {data.customer}
        </a>{' '}
        ·{' '}
        <a href="/admin/jobs" data-route>
          All jobs
        </a>
      </p>
      <div class="row">
        <h1>
          {j.number} · {j.title}
        </h1>
        <span class={`status job-${j.status}`}>{JOB_LABELS[j.status]}</span>
      </div>
      {j.site && (
        <p class="muted">
          {j.site.label} · {j.site.address} · {j.time_zone}
        </p>
      )}
      {j.hold_reason && <p class="notice">On hold: {j.hold_reason}</p>}
      <JobActions page={data} onDone={set} />
      {j.scope && <p class="prose">{j.scope}</p>}
      <h2>Visits</h2>
      {data.visits.length === 0 && <p class="muted">No visit booked yet.</p>}
      <ul class="cards">
        {data.visits.map((v) => (
          <VisitRow key={`${v.id}-${v.rev}`} page={data} v={v} onDone={set} />
        ))}
      </ul>
      {j.status !== 'completed' && j.status !== 'cancelled' && j.status !== 'on_hold' && <BookVisit page={data} onDone={set} />}
      <h2>Photos and documents</h2>
      <JobFiles account={account} job={job} />
      <h2>Timeline</h2>
      <ol class="timeline">
        {[...data.timeline].reverse().map((e, i) => (
          <li key={`${e.at}-${i}`}>
            <time dateTime={e.at}>{dateTime(e.at)}</time>
            <span>
              {e.kind.replace(/_/g, ' ')}
              {e.window && <> · {windowText(e.window, j.time_zone)}</>}
              {e.document && <> · {e.document.number}</>}
              {e.note && <> · {e.note}</>}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}
