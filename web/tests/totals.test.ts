import { describe, expect, it } from 'vitest';

import type { LineItem, VersionContent } from '../src/api/types';
import { choose, divRound, percentOf, selectionComplete, times, totals } from '../src/lib/totals';

const line = (id: string, quantity: string, unit_price: number, taxable: boolean): LineItem => ({ id, name: id, description: '', quantity, unit_price, taxable });

// The same estimate as shared/domain/src/estimate/tests.rs, so both sides are held to one answer.
const panel: VersionContent = {
  title: 'Panel upgrade',
  scope: '',
  items: [line('li_permit', '1', 25_000, false), line('li_labor', '6.5', 9_500, false)],
  groups: [
    {
      id: 'grp_panel',
      name: 'Panel size',
      kind: 'one_of',
      options: [
        { id: 'opt_100a', name: '100 A', description: '', items: [line('li_p100', '1', 85_000, true)], recommended: false },
        { id: 'opt_200a', name: '200 A', description: '', items: [line('li_p200', '1', 140_000, true)], recommended: true },
      ],
    },
    {
      id: 'grp_addons',
      name: 'Add-ons',
      kind: 'any_of',
      options: [{ id: 'opt_surge', name: 'Surge', description: '', items: [line('li_surge', '1', 32_500, true)], recommended: false }],
    },
  ],
  tax_rate: '8.25',
  deposit: { kind: 'percent', percent: '25' },
  terms: '',
  valid_until: '2026-12-31',
  currency: 'USD',
};

describe('totals preview', () => {
  it('prices the recommended choice exactly as the server does', () => {
    expect(totals(panel, { grp_panel: ['opt_200a'] })).toEqual({ subtotal: 226_750, taxable_subtotal: 140_000, tax: 11_550, total: 238_300, deposit: 59_575 });
  });

  it('follows the options the customer picks', () => {
    const t = totals(panel, { grp_panel: ['opt_100a'], grp_addons: ['opt_surge'] });
    expect(t.subtotal).toBe(25_000 + 61_750 + 85_000 + 32_500);
    expect(t.tax).toBe(9_694); // 8.25 % of 1,175.00 = 96.9375 -> 96.94
  });

  it('matches the demo approval checked by the API tests', () => {
    // Demo panel upgrade with 200 A, surge and labels: the API test expects 4,280.76.
    const demo: VersionContent = {
      ...panel,
      items: [line('a', '1', 32_500, false), line('b', '8', 11_500, false), line('c', '1', 38_000, true)],
      groups: [],
    };
    const extra = [line('p', '1', 142_000, true), line('s', '1', 46_000, true), line('g', '1', 32_500, true), line('l', '2.5', 9_500, false)];
    expect(totals({ ...demo, items: [...demo.items, ...extra] }, {}).total).toBe(428_076);
  });

  it('rounds once, half away from zero', () => {
    expect(divRound(25n, 10n)).toBe(3n);
    expect(divRound(-25n, 10n)).toBe(-3n);
    expect(divRound(24n, 10n)).toBe(2n);
    expect(times(333, '0.5')).toBe(167);
    expect(percentOf(999, '8.875')).toBe(89);
  });

  it('caps a fixed deposit at the total and never goes negative', () => {
    const small: VersionContent = { ...panel, items: [line('x', '1', 1_000, false)], groups: [], deposit: { kind: 'fixed', amount: 500_000 } };
    expect(totals(small, {}).deposit).toBe(1_000);
    const discount: VersionContent = { ...small, items: [line('x', '1', 1_000, false), line('d', '1', -5_000, false)] };
    expect(totals(discount, {})).toMatchObject({ total: 0, deposit: 0 });
  });

  it('replaces a pick-one choice and toggles add-ons', () => {
    let s = choose(panel, {}, 'grp_panel', 'opt_100a');
    s = choose(panel, s, 'grp_panel', 'opt_200a');
    expect(s.grp_panel).toEqual(['opt_200a']);
    s = choose(panel, s, 'grp_addons', 'opt_surge');
    expect(s.grp_addons).toEqual(['opt_surge']);
    s = choose(panel, s, 'grp_addons', 'opt_surge');
    expect(s.grp_addons).toEqual([]);
    expect(selectionComplete(panel, s)).toBe(true);
    expect(selectionComplete(panel, {})).toBe(false);
  });
});
