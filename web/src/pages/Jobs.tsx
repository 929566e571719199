// The customer's jobs: each with its next visit; one job with its visits, its documents, the
// equipment installed and its timeline in words.
import { useState } from 'preact/hooks';

import { askToCancelVisit, deleteFile, getJob, getThread, listJobs, markThreadRead, postMessage, session, uploadSlot, uploadStatus } from '../api/client';
import type { FileView, JobDetail, JobSummary, TimelineEntry, VisitView } from '../api/types';
import { EquipmentCard } from '../components/Equipment';
import { DocumentList, Gallery, Uploader } from '../components/Files';
import { Loading, Notice } from '../components/Notice';
import { Conversation } from '../components/Thread';
import { JobStatusBadge, VisitCard } from '../components/Visit';
import { dateTime, money } from '../lib/format';
import { useLoad } from '../lib/useLoad';
import { windowText } from '../lib/when';

export function JobCard({ j }: { j: JobSummary }) {
  const v = j.next_visit;
  return (
    <li class="card job-card">
      <div class="row">
        <h3>
          <a href={`/jobs/${j.id}`} data-route>
            {j.title}
          </a>
        </h3>
        <JobStatusBadge status={j.status} />
      </div>
      <p class="muted">
        {j.number}
        {j.property_label && <> · {j.property_label}</>}
      </p>
      {v && <p>Next visit: {windowText(v.window, v.time_zone)}</p>}
      {!v && j.status === 'unscheduled' && <p>We will be in touch to book a time.</p>}
      {j.status === 'on_hold' && j.hold_reason && <p>On hold: {j.hold_reason}</p>}
      {j.status === 'completed' && j.completed_at && <p class="muted">Completed {dateTime(j.completed_at)}</p>}
    </li>
  );
}

export function JobListPage() {
  const { data, error, retry } = useLoad(listJobs, []);
  const open = data?.jobs.filter((j) => j.status !== 'completed' && j.status !== 'cancelled') ?? [];
  const past = data?.jobs.filter((j) => j.status === 'completed' || j.status === 'cancelled') ?? [];
  return (
    <>
      <h1>Jobs</h1>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.jobs.length === 0 && <p class="muted">No jobs yet. An estimate you approve becomes a job here.</p>}
      {open.length > 0 && (
        <section aria-labelledby="open-jobs">
          <h2 id="open-jobs">Under way</h2>
          <ul class="cards">
            {open.map((j) => (
              <JobCard key={j.id} j={j} />
            ))}
          </ul>
        </section>
      )}
      {past.length > 0 && (
        <section aria-labelledby="past-jobs">
          <h2 id="past-jobs">Past jobs</h2>
          <ul class="cards">
            {past.map((j) => (
              <JobCard key={j.id} j={j} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** One timeline entry in words. */
function says(e: TimelineEntry, zone: string): string {
  const doc = e.document?.number ?? '';
  const when = e.window ? windowText(e.window, zone) : '';
  switch (e.kind) {
    case 'job_created':
      return doc ? `Job created from estimate ${doc}` : 'Job created';
    case 'job_scheduled':
      return 'Scheduled';
    case 'job_unscheduled':
      return 'Waiting for a new time';
    case 'job_in_progress':
      return 'Work started';
    case 'job_on_hold':
      return 'Put on hold';
    case 'job_resumed':
      return 'Back on';
    case 'job_completed':
      return 'Job completed';
    case 'job_cancelled':
      return 'Job cancelled';
    case 'visit_scheduled':
      return `Visit booked for ${when}`;
    case 'visit_confirmed':
      return 'You confirmed the visit';
    case 'visit_moved':
      return `Visit moved to ${when}`;
    case 'visit_on_the_way':
      return 'Technician on the way';
    case 'visit_arrived':
      return 'Technician arrived';
    case 'visit_completed':
      return 'Visit completed';
    case 'visit_cancelled':
      return 'Visit cancelled';
    case 'reschedule_requested':
      return 'You asked for another time';
    case 'cancel_requested':
      return 'You asked to cancel a visit';
    case 'request_declined':
      return 'The office answered your request';
    case 'invoice_issued':
      return `Invoice ${doc} issued`;
    case 'invoice_paid':
      return `Invoice ${doc} paid`;
    case 'photo_added':
      return 'Photo added';
    case 'document_added':
      return 'Document added';
    case 'message_from_customer':
      return 'Message to the office';
    case 'message_from_staff':
      return 'Message from the office';
    default:
      return e.kind.replace(/_/g, ' ');
  }
}

function CancelAsk({ v, onDone }: { v: VisitView; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!open) {
    return (
      <button type="button" class="button link" onClick={() => setOpen(true)}>
        Ask to cancel this visit
      </button>
    );
  }
  const submit = (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    askToCancelVisit(v.job, v.id, note)
      .then(onDone)
      .catch((e: unknown) => setError(e))
      .finally(() => setBusy(false));
  };
  return (
    <form class="card" onSubmit={submit}>
      <label for={`cancel-${v.id}`}>Why? (optional)</label>
      <textarea id={`cancel-${v.id}`} maxLength={2000} rows={3} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      {error !== null && <Notice error={error} />}
      <p class="muted">The office decides and tells you. Until then the visit stays booked.</p>
      <div class="actions">
        <button type="submit" class="button danger" disabled={busy}>
          {busy ? 'Sending…' : 'Ask to cancel'}
        </button>
        <button type="button" class="button link" onClick={() => setOpen(false)}>
          Keep the visit
        </button>
      </div>
    </form>
  );
}

export function JobPage({ id }: { id: string }) {
  const { data, error, retry, set, update } = useLoad(() => getJob(id), [id]);
  const readOnly = session()?.scope === 'portal:read';
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  const j: JobDetail = data;
  const added = (f: FileView) =>
    update((x) => ({
      ...x,
      files: [...x.files, f],
      timeline: [...x.timeline, { at: f.added_at, kind: f.kind === 'photo' ? 'photo_added' : 'document_added', note: f.caption ?? null, file: f.id }],
    }));
  const removed = (f: FileView) => update((x) => ({ ...x, files: x.files.filter((y) => y.id !== f.id), timeline: x.timeline.filter((e) => e.file !== f.id) }));
  const remove = (f: FileView) =>
    f.removable ? (
      <button type="button" class="button link" onClick={() => window.confirm('Delete this photo? The office will no longer see it either.') && deleteFile(f.id).then(() => removed(f), retry)}>
        Delete
      </button>
    ) : null;
  const changed = (v: VisitView) => set({ ...j, visits: j.visits.map((x) => (x.id === v.id ? v : x)) });
  const upcoming = j.visits.filter((v) => v.status !== 'completed' && v.status !== 'cancelled');
  const past = j.visits.filter((v) => v.status === 'completed' || v.status === 'cancelled');
  const installed = j.visits.flatMap((v) => v.installed);
  return (
    <>
      <p>
        <a href="/jobs" data-route>
          All jobs
        </a>
      </p>
      <div class="row">
        <h1>{j.title}</h1>
        <JobStatusBadge status={j.status} />
      </div>
      <p class="muted">
        {j.number}
        {j.property_label && <> · {j.property_label}</>}
        {j.address && <> · {j.address}</>}
      </p>
      {j.status === 'unscheduled' && <p class="notice">We are finding a time for this job and will send you the visit to confirm.</p>}
      {j.status === 'on_hold' && j.hold_reason && <p class="notice">On hold: {j.hold_reason}</p>}
      {upcoming.length > 0 && (
        <section aria-labelledby="visits-title">
          <h2 id="visits-title">{upcoming.length === 1 ? 'Your visit' : 'Your visits'}</h2>
          {upcoming.map((v) => (
            <div key={v.id}>
              <VisitCard v={v} onChanged={changed} readOnly={readOnly} />
              {!readOnly && v.may_ask && <CancelAsk v={v} onDone={retry} />}
            </div>
          ))}
        </section>
      )}
      {j.scope && (
        <section aria-labelledby="scope-title">
          <h2 id="scope-title">The work</h2>
          <p class="prose">{j.scope}</p>
          {j.lines.length > 0 && (
            <ul>
              {j.lines.map((l) => (
                <li key={l.id}>{l.name}</li>
              ))}
            </ul>
          )}
        </section>
      )}
      {installed.length > 0 && (
        <section aria-labelledby="equipment-title">
          <h2 id="equipment-title">Installed</h2>
          <ul class="cards">
            {installed.map((e) => (
              <EquipmentCard key={e.id} e={e} />
            ))}
          </ul>
        </section>
      )}
      {(j.estimates.length > 0 || j.invoices.length > 0) && (
        <section aria-labelledby="docs-title">
          <h2 id="docs-title">Documents</h2>
          <ul class="links">
            {j.estimates.map((e) => (
              <li key={e.id}>
                <a href={`/estimates/${e.id}`} data-route>
                  Estimate {e.number}
                </a>
              </li>
            ))}
            {j.invoices.map((i) => (
              <li key={i.id}>
                <a href={`/invoices/${i.id}`} data-route>
                  Invoice {i.number}
                </a>{' '}
                · {money(i.total, i.currency)} {i.paid_at ? '· paid' : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="photos-title">
        <h2 id="photos-title">Photos</h2>
        {j.files.some((f) => f.photo) ? (
          <Gallery photos={j.files} actions={remove} label={`Photos of ${j.title}`} />
        ) : (
          <p class="muted">No photos yet.</p>
        )}
        <DocumentList files={j.files} actions={remove} />
        {!readOnly && (
          <>
            <p class="muted">Add photos of the problem or the place: they go to the office with this job.</p>
            <Uploader to={{ to: 'job', job: j.id }} api={{ slot: uploadSlot, status: uploadStatus }} onAdded={added} />
          </>
        )}
      </section>
      <section aria-labelledby="thread-title">
        <h2 id="thread-title">Messages with the office</h2>
        <Conversation
          initial={j.thread}
          api={{ get: (etag) => getThread(j.id, etag), post: (b) => postMessage(j.id, b), read: () => markThreadRead(j.id) }}
          readOnly={readOnly}
        />
        <p class="muted">
          To send photos with a message, <a href={`/messages/${j.id}`} data-route>open the conversation</a>.
        </p>
      </section>
      {past.length > 0 && (
        <section aria-labelledby="past-visits">
          <h2 id="past-visits">Past visits</h2>
          {past.map((v) => (
            <VisitCard key={v.id} v={v} onChanged={changed} readOnly />
          ))}
        </section>
      )}
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <ol class="timeline" data-testid="timeline">
          {[...j.timeline].reverse().map((e, i) => (
            <li key={`${e.at}-${i}`}>
              <time dateTime={e.at}>{dateTime(e.at)}</time>
              <span>{says(e, j.time_zone)}</span>
              {e.note && <span class="muted"> · {e.note}</span>}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
