// The office's inbox: every customer's threads, unread first, then by last activity; filters
// (open, mine, unassigned, closed); one thread beside its customer and job, with the reply box,
// assign, close or reopen, and hide.
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../../components/Notice';
import { Conversation } from '../../components/Thread';
import { dateTime } from '../../lib/format';
import { useLoad } from '../../lib/useLoad';
import { type ThreadView, changeThread, hideMessage, inbox, listStaff, staffPost, staffRead, staffSlot, staffThread, staffUploadStatus } from '../api';

const FILTERS = [
  ['open', 'Open'],
  ['mine', 'Mine'],
  ['unassigned', 'Unassigned'],
  ['closed', 'Closed'],
] as const;

export function InboxPage() {
  const [filter, setFilter] = useState<string>('open');
  const { data, error, retry } = useLoad(() => inbox(filter), [filter]);
  return (
    <>
      <h1>Inbox</h1>
      <div class="tabs" role="group" aria-label="Which threads">
        {FILTERS.map(([key, label]) => (
          <button key={key} type="button" class={`button ${filter === key ? 'primary' : 'secondary'}`} aria-pressed={filter === key} onClick={() => setFilter(key)}>
            {label}
          </button>
        ))}
      </div>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.threads.length === 0 && <p class="muted">No threads here.</p>}
      {data && data.threads.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th>Customer</th>
              <th>About</th>
              <th>Last message</th>
              <th>Assigned</th>
            </tr>
          </thead>
          <tbody>
            {data.threads.map((t) => (
              <tr key={`${t.account}-${t.thread}`} class={t.unread > 0 ? 'unread' : undefined}>
                <td>
                  <a href={`/admin/inbox/${t.account}/${t.thread}`} data-route>
                    {t.customer}
                  </a>
                  {t.unread > 0 && <span class="tag">{t.unread} new</span>}
                </td>
                <td>{t.subject}</td>
                <td>
                  {t.last_preview}
                  {t.last_at && <span class="muted"> · {dateTime(t.last_at)}</span>}
                </td>
                <td>{t.assigned?.name ?? 'Nobody'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function InboxThreadPage({ account, thread }: { account: string; thread: string }) {
  const staff = useLoad(listStaff, []);
  const [view, setView] = useState<ThreadView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const isJob = thread.startsWith('job_');
  const change = (body: Parameters<typeof changeThread>[2]) =>
    changeThread(account, thread, body).then(
      (v) => {
        setView(v);
        setError(null);
      },
      (e: unknown) => setError(e),
    );
  return (
    <>
      <p>
        <a href="/admin/inbox" data-route>
          Inbox
        </a>{' '}
        ·{' '}
        <a href={`/admin/customers/${account}`} data-route>
          The customer
        </a>
        {isJob && (
          <>
            {' '}
            ·{' '}
            <a href={`/admin/jobs/${account}/${thread}`} data-route>
              The job
            </a>
          </>
        )}
      </p>
      <h1>{view ? `${view.customer}: ${view.subject}` : isJob ? 'A job’s thread' : 'Questions for the office'}</h1>
      {error !== null && <Notice error={error} />}
      {view && (
        <div class="row thread-tools">
          <label>
            Assigned to{' '}
            <select
              value={view.assigned?.id ?? ''}
              onChange={(e) => {
                const v = (e.target as HTMLSelectElement).value;
                void change({ assigned: v === '' ? null : v });
              }}
            >
              <option value="">Nobody</option>
              {(staff.data ?? [])
                .filter((s) => s.active && s.role !== 'technician')
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
            </select>
          </label>
          {view.state === 'open' ? (
            <button type="button" class="button secondary" onClick={() => void change({ state: 'closed' })}>
              Close
            </button>
          ) : (
            <button type="button" class="button secondary" onClick={() => void change({ state: 'open' })}>
              Reopen
            </button>
          )}
        </div>
      )}
      <Conversation
        who="the customer"
        api={{
          get: (etag) =>
            staffThread(account, thread, etag).then((got) => {
              if (got) setView(got.data.thread);
              return got;
            }),
          post: (b) => staffPost(account, thread, b),
          read: () => staffRead(account, thread),
        }}
        {...(isJob
          ? { uploadTo: { to: 'job' as const, job: thread }, uploadApi: { slot: (b) => staffSlot(account, b), status: (f) => staffUploadStatus(account, f) } }
          : {})}
        actions={(m) =>
          !m.hidden_by ? (
            <button
              type="button"
              class="button link"
              onClick={() => window.confirm('Hide this message from the customer? It stays here for the office.') && void hideMessage(account, thread, m.id)}
            >
              Hide
            </button>
          ) : null
        }
      />
    </>
  );
}
