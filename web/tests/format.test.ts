import { describe, expect, it } from 'vitest';

import { parseMoney } from '../src/lib/format';

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
