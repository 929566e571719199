// The technician's phone: today's and tomorrow's visits assigned to me, each with the address
// (a maps link), the customer's notes and the job's scope, and one big button for the next step:
// On my way (with an ETA), Arrived, Completed (notes, equipment installed, job done).
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../../components/Notice';
import { VISIT_LABELS } from '../../components/Visit';
import { date } from '../../lib/format';
import { useLoad } from '../../lib/useLoad';
import { clock, windowHours } from '../../lib/when';
import { type EquipmentIn, type ScheduleRow, arrive, depart, finishVisit, myVisits } from '../api';
import { JobFiles } from '../components/JobFiles';

const ETAS = [10, 15, 20, 25, 30, 45, 60, 90];

function Finish({ v, onDone }: { v: ScheduleRow; onDone: (r: ScheduleRow) => void }) {
  const [notes, setNotes] = useState('');
  const [kind, setKind] = useState('');
  const [model, setModel] = useState('');
  const [serial, setSerial] = useState('');
  const [warranty, setWarranty] = useState('');
  const [jobDone, setJobDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    const equipment: EquipmentIn[] = kind.trim()
      ? [{ kind, make_model: model, serial, warranty_until: warranty || null, installed_on: null, notes: '' }]
      : [];
    setBusy(true);
    setError(null);
    finishVisit(v.account, v.job, v.visit, { notes, equipment, complete_job: jobDone })
      .then(onDone)
      .catch((err: unknown) => setError(err))
      .finally(() => setBusy(false));
  };
  return (
    <form onSubmit={submit} class="finish" aria-label="Complete the visit">
      <label for={`notes-${v.visit}`}>
        What you did (the customer reads this)
        <textarea id={`notes-${v.visit}`} rows={3} maxLength={2000} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>Equipment installed (optional)</legend>
        <label for={`kind-${v.visit}`}>
          What
          <input id={`kind-${v.visit}`} placeholder="Main panel" value={kind} onInput={(e) => setKind(e.currentTarget.value)} />
        </label>
        <label for={`model-${v.visit}`}>
          Make and model
          <input id={`model-${v.visit}`} placeholder="Square D QO 200 A" value={model} onInput={(e) => setModel(e.currentTarget.value)} />
        </label>
        <label for={`serial-${v.visit}`}>
          Serial
          <input id={`serial-${v.visit}`} value={serial} onInput={(e) => setSerial(e.currentTarget.value)} />
        </label>
        <label for={`warranty-${v.visit}`}>
          Warranty until
          <input id={`warranty-${v.visit}`} type="date" value={warranty} onInput={(e) => setWarranty(e.currentTarget.value)} />
        </label>
      </fieldset>
      <label class="check" for={`done-${v.visit}`}>
        <input id={`done-${v.visit}`} type="checkbox" checked={jobDone} onChange={(e) => setJobDone(e.currentTarget.checked)} />
        The whole job is done
      </label>
      {error !== null && <Notice error={error} />}
      <button class="button primary wide" disabled={busy}>
        {busy ? 'Saving…' : 'Completed'}
      </button>
    </form>
  );
}

function TechVisit({ initial }: { initial: ScheduleRow }) {
  const [v, setV] = useState(initial);
  const [eta, setEta] = useState(25);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [said, setSaid] = useState<string | null>(null);
  const run = (p: Promise<ScheduleRow>, words: (r: ScheduleRow) => string) => {
    setBusy(true);
    setError(null);
    p.then((r) => {
      setV({ ...v, ...r, customer: v.customer ?? null });
      setSaid(words(r));
    })
      .catch((err: unknown) => setError(err))
      .finally(() => setBusy(false));
  };
  return (
    <li class="card tech-visit" data-testid="tech-visit">
      <div class="row">
        <strong class="tech-when">{windowHours(v.window, v.time_zone)}</strong>
        <span class={`status visit-${v.status}`}>{VISIT_LABELS[v.status]}</span>
      </div>
      <h3>
        {v.customer ?? 'Customer'} · {v.job_title}
      </h3>
      {v.address && v.maps_url && (
        <p>
          <a href={v.maps_url} target="_blank" rel="noopener noreferrer" class="maps">
            {v.address}
          </a>
        </p>
      )}
      {v.customer_notes && <p class="notice">Customer: {v.customer_notes}</p>}
      {v.internal_notes && <p class="muted">Office: {v.internal_notes}</p>}
      {v.scope && (
        <details>
          <summary>Scope of work</summary>
          <p class="prose">{v.scope}</p>
        </details>
      )}
      {said && (
        <p class="notice notice-success" role="status">
          {said}
        </p>
      )}
      {error !== null && <Notice error={error} />}
      {(v.status === 'scheduled' || v.status === 'confirmed') && (
        <div class="tech-step">
          <label for={`eta-${v.visit}`}>Arriving in</label>
          <select id={`eta-${v.visit}`} value={eta} onChange={(e) => setEta(Number(e.currentTarget.value))}>
            {ETAS.map((m) => (
              <option key={m} value={m}>
                {m} minutes
              </option>
            ))}
          </select>
          <button
            type="button"
            class="button primary wide"
            disabled={busy}
            onClick={() =>
              run(depart(v.account, v.job, v.visit, eta), (r) => `The customer was told you arrive about ${r.eta ? clock(r.eta, r.time_zone) : 'soon'}.`)
            }
          >
            On my way
          </button>
        </div>
      )}
      {v.status === 'on_the_way' && (
        <button type="button" class="button primary wide" disabled={busy} onClick={() => run(arrive(v.account, v.job, v.visit), () => 'Marked as arrived.')}>
          Arrived
        </button>
      )}
      {v.status === 'arrived' && <Finish v={v} onDone={(r) => (setV({ ...v, ...r, customer: v.customer ?? null }), setSaid('Visit completed. Thank you!'))} />}
      {v.status !== 'cancelled' && (
        <details class="tech-photos">
          <summary>Photos</summary>
          <JobFiles account={v.account} job={v.job} visit={v.visit} />
        </details>
      )}
    </li>
  );
}

export function TechPage() {
  const { data, error, retry } = useLoad(myVisits, []);
  return (
    <div class="tech">
      <h1>My visits</h1>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data?.days.map((d, i) => (
        <section key={d.date} aria-labelledby={`tech-day-${i}`}>
          <h2 id={`tech-day-${i}`}>
            {i === 0 ? 'Today' : 'Tomorrow'} · {date(d.date)}
          </h2>
          {d.visits.length === 0 ? (
            <p class="muted">No visits.</p>
          ) : (
            <ul class="cards">
              {d.visits.map((v) => (
                <TechVisit key={v.visit} initial={v} />
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
