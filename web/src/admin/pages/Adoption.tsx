// Adoption: how customers take to the portal, month by month, and how fast they approve and pay.
import { Loading, Notice } from '../../components/Notice';
import { currentLocale } from '../../lib/format';
import { useLoad } from '../../lib/useLoad';
import { type Month, adoption } from '../api';

/** "Nov", or "Jan 2027" where a year starts, in the contractor's locale. */
function monthLabel(key: string, first: boolean): string {
  const [y, m] = key.split('-').map(Number);
  const d = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 1));
  const short = d.toLocaleDateString(currentLocale(), { month: 'short', timeZone: 'UTC' });
  return first || m === 1 ? `${short} ${y}` : short;
}

/** Two series per month as bars, with a value axis, each bar's value written on it, month
 * names under them, and the same figures as a table for screen readers and for reading
 * exactly (drawn as SVG by hand: no chart library for three small charts). */
function Bars({ title, months, a, b, labels }: { title: string; months: Month[]; a: (m: Month) => number; b: (m: Month) => number; labels: [string, string] }) {
  const top = Math.max(1, ...months.map((m) => Math.max(a(m), b(m))));
  // A round top for the axis: 1, 2, 5, 10, 20, 50, ...
  const step = [1, 2, 5].flatMap((k) => [1, 10, 100, 1000, 10000].map((p) => k * p)).sort((x, y) => x - y).find((s) => s * 4 >= top) ?? top;
  const max = step * Math.ceil(top / step);
  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step);
  const [left, w, h, foot, head] = [28, 30, 120, 30, 12];
  const y = (v: number) => head + h - (v / max) * h;
  const id = `chart-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  const totalA = months.reduce((n, m) => n + a(m), 0);
  const totalB = months.reduce((n, m) => n + b(m), 0);
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        {title}, last 12 months: {totalA} {labels[0]}, {totalB} {labels[1]}
      </figcaption>
      <svg viewBox={`0 0 ${left + months.length * w + 4} ${head + h + foot}`} aria-hidden="true" focusable="false">
        {ticks.map((t) => (
          <g key={t} class="axis">
            <line x1={left} x2={left + months.length * w} y1={y(t)} y2={y(t)} class="grid" />
            <text x={left - 4} y={y(t) + 3} text-anchor="end" font-size="9">
              {t}
            </text>
          </g>
        ))}
        <line x1={left} x2={left} y1={head} y2={head + h} class="axis-line" />
        {months.map((m, i) => {
          const x = left + i * w;
          return (
            <g key={m.month}>
              {[a(m), b(m)].map((v, k) => (
                <g key={k}>
                  <rect x={x + 3 + k * 12} y={y(v)} width={11} height={head + h - y(v)} class={k === 0 ? 'bar-a' : 'bar-b'} />
                  {v > 0 && (
                    <text x={x + 8.5 + k * 12} y={y(v) - 2} text-anchor="middle" font-size="8">
                      {v}
                    </text>
                  )}
                </g>
              ))}
              <text x={x + w / 2} y={head + h + 12} text-anchor="middle" font-size="8">
                {monthLabel(m.month, false).split(' ')[0]}
              </text>
              {(i === 0 || m.month.endsWith('-01')) && (
                <text x={x + w / 2} y={head + h + 23} text-anchor="middle" font-size="8">
                  {m.month.slice(0, 4)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <p class="legend">
        <span class="key key-a" /> {labels[0]} <span class="key key-b" /> {labels[1]}
      </p>
      <details>
        <summary>The figures by month</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">{labels[0]}</th>
              <th scope="col">{labels[1]}</th>
            </tr>
          </thead>
          <tbody>
            {months.map((m, i) => (
              <tr key={m.month}>
                <th scope="row">{monthLabel(m.month, i === 0)}</th>
                <td>{a(m)}</td>
                <td>{b(m)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** "5.2 h (3 estimates)", or "–" with nothing to measure. */
function median(v: number | null | undefined, unit: string, n: number, what: string): string {
  if (v === null || v === undefined) return `– (no ${what} yet)`;
  return `${v} ${unit} (${n} ${what})`;
}

/** "3 of 4 (75%)": jobs rated of those whose customer was asked. */
export function answered(ratings: number, requests: number): string {
  if (requests === 0) return 'No job completed yet';
  return `${ratings} of ${requests} (${Math.round((Math.min(ratings, requests) / requests) * 100)}%)`;
}

export function AdoptionPage() {
  const { data, error, retry } = useLoad(adoption, []);
  if (error !== null && !data) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  const ap = data.hours_to_approve;
  const pay = data.days_to_pay;
  return (
    <>
      <h1>Adoption</h1>
      <dl class="figures">
        <div>
          <dt>Contacts invited</dt>
          <dd data-testid="invited">
            {data.contacts_invited} of {data.contacts}
          </dd>
        </div>
        <div>
          <dt>Activated (signed in)</dt>
          <dd data-testid="activated">{data.contacts_activated}</dd>
        </div>
        <div>
          <dt>Active in the last 90 days</dt>
          <dd>{data.contacts_active_90_days}</dd>
        </div>
        <div>
          <dt>Review requests answered</dt>
          <dd data-testid="reviews-answered">{answered(data.ratings, data.review_requests)}</dd>
        </div>
      </dl>
      <h2>Portal against offline</h2>
      <p class="muted">The middle value of each: half the documents took less time, half took more.</p>
      <table class="compare">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">Through the portal</th>
            <th scope="col">Offline</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Time to approve an estimate</th>
            <td data-testid="approve-portal">{median(ap.portal, 'h', ap.portal_count, ap.portal_count === 1 ? 'estimate' : 'estimates')}</td>
            <td data-testid="approve-offline">{median(ap.offline, 'h', ap.offline_count, ap.offline_count === 1 ? 'estimate' : 'estimates')}</td>
          </tr>
          <tr>
            <th scope="row">Time to pay an invoice</th>
            <td data-testid="pay-portal">{median(pay.portal, 'days', pay.portal_count, pay.portal_count === 1 ? 'invoice' : 'invoices')}</td>
            <td data-testid="pay-offline">{median(pay.offline, 'days', pay.offline_count, pay.offline_count === 1 ? 'invoice' : 'invoices')}</td>
          </tr>
        </tbody>
      </table>
      <div class="charts">
        <Bars title="Contacts invited and activated" months={data.months} a={(m) => m.contacts_invited} b={(m) => m.contacts_activated} labels={['invited', 'activated']} />
        <Bars
          title="Estimates approved"
          months={data.months}
          a={(m) => m.estimates_approved_in_portal}
          b={(m) => m.estimates_approved_offline}
          labels={['in the portal', 'offline']}
        />
        <Bars title="Invoices paid" months={data.months} a={(m) => m.invoices_paid_online} b={(m) => m.invoices_paid_offline} labels={['online', 'offline']} />
        <Bars title="Jobs completed and rated" months={data.months} a={(m) => m.review_requests} b={(m) => m.ratings} labels={['asked to rate', 'rated']} />
      </div>
    </>
  );
}
