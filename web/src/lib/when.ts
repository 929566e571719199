// Visits' times for people: arrival windows in the property's zone ("Tue, Dec 3 · 9:00 – 11:00 AM"),
// and the windows a customer may pick when asking for another time, made from the contractor's
// working hours (never a free date-time field).
import type { LocalWindow, Window, WorkingHours } from '../api/types';
import { currentLocale } from './format';

function fmt(iso: string, zone: string, opts: Intl.DateTimeFormatOptions): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  try {
    return t.toLocaleString(currentLocale(), { ...opts, timeZone: zone });
  } catch {
    return t.toLocaleString(currentLocale(), opts);
  }
}

/** "Tuesday, December 3" in the window's zone. */
export function windowDay(w: Window, zone: string): string {
  return fmt(w.start, zone, { weekday: 'long', month: 'long', day: 'numeric' });
}

/** "9:00 – 11:00 AM" in the window's zone. */
export function windowHours(w: Window, zone: string): string {
  const start = fmt(w.start, zone, { hour: 'numeric', minute: '2-digit' });
  const end = fmt(w.end, zone, { hour: 'numeric', minute: '2-digit' });
  return `${start} – ${end}`;
}

/** "Tuesday, December 3, 9:00 – 11:00 AM". */
export function windowText(w: Window, zone: string): string {
  return `${windowDay(w, zone)}, ${windowHours(w, zone)}`;
}

/** "10:40 AM" in `zone`. */
export function clock(iso: string, zone: string): string {
  return fmt(iso, zone, { hour: 'numeric', minute: '2-digit' });
}

/** Whether the window's day is today in `zone`. */
export function isToday(w: Window, zone: string, now = new Date()): boolean {
  const day = (d: Date) => d.toLocaleDateString('en-CA', { timeZone: zone });
  return day(new Date(w.start)) === day(now);
}

/** A window a customer can tap. */
export interface Choice {
  /** `2026-12-03|09:00` */
  key: string;
  window: LocalWindow;
  /** "Morning, 8:00 – 12:00" */
  label: string;
}

/** One day's choices. */
export interface ChoiceDay {
  date: string;
  /** "Thu, Dec 3" */
  label: string;
  choices: Choice[];
}

const hm = (t: string) => t.slice(0, 5);
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const pad = (n: number) => String(n).padStart(2, '0');
const at = (m: number) => `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;

/** "8:00 AM" from "08:00", on the contractor's locale's clock. */
function short(t: string): string {
  const [h, m] = hm(t).split(':').map(Number);
  return new Date(Date.UTC(2000, 0, 1, h ?? 0, m ?? 0)).toLocaleTimeString(currentLocale(), { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
}

/**
 * The next `days` working days after today (in `zone`), each split into morning and afternoon
 * within that day's hours (a day that closes by noon or opens after it has one part).
 */
export function choices(hours: WorkingHours, zone: string, days = 10, now = new Date()): ChoiceDay[] {
  const out: ChoiceDay[] = [];
  // Today's date in the contractor's zone; choices start tomorrow (a same-day move needs a call).
  const today = todayIn(zone, now);
  const [y, m, d] = today.split('-').map(Number);
  const cursor = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  for (let i = 0; i < 60 && out.length < days; i++) {
    cursor.setUTCDate(cursor.getUTCDate() + 1);
    // Monday first, as the settings keep them.
    const weekday = (cursor.getUTCDay() + 6) % 7;
    const h = hours.days[weekday];
    if (!h) continue;
    const date = cursor.toISOString().slice(0, 10);
    const open = minutes(h.open);
    const close = minutes(h.close);
    const noon = 12 * 60;
    const parts: [string, number, number][] = [];
    if (open < noon && close > noon) {
      parts.push(['Morning', open, noon], ['Afternoon', noon, close]);
    } else {
      parts.push([open < noon ? 'Morning' : 'Afternoon', open, close]);
    }
    out.push({
      date,
      label: cursor.toLocaleDateString(currentLocale(), { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }),
      choices: parts.map(([name, s, e]) => ({
        key: `${date}|${at(s)}`,
        window: { date, start: at(s), end: at(e) },
        label: `${name}, ${short(at(s))} – ${short(at(e))}`,
      })),
    });
  }
  return out;
}

/** An instant as a wall-clock date and time in `zone`: `{ date: "2026-12-03", time: "09:00" }`. */
export function wallClock(iso: string, zone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/** A booked or asked-for window as the office gives it back (a day and two times in `zone`). */
export function asLocal(w: Window, zone: string): LocalWindow {
  const s = wallClock(w.start, zone);
  const e = wallClock(w.end, zone);
  return { date: s.date, start: s.time, end: e.time };
}

/** Today's date in `zone` (the browser's when left out), as YYYY-MM-DD. */
export function todayIn(zone?: string, now = new Date()): string {
  return now.toLocaleDateString('en-CA', zone ? { timeZone: zone } : {});
}

/** `day` (YYYY-MM-DD) moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
