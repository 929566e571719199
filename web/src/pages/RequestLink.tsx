import { useState } from 'preact/hooks';

import { ApiError, requestLink } from '../api/client';
import { Notice } from '../components/Notice';

/** Ask for a sign-in link by email or text. The answer never says whether the address is known. */
export function RequestLink({ tenantKey, notice }: { tenantKey: string; notice?: string }) {
  const [by, setBy] = useState<'email' | 'phone'>('email');
  const [value, setValue] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const fieldError = error instanceof ApiError ? error.fields[by]?.[0] : undefined;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await requestLink(by === 'email' ? { tenant: tenantKey, email: value } : { tenant: tenantKey, phone: value });
      setSent(r.message);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (sent) {
    return (
      <section class="card narrow" aria-labelledby="sent-title">
        <h1 id="sent-title">Check your {by === 'email' ? 'email' : 'texts'}</h1>
        <p role="status">{sent}</p>
        <button type="button" class="button secondary" onClick={() => setSent(null)}>
          Use a different {by === 'email' ? 'email address' : 'phone number'}
        </button>
      </section>
    );
  }

  return (
    <section class="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      {notice && <p class="notice">{notice}</p>}
      <p>We'll send you a link. No password needed.</p>
      <form onSubmit={submit} noValidate>
        <fieldset class="toggle">
          <legend class="visually-hidden">Send the link by</legend>
          <label>
            <input type="radio" name="by" checked={by === 'email'} onChange={() => setBy('email')} /> Email
          </label>
          <label>
            <input type="radio" name="by" checked={by === 'phone'} onChange={() => setBy('phone')} /> Text message
          </label>
        </fieldset>
        <label for="address">{by === 'email' ? 'Email address' : 'Mobile number'}</label>
        <input
          id="address"
          type={by === 'email' ? 'email' : 'tel'}
          autocomplete={by === 'email' ? 'email' : 'tel'}
          inputMode={by === 'email' ? 'email' : 'tel'}
          required
          value={value}
          aria-invalid={fieldError ? 'true' : undefined}
          aria-describedby={fieldError ? 'address-error' : undefined}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
        {fieldError && (
          <p id="address-error" class="field-error">
            {fieldError}
          </p>
        )}
        {error !== null && !fieldError && <Notice error={error} />}
        <button type="submit" class="button primary" disabled={busy || !value.trim()}>
          {busy ? 'Sending…' : 'Send me a sign-in link'}
        </button>
      </form>
    </section>
  );
}
