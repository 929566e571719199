// A conversation with the office (or, on the admin page, with the customer): the messages,
// oldest first, and the composer under them. Messages are plain text: only http and https
// addresses become links. The page asks for news every 15 seconds while it is shown, with the
// ETag it holds, so an unchanged thread costs a 304.
import { useEffect, useRef, useState } from 'preact/hooks';

import { ApiError } from '../api/client';
import type { FileView, MessageView, NewFile, NewMessage, Posted, ThreadPage } from '../api/types';
import { dateTime } from '../lib/format';
import { DocumentList, Gallery, Uploader, type UploadApi } from './Files';

export interface ThreadApi {
  get: (etag: string | null) => Promise<{ data: ThreadPage; etag: string } | null>;
  post: (body: NewMessage) => Promise<Posted>;
  read: () => Promise<void>;
}

/** How often an open thread asks for news. */
const POLL_MS = 15_000;
const MAX_TEXT = 4000;

/** The text with its http and https addresses as links; everything else stays text. */
export function Linked({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"']+)/g);
  return (
    <>
      {parts.map((p, i) => {
        if (i % 2 === 0) return p;
        // A sentence's full stop or bracket is not part of the address.
        const [, url = p, tail = ''] = /^(.*?)([.,;:!?)\]]*)$/.exec(p) ?? [];
        return (
          <span key={i}>
            <a href={url} rel="noopener noreferrer nofollow" target="_blank">
              {url}
            </a>
            {tail}
          </span>
        );
      })}
    </>
  );
}

function Bubble({ m, actions }: { m: MessageView; actions?: ((m: MessageView) => preact.ComponentChildren) | undefined }) {
  return (
    <li class={`message${m.mine ? ' mine' : ''}${m.from_staff ? ' staff' : ''}${m.hidden_by ? ' hidden' : ''}`}>
      <p class="who">
        <strong>{m.author}</strong> <time dateTime={m.at}>{dateTime(m.at)}</time>
        {m.via === 'email' && <span class="muted"> · by email</span>}
        {m.via === 'text' && <span class="muted"> · by text</span>}
        {m.notified === true && <span class="muted"> · the customer was told</span>}
        {m.notified === false && <span class="muted"> · the customer is told within two minutes</span>}
      </p>
      {m.hidden_by && <p class="muted">Hidden from the customer by {m.hidden_by}.</p>}
      {m.text && (
        <p class="text">
          <Linked text={m.text} />
        </p>
      )}
      {m.attachments.length > 0 && (
        <>
          <Gallery photos={m.attachments} label="Photos sent with this message" />
          <DocumentList files={m.attachments} />
        </>
      )}
      {actions?.(m)}
    </li>
  );
}

export function Conversation({
  api,
  initial,
  readOnly = false,
  uploadTo,
  uploadApi,
  actions,
  who = 'the office',
}: {
  api: ThreadApi;
  /** The page as a larger page already loaded it (the job page), if it did. */
  initial?: ThreadPage;
  readOnly?: boolean;
  /** Where photos sent with a message are kept (a job's thread); none: text only. */
  uploadTo?: NewFile['to'];
  uploadApi?: UploadApi;
  actions?: (m: MessageView) => preact.ComponentChildren;
  /** Who reads what is sent, in words ("the office", "Dana Whitfield"). */
  who?: string;
}) {
  const [page, setPage] = useState<ThreadPage | null>(initial ?? null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [files, setFiles] = useState<FileView[]>([]);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const etag = useRef<string | null>(null);
  const end = useRef<HTMLDivElement>(null);

  const refresh = async () => {
    try {
      const got = await api.get(etag.current);
      if (got) {
        etag.current = got.etag;
        setPage(got.data);
      }
      setError(null);
    } catch (e) {
      setError(e);
    }
  };

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, POLL_MS);
    const seen = () => document.visibilityState === 'visible' && void refresh();
    document.addEventListener('visibilitychange', seen);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', seen);
    };
  }, []);

  // Read once shown: the other side's unread count goes to zero.
  useEffect(() => {
    if (!readOnly && page && page.thread.unread > 0 && document.visibilityState === 'visible') {
      api.read().then(
        () => setPage((p) => (p ? { ...p, thread: { ...p.thread, unread: 0 } } : p)),
        () => undefined,
      );
    }
  }, [page?.thread.unread]);

  const send = async (e: Event) => {
    e.preventDefault();
    if (busy || (!text.trim() && files.length === 0)) return;
    setBusy(true);
    setStatus('');
    try {
      const posted = await api.post({ text, attachments: files.map((f) => f.id) });
      setPage((p) => ({ thread: posted.thread, messages: [...(p?.messages ?? []), posted.message] }));
      setText('');
      setFiles([]);
      setStatus(`Sent. ${who[0]?.toUpperCase()}${who.slice(1)} will see it now.`);
      end.current?.scrollIntoView({ block: 'nearest' });
    } catch (err) {
      setStatus(err instanceof ApiError ? err.message : 'Your message was not sent. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  };

  const messages = page?.messages ?? [];
  return (
    <div class="conversation">
      {error !== null && messages.length === 0 && (
        <p class="error" role="alert">
          {error instanceof ApiError ? error.message : 'The messages could not be loaded.'}{' '}
          <button type="button" class="button link" onClick={() => void refresh()}>
            Try again
          </button>
        </p>
      )}
      {page && messages.length === 0 && <p class="muted">No messages yet. Ask anything: {who} answers here.</p>}
      <ol class="messages" aria-label="Messages">
        {messages.map((m) => (
          <Bubble key={m.id} m={m} actions={actions} />
        ))}
      </ol>
      <div ref={end} />
      {!readOnly && (
        <form class="composer" onSubmit={send}>
          <label for="message-text">Your message</label>
          <textarea
            id="message-text"
            rows={3}
            maxLength={MAX_TEXT}
            value={text}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
            placeholder={`Write to ${who}`}
          />
          {files.length > 0 && (
            <p class="muted">
              With {files.length} photo{files.length === 1 ? '' : 's'}.{' '}
              <button type="button" class="button link" onClick={() => setFiles([])}>
                Remove
              </button>
            </p>
          )}
          {uploadTo && uploadApi && (
            <Uploader to={uploadTo} api={uploadApi} onAdded={(f) => setFiles((xs) => [...xs, f])} label="Add photos to this message" />
          )}
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send'}
          </button>
          <p class="muted" role="status" aria-live="polite">
            {status}
          </p>
        </form>
      )}
    </div>
  );
}
