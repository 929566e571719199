// An invoice from scratch (work done without an estimate): lines, tax, due date, memo and the
// property; created, and sent at once if the office wants. The server numbers and totals it.
import { useState } from 'preact/hooks';

import type { LineItem } from '../../api/types';
import { Notice } from '../../components/Notice';
import { fieldError } from './Form';
import { LineEditor, blankLine, inDays } from '../pages/EstimateBuilder';
import { type Property, createInvoice, sendInvoice } from '../api';

export function NewInvoice({ account, properties, onDone }: { account: string; properties: Property[]; onDone: (message: string) => void }) {
  const [items, setItems] = useState<LineItem[]>([blankLine()]);
  const [tax, setTax] = useState('0');
  const [due, setDue] = useState(inDays(15));
  const [memo, setMemo] = useState('');
  const [property, setProperty] = useState(properties[0]?.id ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (andSend: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { items, tax_rate: tax.trim() || '0', due_date: due, memo };
      if (property) body.property = property;
      const { invoice } = await createInvoice(account, body);
      if (andSend) {
        const sent = await sendInvoice(account, invoice.id);
        onDone(`${invoice.number} created and sent to ${sent.recipients} contact${sent.recipients === 1 ? '' : 's'}.`);
      } else {
        onDone(`${invoice.number} created.`);
      }
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const taxError = fieldError(error, 'tax_rate');
  const dueError = fieldError(error, 'due_date');
  return (
    <form
      class="card"
      aria-labelledby="new-invoice"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(false);
      }}
    >
      <h3 id="new-invoice">New invoice</h3>
      {items.map((l, i) => (
        <LineEditor
          key={l.id}
          label={`Invoice line ${i + 1}`}
          line={l}
          onChange={(nl) => setItems(items.map((x, j) => (j === i ? nl : x)))}
          {...(items.length > 1 ? { onRemove: () => setItems(items.filter((_, j) => j !== i)) } : {})}
        />
      ))}
      <button type="button" class="button link" onClick={() => setItems([...items, blankLine()])}>
        Add a line
      </button>
      <div class="grid2">
        <label>
          Tax rate (%)
          <input inputMode="decimal" value={tax} onInput={(e) => setTax(e.currentTarget.value)} aria-invalid={taxError ? true : undefined} />
          {taxError && <span class="field-error">{taxError}</span>}
        </label>
        <label>
          Due date
          <input type="date" value={due} onInput={(e) => setDue(e.currentTarget.value)} aria-invalid={dueError ? true : undefined} />
          {dueError && <span class="field-error">{dueError}</span>}
        </label>
        {properties.length > 0 && (
          <label>
            Property
            <select value={property} onChange={(e) => setProperty(e.currentTarget.value)}>
              <option value="">None</option>
              {properties.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label} ({p.line1})
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Memo for the customer
          <input value={memo} onInput={(e) => setMemo(e.currentTarget.value)} />
        </label>
      </div>
      {error !== null && <Notice error={error} />}
      <div class="row start">
        <button class="button secondary" disabled={busy}>
          Create invoice
        </button>
        <button type="button" class="button primary" disabled={busy} onClick={() => void submit(true)}>
          Create and send
        </button>
      </div>
    </form>
  );
}
