// Building an estimate: lines, option groups (pick one, or add-ons), tax, deposit, terms and
// validity; saved as a draft until sent. A sent version never changes: revising starts the next.
import { useEffect, useState } from 'preact/hooks';

import { DocumentList, Gallery } from '../../components/Files';
import { Loading, Notice } from '../../components/Notice';
import { Status } from '../../components/Status';
import { money, parseMoney } from '../../lib/format';
import { navigate } from '../../lib/router';
import { totals as priced } from '../../lib/totals';
import { APPROVED_HOW, type ApprovedHow, type LineItem } from '../../api/types';
import { ApiError, download } from '../../api/client';
import {
  type AdminEstimate,
  type EstimateContent,
  type OptionGroupInput,
  attachScan,
  createEstimate,
  customerFiles,
  documentAudit,
  estimateAction,
  getCustomer,
  getEstimate,
  getSettings,
  recordApproval,
  saveEstimate,
  scanPath,
  sendFile,
  startScanUpload,
} from '../api';
import { Field, fieldError } from '../components/Form';
import { useLoad } from '../../lib/useLoad';
import { dateTime } from '../../lib/format';
import { AuditLine, ESTIMATE_STATUS, customerNames } from '../lib/words';

let counter = 0;
/** A fresh id for a line, group or option (the server checks their shape and uniqueness). */
function fresh(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}${counter.toString(36)}`;
}

export function blankLine(): LineItem {
  return { id: fresh('li'), name: '', description: '', quantity: '1', unit_price: 0, taxable: true };
}

export function inDays(n: number): string {
  const d = new Date(Date.now() + n * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function blank(): EstimateContent {
  // The currency is the contractor's (set when the customer loads); no tax until the office sets it.
  return { title: '', scope: '', items: [blankLine()], groups: [], tax_rate: '0', deposit: null, terms: '', valid_until: inDays(30), currency: '' };
}

export function LineEditor({ line, onChange, onRemove, label }: { line: LineItem; onChange: (l: LineItem) => void; onRemove?: () => void; label: string }) {
  return (
    <div class="line-editor" role="group" aria-label={label}>
      <label>
        Item
        <input value={line.name} onInput={(e) => onChange({ ...line, name: e.currentTarget.value })} />
      </label>
      <label>
        Qty
        <input inputMode="decimal" value={line.quantity} onInput={(e) => onChange({ ...line, quantity: e.currentTarget.value })} />
      </label>
      <label>
        Unit price ($)
        <input inputMode="decimal" value={line.unit_price ? (line.unit_price / 100).toFixed(2) : ''} onChange={(e) => onChange({ ...line, unit_price: parseMoney(e.currentTarget.value) ?? 0 })} />
      </label>
      <label class="check">
        <input type="checkbox" checked={line.taxable} onChange={(e) => onChange({ ...line, taxable: e.currentTarget.checked })} /> Taxable
      </label>
      {onRemove && (
        <button type="button" class="button link" onClick={onRemove}>
          Remove
        </button>
      )}
    </div>
  );
}

function GroupEditor({ group, onChange, onRemove }: { group: OptionGroupInput; onChange: (g: OptionGroupInput) => void; onRemove: () => void }) {
  const setOption = (i: number, o: OptionGroupInput['options'][number]) => onChange({ ...group, options: group.options.map((x, j) => (j === i ? o : x)) });
  return (
    <fieldset class="card">
      <legend>Option group</legend>
      <label>
        Group name
        <input value={group.name} onInput={(e) => onChange({ ...group, name: e.currentTarget.value })} />
      </label>
      <label>
        The customer
        <select value={group.kind} onChange={(e) => onChange({ ...group, kind: e.currentTarget.value as 'one_of' | 'any_of' })}>
          <option value="one_of">chooses one option</option>
          <option value="any_of">adds any of them</option>
        </select>
      </label>
      {group.options.map((o, i) => (
        <div key={o.id} class="option-editor">
          <label>
            Option name
            <input value={o.name} onInput={(e) => setOption(i, { ...o, name: e.currentTarget.value })} />
          </label>
          <label class="check">
            <input type="checkbox" checked={o.recommended} onChange={(e) => setOption(i, { ...o, recommended: e.currentTarget.checked })} /> Recommended
          </label>
          {o.items.map((l, k) => (
            <LineEditor key={l.id} label={`${o.name || 'Option'} line`} line={l} onChange={(nl) => setOption(i, { ...o, items: o.items.map((x, m) => (m === k ? nl : x)) })} />
          ))}
        </div>
      ))}
      <div class="row start group-actions">
        <button
          type="button"
          class="button link"
          onClick={() => onChange({ ...group, options: [...group.options, { id: fresh('opt'), name: '', description: '', recommended: false, items: [blankLine()] }] })}
        >
          Add an option
        </button>
        <button type="button" class="button link" onClick={onRemove}>
          Remove this group
        </button>
      </div>
    </fieldset>
  );
}

/** The customer's decision on the current version, with everything recorded as evidence. */
const SCAN_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];
const MAX_SCAN_BYTES = 4 * 1024 * 1024;

/** Sends a scan or photo of the signed paper straight to the blob store, then has the server
 * read it by content and keep it with the approval. */
async function sendScan(account: string, estimate: string, file: File): Promise<void> {
  if (!SCAN_TYPES.includes(file.type)) throw new ApiError(400, 'invalid', 'Choose a PDF, JPEG or PNG file.');
  if (file.size > MAX_SCAN_BYTES) throw new ApiError(413, 'payload_too_large', 'Choose a file of at most 4 MB.');
  const ticket = await startScanUpload(file.type, file.size);
  await sendFile(ticket, file);
  await attachScan(account, estimate, ticket.upload);
}

/** The scan kept with an approval the office recorded: download it, or add (replace) one. */
function ScanOnFile({ account, estimate, scan, onChanged }: { account: string; estimate: string; scan: { content_type: string; size: number } | null | undefined; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Fetched with the staff token (a plain link would carry none), then saved as a file.
  const open = () => {
    setError(null);
    download(scanPath(account, estimate)).then((blob) => {
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `approval.${scan?.content_type === 'application/pdf' ? 'pdf' : 'jpg'}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }, setError);
  };
  const add = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await sendScan(account, estimate, file);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <dt>Scan of the paper</dt>
      <dd>
        {error !== null && <Notice error={error} />}
        {scan ? (
          <button type="button" class="button secondary" onClick={open}>
            Download the scan ({scan.content_type === 'application/pdf' ? 'PDF' : 'JPEG'}, {Math.max(1, Math.round(scan.size / 1024))} KB)
          </button>
        ) : (
          'none kept'
        )}
        <label>
          {scan ? 'Replace the scan' : 'Add a scan'} (PDF, JPEG or PNG, at most 4 MB)
          <input type="file" accept="application/pdf,image/png,image/jpeg" disabled={busy} onChange={(e) => void add(e.currentTarget)} />
        </label>
        {busy && <p role="status">Sending and checking the file…</p>}
      </dd>
    </>
  );
}

function DecisionEvidence({ view, account, estimate, onChanged }: { view: AdminEstimate['sent']; account: string; estimate: string; onChanged: () => void }) {
  const version = view.versions.find((v) => v.number === view.current_version);
  const d = version?.decision;
  const names = new Map<string, string>();
  version?.content.items.forEach((i) => names.set(i.id, i.name));
  version?.content.groups.forEach((g) =>
    g.options.forEach((o) => {
      names.set(o.id, o.name);
      o.items.forEach((i) => names.set(i.id, `${i.name} (${o.name})`));
    }),
  );
  return (
    <>
      {view.update_requested_at && (
        <p class="notice" role="note">
          The customer asked for an updated estimate on {dateTime(view.update_requested_at)}. Revise it and send the new version.
        </p>
      )}
      {d && (
        <section class="card" aria-labelledby="decision-title">
          <h2 id="decision-title">
            {d.kind === 'approved' ? 'Approved' : d.kind === 'declined' ? 'Declined' : 'Changes requested'} on {dateTime(d.at)}
          </h2>
          {d.kind === 'declined' && (
            <p>
              Reason: <q>{d.reason}</q>
            </p>
          )}
          {d.kind === 'changes_requested' && (
            <>
              {d.comment && (
                <p>
                  Overall: <q>{d.comment}</q>
                </p>
              )}
              {d.line_comments.length > 0 && (
                <ul>
                  {d.line_comments.map((c) => (
                    <li key={c.item}>
                      <strong>{names.get(c.item) ?? c.item}</strong>: <q>{c.comment}</q>
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
          {d.kind === 'approved' && (
            <dl class="evidence">
              <dt>{d.offline ? 'Approved by' : 'Signed by'}</dt>
              <dd>{d.signer_name}</dd>
              {d.offline && (
                <>
                  <dt>How</dt>
                  <dd>
                    Approved {APPROVED_HOW[d.offline.how]}, recorded by {d.offline.recorded_by} on {dateTime(d.offline.recorded_at)}
                  </dd>
                  {d.offline.note && (
                    <>
                      <dt>Note</dt>
                      <dd>{d.offline.note}</dd>
                    </>
                  )}
                  <ScanOnFile account={account} estimate={estimate} scan={d.offline.scan} onChanged={onChanged} />
                </>
              )}
              <dt>Total approved</dt>
              <dd>
                {money(d.totals.total, view.currency)}
                {d.totals.deposit > 0 && <> (deposit {money(d.totals.deposit, view.currency)})</>}
              </dd>
              <dt>Options chosen</dt>
              <dd>{Object.values(d.selection).flat().map((o) => names.get(o) ?? o).join(', ') || 'None'}</dd>
              <dt>Version signed</dt>
              <dd>
                {d.version} (SHA-256 <code>{d.version_fingerprint.slice(0, 16)}…</code>)
              </dd>
              <dt>From address</dt>
              <dd>{d.ip || 'not recorded'}</dd>
              <dt>Browser</dt>
              <dd class="wrap">{d.user_agent || 'not recorded'}</dd>
              <dt>Signature</dt>
              <dd>{d.signature_png ? <img class="signature-image" src={d.signature_png} alt={`Signature of ${d.signer_name}`} /> : 'not recorded'}</dd>
            </dl>
          )}
        </section>
      )}
    </>
  );
}

/** The local time now, as a `datetime-local` input holds it. */
function localNow(): string {
  const d = new Date();
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
}

/** The customer approved by phone, on paper, in person or by email: the office records who,
 * when and how. It counts as an approval (the deposit can be paid) and is audited as recorded
 * by the office. */
function RecordApproval({ account, e, onDone }: { account: string; e: AdminEstimate; onDone: (after: AdminEstimate, scanError: unknown) => void }) {
  const { data } = useLoad(() => getCustomer(account), [account]);
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ contact: '', signer_name: '', when: localNow(), how: 'phone' as ApprovedHow, note: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const contacts = data?.contacts ?? [];
  if (!open) {
    return (
      <button type="button" class="button secondary" onClick={() => setOpen(true)}>
        Record an approval by phone or on paper
      </button>
    );
  }
  const pick = (id: string) => setF({ ...f, contact: id, signer_name: contacts.find((c) => c.id === id)?.name ?? f.signer_name });
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const at = new Date(f.when);
      const after = await recordApproval(account, e.summary.id, {
        version: e.summary.version,
        contact: f.contact,
        signer_name: f.signer_name,
        approved_at: Number.isNaN(at.getTime()) ? f.when : at.toISOString(),
        how: f.how,
        note: f.note,
      });
      if (file) {
        // The approval stands whether or not the file goes through; say which.
        try {
          await sendScan(account, e.summary.id, file);
          onDone(await getEstimate(account, e.summary.id), null);
        } catch (err) {
          onDone(after, err);
        }
        return;
      }
      onDone(after, null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="record-title">
      <h2 id="record-title">Record an approval</h2>
      <p class="muted">For a customer who approved version {e.summary.version} outside the portal, with its recommended options. It is kept as recorded by you, apart from signed approvals.</p>
      {error !== null && <Notice error={error} />}
      <label for="f-contact">
        Who approved
        <select id="f-contact" required value={f.contact} onChange={(ev) => pick(ev.currentTarget.value)} aria-invalid={fieldError(error, 'contact') ? true : undefined}>
          <option value="">Choose a contact</option>
          {contacts.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        {fieldError(error, 'contact') && <span class="field-error">{fieldError(error, 'contact')}</span>}
      </label>
      <Field label="Their name, as they gave it" name="signer_name" value={f.signer_name} onInput={(v) => setF({ ...f, signer_name: v })} error={error} required />
      <Field label="When they approved" name="approved_at" type="datetime-local" value={f.when} onInput={(v) => setF({ ...f, when: v })} error={error} required />
      <label for="f-how">
        How
        <select id="f-how" value={f.how} onChange={(ev) => setF({ ...f, how: ev.currentTarget.value as ApprovedHow })}>
          {(Object.keys(APPROVED_HOW) as ApprovedHow[]).map((h) => (
            <option key={h} value={h}>
              {APPROVED_HOW[h].replace(/^(by|on|in) /, (m) => m.charAt(0).toUpperCase() + m.slice(1))}
            </option>
          ))}
        </select>
      </label>
      <Field label="Note (where the paper copy is, what was said)" name="note" value={f.note} onInput={(v) => setF({ ...f, note: v })} error={error} />
      <label for="f-scan">
        A scan or photo of the signed paper (optional: PDF, JPEG or PNG, up to 4 MB)
        <input id="f-scan" type="file" accept="application/pdf,image/png,image/jpeg" onChange={(ev) => setFile(ev.currentTarget.files?.[0] ?? null)} />
      </label>
      <div class="row start">
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Recording…' : 'Record the approval'}
        </button>
        <button type="button" class="button secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Everything that happened to this estimate, newest first. */
function History({ account, subject, version }: { account: string; subject: string; version: unknown }) {
  const { data } = useLoad(() => Promise.all([documentAudit(subject), getCustomer(account)]), [subject, version]);
  if (!data || data[0].items.length === 0) return null;
  const names = customerNames(data[1]);
  return (
    <section aria-labelledby="history">
      <h2 id="history">History</h2>
      <ol class="audit">
        {data[0].items.map((a) => (
          <li key={a.id}>
            <AuditLine a={a} names={names} />
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The estimate's photos and documents (a work request's photos come with the estimate made
 *  from it); the customer sees the shared ones once it is sent. */
function EstimateFiles({ account, estimate }: { account: string; estimate: string }) {
  const { data } = useLoad(() => customerFiles(account), [account]);
  const files = (data?.files ?? []).filter((f) => (f.to as { estimate?: string }).estimate === estimate);
  if (files.length === 0) return null;
  return (
    <section aria-labelledby="estimate-files">
      <h2 id="estimate-files">Photos and documents</h2>
      <Gallery photos={files} />
      <DocumentList files={files} />
    </section>
  );
}

export function EstimateBuilder({ account, estimate }: { account: string; estimate: string | null }) {
  const [content, setContent] = useState<EstimateContent | null>(estimate ? null : blank());
  const [current, setCurrent] = useState<AdminEstimate | null>(null);
  const [property, setProperty] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    if (estimate) {
      getEstimate(account, estimate).then((e) => {
        setCurrent(e);
        setContent(e.draft ?? null);
      }, setError);
    } else {
      // A new estimate starts with the business's defaults: tax rate, deposit rule, terms.
      Promise.all([getCustomer(account), getSettings()]).then(([c, settings]) => {
        setProperty(c.properties[0]?.id ?? null);
        const d = settings.estimate_defaults;
        setContent((now) => now && { ...now, currency: c.currency, tax_rate: d?.tax_rate ?? now.tax_rate, terms: d?.terms ?? now.terms, deposit: settings.payments.default_deposit ?? null });
      }, setError);
    }
  }, [account, estimate]);

  if (estimate && !current) return error !== null ? <Notice error={error} /> : <Loading />;
  const sent = current && current.summary.status !== 'draft';
  const set = (patch: Partial<EstimateContent>) => content && setContent({ ...content, ...patch });

  const save = async (): Promise<AdminEstimate | null> => {
    if (!content) return current;
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const e = estimate ? await saveEstimate(account, estimate, content) : await createEstimate(account, content, property);
      setCurrent(e);
      setSaved('Draft saved.');
      if (!estimate) navigate(`/admin/customers/${account}/estimates/${e.summary.id}`, true);
      return e;
    } catch (err) {
      setError(err);
      return null;
    } finally {
      setBusy(false);
    }
  };
  // 'resend' sends the sent version again with fresh links (nothing to save first).
  const act = async (action: 'send' | 'resend' | 'revise' | 'void') => {
    const e = action === 'send' ? await save() : current;
    if (!e) return;
    setBusy(true);
    setError(null);
    try {
      const after = await estimateAction(account, e.summary.id, action === 'resend' ? 'send' : action);
      setCurrent(after);
      setContent(after.draft ?? null);
      const sentTo = `${after.recipients} contact${after.recipients === 1 ? '' : 's'}`;
      setSaved(action === 'send' ? `Sent to ${sentTo}.` : action === 'resend' ? `Sent again to ${sentTo}.` : null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const preview = content ? priced(content, Object.fromEntries(content.groups.map((g) => [g.id, g.options.filter((o) => o.recommended).map((o) => o.id).slice(0, g.kind === 'one_of' ? 1 : undefined)]))) : null;

  return (
    <article>
      <p class="muted">
        <a href={`/admin/customers/${account}`} data-route>
          Back to the customer
        </a>
      </p>
      <div class="row">
        <h1>{current ? `${current.summary.number} · ${current.summary.title}` : 'New estimate'}</h1>
        {current && <Status status={current.summary.status} labels={ESTIMATE_STATUS} />}
      </div>
      {saved && <p role="status">{saved}</p>}
      {error !== null && <Notice error={error} />}
      {sent && (
        <DecisionEvidence
          view={current.sent}
          account={account}
          estimate={current.summary.id}
          onChanged={() => {
            getEstimate(account, current.summary.id).then((after) => {
              setCurrent(after);
              setSaved('Scan kept with the approval.');
            }, setError);
          }}
        />
      )}
      {sent && (
        <section class="card">
          <p>
            Version {current.summary.version} was sent; it cannot change. {current.summary.status === 'approved' ? 'It is approved.' : 'Revise it to send an updated version.'}
          </p>
          <div class="row start">
            {(current.summary.status === 'sent' || current.summary.status === 'viewed') && (
              <button type="button" class="button secondary" disabled={busy} onClick={() => act('resend')}>
                Send again
              </button>
            )}
            {current.summary.status !== 'approved' && current.summary.status !== 'void' && (
              <button type="button" class="button secondary" disabled={busy} onClick={() => act('revise')}>
                Revise
              </button>
            )}
          </div>
          {(current.summary.status === 'sent' || current.summary.status === 'viewed') && (
            <RecordApproval
              account={account}
              e={current}
              onDone={(after, scanError) => {
                setCurrent(after);
                setSaved(scanError === null ? 'Approval recorded.' : null);
                if (scanError !== null) {
                  const why = scanError instanceof Error ? scanError.message : 'it could not be sent';
                  setError(new ApiError(400, 'invalid', `The approval is recorded, but the scan was not kept: ${why} Add it again below.`));
                }
              }}
            />
          )}
        </section>
      )}
      {content && !sent && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label>
            Title
            <input value={content.title} onInput={(e) => set({ title: e.currentTarget.value })} aria-invalid={fieldError(error, 'content.title') ? true : undefined} />
            {fieldError(error, 'content.title') && <span class="field-error">{fieldError(error, 'content.title')}</span>}
          </label>
          <label>
            Scope of work
            <textarea rows={3} value={content.scope} onInput={(e) => set({ scope: e.currentTarget.value })} />
          </label>
          <h2>Lines</h2>
          {content.items.map((l, i) => (
            <LineEditor
              key={l.id}
              label={`Line ${i + 1}`}
              line={l}
              onChange={(nl) => set({ items: content.items.map((x, j) => (j === i ? nl : x)) })}
              onRemove={() => set({ items: content.items.filter((_, j) => j !== i) })}
            />
          ))}
          <button type="button" class="button link" onClick={() => set({ items: [...content.items, blankLine()] })}>
            Add a line
          </button>
          <h2>Options</h2>
          {content.groups.map((g, i) => (
            <GroupEditor
              key={g.id}
              group={g}
              onChange={(ng) => set({ groups: content.groups.map((x, j) => (j === i ? ng : x)) })}
              onRemove={() => set({ groups: content.groups.filter((_, j) => j !== i) })}
            />
          ))}
          <button
            type="button"
            class="button link"
            onClick={() =>
              set({ groups: [...content.groups, { id: fresh('grp'), name: '', kind: 'any_of', options: [{ id: fresh('opt'), name: '', description: '', recommended: false, items: [blankLine()] }] }] })
            }
          >
            Add an option group
          </button>
          <div class="grid2">
            <label>
              Tax rate (%)
              <input inputMode="decimal" value={content.tax_rate} onInput={(e) => set({ tax_rate: e.currentTarget.value })} />
            </label>
            <label>
              Deposit on approval (%)
              <input
                inputMode="decimal"
                value={content.deposit?.kind === 'percent' ? content.deposit.percent : ''}
                onInput={(e) => set({ deposit: e.currentTarget.value ? { kind: 'percent', percent: e.currentTarget.value } : null })}
              />
            </label>
            <label>
              Valid until
              <input type="date" value={content.valid_until} onInput={(e) => set({ valid_until: e.currentTarget.value })} />
            </label>
          </div>
          <label>
            Terms
            <textarea rows={3} value={content.terms} onInput={(e) => set({ terms: e.currentTarget.value })} />
          </label>
          {preview && content.currency && (
            <p class="totals-line">
              Total with the recommended options: <strong data-testid="builder-total">{money(preview.total, content.currency)}</strong>
              {preview.deposit > 0 && <> · deposit {money(preview.deposit, content.currency)}</>}
            </p>
          )}
          <div class="row">
            <button class="button secondary" disabled={busy}>
              Save draft
            </button>
            <button type="button" class="button primary" disabled={busy} onClick={() => act('send')}>
              Send to the customer
            </button>
          </div>
        </form>
      )}
      {current && <EstimateFiles account={account} estimate={current.summary.id} />}
      {current && <History account={account} subject={current.summary.id} version={current} />}
    </article>
  );
}
