// Formatting for people: money in the document's currency, dates, statuses.
import type { EstimateStatus } from '../api/types';

const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormat(currency: string): Intl.NumberFormat {
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    formatters.set(currency, f);
  }
  return f;
}

/** Minor units as money: 123456 USD -> "$1,234.56". */
export function money(minor: number, currency: string): string {
  const f = currencyFormat(currency);
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

/** "2026-12-20" -> "Dec 20, 2026" (a calendar date, no time zone shift). */
export function date(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  if (!y || !m || !d) return iso;
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function dateTime(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export const STATUS_LABELS: Record<EstimateStatus, string> = {
  draft: 'Draft',
  sent: 'Waiting for you',
  viewed: 'Waiting for you',
  approved: 'Approved',
  declined: 'Declined',
  changes_requested: 'Changes requested',
  expired: 'Expired',
  void: 'Withdrawn',
};

/** Quantity without trailing zeros: "8.000" -> "8". */
export function quantity(q: string): string {
  return q.includes('.') ? q.replace(/\.?0+$/, '') : q;
}

/** "+15125550100" -> "(512) 555-0100" for North American numbers; others as stored. */
export function phone(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

/** Money typed by a person (`1,234.5`, `$20`) as minor units of a two-decimal currency, or
 *  null when it is not an amount. */
export function parseMoney(text: string): number | null {
  const m = /^\s*\$?\s*(\d{1,3}(?:,\d{3})+|\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m?.[1]) return null;
  return Number(m[1].replace(/,/g, '')) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
