// A table of priced lines: item and amount on phones (with "qty x price" under the name),
// all four columns on wider screens. With `comments`, each line gets a comment field.
import type { LineItem } from '../api/types';
import { money, quantity } from '../lib/format';
import { lineAmount } from '../lib/totals';

export function Lines({
  items,
  currency,
  comments = null,
  onComment,
}: {
  items: LineItem[];
  currency: string;
  comments?: Record<string, string> | null;
  onComment?: (item: string, text: string) => void;
}) {
  return (
    <table class="lines">
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col" class="num wide-only">
            Qty
          </th>
          <th scope="col" class="num wide-only">
            Price
          </th>
          <th scope="col" class="num">
            Amount
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.id}>
            <td>
              {i.name}
              <span class="muted block narrow-only">
                {quantity(i.quantity)} × {money(i.unit_price, currency)}
              </span>
              {i.description && <span class="muted block">{i.description}</span>}
              {comments && (
                <span class="block no-print">
                  <label class="visually-hidden" for={`comment-${i.id}`}>
                    Comment on {i.name}
                  </label>
                  <input
                    id={`comment-${i.id}`}
                    class="line-comment"
                    placeholder="Comment on this line (optional)"
                    value={comments[i.id] ?? ''}
                    onInput={(e) => onComment?.(i.id, (e.target as HTMLInputElement).value)}
                  />
                </span>
              )}
            </td>
            <td class="num wide-only">{quantity(i.quantity)}</td>
            <td class="num wide-only">{money(i.unit_price, currency)}</td>
            <td class="num">{money(lineAmount(i), currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
