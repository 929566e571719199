// Messages with the office: every thread of the account the contact sees (unread first), and
// one thread with its composer at the bottom.
import { getThread, listThreads, markThreadRead, postMessage, session, uploadSlot, uploadStatus } from '../api/client';
import type { ThreadView } from '../api/types';
import { Loading, Notice } from '../components/Notice';
import { Conversation } from '../components/Thread';
import { dateTime } from '../lib/format';
import { useLoad } from '../lib/useLoad';

function ThreadCard({ t }: { t: ThreadView }) {
  return (
    <li class={`card thread-card${t.unread > 0 ? ' unread' : ''}`}>
      <div class="row">
        <h3>
          <a href={`/messages/${t.thread}`} data-route>
            {t.subject}
          </a>
        </h3>
        {t.unread > 0 && <span class="tag">{t.unread} new</span>}
      </div>
      {t.last_at ? (
        <p class="muted">
          {t.last_side === 'staff' ? 'The office' : 'You'}: {t.last_preview} · {dateTime(t.last_at)}
        </p>
      ) : (
        <p class="muted">Ask the office anything here.</p>
      )}
    </li>
  );
}

export function MessagesPage() {
  const { data, error, retry } = useLoad(listThreads, []);
  return (
    <>
      <h1>Messages</h1>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && (
        <>
          <p class="muted">
            {data.unread > 0 ? `${data.unread} new message${data.unread === 1 ? '' : 's'} from the office.` : 'You are up to date.'} Each job has its
            own conversation; questions about anything else go to Questions for the office.
          </p>
          <ul class="cards">
            {data.threads.map((t) => (
              <ThreadCard key={t.thread} t={t} />
            ))}
          </ul>
        </>
      )}
    </>
  );
}

export function ThreadRoute({ thread }: { thread: string }) {
  const readOnly = session()?.scope === 'portal:read';
  const isJob = thread.startsWith('job_');
  return (
    <>
      <p>
        <a href="/messages" data-route>
          All messages
        </a>
        {isJob && (
          <>
            {' · '}
            <a href={`/jobs/${thread}`} data-route>
              The job
            </a>
          </>
        )}
      </p>
      <h1>{isJob ? 'About this job' : 'Questions for the office'}</h1>
      <Conversation
        api={{ get: (etag) => getThread(thread, etag), post: (b) => postMessage(thread, b), read: () => markThreadRead(thread) }}
        readOnly={readOnly}
        uploadTo={isJob ? { to: 'job', job: thread } : { to: 'messages' }}
        uploadApi={{ slot: uploadSlot, status: uploadStatus }}
      />
    </>
  );
}
