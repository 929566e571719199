import { describe, expect, it } from 'vitest';

import { asLocal, choices, wallClock, windowHours } from '../src/lib/when';

const weekdays = { open: '08:00:00', close: '17:00:00' };
const hours = { days: [weekdays, weekdays, weekdays, weekdays, weekdays, { open: '09:00:00', close: '13:00:00' }, null] };

describe('the windows a customer may pick', () => {
  it('are the next working days, each morning and afternoon within its hours, from tomorrow', () => {
    // Friday December 4, 2026, 3 pm in Chicago.
    const now = new Date('2026-12-04T21:00:00Z');
    const days = choices(hours, 'America/Chicago', 3, now);
    expect(days.map((d) => d.date)).toEqual(['2026-12-05', '2026-12-07', '2026-12-08']);
    expect(days[0]?.choices.map((c) => c.window)).toEqual([
      { date: '2026-12-05', start: '09:00', end: '12:00' },
      { date: '2026-12-05', start: '12:00', end: '13:00' },
    ]);
    const labels = days[1]?.choices.map((c) => c.label) ?? [];
    expect(labels[0]).toMatch(/^Morning, 8:00\sAM – 12:00\sPM$/);
    expect(labels[1]).toMatch(/^Afternoon, 12:00\sPM – 5:00\sPM$/);
  });

  it('a day that opens after noon has one part', () => {
    const late = { days: [{ open: '13:00:00', close: '18:00:00' }, null, null, null, null, null, null] };
    const days = choices(late, 'America/Chicago', 1, new Date('2026-12-04T21:00:00Z'));
    expect(days[0]?.choices.map((c) => c.label)).toEqual([expect.stringMatching(/^Afternoon, 1:00\sPM – 6:00\sPM$/)]);
  });

  it('start on the contractor\'s today, not the browser\'s', () => {
    // 11 pm Sunday in Chicago is already Monday in UTC: the first choice is Monday.
    const days = choices(hours, 'America/Chicago', 1, new Date('2026-12-07T05:00:00Z'));
    expect(days[0]?.date).toBe('2026-12-07');
  });
});

describe('windows on the wall clock', () => {
  it('come back as the day and times the office gave, across a daylight-saving change', () => {
    // 9:00-11:00 CDT on March 10, 2099 (after the spring change on March 8).
    const w = { start: '2099-03-10T14:00:00Z', end: '2099-03-10T16:00:00Z' };
    expect(asLocal(w, 'America/Chicago')).toEqual({ date: '2099-03-10', start: '09:00', end: '11:00' });
    expect(wallClock('2099-03-05T15:00:00Z', 'America/Chicago')).toEqual({ date: '2099-03-05', time: '09:00' });
    expect(windowHours(w, 'America/Chicago')).toMatch(/9:00.*11:00/);
  });
});
