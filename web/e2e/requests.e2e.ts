// Work requests end to end: on a phone, a customer asks for work with two preferred windows and
// two photos; an urgent request shows the business's phone at once; on a desktop the office
// makes it a job with a visit in the customer's first window; the customer sees the request
// "Scheduled" and the visit on the dashboard.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Server, expectAccessible, expectNoOverflow, expectTapTargets, launch, newContext, shot, signIn, staffSignIn, startServer } from './harness';

let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  servers.forEach((s) => s.stop());
});

/** A JPEG drawn in the page (a real camera-like file, without a fixture). */
async function jpeg(page: Page, hue: number): Promise<Buffer> {
  const bytes = await page.evaluate(async (hue) => {
    const c = document.createElement('canvas');
    c.width = 800;
    c.height = 600;
    const g = c.getContext('2d');
    if (!g) throw new Error('no canvas');
    g.fillStyle = `hsl(${hue}, 60%, 45%)`;
    g.fillRect(0, 0, 800, 600);
    g.fillStyle = '#fff';
    g.fillRect(300, 200, 200, 200);
    const blob = await new Promise<Blob | null>((r) => c.toBlob(r, 'image/jpeg', 0.9));
    if (!blob) throw new Error('no jpeg');
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  }, hue);
  return Buffer.from(bytes);
}

describe('work requests', () => {
  it('a customer asks with two windows and two photos; the office books it; the customer sees it scheduled', async () => {
    const server = await startServer();
    servers.push(server);
    const base = server.base;
    const page = await (await newContext(browser, 'phone', base)).newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await signIn(page, base, 'dana@example.com');

    await page.getByRole('link', { name: 'Request work' }).first().click();
    await page.getByRole('heading', { name: 'Work requests' }).waitFor();
    // The demo's request is listed with its status.
    await page.getByText('Lighting').waitFor();
    await page.getByRole('link', { name: 'Request work' }).last().click();
    await page.getByRole('heading', { name: 'Request work' }).waitFor();

    // Urgent shows the phone number and the emergency text at once.
    await page.getByLabel('It is urgent').check();
    await page.getByRole('alert').getByText('call us now').waitFor();
    expect(await page.getByRole('link', { name: /^Call / }).getAttribute('href')).toMatch(/^tel:\+?\d+$/);
    await shot(page, 'requests-01-urgent');
    await page.getByLabel('It is urgent').uncheck();

    await page.getByRole('button', { name: 'EV charger' }).click();
    await page.getByLabel('Tell us about it').fill('We bought an EV: a 48 A charger in the garage, next to the panel.');
    const chips = page.locator('fieldset.day .chip');
    await chips.nth(0).click();
    await chips.nth(3).click();
    await page.getByText('2 of 3 picked.').waitFor();
    await expectNoOverflow(page, 'request form');
    await expectTapTargets(page, 'request form');
    await expectAccessible(page, 'request form');
    await shot(page, 'requests-02-form');
    await page.getByRole('button', { name: 'Send request' }).click();

    await page.getByText('Request sent.').waitFor();
    await page.getByText('Received').first().waitFor();
    await page.getByTestId('photo-input').setInputFiles([
      { name: 'garage.jpg', mimeType: 'image/jpeg', buffer: await jpeg(page, 20) },
      { name: 'panel.jpg', mimeType: 'image/jpeg', buffer: await jpeg(page, 200) },
    ]);
    await expect.poll(() => page.locator('.upload-done').count(), { timeout: 20_000 }).toBe(2);
    const id = /\/requests\/(req_[A-Za-z0-9_]+)/.exec(page.url())?.[1];
    expect(id).toBeTruthy();
    await page.reload();
    await expect.poll(() => page.locator('.gallery img').count(), { timeout: 10_000 }).toBe(2);
    await expectNoOverflow(page, 'request');
    await expectTapTargets(page, 'request');
    await expectAccessible(page, 'request');
    await shot(page, 'requests-03-sent-with-photos');
    // The same page on a desktop.
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, 'requests-03-desktop');
    await page.setViewportSize({ width: 360, height: 740 });

    // The office finds it in the inbox and books it in Dana's first window.
    const desk = await (await newContext(browser, 'desktop', base)).newPage();
    await staffSignIn(desk, base);
    await desk.getByRole('link', { name: 'Requests' }).click();
    await desk.getByRole('heading', { name: 'Work requests' }).waitFor();
    // The inbox and the request on the office manager's phone too.
    await desk.setViewportSize({ width: 360, height: 740 });
    await shot(desk, 'requests-04-inbox-phone');
    await desk.getByRole('link', { name: 'EV charger' }).click();
    await desk.getByRole('heading', { name: /EV charger/ }).waitFor();
    await shot(desk, 'requests-04-office-phone');
    await desk.setViewportSize({ width: 1280, height: 900 });
    await desk.getByRole('heading', { name: /EV charger/ }).waitFor();
    await expect.poll(() => desk.locator('.gallery img').count()).toBe(2);
    const first = desk.getByRole('group', { name: 'Their windows' }).getByRole('button').first();
    expect(await first.getAttribute('aria-pressed')).toBe('true');
    await desk.getByLabel('Technician').selectOption({ label: 'Casey Nguyen' });
    await shot(desk, 'requests-04-office');
    await desk.getByRole('button', { name: 'Make the job and book the visit' }).click();
    await desk.waitForURL(/\/admin\/jobs\/acc_whitfield\/job_/);

    // Dana sees it scheduled, and the visit on her dashboard.
    await page.reload();
    await page.getByText('Scheduled').first().waitFor();
    await page.getByRole('link', { name: 'See the job and its visit' }).click();
    await page.getByRole('heading', { name: /EV charger/ }).waitFor();
    await page.goto('/');
    await page.getByText('EV charger').first().waitFor();
    await shot(page, 'requests-05-dashboard');
  });

  it('someone without an account uses the public form, and the office finds the lead', async () => {
    const server = await startServer();
    servers.push(server);
    const base = server.base;
    const page = await (await newContext(browser, 'phone', base)).newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto('/request-work');
    await page.getByRole('heading', { name: 'Request work from Bright Spark Electric' }).waitFor();
    const opened = Date.now();
    await page.getByRole('button', { name: 'Troubleshooting' }).click();
    await page.getByLabel('Tell us about it').fill('Half the kitchen outlets stopped working this morning.');
    await page.getByLabel('Your name').fill('Jamie Rivera');
    await page.getByLabel('Email address').fill('jamie@example.net');
    await page.getByLabel('Street and number').fill('915 Pecan Street');
    await page.getByLabel('City').fill('Austin');
    await page.getByLabel('State or province').fill('TX');
    await page.getByLabel('ZIP or postal code').fill('78702');
    await page.locator('fieldset.day .chip').first().click();
    await expectNoOverflow(page, 'public form');
    await expectTapTargets(page, 'public form');
    await expectAccessible(page, 'public form');
    await shot(page, 'requests-06-public-form');
    // A person takes longer than the form's minimum fill time (3 s) to write all that.
    await page.waitForTimeout(Math.max(0, 3200 - (Date.now() - opened)));
    // A number the server cannot use: the refusal names the field, which is marked.
    await page.getByLabel('Phone number').fill('555-CALL');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('alert').filter({ hasText: 'Phone number: must be a phone number like' }).waitFor();
    expect(await page.getByLabel('Phone number').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'requests-06-public-form-refused');
    await page.getByLabel('Phone number').fill('');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('heading', { name: 'Request sent' }).waitFor();
    await page.getByText('Bright Spark Electric has your request').waitFor();
    // Photos from the same page, with the answer's key: one is added, the count said.
    await page.getByTestId('photo-input').setInputFiles([{ name: 'outlet.jpg', mimeType: 'image/jpeg', buffer: await jpeg(page, 40) }]);
    await page.getByText('One photo added to your request').waitFor({ timeout: 20_000 });
    await expectNoOverflow(page, 'public form sent');
    await expectTapTargets(page, 'public form sent');
    await expectAccessible(page, 'public form sent');
    await shot(page, 'requests-07-public-sent');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('/request-work');
    await page.getByRole('heading', { name: 'Request work from Bright Spark Electric' }).waitFor();
    await shot(page, 'requests-06-public-form-desktop');

    const desk = await (await newContext(browser, 'desktop', base)).newPage();
    await staffSignIn(desk, base);
    await desk.goto('/admin/requests');
    const row = desk.getByRole('listitem').filter({ hasText: /Troubleshooting.*Jamie Rivera/ });
    await row.waitFor();
    await row.getByText('Lead').waitFor();
    await row.getByRole('link', { name: 'Troubleshooting' }).click();
    await desk.getByRole('heading', { name: 'Already a customer?' }).waitFor();
    await desk.getByText('915 Pecan Street, Austin, TX 78702').first().waitFor();
    await expect.poll(() => desk.locator('.gallery img').count(), { timeout: 10_000 }).toBe(1);
    await shot(desk, 'requests-08-office-lead');
    // A draft estimate from it brings the photo along.
    await desk.getByRole('button', { name: 'Make a draft estimate' }).click();
    await desk.getByRole('heading', { name: 'Photos and documents' }).waitFor();
    await expect.poll(() => desk.locator('.gallery img').count(), { timeout: 10_000 }).toBe(1);
    await shot(desk, 'requests-09-estimate-with-photo');
  });
});
