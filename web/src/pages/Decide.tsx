import { useState } from 'preact/hooks';

import { ApiError, approveEstimate, declineEstimate, requestChanges } from '../api/client';
import type { Decision, EstimateView, Selection, VersionView } from '../api/types';
import { Notice } from '../components/Notice';
import { SignaturePad } from '../components/SignaturePad';
import { money } from '../lib/format';
import { selectionComplete, totals } from '../lib/totals';

export type Mode = 'approve' | 'changes' | 'decline';

interface Props {
  estimate: EstimateView;
  version: VersionView;
  selection: Selection;
  mode: Mode | null;
  setMode: (m: Mode | null) => void;
  lineComments: Record<string, string>;
  onDone: (view: EstimateView, kind: Decision['kind']) => void;
  /** The estimate changed meanwhile: reload it. */
  onStale: () => void;
}

function FieldError({ id, error, field }: { id: string; error: unknown; field: string }) {
  const message = error instanceof ApiError ? error.fields[field]?.[0] : undefined;
  return message ? (
    <p id={id} class="field-error">
      {message}
    </p>
  ) : null;
}

export function Decide({ estimate, version, selection, mode, setMode, lineComments, onDone, onStale }: Props) {
  return (
    <section class="decide no-print" aria-labelledby="decide-title">
      <h2 id="decide-title">Your decision</h2>
      <div class="modes" role="group" aria-label="Choose what to do">
        <button type="button" class={`button ${mode === 'approve' ? 'primary' : 'secondary'}`} aria-pressed={mode === 'approve'} onClick={() => setMode('approve')}>
          Approve
        </button>
        <button type="button" class={`button ${mode === 'changes' ? 'primary' : 'secondary'}`} aria-pressed={mode === 'changes'} onClick={() => setMode('changes')}>
          Ask for changes
        </button>
        <button type="button" class={`button ${mode === 'decline' ? 'primary' : 'secondary'}`} aria-pressed={mode === 'decline'} onClick={() => setMode('decline')}>
          Decline
        </button>
      </div>
      {mode === 'approve' && <ApproveForm estimate={estimate} version={version} selection={selection} onDone={onDone} onStale={onStale} />}
      {mode === 'changes' && <ChangesForm estimate={estimate} version={version} lineComments={lineComments} onDone={onDone} onStale={onStale} />}
      {mode === 'decline' && <DeclineForm estimate={estimate} version={version} onDone={onDone} onStale={onStale} />}
    </section>
  );
}

type FormProps = Pick<Props, 'estimate' | 'version' | 'onDone' | 'onStale'>;

function Failure({ error, onStale }: { error: unknown; onStale: () => void }) {
  if (error instanceof ApiError && error.status === 409) {
    return (
      <div class="notice notice-error" role="alert">
        <p>{error.message}</p>
        <button type="button" class="button secondary" onClick={onStale}>
          Reload the estimate
        </button>
      </div>
    );
  }
  if (error instanceof ApiError && error.code === 'invalid') return <p class="field-error" role="alert">{error.message}</p>;
  return <Notice error={error} />;
}

function ApproveForm({ estimate, version, selection, onDone, onStale }: FormProps & { selection: Selection }) {
  const [name, setName] = useState('');
  const [signature, setSignature] = useState<string | null>(null);
  const [consent, setConsent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const t = totals(version.content, selection);
  const complete = selectionComplete(version.content, selection);

  const submit = async (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string[]> = {};
    if (name.trim().length < 2) fields.signer_name = ['Type your full name.'];
    if (!signature) fields.signature_png = ['Sign in the box, or use “Sign with my typed name”.'];
    if (!consent) fields.consent = ['Tick the box to agree to the terms.'];
    if (!complete) fields.selection = ['Choose an option in every group above.'];
    if (Object.keys(fields).length > 0) {
      setError(new ApiError(400, 'invalid', 'Some fields need attention.', fields));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const view = await approveEstimate(estimate.id, { version: version.number, selection, signer_name: name.trim(), signature_png: signature ?? '', consent });
      onDone(view, 'approved');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form class="card decide-form" onSubmit={submit} noValidate aria-label="Approve this estimate">
      <p>
        You are approving <strong>{money(t.total, estimate.currency)}</strong>
        {t.deposit > 0 && <>, with a deposit of <strong>{money(t.deposit, estimate.currency)}</strong> due before work starts</>}.
      </p>
      <FieldError id="selection-error" error={error} field="selection" />
      <label for="signer">Your full name</label>
      <input
        id="signer"
        autocomplete="name"
        value={name}
        aria-invalid={error instanceof ApiError && error.fields.signer_name ? 'true' : undefined}
        aria-describedby="signer-error"
        onInput={(e) => setName((e.target as HTMLInputElement).value)}
      />
      <FieldError id="signer-error" error={error} field="signer_name" />
      <p class="label" id="signature-label">
        Signature
      </p>
      <SignaturePad name={name} onChange={setSignature} describedBy="signature-label signature-error" />
      <FieldError id="signature-error" error={error} field="signature_png" />
      <label class="check">
        <input type="checkbox" checked={consent} aria-describedby="consent-error" onChange={(e) => setConsent((e.target as HTMLInputElement).checked)} />
        <span>I agree to the terms above and authorize this work. My typed name and signature are my electronic signature.</span>
      </label>
      <FieldError id="consent-error" error={error} field="consent" />
      {error !== null && !(error instanceof ApiError && error.code === 'invalid') && <Failure error={error} onStale={onStale} />}
      {error instanceof ApiError && error.code === 'invalid' && <p class="field-error">{error.message}</p>}
      <button type="submit" class="button primary wide" disabled={busy}>
        {busy ? 'Approving…' : `Approve and sign · ${money(t.total, estimate.currency)}`}
      </button>
    </form>
  );
}

function ChangesForm({ estimate, version, lineComments, onDone, onStale }: FormProps & { lineComments: Record<string, string> }) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const lines = Object.entries(lineComments)
    .map(([item, text]) => ({ item, comment: text.trim() }))
    .filter((l) => l.comment);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!comment.trim() && lines.length === 0) {
      setError(new ApiError(400, 'invalid', 'Some fields need attention.', { comment: ['Tell us what to change, here or on a line above.'] }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await requestChanges(estimate.id, { version: version.number, comment: comment.trim(), line_comments: lines }), 'changes_requested');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form class="card decide-form" onSubmit={submit} noValidate aria-label="Ask for changes">
      <p>Comment on any line above, or tell us here what you would like changed.</p>
      <label for="changes-comment">What should change?</label>
      <textarea id="changes-comment" rows={4} value={comment} aria-describedby="comment-error" onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
      <FieldError id="comment-error" error={error} field="comment" />
      {lines.length > 0 && <p class="muted">{lines.length} line comment(s) will be sent too.</p>}
      {error !== null && !(error instanceof ApiError && error.code === 'invalid') && <Failure error={error} onStale={onStale} />}
      <button type="submit" class="button primary wide" disabled={busy}>
        {busy ? 'Sending…' : 'Send my request'}
      </button>
    </form>
  );
}

function DeclineForm({ estimate, version, onDone, onStale }: FormProps) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError(new ApiError(400, 'invalid', 'Some fields need attention.', { reason: ['Tell us why, so we can do better.'] }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await declineEstimate(estimate.id, { version: version.number, reason: reason.trim() }), 'declined');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form class="card decide-form" onSubmit={submit} noValidate aria-label="Decline this estimate">
      <label for="decline-reason">Why are you declining?</label>
      <textarea id="decline-reason" rows={3} value={reason} aria-describedby="reason-error" onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
      <FieldError id="reason-error" error={error} field="reason" />
      {error !== null && !(error instanceof ApiError && error.code === 'invalid') && <Failure error={error} onStale={onStale} />}
      <button type="submit" class="button danger wide" disabled={busy}>
        {busy ? 'Sending…' : 'Decline the estimate'}
      </button>
    </form>
  );
}
