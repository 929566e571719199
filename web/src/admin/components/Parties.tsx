// A customer's contacts and properties on the customer page: add, change and remove them.
// Forms show the server's field errors; removing asks once more, inline (no browser dialog).
import { useState } from 'preact/hooks';

import { Notice } from '../../components/Notice';
import { Field, useSubmit } from './Form';
import { type ContactView, type Property, addContact, addProperty, editContact, editProperty, removeContact, removeProperty } from '../api';

type Role = ContactView['role'];

function ContactForm({ account, contact, properties, onDone, onCancel }: { account: string; contact: ContactView | null; properties: Property[]; onDone: () => void; onCancel: () => void }) {
  const [f, setF] = useState({ name: contact?.name ?? '', email: contact?.email ?? '', phone: contact?.phone ?? '' });
  const [role, setRole] = useState<Role>(contact?.role ?? 'approver');
  const [limited, setLimited] = useState<string[]>(contact?.properties ?? []);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const { error, busy, submit } = useSubmit(() => {
    const body: Record<string, unknown> = { name: f.name, role };
    if (f.email.trim()) body.email = f.email.trim();
    if (f.phone.trim()) body.phone = f.phone.trim();
    if (limited.length > 0) body.properties = limited;
    return contact ? editContact(account, contact.id, body) : addContact(account, body);
  }, onDone);
  const title = contact ? `Change ${contact.name}` : 'New contact';
  return (
    <form class="card" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      <div class="grid2">
        <Field label="Name" name="name" value={f.name} onInput={set('name')} error={error} required />
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            <option value="approver">Approver (approves and pays)</option>
            <option value="billing">Billing (pays)</option>
            <option value="viewer">Viewer (looks only)</option>
          </select>
        </label>
        <Field label="Email" name="email" type="email" value={f.email} onInput={set('email')} error={error} />
        <Field label="Phone" name="phone" type="tel" value={f.phone} onInput={set('phone')} error={error} />
      </div>
      {properties.length > 1 && (
        <fieldset>
          <legend>Limit to these properties (none ticked: all)</legend>
          {properties.map((p) => (
            <label class="check" key={p.id}>
              <input
                type="checkbox"
                checked={limited.includes(p.id)}
                onChange={(e) => setLimited(e.currentTarget.checked ? [...limited, p.id] : limited.filter((x) => x !== p.id))}
              />{' '}
              {p.label}
            </label>
          ))}
        </fieldset>
      )}
      {error !== null && <Notice error={error} />}
      <FormButtons busy={busy} label={contact ? 'Save contact' : 'Add contact'} onCancel={onCancel} />
    </form>
  );
}

function PropertyForm({ account, property, onDone, onCancel }: { account: string; property: Property | null; onDone: () => void; onCancel: () => void }) {
  const [f, setF] = useState({
    label: property?.label ?? '',
    line1: property?.line1 ?? '',
    city: property?.city ?? '',
    region: property?.region ?? '',
    postal_code: property?.postal_code ?? '',
  });
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const { error, busy, submit } = useSubmit(() => (property ? editProperty(account, property.id, f) : addProperty(account, f)), onDone);
  const title = property ? `Change ${property.label}` : 'New property';
  return (
    <form class="card" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      <div class="grid2">
        <Field label="Label" name="label" value={f.label} onInput={set('label')} error={error} required />
        <Field label="Street address" name="line1" value={f.line1} onInput={set('line1')} error={error} required />
        <Field label="City" name="city" value={f.city} onInput={set('city')} error={error} required />
        <Field label="State" name="region" value={f.region} onInput={set('region')} error={error} required />
        <Field label="ZIP code" name="postal_code" value={f.postal_code} onInput={set('postal_code')} error={error} required />
      </div>
      {error !== null && <Notice error={error} />}
      <FormButtons busy={busy} label={property ? 'Save property' : 'Add property'} onCancel={onCancel} />
    </form>
  );
}

function FormButtons({ busy, label, onCancel }: { busy: boolean; label: string; onCancel: () => void }) {
  return (
    <div class="row start">
      <button class="button primary" disabled={busy}>
        {label}
      </button>
      <button type="button" class="button secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/** "Remove X?" asked inline before the removal is sent. */
function Remove({ what, run, onDone, onError }: { what: string; run: () => Promise<unknown>; onDone: () => void; onError: (e: unknown) => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="button link" onClick={() => setAsking(true)}>
        Remove {what}
      </button>
    );
  }
  return (
    <span class="actions" role="group" aria-label={`Remove ${what}?`}>
      Remove {what}?
      <button type="button" class="button link" onClick={() => run().then(onDone, (e: unknown) => (setAsking(false), onError(e)))}>
        Yes, remove
      </button>
      <button type="button" class="button link" onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}

/** Editing slots: which form is open. */
type Open = { kind: 'contact' | 'property'; id: string | null } | null;

export function useEditing() {
  return useState<Open>(null);
}

export function ContactEditing({ account, contact, properties, open, setOpen, onChange, onError }: { account: string; contact: ContactView; properties: Property[]; open: Open; setOpen: (o: Open) => void; onChange: () => void; onError: (e: unknown) => void }) {
  if (open?.kind === 'contact' && open.id === contact.id) {
    return <ContactForm account={account} contact={contact} properties={properties} onDone={() => (setOpen(null), onChange())} onCancel={() => setOpen(null)} />;
  }
  return (
    <span class="actions">
      <button type="button" class="button link" onClick={() => setOpen({ kind: 'contact', id: contact.id })}>
        Change {contact.name}
      </button>
      <Remove what={contact.name} run={() => removeContact(account, contact.id)} onDone={onChange} onError={onError} />
    </span>
  );
}

export function NewContactOrProperty({ account, properties, open, setOpen, onChange }: { account: string; properties: Property[]; open: Open; setOpen: (o: Open) => void; onChange: () => void }) {
  if (open?.kind === 'contact' && open.id === null) {
    return <ContactForm account={account} contact={null} properties={properties} onDone={() => (setOpen(null), onChange())} onCancel={() => setOpen(null)} />;
  }
  if (open?.kind === 'property' && open.id === null) {
    return <PropertyForm account={account} property={null} onDone={() => (setOpen(null), onChange())} onCancel={() => setOpen(null)} />;
  }
  return (
    <div class="row start">
      <button type="button" class="button secondary" onClick={() => setOpen({ kind: 'contact', id: null })}>
        Add a contact
      </button>
      <button type="button" class="button secondary" onClick={() => setOpen({ kind: 'property', id: null })}>
        Add a property
      </button>
    </div>
  );
}

export function Properties({ account, properties, open, setOpen, onChange, onError }: { account: string; properties: Property[]; open: Open; setOpen: (o: Open) => void; onChange: () => void; onError: (e: unknown) => void }) {
  if (properties.length === 0) return <p class="muted">No properties yet.</p>;
  return (
    <ul class="cards">
      {properties.map((p) =>
        open?.kind === 'property' && open.id === p.id ? (
          <li key={p.id}>
            <PropertyForm account={account} property={p} onDone={() => (setOpen(null), onChange())} onCancel={() => setOpen(null)} />
          </li>
        ) : (
          <li class="card row" key={p.id}>
            <span>
              <strong>{p.label}</strong> · {p.line1}, {p.city}, {p.region} {p.postal_code}
            </span>
            <span class="actions">
              <button type="button" class="button link" onClick={() => setOpen({ kind: 'property', id: p.id })}>
                Change {p.label}
              </button>
              <Remove what={p.label} run={() => removeProperty(account, p.id)} onDone={onChange} onError={onError} />
            </span>
          </li>
        ),
      )}
    </ul>
  );
}
