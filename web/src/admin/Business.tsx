// The business: adoption figures (charts), staff, and settings.
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../components/Notice';
import { parseMoney } from '../lib/format';
import { useLoad } from '../lib/useLoad';
import { Head } from './Head';
import { type Month, type Settings, adoption, getSettings, inviteStaff, listStaff, putSettings, removeStaff } from './api';
import { Field } from './Form';
import { LogoUpload } from './Logo';

/** A small bar chart of two series per month, drawn as SVG (no chart library). */
function Bars({ title, months, a, b, labels }: { title: string; months: Month[]; a: (m: Month) => number; b: (m: Month) => number; labels: [string, string] }) {
  const max = Math.max(1, ...months.map((m) => Math.max(a(m), b(m))));
  const w = 28;
  const h = 120;
  const summary = months.map((m) => `${m.month}: ${labels[0]} ${a(m)}, ${labels[1]} ${b(m)}`).join('; ');
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${months.length * w} ${h + 20}`} role="img" aria-label={`${title}. ${summary}`}>
        {months.map((m, i) => {
          const ha = (a(m) / max) * h;
          const hb = (b(m) / max) * h;
          return (
            <g key={m.month}>
              <rect x={i * w + 4} y={h - ha} width={10} height={ha} class="bar-a" />
              <rect x={i * w + 14} y={h - hb} width={10} height={hb} class="bar-b" />
              <text x={i * w + 14} y={h + 14} text-anchor="middle" font-size="8">
                {m.month.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
      <p class="legend">
        <span class="key key-a" /> {labels[0]} <span class="key key-b" /> {labels[1]}
      </p>
    </figure>
  );
}

export function AdoptionPage() {
  const { data, error, retry } = useLoad(adoption, []);
  if (error !== null && !data) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  return (
    <>
      <h1>Adoption</h1>
      <dl class="figures">
        <div>
          <dt>Contacts invited</dt>
          <dd data-testid="invited">
            {data.contacts_invited} of {data.contacts}
          </dd>
        </div>
        <div>
          <dt>Activated (signed in)</dt>
          <dd data-testid="activated">{data.contacts_activated}</dd>
        </div>
        <div>
          <dt>Active in the last 90 days</dt>
          <dd>{data.contacts_active_90_days}</dd>
        </div>
        <div>
          <dt>Median time to approve</dt>
          <dd>{data.median_hours_to_approve === null ? '–' : `${data.median_hours_to_approve} h`}</dd>
        </div>
        <div>
          <dt>Median time to pay</dt>
          <dd>{data.median_days_to_pay === null ? '–' : `${data.median_days_to_pay} days`}</dd>
        </div>
      </dl>
      <div class="charts">
        <Bars title="Contacts invited and activated" months={data.months} a={(m) => m.contacts_invited} b={(m) => m.contacts_activated} labels={['invited', 'activated']} />
        <Bars
          title="Estimates approved"
          months={data.months}
          a={(m) => m.estimates_approved_in_portal}
          b={(m) => m.estimates_approved_offline}
          labels={['in the portal', 'offline']}
        />
        <Bars title="Invoices paid" months={data.months} a={(m) => m.invoices_paid_online} b={(m) => m.invoices_paid_offline} labels={['online', 'offline']} />
      </div>
    </>
  );
}

export function StaffPage() {
  const { data, error, retry } = useLoad(listStaff, []);
  const [f, setF] = useState({ name: '', email: '', role: 'office' });
  const [formError, setFormError] = useState<unknown>(null);
  const invite = async (e: Event) => {
    e.preventDefault();
    setFormError(null);
    try {
      await inviteStaff(f);
      setF({ name: '', email: '', role: 'office' });
      retry();
    } catch (err) {
      setFormError(err);
    }
  };
  return (
    <>
      <h1>Staff</h1>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {data && (
        <table class="table">
          <Head cols={['Name', 'Email', 'Role', '']} />
          <tbody>
            {data.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td>{s.email}</td>
                <td>{s.active ? s.role : 'removed'}</td>
                <td>
                  {s.active && s.role !== 'owner' && (
                    <button type="button" class="button link" onClick={() => removeStaff(s.id).then(retry, setFormError)}>
                      Remove {s.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="card" onSubmit={invite} aria-labelledby="invite-staff">
        <h2 id="invite-staff">Invite a colleague</h2>
        <div class="grid2">
          <Field label="Name" name="name" value={f.name} onInput={(v) => setF({ ...f, name: v })} error={formError} required />
          <Field label="Email" name="email" type="email" value={f.email} onInput={(v) => setF({ ...f, email: v })} error={formError} required />
          <label>
            Role
            <select value={f.role} onChange={(e) => setF({ ...f, role: e.currentTarget.value })}>
              <option value="office">Office</option>
              <option value="technician">Technician (read only)</option>
              <option value="owner">Owner</option>
            </select>
          </label>
        </div>
        {formError !== null && <Notice error={formError} />}
        <button class="button primary">Send invitation</button>
      </form>
    </>
  );
}

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
      set(await putSettings(data));
      setSaved(true);
    } catch (err) {
      setSaveError(err);
    }
  };
  const p = data.payments;
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
        <Field label="Business address (in every email's footer)" name="address" value={data.address} onInput={(v) => edit({ address: v })} error={saveError} />
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
      <LogoUpload url={data.logo_url} onChange={(logo_url) => set({ ...data, logo_url })} />
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
          value={p.ach_minimum === null ? '' : (p.ach_minimum / 100).toFixed(2)}
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
          value={data.estimate_defaults.tax_rate}
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
          <textarea rows={3} value={data.estimate_defaults.terms} onInput={(e) => edit({ estimate_defaults: { ...data.estimate_defaults, terms: e.currentTarget.value } })} />
        </label>
      </fieldset>
      <button class="button primary">Save settings</button>
    </form>
  );
}
