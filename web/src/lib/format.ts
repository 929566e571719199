// Formatting for people: money in the document's currency, dates, statuses.
import type { EstimateStatus } from '../api/types';

const formatters = new Map<string, Intl.NumberFormat>();

/** The contractor's locale (BCP 47): dates, numbers and money follow it, not the browser's. */
let locale: string | undefined;

/** Sets the locale every formatter uses (from the contractor's profile or settings). A tag the
 *  browser does not know leaves the default in place. */
export function setLocale(tag: string | null | undefined): void {
  try {
    locale = tag ? (Intl.getCanonicalLocales(tag)[0] ?? undefined) : undefined;
  } catch {
    locale = undefined;
  }
}

export function currentLocale(): string | undefined {
  return locale;
}

function currencyFormat(currency: string): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, f);
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
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function dateTime(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
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

/**
 * A decimal as the server sends it ("8.000", "20", "8.50") without trailing zeros after the
 * point: "8", "20", "8.5". Zeros before the point are digits, never trimmed ("20" stays "20",
 * "100" stays "100"). Quantities and percentages everywhere go through here.
 */
export function decimal(d: string): string {
  const t = d.trim();
  const plain = !t.includes('.') ? t : t.replace(/0+$/, '').replace(/\.$/, '') || '0';
  const trimmed = plain === '-' ? '0' : plain;
  // In the contractor's locale ("8,25" in de-DE); the digits are the server's, exactly.
  if (!locale || !/^-?\d+(\.\d+)?$/.test(trimmed)) return trimmed;
  const separator = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  return separator === '.' ? trimmed : trimmed.replace('.', separator);
}

/** Quantity without trailing zeros: "8.000" -> "8", "2.50" -> "2.5". */
export const quantity = decimal;

/** A percentage: "20" -> "20%", "8.250" -> "8.25%". */
export function percent(d: string): string {
  return `${decimal(d)}%`;
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
