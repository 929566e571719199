// Asking for another time: up to three windows a thumb can pick, made from the contractor's
// working hours (mornings and afternoons of the next working days), and a note.
import { useMemo, useState } from 'preact/hooks';

import { getJob, rescheduleVisit } from '../api/client';
import type { TenantProfile } from '../api/types';
import { Loading, Notice } from '../components/Notice';
import { navigate } from '../lib/router';
import { useLoad } from '../lib/useLoad';
import { REQUEST_FIELDS } from '../components/RequestParts';
import { WindowPicker } from '../components/WindowPicker';
import { type Choice, choices, windowText } from '../lib/when';

const MAX = 3;

export function ReschedulePage({ job, visit, tenant }: { job: string; visit: string; tenant: TenantProfile | null }) {
  const { data, error, retry } = useLoad(() => getJob(job), [job]);
  const [picked, setPicked] = useState<Choice[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [sendError, setSendError] = useState<unknown>(null);
  const days = useMemo(() => (tenant ? choices(tenant.working_hours, tenant.time_zone) : []), [tenant]);
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data || !tenant) return <Loading />;
  const v = data.visits.find((x) => x.id === visit);
  if (!v) return <Notice error={new Error('This visit is not on this job.')} />;
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setSendError(null);
    rescheduleVisit(
      job,
      visit,
      picked.map((c) => c.window),
      note,
    )
      .then(() => navigate(`/jobs/${job}?asked=1`))
      .catch((err: unknown) => setSendError(err))
      .finally(() => setBusy(false));
  };
  return (
    <form onSubmit={submit} class="reschedule">
      <p>
        <a href={`/jobs/${job}`} data-route>
          Back to the job
        </a>
      </p>
      <h1>Ask for another time</h1>
      <p>
        Now booked: <strong>{windowText(v.window, v.time_zone)}</strong>. Pick up to three times that suit you; the office chooses one and
        tells you.
      </p>
      {v.time_zone !== tenant.time_zone && <p class="muted">Times below are {tenant.name}'s ({tenant.time_zone}).</p>}
      {!v.may_ask && <p class="notice">This visit can no longer be moved here. Call the office to change it.</p>}
      <p class="muted" aria-live="polite">
        {picked.length === 0 ? 'None picked yet.' : `${picked.length} of ${MAX} picked.`}
      </p>
      <WindowPicker days={days} picked={picked} max={MAX} onPick={setPicked} />
      <label for="reschedule-note">Anything the office should know? (optional)</label>
      <textarea id="reschedule-note" rows={3} maxLength={2000} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      {sendError !== null && <Notice error={sendError} fields={REQUEST_FIELDS} />}
      <button type="submit" class="button primary wide" disabled={busy || picked.length === 0 || !v.may_ask}>
        {busy ? 'Sending…' : picked.length > 1 ? `Send these ${picked.length} times` : 'Send this time'}
      </button>
    </form>
  );
}
