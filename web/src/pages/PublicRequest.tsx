// The public request form, for people without an account (the contractor's website links to
// /request-work): who they are, how to reach them, the address, what they need and when suits
// them. It answers the same whether or not they are already a customer. A hidden field and a
// minimum fill time turn away simple robots (the server answers them like anyone).
import { useMemo, useState } from 'preact/hooks';

import { sendAnonymous } from '../api/client';
import type { components } from '../api/schema';
import type { Slot, UploadStatus } from '../api/types';
import { type UploadApi, Uploader } from '../components/Files';
import { Loading, Notice, invalid } from '../components/Notice';
import { AddressFields, CategoryPicker, REQUEST_FIELDS, Urgent } from '../components/RequestParts';
import { WindowPicker } from '../components/WindowPicker';
import { useLoad } from '../lib/useLoad';
import { type Choice, choices } from '../lib/when';

type S = components['schemas'];
type Reach = S['Reach'];


export function PublicRequestPage({ tenantKey }: { tenantKey: string }) {
  const base = `/api/public/${encodeURIComponent(tenantKey)}`;
  const { data, error, retry } = useLoad(() => sendAnonymous<S['PublicForm']>('GET', `${base}/request-form`), [base]);
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  return <Form form={data} base={base} />;
}

function Form({ form, base }: { form: S['PublicForm']; base: string }) {
  const shown = useMemo(() => Date.now(), []);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [address, setAddress] = useState<S['NewAddress']>({ line1: '', line2: null, city: '', region: '', postal_code: '' });
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [reach, setReach] = useState<Reach>('email');
  const [picked, setPicked] = useState<Choice[]>([]);
  const [website, setWebsite] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const [done, setDone] = useState<S['PublicReceipt'] | null>(null);
  const [added, setAdded] = useState(0);
  const days = useMemo(() => choices(form.working_hours, form.time_zone, 6), [form]);
  if (done) {
    // The answer's key adds photos to this request, from this page only, for an hour.
    const key = done.photo_key;
    const api: UploadApi = {
      slot: (f) => sendAnonymous<Slot>('POST', `${base}/request-photos`, { key, content_type: f.content_type, size: f.size, name: f.name }),
      status: (file) => sendAnonymous<UploadStatus>('POST', `${base}/request-photos/status`, { key, file }),
    };
    return (
      <section class="card narrow">
        <div role="status">
          <h1>Request sent</h1>
          <p>{done.message}</p>
          <p>We will reach you by {reach === 'email' ? 'email' : reach === 'call' ? 'phone' : 'text'}. You do not need to do anything else.</p>
        </div>
        <h2>Add photos (optional)</h2>
        <p class="muted">
          A photo of the problem, the panel or the label helps us come with the right parts. Up to {done.photos}, from this page, within the hour.
        </p>
        <Uploader to={{ to: 'request', request: key.split('.')[1] ?? '' }} api={api} onAdded={() => setAdded((n) => n + 1)} label="Choose photos" />
        {added > 0 && (
          <p role="status">
            {added === 1 ? 'One photo added' : `${added} photos added`} to your request. Thank you.
          </p>
        )}
      </section>
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    const body: S['PublicRequest'] = {
      name,
      address: { ...address, line2: address.line2 || null },
      category,
      description,
      preferred: picked.map((c) => c.window),
      urgent,
      reach,
      website,
      elapsed_ms: Date.now() - shown,
      ...(email.trim() ? { email: email.trim() } : {}),
      ...(phone.trim() ? { phone: phone.trim() } : {}),
    };
    sendAnonymous<S['PublicReceipt']>('POST', `${base}/requests`, body)
      .then((r) => setDone(r))
      .catch((x: unknown) => setErr(x))
      .finally(() => setBusy(false));
  };
  return (
    <form onSubmit={submit} class="request-form">
      <h1>Request work from {form.business}</h1>
      <p>Tell us what you need and when suits you. We answer within one working day.</p>
      <CategoryPicker categories={form.categories} value={category} onPick={setCategory} />
      <Urgent urgent={urgent} onChange={setUrgent} text={form.emergency_text} phone={form.phone} />
      <label for="p-description">Tell us about it</label>
      <textarea id="p-description" rows={4} maxLength={4000} required aria-invalid={invalid(err, 'description')} value={description} onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)} />
      <label for="p-name">Your name</label>
      <input id="p-name" required maxLength={120} autocomplete="name" aria-invalid={invalid(err, 'name')} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      <label for="p-email">Email address</label>
      <input id="p-email" type="email" maxLength={254} autocomplete="email" required={reach === 'email'} aria-invalid={invalid(err, 'email')} value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
      <label for="p-phone">Phone number</label>
      <input id="p-phone" type="tel" autocomplete="tel" required={reach !== 'email'} aria-invalid={invalid(err, 'phone')} value={phone} onInput={(e) => setPhone((e.target as HTMLInputElement).value)} />
      <fieldset>
        <legend>How should we reach you?</legend>
        {(['email', 'call', 'text'] as Reach[]).map((r) => (
          <label key={r} class="check">
            <input type="radio" name="reach" checked={reach === r} onChange={() => setReach(r)} /> {r === 'email' ? 'Email' : r === 'call' ? 'Call' : 'Text'}
          </label>
        ))}
      </fieldset>
      <AddressFields id="p" value={address} onChange={setAddress} legend="Where is the work?" error={err} />
      <h2>When suits you?</h2>
      <p class="muted" aria-live="polite">
        {picked.length === 0 ? 'Pick up to three, or none if any time is fine.' : `${picked.length} of 3 picked.`}
      </p>
      <WindowPicker days={days} picked={picked} max={3} onPick={setPicked} />
      {/* People never see this field; robots fill it in. */}
      <div class="visually-hidden" aria-hidden="true">
        <label for="p-website">Website</label>
        <input id="p-website" tabIndex={-1} autocomplete="off" value={website} onInput={(e) => setWebsite((e.target as HTMLInputElement).value)} />
      </div>
      {err !== null && <Notice error={err} fields={REQUEST_FIELDS} />}
      {!category && <p class="muted">Choose what you need first.</p>}
      <button type="submit" class="button primary wide" disabled={busy || !category}>
        {busy ? 'Sending…' : 'Send request'}
      </button>
    </form>
  );
}
