// A visit as the customer sees it: when (in the property's zone), who (name and photo, never a
// phone or email), where it stands, and what they can do: Confirm, Ask for another time, Add to
// calendar. The same card on the dashboard and on the job page.
import { useState } from 'preact/hooks';

import { confirmVisit, visitCalendar } from '../api/client';
import type { JobStatus, VisitStatus, VisitView } from '../api/types';
import { clock, windowDay, windowHours } from '../lib/when';
import { Notice } from './Notice';

/** As the office and technicians say it. */
export const VISIT_LABELS: Record<VisitStatus, string> = {
  scheduled: 'Awaiting confirmation',
  confirmed: 'Confirmed',
  on_the_way: 'On the way',
  arrived: 'Technician on site',
  completed: 'Done',
  cancelled: 'Cancelled',
};

export const JOB_LABELS: Record<JobStatus, string> = {
  unscheduled: 'Scheduling',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  on_hold: 'On hold',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export function JobStatusBadge({ status }: { status: JobStatus }) {
  return <span class={`status job-${status}`}>{JOB_LABELS[status]}</span>;
}

/** As the customer reads it: "Please confirm" only where they can. */
export function VisitStatusBadge({ v }: { v: VisitView }) {
  const label = v.status === 'scheduled' ? (v.may_confirm ? 'Please confirm' : 'Booked') : VISIT_LABELS[v.status];
  return <span class={`status visit-${v.status}`}>{label}</span>;
}

/** Who is coming: their photo (or initial) and name. */
export function Crew({ v }: { v: VisitView }) {
  if (v.technicians.length === 0) return <p class="muted">We will tell you who is coming.</p>;
  return (
    <ul class="crew">
      {v.technicians.map((c) => (
        <li key={c.id}>
          {c.photo ? (
            <img class="avatar" src={c.photo} alt="" width={44} height={44} loading="lazy" />
          ) : (
            <span class="avatar initial" aria-hidden="true">
              {c.name.slice(0, 1)}
            </span>
          )}
          <span>{c.name}</span>
        </li>
      ))}
    </ul>
  );
}

/** Saves the visit's `.ics` file (the same event each time: a moved visit updates it). */
async function saveCalendar(v: VisitView) {
  const blob = await visitCalendar(v.job, v.id);
  const url = URL.createObjectURL(new Blob([blob], { type: 'text/calendar' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'visit.ics';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function VisitCard({ v, title, onChanged, readOnly }: { v: VisitView; title?: string; onChanged: (v: VisitView) => void; readOnly: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const confirm = () => {
    setBusy(true);
    setError(null);
    confirmVisit(v.job, v.id)
      .then((after) => {
        setDone('Thank you: the visit is confirmed. We will see you then.');
        onChanged(after);
      })
      .catch((e: unknown) => setError(e))
      .finally(() => setBusy(false));
  };
  const live = v.status === 'on_the_way' || v.status === 'arrived';
  return (
    <section class={`card visit visit-card-${v.status}`} aria-label={title ?? 'Visit'} data-testid="visit">
      {title && <h3 class="visit-title">{title}</h3>}
      <div class="row">
        <p class="visit-when">
          <strong>{windowDay(v.window, v.time_zone)}</strong>
          <br />
          Arrival between {windowHours(v.window, v.time_zone)}
        </p>
        <VisitStatusBadge v={v} />
      </div>
      {v.status === 'on_the_way' && v.eta && (
        <p class="notice" role="status" data-testid="on-the-way">
          {v.technicians[0]?.name ?? 'Your technician'} is on the way, arriving about {clock(v.eta, v.time_zone)}.
        </p>
      )}
      {v.status === 'arrived' && <p class="notice" role="status">{v.technicians[0]?.name ?? 'Your technician'} is there now.</p>}
      <Crew v={v} />
      {v.customer_notes && <p class="prose">{v.customer_notes}</p>}
      {v.status === 'completed' && v.completion_notes && (
        <p class="prose">
          <strong>What was done: </strong>
          {v.completion_notes}
        </p>
      )}
      {v.pending && (
        <p class="notice" role="status">
          {v.pending.cancel ? 'You asked to cancel this visit.' : 'You asked for another time.'} The office will answer soon.
        </p>
      )}
      {done && (
        <p class="notice notice-success" role="status">
          {done}
        </p>
      )}
      {error !== null && <Notice error={error} />}
      {!readOnly && !live && (
        <div class="actions">
          {v.may_confirm && (
            <button type="button" class="button primary" disabled={busy} onClick={confirm}>
              {busy ? 'Confirming…' : 'Confirm this time'}
            </button>
          )}
          {v.may_ask && (
            <a class="button secondary" href={`/jobs/${v.job}/visits/${v.id}/reschedule`} data-route>
              Ask for another time
            </a>
          )}
          {v.status !== 'cancelled' && v.status !== 'completed' && (
            <button type="button" class="button link" onClick={() => saveCalendar(v).catch((e: unknown) => setError(e))}>
              Add to calendar
            </button>
          )}
        </div>
      )}
    </section>
  );
}
