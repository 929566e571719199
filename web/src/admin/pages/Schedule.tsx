// The schedule: a week by day, everyone's or one technician's, from the day and technician
// indexes.
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../../components/Notice';
import { VISIT_LABELS } from '../../components/Visit';
import { date } from '../../lib/format';
import { useLoad } from '../../lib/useLoad';
import { addDays, todayIn, windowHours } from '../../lib/when';
import { listStaff, schedule } from '../api';

const today = () => todayIn();

export function SchedulePage() {
  const [from, setFrom] = useState(today());
  const [who, setWho] = useState('');
  const staff = useLoad(listStaff, []);
  const { data, error, retry } = useLoad(() => schedule(from, 7, who || undefined), [from, who]);
  return (
    <>
      <h1>Schedule</h1>
      <div class="row">
        <div class="actions">
          <button type="button" class="button secondary" onClick={() => setFrom(addDays(from, -7))}>
            Previous week
          </button>
          <button type="button" class="button secondary" onClick={() => setFrom(today())}>
            This week
          </button>
          <button type="button" class="button secondary" onClick={() => setFrom(addDays(from, 7))}>
            Next week
          </button>
        </div>
        <label for="schedule-who">
          Technician{' '}
          <select id="schedule-who" value={who} onChange={(e) => setWho(e.currentTarget.value)}>
            <option value="">Everyone</option>
            {staff.data?.filter((s) => s.active).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data?.days.map((d) => (
        <section key={d.date} aria-labelledby={`day-${d.date}`}>
          <h2 id={`day-${d.date}`}>{date(d.date)}</h2>
          {d.visits.length === 0 ? (
            <p class="muted">Nothing booked.</p>
          ) : (
            <table class="list">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Job</th>
                  <th>Customer</th>
                  <th>Technicians</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {d.visits.map((v) => (
                  <tr key={v.visit}>
                    <td>{windowHours(v.window, v.time_zone)}</td>
                    <td>
                      <a href={`/admin/jobs/${v.account}/${v.job}`} data-route>
                        {v.job_number} · {v.job_title}
                      </a>
                      {v.address && <div class="muted">{v.address}</div>}
                    </td>
                    <td>{v.customer ?? ''}</td>
                    <td>{v.technicians.map((c) => c.name).join(', ') || '—'}</td>
                    <td>
                      {VISIT_LABELS[v.status]}
                      {v.pending_request && <span class="tag">Request</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </>
  );
}
