// The account's estimates: one card each.
import { listEstimates } from '../api/client';
import type { EstimateSummary } from '../api/types';
import { Loading, Notice } from '../components/Notice';
import { Status } from '../components/Status';
import { date, money } from '../lib/format';
import { useLoad } from '../lib/useLoad';

export function EstimateCard({ e }: { e: EstimateSummary }) {
  return (
    <li class="card estimate-card">
      <div class="row">
        <h3>
          <a href={`/estimates/${e.id}`} data-route>
            {e.title}
          </a>
        </h3>
        <Status status={e.status} />
      </div>
      <p class="muted">
        {e.number} · {money(e.total, e.currency)}
        {(e.status === 'sent' || e.status === 'viewed') && <> · valid until {date(e.valid_until)}</>}
      </p>
    </li>
  );
}

export function EstimateListPage() {
  const { data, error, retry } = useLoad(listEstimates, []);
  return (
    <>
      <h1>Estimates</h1>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.estimates.length === 0 && <p class="muted">No estimates yet.</p>}
      {data && (
        <ul class="cards">
          {data.estimates.map((e) => (
            <EstimateCard key={e.id} e={e} />
          ))}
        </ul>
      )}
    </>
  );
}
