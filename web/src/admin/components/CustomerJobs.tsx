// A customer's jobs on their page: each with its status, a new job (a service call without an
// estimate), and the equipment and agreements on record.
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../../components/Notice';
import { JOB_LABELS } from '../../components/Visit';
import { date } from '../../lib/format';
import { navigate } from '../../lib/router';
import { useLoad } from '../../lib/useLoad';
import { type Property, createJob, customerWork } from '../api';

export function CustomerJobs({ account, properties }: { account: string; properties: Property[] }) {
  const { data, error, retry } = useLoad(() => customerWork(account), [account]);
  const [adding, setAdding] = useState(false);
  const [title, setTitle] = useState('');
  const [property, setProperty] = useState(properties[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [addError, setAddError] = useState<unknown>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setAddError(null);
    createJob(account, { property: property || null, title, scope: '' })
      .then((p) => navigate(`/admin/jobs/${account}/${p.job.id}`))
      .catch((err: unknown) => setAddError(err))
      .finally(() => setBusy(false));
  };
  return (
    <section aria-labelledby="jobs">
      <div class="row">
        <h2 id="jobs">Jobs</h2>
        <button type="button" class="button secondary" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {adding ? 'Cancel' : 'New job'}
        </button>
      </div>
      {adding && (
        <form class="card" onSubmit={submit}>
          <label for="new-job-title">
            What
            <input id="new-job-title" required maxLength={120} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
          <label for="new-job-property">
            Where
            <select id="new-job-property" value={property} onChange={(e) => setProperty(e.currentTarget.value)}>
              {properties.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
              <option value="">No property</option>
            </select>
          </label>
          {addError !== null && <Notice error={addError} />}
          <button class="button primary" disabled={busy}>
            Create the job
          </button>
        </form>
      )}
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.jobs.length === 0 && <p class="muted">No jobs yet. An approved estimate becomes one.</p>}
      {data && data.jobs.length > 0 && (
        <ul class="cards">
          {data.jobs.map((j) => (
            <li class="card" key={j.id}>
              <div class="row">
                <a href={`/admin/jobs/${account}/${j.id}`} data-route>
                  {j.number} · {j.title}
                </a>
                <span class={`status job-${j.status}`}>{JOB_LABELS[j.status]}</span>
              </div>
              {j.property_label && <p class="muted">{j.property_label}</p>}
            </li>
          ))}
        </ul>
      )}
      {data && data.equipment.length > 0 && (
        <>
          <h3>Equipment on record</h3>
          <ul>
            {data.equipment.map((e) => (
              <li key={e.id}>
                {e.kind}
                {e.make_model && <> · {e.make_model}</>}
                {e.warranty_until && <> · warranty until {date(e.warranty_until)}</>}
              </li>
            ))}
          </ul>
        </>
      )}
      {data && data.agreements.length > 0 && (
        <>
          <h3>Agreements</h3>
          <ul>
            {data.agreements.map((g) => (
              <li key={g.id}>
                {g.name} · {g.visits_per_year} visits a year · renews {date(g.renews_on)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
