// The office's ratings: the figures (average, distribution, month by month, per technician,
// follow-ups open and closed), the open follow-ups of low ratings to handle (assign, note,
// answer in the job's thread, close), and every rating, newest first. Ratings are private to
// the business; every customer was offered the public review pages whatever their score.
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../../components/Notice';
import { dateTime } from '../../lib/format';
import { useLoad, useMore } from '../../lib/useLoad';
import { Stars } from '../../components/Stars';
import { type Rating, adoption, changeFollowUp, listStaff, ratingFigures, staffRatings } from '../api';
import { answered } from './Adoption';

function Figures() {
  const { data, error, retry } = useLoad(ratingFigures, []);
  const asked = useLoad(adoption, []);
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  const most = Math.max(1, ...data.distribution);
  return (
    <section class="card" aria-labelledby="rating-figures">
      <h2 id="rating-figures">Figures</h2>
      <p>
        {data.count === 0 ? (
          'No ratings yet.'
        ) : (
          <>
            Average <strong>{data.average?.toFixed(1)}</strong> from {data.count} {data.count === 1 ? 'rating' : 'ratings'} · follow-ups{' '}
            {data.follow_ups_open} open, {data.follow_ups_closed} closed
          </>
        )}
      </p>
      {asked.data && <p>Review requests answered: {answered(asked.data.ratings, asked.data.review_requests)}</p>}
      <table class="table">
        <caption class="visually-hidden">How many ratings gave each score</caption>
        <tbody>
          {[5, 4, 3, 2, 1].map((n) => {
            const c = data.distribution[n - 1] ?? 0;
            return (
              <tr key={n}>
                <th scope="row">
                  <Stars n={n} />
                </th>
                <td style={{ width: '60%' }}>
                  <span class="bar" style={{ width: `${(c / most) * 100}%` }} />
                </td>
                <td>{c}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>Month by month</h3>
      <table class="table">
        <thead>
          <tr>
            <th>Month</th>
            <th>Ratings</th>
            <th>Average</th>
          </tr>
        </thead>
        <tbody>
          {data.months
            .filter((m) => m.count > 0)
            .map((m) => (
              <tr key={m.month}>
                <td>{m.month}</td>
                <td>{m.count}</td>
                <td>{m.average?.toFixed(1) ?? '–'}</td>
              </tr>
            ))}
        </tbody>
      </table>
      {data.technicians.length > 0 && (
        <>
          <h3>Ratings about a technician</h3>
          <table class="table">
            <thead>
              <tr>
                <th>Technician</th>
                <th>Ratings</th>
                <th>Average</th>
              </tr>
            </thead>
            <tbody>
              {data.technicians.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{t.count}</td>
                  <td>{t.average?.toFixed(1) ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function FollowUp({ r, staff, onChanged }: { r: Rating; staff: { id: string; name: string }[]; onChanged: (r: Rating) => void }) {
  const f = r.follow_up;
  const [note, setNote] = useState(f?.note ?? '');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  if (!f) return null;
  const change = (body: Parameters<typeof changeFollowUp>[2]) => {
    setBusy(true);
    setErr(null);
    changeFollowUp(r.account, r.job, body)
      .then(onChanged)
      .catch((e: unknown) => setErr(e))
      .finally(() => setBusy(false));
  };
  const id = `note-${r.account}-${r.job}`;
  return (
    <div class="follow-up">
      <p>
        <strong>{f.open ? 'Follow-up open' : 'Follow-up closed'}</strong> since {dateTime(f.open ? f.opened_at : (f.closed_at ?? f.opened_at))}
        {!f.open && f.closed_by && <> by {f.closed_by}</>}
      </p>
      <label for={`assign-${id}`}>Assigned to</label>
      <select id={`assign-${id}`} value={f.assigned ?? ''} disabled={busy} onChange={(e) => change({ assigned: (e.target as HTMLSelectElement).value || null })}>
        <option value="">Nobody yet</option>
        {staff.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
      <label for={id}>What the office did</label>
      <textarea id={id} rows={2} maxLength={1000} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      {err !== null && <Notice error={err} />}
      <div class="actions">
        <button type="button" class="button secondary" disabled={busy} onClick={() => change({ note })}>
          Save the note
        </button>
        <a class="button secondary" href={`/admin/inbox/${r.account}/${r.job}`} data-route>
          Answer in the job's thread
        </a>
        <button type="button" class="button primary" disabled={busy} onClick={() => change({ note, open: !f.open })}>
          {f.open ? 'Close the follow-up' : 'Reopen'}
        </button>
      </div>
    </div>
  );
}

export function RatingsPage() {
  const [which, setWhich] = useState<'open' | 'all'>('open');
  const { data, error, retry, update } = useLoad(() => staffRatings(which), [which]);
  const more = useMore(data, update, (cursor) => staffRatings(which, cursor), (d, page) => ({ ratings: [...d.ratings, ...page.ratings], next: page.next ?? null }));
  const staff = useLoad(listStaff, []);
  const people = (staff.data ?? []).filter((s) => s.active).map((s) => ({ id: s.id, name: s.name }));
  const replace = (r: Rating) =>
    update((d) => ({ ...d, ratings: d.ratings.map((x) => (x.account === r.account && x.job === r.job ? r : x)) }));
  return (
    <>
      <h1>Ratings</h1>
      <Figures />
      <div class="tabs" role="group" aria-label="Which ratings">
        <button type="button" class={`button ${which === 'open' ? 'primary' : 'secondary'}`} aria-pressed={which === 'open'} onClick={() => setWhich('open')}>
          Follow-ups open
        </button>
        <button type="button" class={`button ${which === 'all' ? 'primary' : 'secondary'}`} aria-pressed={which === 'all'} onClick={() => setWhich('all')}>
          Every rating
        </button>
      </div>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.ratings.length === 0 && <p class="muted">{which === 'open' ? 'No follow-up is open.' : 'No ratings yet.'}</p>}
      {data && data.ratings.length > 0 && (
        <ul class="cards">
          {data.ratings.map((r) => (
            <li key={`${r.account}-${r.job}`} class="card" data-testid="rating">
              <div class="row">
                <Stars n={r.stars} />
                <span class="muted">{dateTime(r.updated_at)}</span>
              </div>
              <p>
                <strong>{r.contact_name}</strong> on{' '}
                <a href={`/admin/jobs/${r.account}/${r.job}`} data-route>
                  {r.job_title} ({r.job_number})
                </a>
                {r.technician && <> · about {r.technician.name}</>}
              </p>
              {r.comment && <p class="quote">{r.comment}</p>}
              <FollowUp r={r} staff={people} onChanged={replace} />
            </li>
          ))}
        </ul>
      )}
      {more.error !== null && <Notice error={more.error} />}
      {data?.next && (
        <button type="button" class="button secondary" disabled={more.busy} onClick={more.more}>
          {more.busy ? 'Loading…' : which === 'open' ? 'Show more follow-ups' : 'Show older ratings'}
        </button>
      )}
    </>
  );
}
