import { describe, expect, it } from 'vitest';

import { landingPath, linkToken } from '../src/lib/site';

describe('links', () => {
  it('reads the token from the fragment only', () => {
    expect(linkToken('#token=ten_a.abc')).toBe('ten_a.abc');
    expect(linkToken('#x=1&token=t%2B1')).toBe('t+1');
    expect(linkToken('')).toBeNull();
  });

  it('lands only on pages of our own documents', () => {
    expect(landingPath('?next=/payments/pay_01abc')).toBe('/payments/pay_01abc');
    expect(landingPath('?next=%2Finvoices%2Finv_9')).toBe('/invoices/inv_9');
    for (const bad of ['', '?next=https://evil.example/payments/x', '?next=//evil.example', '?next=/payments/../admin', '?next=/admin', '?next=/payments/a b']) {
      expect(landingPath(bad), bad).toBeNull();
    }
  });
});
