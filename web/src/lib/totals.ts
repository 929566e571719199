// The totals preview: the same rules as the server (shared/domain/src/money.rs), in exact
// integer arithmetic, so what the customer sees while choosing is what they will sign.
//
// Every amount is rounded once, half away from zero: a line's quantity x unit price; the tax
// (rate x taxable subtotal); a percentage deposit (percent x total). Sums add rounded amounts.
import type { LineItem, Selection, Totals, VersionContent } from '../api/types';

/** A decimal string as (digits, scale): "2.5" -> [25n, 1]. */
export function decimal(s: string): [bigint, number] {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (!m) throw new Error(`not a decimal: ${s}`);
  const frac = m[3] ?? '';
  const digits = BigInt(`${m[2]}${frac}`);
  return [m[1] === '-' ? -digits : digits, frac.length];
}

/** n / d rounded to an integer, half away from zero. */
export function divRound(n: bigint, d: bigint): bigint {
  const negative = n < 0n !== d < 0n;
  const [an, ad] = [n < 0n ? -n : n, d < 0n ? -d : d];
  const q = (an * 2n + ad) / (ad * 2n);
  return negative ? -q : q;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** minor x decimal, rounded once. */
export function times(minor: number, factor: string): number {
  const [digits, scale] = decimal(factor);
  return Number(divRound(BigInt(minor) * digits, pow10(scale)));
}

/** percent % of minor, rounded once. */
export function percentOf(minor: number, percent: string): number {
  const [digits, scale] = decimal(percent);
  return Number(divRound(BigInt(minor) * digits, 100n * pow10(scale)));
}

export function lineAmount(item: LineItem): number {
  return times(item.unit_price, item.quantity);
}

/** The lines a selection includes: the base lines and those of the chosen options. */
export function chosenItems(content: VersionContent, selection: Selection): LineItem[] {
  const items = [...content.items];
  for (const g of content.groups) {
    const chosen = selection[g.id] ?? [];
    for (const o of g.options) if (chosen.includes(o.id)) items.push(...o.items);
  }
  return items;
}

export function totals(content: VersionContent, selection: Selection): Totals {
  let subtotal = 0;
  let taxable = 0;
  for (const item of chosenItems(content, selection)) {
    const amount = lineAmount(item);
    subtotal += amount;
    if (item.taxable) taxable += amount;
  }
  const tax = taxable > 0 ? percentOf(taxable, content.tax_rate) : 0;
  const total = Math.max(0, subtotal + tax);
  let deposit = 0;
  if (content.deposit?.kind === 'percent') deposit = percentOf(total, content.deposit.percent);
  if (content.deposit?.kind === 'fixed') deposit = content.deposit.amount;
  deposit = Math.min(Math.max(deposit, 0), total);
  return { subtotal, taxable_subtotal: taxable, tax, total, deposit };
}

/** A complete choice: every pick-one group has exactly one option. */
export function selectionComplete(content: VersionContent, selection: Selection): boolean {
  return content.groups.every((g) => g.kind === 'any_of' || (selection[g.id] ?? []).length === 1);
}

/** Picks an option: replaces the choice in a pick-one group, toggles an add-on. */
export function choose(content: VersionContent, selection: Selection, groupId: string, optionId: string): Selection {
  const group = content.groups.find((g) => g.id === groupId);
  if (!group) return selection;
  const current = selection[groupId] ?? [];
  const next = group.kind === 'one_of' ? [optionId] : current.includes(optionId) ? current.filter((o) => o !== optionId) : [...current, optionId];
  return { ...selection, [groupId]: next };
}
