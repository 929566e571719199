// The contractor's settings: business, branding, payment rules, estimate defaults, the public
// review pages offered after a rating, what customers choose from when they ask for work.
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../../components/Notice';
import { parseMoney } from '../../lib/format';
import { useLoad } from '../../lib/useLoad';
import { type Settings, getSettings, putSettings } from '../api';
import { Field } from '../components/Form';
import { LogoUpload } from '../components/Logo';

export function SettingsPage() {
  const { data, error, retry, set } = useLoad(getSettings, []);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  if (error !== null && !data) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  const edit = (patch: Partial<Settings>) => {
    setSaved(false);
    set({ ...data, ...patch });
  };
  const save = async (e: Event) => {
    e.preventDefault();
    setSaveError(null);
    try {
      // Blank lines in the categories are only the typing's.
      const rq = data.requests;
      set(await putSettings(rq ? { ...data, requests: { ...rq, categories: rq.categories.filter((c) => c.trim()) } } : data));
      setSaved(true);
    } catch (err) {
      setSaveError(err);
    }
  };
  const p = data.payments;
  const rq = data.requests;
  return (
    <form onSubmit={save}>
      <h1>Settings</h1>
      {saved && <p role="status">Saved.</p>}
      {saveError !== null && <Notice error={saveError} />}
      <div class="grid2">
        <Field label="Business name" name="name" value={data.name} onInput={(v) => edit({ name: v })} error={saveError} />
        <Field label="Main colour" name="primary_color" value={data.primary_color} onInput={(v) => edit({ primary_color: v })} error={saveError} />
        <Field label="Accent colour" name="accent_color" value={data.accent_color} onInput={(v) => edit({ accent_color: v })} error={saveError} />
        <Field label="Support email" name="support_email" value={data.support_email ?? ''} onInput={(v) => edit({ support_email: v || null })} error={saveError} />
        <Field label="Support phone" name="support_phone" value={data.support_phone ?? ''} onInput={(v) => edit({ support_phone: v || null })} error={saveError} />
        <Field label="Business address (in every email's footer)" name="address" value={data.address ?? ''} onInput={(v) => edit({ address: v })} error={saveError} />
        <Field
          label="Send office notices to"
          name="notification_email"
          value={data.notification_email ?? ''}
          onInput={(v) => edit({ notification_email: v || null })}
          error={saveError}
        />
        <Field label="Time zone" name="time_zone" value={data.time_zone} onInput={(v) => edit({ time_zone: v })} error={saveError} />
        <Field label="Language" name="locale" value={data.locale} onInput={(v) => edit({ locale: v })} error={saveError} />
      </div>
      <LogoUpload url={data.logo_url ?? null} onChange={(logo_url) => set({ ...data, logo_url })} />
      <label>
        Welcome message
        <textarea rows={3} value={data.welcome_message} onInput={(e) => edit({ welcome_message: e.currentTarget.value })} />
      </label>
      <fieldset>
        <legend>The portal shows</legend>
        {(['estimates', 'invoices', 'payments'] as const).map((k) => (
          <label class="check" key={k}>
            <input type="checkbox" checked={data.sections[k]} onChange={(e) => edit({ sections: { ...data.sections, [k]: e.currentTarget.checked } })} /> {k[0]?.toUpperCase()}
            {k.slice(1)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Payments</legend>
        <label class="check">
          <input type="checkbox" checked={p.partial_allowed} onChange={(e) => edit({ payments: { ...p, partial_allowed: e.currentTarget.checked } })} /> Customers may pay part of an invoice
        </label>
        <Field
          label="Smallest partial payment ($)"
          name="payments.partial_minimum"
          value={(p.partial_minimum / 100).toFixed(2)}
          onInput={(v) => edit({ payments: { ...p, partial_minimum: parseMoney(v) ?? 0 } })}
          error={saveError}
        />
        <Field
          label="Offer bank transfer (ACH) from ($)"
          name="payments.ach_minimum"
          value={p.ach_minimum === null || p.ach_minimum === undefined ? '' : (p.ach_minimum / 100).toFixed(2)}
          onInput={(v) => edit({ payments: { ...p, ach_minimum: v ? (parseMoney(v) ?? 0) : null } })}
          error={saveError}
        />
        <Field
          label="Card fee notice"
          name="payments.card_fee_disclosure"
          value={p.card_fee_disclosure ?? ''}
          onInput={(v) => edit({ payments: { ...p, card_fee_disclosure: v || null } })}
          error={saveError}
        />
      </fieldset>
      <fieldset>
        <legend>New estimates start with</legend>
        <Field
          label="Tax rate (%)"
          name="estimate_defaults.tax_rate"
          value={data.estimate_defaults?.tax_rate ?? '0'}
          onInput={(v) => edit({ estimate_defaults: { ...data.estimate_defaults, tax_rate: v.trim() || '0' } })}
          error={saveError}
        />
        <Field
          label="Deposit on approval (%)"
          name="payments.default_deposit"
          value={p.default_deposit?.kind === 'percent' ? p.default_deposit.percent : ''}
          onInput={(v) => edit({ payments: { ...p, default_deposit: v.trim() ? { kind: 'percent', percent: v.trim() } : null } })}
          error={saveError}
        />
        <label>
          Terms
          <textarea rows={3} value={data.estimate_defaults?.terms ?? ''} onInput={(e) => edit({ estimate_defaults: { ...data.estimate_defaults, terms: e.currentTarget.value } })} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Public review pages</legend>
        <p class="muted">Offered to every customer after they rate a job, whatever their score (asking only happy customers is review gating, which Google and the FTC forbid).</p>
        {(['google', 'facebook', 'yelp'] as const).map((site) => (
          <Field
            key={site}
            label={`${site === 'google' ? 'Google' : site === 'facebook' ? 'Facebook' : 'Yelp'} review address (https://…)`}
            name={`review_links.${site}`}
            value={data.review_links?.[site] ?? ''}
            onInput={(v) => edit({ review_links: { ...(data.review_links ?? {}), [site]: v.trim() || null } })}
            error={saveError}
          />
        ))}
      </fieldset>
      {rq && (
        <fieldset>
          <legend>Work requests</legend>
          <label>
            What customers choose from (one per line)
            <textarea
              rows={6}
              name="requests.categories"
              value={rq.categories.join('\n')}
              onInput={(e) => edit({ requests: { ...rq, categories: e.currentTarget.value.split('\n') } })}
            />
          </label>
          <Field
            label="Shown with your phone number when a request is urgent"
            name="requests.emergency_text"
            value={rq.emergency_text}
            onInput={(v) => edit({ requests: { ...rq, emergency_text: v } })}
            error={saveError}
          />
          <Field
            label="Workmanship warranty (months after a job is completed)"
            name="requests.workmanship_months"
            value={String(rq.workmanship_months)}
            onInput={(v) => edit({ requests: { ...rq, workmanship_months: Number.parseInt(v, 10) || 0 } })}
            error={saveError}
          />
        </fieldset>
      )}
      <button class="button primary">Save settings</button>
    </form>
  );
}
