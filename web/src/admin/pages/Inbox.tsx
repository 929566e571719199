// The office's inbox: every customer's threads, unread first, then by last activity; filters
// (open, mine, unassigned, closed); one thread beside its customer and job, with the reply box,
// assign, close or reopen, and hide; email replies held for review (post or set aside), and
// stopping a thread's reply addresses.
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../../components/Notice';
import { Conversation } from '../../components/Thread';
import { dateTime } from '../../lib/format';
import { useLoad } from '../../lib/useLoad';
import {
  type HeldView,
  type ThreadView,
  changeThread,
  dismissHeld,
  heldEmails,
  hideMessage,
  inbox,
  listStaff,
  postHeld,
  revokeReplies,
  staffPost,
  staffRead,
  staffSlot,
  staffThread,
  staffUploadStatus,
} from '../api';

const FILTERS = [
  ['open', 'Open'],
  ['mine', 'Mine'],
  ['unassigned', 'Unassigned'],
  ['closed', 'Closed'],
  ['held', 'Held emails'],
] as const;

export function InboxPage() {
  const [filter, setFilter] = useState<string>('open');
  const { data, error, retry } = useLoad(() => (filter === 'held' ? Promise.resolve(null) : inbox(filter)), [filter]);
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
      {filter === 'held' && <HeldEmails />}
      {error !== null && <Notice error={error} onRetry={retry} />}
      {filter !== 'held' && !data && error === null && <Loading />}
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

/** Email replies held for review: what they say, who they say they are from, and why. */
function HeldEmails() {
  const { data, error, retry } = useLoad(heldEmails, []);
  const [said, setSaid] = useState<string | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const act = (h: HeldView, what: 'post' | 'dismiss') => {
    if (what === 'post' && !window.confirm(`The sender of this email is not verified (${h.why}) Post it to ${h.customer}'s thread as theirs?`)) return;
    void (what === 'post' ? postHeld(h.account, h.id) : dismissHeld(h.account, h.id)).then(
      () => {
        setSaid(what === 'post' ? `Posted to ${h.customer}'s thread.` : 'Set aside. It is no longer in this list.');
        setFailed(null);
        retry();
      },
      (e: unknown) => setFailed(e),
    );
  };
  return (
    <section aria-labelledby="held-title">
      <h2 id="held-title">Email replies held for review</h2>
      <p class="muted">These replies were not posted because a check failed. Post one when you know who sent it, or set it aside.</p>
      {said && (
        <p role="status" class="notice">
          {said}
        </p>
      )}
      {failed !== null && <Notice error={failed} />}
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.held.length === 0 && <p class="muted">Nothing is waiting.</p>}
      {data?.held.map((h) => (
        <article key={h.id} class="card held">
          <h3>
            {h.customer}: {h.subject || '(no subject)'}
          </h3>
          <p class="muted">
            From {h.from_name ? `${h.from_name} <${h.from}>` : h.from} · {dateTime(h.received_at)}
          </p>
          <p>
            <strong>Why it was held:</strong> {h.why}
          </p>
          <p class="message-text">{h.text || '(no text)'}</p>
          {h.attachments > 0 && <p class="muted">{h.attachments} attachment(s), added to the job when posted (while the email is kept: 30 days).</p>}
          {!h.postable && <p class="muted">To post it, add {h.from} as a contact of this customer first; it then posts as theirs.</p>}
          <div class="actions">
            <button type="button" class="button primary" onClick={() => act(h, 'post')}>
              Post to the thread
            </button>
            <button type="button" class="button secondary" onClick={() => act(h, 'dismiss')}>
              Set aside
            </button>
            <a class="button link" href={`/admin/inbox/${h.account}/${h.thread}`} data-route>
              Open the thread
            </a>
          </div>
        </article>
      ))}
    </section>
  );
}

export function InboxThreadPage({ account, thread }: { account: string; thread: string }) {
  const staff = useLoad(listStaff, []);
  const [view, setView] = useState<ThreadView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [stopped, setStopped] = useState<string | null>(null);
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
      {stopped && (
        <p role="status" class="notice">
          {stopped}
        </p>
      )}
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
          <button
            type="button"
            class="button secondary"
            onClick={() =>
              window.confirm('Stop the reply addresses sent for this thread? Email replies to them will be held for review; the next notice carries a new one.') &&
              void revokeReplies(account, thread).then(
                (v) => {
                  setView(v);
                  setError(null);
                  setStopped('The reply addresses sent so far are stopped. Replies to them wait under Held emails; the next notice carries a new one.');
                },
                (e: unknown) => setError(e),
              )
            }
          >
            Stop email replies
          </button>
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
        uploadTo={isJob ? { to: 'job', job: thread } : { to: 'messages' }}
        uploadApi={{ slot: (b) => staffSlot(account, b), status: (f) => staffUploadStatus(account, f) }}
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
