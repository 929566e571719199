import { describe, expect, it } from 'vitest';

import { date, decimal, money, parseMoney, percent, quantity, setLocale } from '../src/lib/format';

describe('parseMoney', () => {
  it('reads amounts people type', () => {
    expect(parseMoney('20')).toBe(2000);
    expect(parseMoney('$1,234.5')).toBe(123450);
    expect(parseMoney(' 980.05 ')).toBe(98005);
  });
  it('refuses what is not an amount', () => {
    for (const bad of ['', 'abc', '1.234', '-5', '1e3', '12,34', '$']) expect(parseMoney(bad), bad).toBeNull();
  });
});

describe('percent and decimal', () => {
  it('keeps the zeros of whole numbers and drops those after the point', () => {
    const cases: [string, string][] = [
      ['0', '0%'], ['5', '5%'], ['10', '10%'], ['20', '20%'], ['25', '25%'], ['100', '100%'],
      ['8.25', '8.25%'], ['8.50', '8.5%'], ['0.125', '0.125%'], ['20.00', '20%'], ['100.0000', '100%'], ['0.000', '0%'],
    ];
    for (const [input, label] of cases) expect(percent(input), input).toBe(label);
  });
  it('formats quantities the same way', () => {
    expect(quantity('8.000')).toBe('8');
    expect(quantity('10')).toBe('10');
    expect(quantity('2.50')).toBe('2.5');
    expect(decimal('1000000')).toBe('1000000');
  });
});

describe('the contractor\'s locale', () => {
  it('decides how dates and money read, whatever the browser says', () => {
    setLocale('en-GB');
    expect(date('2026-12-20')).toBe('20 Dec 2026');
    expect(money(123456, 'GBP')).toBe('£1,234.56');
    setLocale('de-DE');
    expect(money(123456, 'EUR').replace(/\s/g, ' ')).toBe('1.234,56 €');
    expect(percent('8.250')).toBe('8,25%');
    expect(percent('20')).toBe('20%');
    setLocale('en-US');
    expect(date('2026-12-20')).toBe('Dec 20, 2026');
    expect(money(123456, 'USD')).toBe('$1,234.56');
    setLocale('not a locale!');
    expect(money(100, 'USD')).toContain('1');
    setLocale(null);
  });
});
