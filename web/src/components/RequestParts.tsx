// The parts a work request's form has wherever it is asked (the portal's Request work page and
// the public form): what is needed, whether it is urgent (the emergency text and the phone
// number shown at once), and an address.
import type { NewAddress } from '../api/types';
import { invalid } from './Notice';

/** What the request forms call each field the server may refuse (for `Notice`'s list). */
export const REQUEST_FIELDS: Record<string, string> = {
  category: 'What you need',
  description: 'Tell us about it',
  property: 'Where',
  address: 'The address',
  'address.line1': 'Street and number',
  'address.line2': 'Apartment, unit',
  'address.city': 'City',
  'address.region': 'State or province',
  'address.postal_code': 'ZIP or postal code',
  preferred: 'Time window',
  regarding: 'Earlier work',
  job: 'Earlier work',
  equipment: 'Earlier work',
  reach: 'How to reach you',
  phone: 'Phone number',
  email: 'Email address',
  name: 'Your name',
  note: 'Note',
};

export function CategoryPicker({ categories, value, onPick }: { categories: string[]; value: string; onPick: (c: string) => void }) {
  return (
    <fieldset>
      <legend>What do you need?</legend>
      {categories.map((c) => (
        <button key={c} type="button" class={`chip${value === c ? ' on' : ''}`} aria-pressed={value === c} onClick={() => onPick(c)}>
          {c}
        </button>
      ))}
    </fieldset>
  );
}

export function Urgent({ urgent, onChange, text, phone, note }: { urgent: boolean; onChange: (u: boolean) => void; text: string; phone?: string | null | undefined; note?: string }) {
  return (
    <>
      <label class="check">
        <input type="checkbox" checked={urgent} onChange={(e) => onChange((e.target as HTMLInputElement).checked)} /> It is urgent
      </label>
      {urgent && (
        <div class="notice notice-error" role="alert">
          <p>
            <strong>{text}</strong>
          </p>
          {phone && (
            <p>
              <a class="button" href={`tel:${phone.replace(/[^+\d]/g, '')}`}>
                Call {phone}
              </a>
            </p>
          )}
          {note && <p>{note}</p>}
        </div>
      )}
    </>
  );
}

/** The address fields; `id` prefixes their ids. */
export function AddressFields({ id, value, onChange, legend, error }: { id: string; value: NewAddress; onChange: (a: NewAddress) => void; legend: string; error?: unknown }) {
  const field = (k: keyof NewAddress) => (e: Event) => onChange({ ...value, [k]: (e.target as HTMLInputElement).value });
  const bad = (k: keyof NewAddress) => invalid(error, `address.${k}`);
  return (
    <fieldset>
      <legend>{legend}</legend>
      <label for={`${id}-line1`}>Street and number</label>
      <input id={`${id}-line1`} required maxLength={120} autocomplete="address-line1" aria-invalid={bad('line1')} value={value.line1} onInput={field('line1')} />
      <label for={`${id}-line2`}>Apartment, unit (optional)</label>
      <input id={`${id}-line2`} maxLength={120} autocomplete="address-line2" aria-invalid={bad('line2')} value={value.line2 ?? ''} onInput={field('line2')} />
      <label for={`${id}-city`}>City</label>
      <input id={`${id}-city`} required maxLength={80} autocomplete="address-level2" aria-invalid={bad('city')} value={value.city} onInput={field('city')} />
      <label for={`${id}-region`}>State or province</label>
      <input id={`${id}-region`} required maxLength={80} autocomplete="address-level1" aria-invalid={bad('region')} value={value.region} onInput={field('region')} />
      <label for={`${id}-postal`}>ZIP or postal code</label>
      <input id={`${id}-postal`} required maxLength={20} autocomplete="postal-code" aria-invalid={bad('postal_code')} value={value.postal_code} onInput={field('postal_code')} />
    </fieldset>
  );
}
