// Jobs and visits end to end, on a phone: an approval becomes a job, the office books it, the
// customer confirms and asks for other times, the office moves it, the technician taps On my
// way and Completed on their own phone, and the property's history shows the job and the panel.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Server, advanceClock, drawSignature, expectAccessible, expectNoOverflow, expectTapTargets, launch, newContext, shot, signIn, staffSignIn, staffToken, startServer } from './harness';

let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  servers.forEach((s) => s.stop());
});

const ZONE = 'America/Chicago';

/** Today in the demo contractor's zone, as YYYY-MM-DD. */
function todayThere(): string {
  return new Date().toLocaleDateString('en-CA', { timeZone: ZONE });
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T12:00:00Z`) - Date.parse(`${a}T12:00:00Z`)) / 86_400_000);
}

/** The next Monday-to-Friday after today there. */
function nextWorkingDay(): string {
  let d = todayThere();
  do {
    d = addDays(d, 1);
  } while ([0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay()));
  return d;
}

/** A wall-clock date and time in Chicago. */
function wall(iso: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

interface Mail {
  to: string;
  subject?: string;
  text: string;
}

async function mailbox(base: string): Promise<Mail[]> {
  return ((await (await fetch(`${base}/dev/mailbox.json`)).json()) as { messages: Mail[] }).messages;
}

async function api(base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

async function approvePanel(page: Page): Promise<void> {
  await page.goto('/estimates/est_panel');
  await page.getByRole('heading', { name: 'Main panel upgrade', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  await page.getByLabel('Your full name').fill('Dana Whitfield');
  await drawSignature(page);
  await page.getByRole('checkbox', { name: /I agree to the terms/ }).check();
  await page.getByRole('button', { name: /Approve and sign/ }).click();
  await page.getByRole('heading', { name: 'Approved. Thank you!' }).waitFor();
}

describe('jobs and visits', () => {
  it('from approval to a completed job with the panel on record, on phones', async () => {
    const server = await startServer();
    servers.push(server);
    const base = server.base;
    const context = await newContext(browser, 'phone', base);
    const page = await context.newPage();
    await signIn(page, base, 'dana@example.com');

    // Approving the panel estimate makes its job: it waits to be scheduled.
    await approvePanel(page);
    await page.goto('/jobs');
    const card = page.locator('li.card', { hasText: 'Main panel upgrade' });
    await card.waitFor();
    expect(await card.locator('.status').textContent()).toBe('Scheduling');
    await expectAccessible(page, 'jobs');
    await shot(page, 'jobs-01-list');

    // The demo's bathroom-fan visit (Casey on the way) is finished first, so the next visit is the panel's.
    const office = await staffToken(base);
    expect((await api(base, office, 'POST', '/api/admin/customers/acc_whitfield/jobs/job_bathfan/visits/vis_bathfan/arrive', {})).status).toBe(200);
    expect((await api(base, office, 'POST', '/api/admin/customers/acc_whitfield/jobs/job_bathfan/visits/vis_bathfan/finish', { notes: 'Fan replaced.', complete_job: true })).status).toBe(200);

    // The office books the panel for the next working day, 9 to 11, with Casey.
    const day = nextWorkingDay();
    const booked = await api(base, office, 'POST', '/api/admin/customers/acc_whitfield/jobs/job_panel/visits', {
      window: { date: day, start: '09:00', end: '11:00' },
      technicians: ['stf_casey'],
      customer_notes: 'Please clear the path to the panel.',
      internal_notes: '',
    });
    expect(booked.status, JSON.stringify(booked.json)).toBe(201);

    // The dashboard shows the window, who is coming with their photo, and asks to confirm.
    await page.goto('/');
    const visit = page.getByTestId('visit').first();
    await visit.waitFor();
    await expect.poll(() => visit.textContent()).toContain('Casey');
    expect(await visit.textContent()).toContain('Arrival between');
    expect(await visit.locator('img.avatar').count()).toBe(1);
    expect(await visit.locator('.status').textContent()).toBe('Please confirm');
    await expectAccessible(page, 'dashboard with a visit');
    await expectTapTargets(page, 'dashboard with a visit');
    await shot(page, 'jobs-02-dashboard-visit');

    // The email with the calendar file.
    await expect
      .poll(async () => (await mailbox(base)).some((m) => m.to === 'dana@example.com' && (m.subject ?? '').startsWith('Visit booked') && JSON.stringify(m).includes('BEGIN:VCALENDAR')), { timeout: 10_000 })
      .toBe(true);

    await visit.getByRole('button', { name: 'Confirm this time' }).click();
    await page.getByText('the visit is confirmed').waitFor();
    expect(await visit.locator('.status').textContent()).toBe('Confirmed');

    // Asking for another time: two windows a thumb picks from the working hours.
    await visit.getByRole('link', { name: 'Ask for another time' }).click();
    await page.getByRole('heading', { name: 'Ask for another time' }).waitFor();
    const chips = page.locator('button.chip');
    await chips.nth(2).click();
    await chips.nth(5).click();
    expect(await page.getByText('2 of 3 picked.').isVisible()).toBe(true);
    await expectAccessible(page, 'reschedule');
    await expectTapTargets(page, 'reschedule');
    await expectNoOverflow(page, 'reschedule');
    await shot(page, 'jobs-03-reschedule');
    await page.getByLabel(/Anything the office should know/).fill('Mornings are easier for us.');
    await page.getByRole('button', { name: 'Send these 2 times' }).click();
    await page.getByText('You asked for another time.').waitFor();

    // The office moves the visit to the first window asked for.
    const job = await api(base, office, 'GET', '/api/admin/customers/acc_whitfield/jobs/job_panel');
    const requests = job.json.requests as { preferred: { start: string; end: string }[]; outcome?: unknown }[];
    const asked = requests.find((r) => !r.outcome)?.preferred[0];
    expect(asked).toBeDefined();
    const from = wall(asked?.start ?? '');
    const to = wall(asked?.end ?? '');
    const visits = job.json.visits as { id: string }[];
    const moved = await api(base, office, 'POST', `/api/admin/customers/acc_whitfield/jobs/job_panel/visits/${visits[0]?.id}/move`, {
      window: { date: from.date, start: from.time, end: to.time },
    });
    expect(moved.status, JSON.stringify(moved.json)).toBe(200);
    await page.goto('/jobs/job_panel');
    const movedCard = page.getByTestId('visit').first();
    await movedCard.waitFor();
    const shown = new Date(`${from.date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
    await expect.poll(() => movedCard.textContent()).toContain(shown);
    expect(await movedCard.locator('.status').textContent()).toBe('Please confirm');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('Visit moved to');
    await shot(page, 'jobs-04-moved');

    // The day of the visit comes (the local clock moves on), and Casey sets off from his phone.
    const ahead = daysBetween(todayThere(), from.date);
    if (ahead > 1) await advanceClock(base, (ahead - 1) * 86_400);
    const techContext = await newContext(browser, 'phone', base);
    const tech = await techContext.newPage();
    await staffSignIn(tech, base, 'casey@brightspark.example', 'My visits');
    const mine = tech.getByTestId('tech-visit').filter({ hasText: 'Main panel upgrade' });
    await mine.waitFor();
    expect(await mine.locator('a.maps').getAttribute('href')).toContain('https://www.google.com/maps/search/');
    await expectNoOverflow(tech, 'technician page');
    await expectTapTargets(tech, 'technician page');
    await shot(tech, 'jobs-05-technician');
    await mine.getByLabel('Arriving in').selectOption('25');
    await mine.getByRole('button', { name: 'On my way' }).click();
    await mine.getByText('The customer was told you arrive about').waitFor();

    await page.goto('/jobs/job_panel');
    const onTheWay = page.getByTestId('on-the-way');
    await onTheWay.waitFor();
    expect(await onTheWay.textContent()).toMatch(/Casey is on the way, arriving about \d{1,2}:\d{2}/);
    await shot(page, 'jobs-06-on-the-way');
    await expect
      .poll(async () => (await mailbox(base)).some((m) => m.to === '+15125550142' && m.text.includes('is on the way, arriving about')), { timeout: 10_000 })
      .toBe(true);

    // Arrived, then Completed with notes and the new panel.
    await mine.getByRole('button', { name: 'Arrived' }).click();
    await mine.getByLabel(/What you did/).fill('New 200 A panel installed, labelled and inspected.');
    await mine.getByLabel('What', { exact: true }).fill('Main panel');
    await mine.getByLabel('Make and model').fill('Square D QO 200 A');
    await mine.getByLabel('Warranty until').fill('2036-03-02');
    await mine.getByLabel('The whole job is done').check();
    await shot(tech, 'jobs-07-completing');
    await mine.getByRole('button', { name: 'Completed' }).click();
    await mine.getByText('Visit completed. Thank you!').waitFor();

    // The property's history shows the job and the panel with its warranty.
    await page.goto('/properties');
    const equipment = page.getByTestId('equipment');
    await equipment.waitFor();
    await expect.poll(() => equipment.textContent()).toContain('Square D QO 200 A');
    expect(await equipment.textContent()).toContain('warranty until Mar 2, 2036');
    const done = page.locator('li.card', { hasText: 'Main panel upgrade' });
    expect(await done.locator('.status').textContent()).toBe('Completed');
    await expectAccessible(page, 'properties');
    await expectNoOverflow(page, 'properties');
    await shot(page, 'jobs-08-property-history');
  });

  it('a commercial account filters its properties, and every job page fits a 360 px phone', async () => {
    const server = await startServer();
    servers.push(server);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, baseURL: server.base });
    const page = await context.newPage();
    await signIn(page, server.base, 'alex@harborview.example');
    await page.goto('/properties');
    await page.getByLabel('Show').waitFor();
    expect(await page.locator('section.property').count()).toBe(2);
    await page.getByLabel('Show').selectOption({ label: 'Lakeside Apartments' });
    expect(await page.locator('section.property').count()).toBe(1);
    expect(await page.getByText('Annual electrical safety plan').first().isVisible()).toBe(true);
    expect(await page.getByTestId('equipment').textContent()).toContain('Square D QO 200 A');
    await expectTapTargets(page, 'properties');
    await shot(page, 'phone360-properties');
    for (const path of ['/', '/jobs', '/jobs/job_laundry', '/jobs/job_garage', '/properties']) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectNoOverflow(page, path);
      await expectTapTargets(page, path);
    }
    await shot(page, 'phone360-job-with-request');
  });
});
