// A job's photos and documents for staff: every one (internal ones marked), with Show to the
// customer / Make internal and Delete; and the uploader with the before / during / after tag,
// a caption, and whether the customer sees it. On a technician's visit, `visit` attaches to it.
import { useState } from 'preact/hooks';

import { DOC_KINDS, DocumentList, Gallery, TAG_LABELS, Uploader } from '../../components/Files';
import { Loading, Notice } from '../../components/Notice';
import type { DocKind, PhotoTag } from '../../api/types';
import { useLoad } from '../../lib/useLoad';
import { type FileView, changeFile, customerFiles, removeFile, staffSlot, staffUploadStatus } from '../api';

/** `removable` on each file says whether this staff member may change it (a technician: what they added). */
export function JobFiles({ account, job, visit }: { account: string; job: string; visit?: string }) {
  const { data, error, retry, update } = useLoad(() => customerFiles(account), [account]);
  const [tag, setTag] = useState<PhotoTag>('before');
  const [caption, setCaption] = useState('');
  const [shared, setShared] = useState(true);
  const [problem, setProblem] = useState<unknown>(null);
  const [docKind, setDocKind] = useState<DocKind>('permit');
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  const mine = data.files.filter((f) => {
    const to = f.to as { job?: string; visit?: string };
    return to.job === job && (!visit || to.visit === visit);
  });
  const replace = (f: FileView) => update((d) => ({ files: d.files.map((x) => (x.id === f.id ? f : x)) }));
  const actions = (f: FileView) =>
    f.removable ? (
      <div class="actions">
        <button
          type="button"
          class="button link"
          onClick={() => changeFile(account, f.id, { shared: !f.shared }).then(replace, setProblem)}
        >
          {f.shared ? 'Make internal' : 'Show to the customer'}
        </button>
        <button
          type="button"
          class="button link"
          onClick={() =>
            window.confirm('Delete this file? It is removed for everyone.') &&
            removeFile(account, f.id).then(() => update((d) => ({ files: d.files.filter((x) => x.id !== f.id) })), setProblem)
          }
        >
          Delete
        </button>
      </div>
    ) : null;
  const to = visit ? { to: 'visit' as const, job, visit } : { to: 'job' as const, job };
  return (
    <div class="job-files">
      {problem !== null && <Notice error={problem} />}
      {mine.some((f) => f.photo) ? <Gallery photos={mine} actions={actions} /> : <p class="muted">No photos yet.</p>}
      <DocumentList files={mine} actions={actions} />
      <fieldset class="upload-labels">
        <legend>Add photos</legend>
        <div class="row start">
          {(['before', 'during', 'after'] as PhotoTag[]).map((t) => (
            <label key={t} class="check">
              <input type="radio" name={`tag-${job}-${visit ?? ''}`} checked={tag === t} onChange={() => setTag(t)} />
              {TAG_LABELS[t]}
            </label>
          ))}
        </div>
        <label for={`caption-${job}-${visit ?? ''}`}>Caption (optional)</label>
        <input id={`caption-${job}-${visit ?? ''}`} maxLength={200} value={caption} onInput={(e) => setCaption(e.currentTarget.value)} />
        <label class="check">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
          The customer sees these
        </label>
        <Uploader
          to={to}
          api={{ slot: (b) => staffSlot(account, b), status: (f) => staffUploadStatus(account, f) }}
          onAdded={(f) => update((d) => ({ files: [f, ...d.files] }))}
          extra={() => ({ tag, shared, ...(caption.trim() ? { caption: caption.trim() } : {}) })}
        />
      </fieldset>
      <fieldset class="upload-labels">
        <legend>Add a document (PDF)</legend>
        <label for={`doc-kind-${job}-${visit ?? ''}`}>What is it?</label>
        <select id={`doc-kind-${job}-${visit ?? ''}`} value={docKind} onChange={(e) => setDocKind(e.currentTarget.value as DocKind)}>
          {DOC_KINDS.map(([k, l]) => (
            <option key={k} value={k}>
              {l}
            </option>
          ))}
        </select>
        <Uploader
          to={to}
          kind="document"
          api={{ slot: (b) => staffSlot(account, b), status: (f) => staffUploadStatus(account, f) }}
          onAdded={(f) => update((d) => ({ files: [f, ...d.files] }))}
          extra={() => ({ doc_kind: docKind, shared, ...(caption.trim() ? { caption: caption.trim() } : {}) })}
        />
      </fieldset>
    </div>
  );
}
