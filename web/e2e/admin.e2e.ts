// The admin page in Debian's Chromium at desktop size: the office signs in, creates a customer,
// builds and sends an estimate with options, the customer approves it from the emailed link,
// the office invoices it, the customer pays it, and the office sees it all.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Server, drawSignature, expectAccessible, expectNoOverflow, latestToken, launch, newContext, shot, signIn, staffSignIn, startServer } from './harness';

/** A 1x1 PNG. */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  servers.forEach((s) => s.stop());
});

describe('the office', () => {
  it('takes a new customer from an estimate to a paid invoice', async () => {
    const server = await startServer();
    servers.push(server);
    const office = await (await newContext(browser, 'desktop', server.base)).newPage();
    await staffSignIn(office, server.base);
    await expectAccessible(office, 'admin customers');
    await shot(office, 'admin-01-customers');

    await office.getByRole('button', { name: 'New customer' }).click();
    await office.getByLabel('Customer name').fill('Rosa Delgado');
    await office.getByLabel('Contact email').fill('rosa@example.com');
    await office.getByLabel('Street address').fill('88 Cedar Lane');
    await office.getByLabel('City').fill('Austin');
    await office.getByLabel('State').fill('TX');
    await office.getByLabel('ZIP code').fill('78704');
    await expectAccessible(office, 'new customer');
    await office.getByRole('button', { name: 'Create customer' }).click();
    await office.getByRole('heading', { name: 'Rosa Delgado', level: 1 }).waitFor();

    await office.getByRole('link', { name: 'New estimate' }).click();
    await office.getByRole('heading', { name: 'New estimate' }).waitFor();
    // It starts with the business's defaults from the settings.
    await expect.poll(() => office.getByLabel('Tax rate (%)').inputValue()).toBe('8.25');
    expect(await office.getByLabel('Deposit on approval (%)').inputValue()).toBe('25');
    expect(await office.getByLabel('Terms').inputValue()).toContain('Prices include permits');
    await office.getByLabel('Title').fill('Garage subpanel');
    const line = office.getByRole('group', { name: 'Line 1' });
    await line.getByLabel('Item').fill('60 A subpanel, installed');
    await line.getByLabel('Unit price ($)').fill('980');
    await office.getByRole('button', { name: 'Add an option group' }).click();
    await office.getByLabel('Group name').fill('Add-ons');
    await office.getByLabel('Option name').fill('Welder outlet');
    const option = office.getByRole('group', { name: 'Welder outlet line' });
    await option.getByLabel('Item').fill('240 V outlet and circuit');
    await option.getByLabel('Unit price ($)').fill('420');
    await office.getByLabel('Tax rate (%)').fill('10');
    await office.getByLabel('Deposit on approval (%)').fill('20');
    await office.getByLabel('Title').click();
    await expect.poll(() => office.getByTestId('builder-total').textContent()).toBe('$1,078.00');
    await expectAccessible(office, 'estimate builder');
    await shot(office, 'admin-02-builder');
    await office.getByRole('button', { name: 'Send to the customer' }).click();
    await office.getByText('Sent to 1 contact.').waitFor();

    // Rosa opens the emailed link and approves with the add-on.
    const rosa = await (await newContext(browser, 'phone', server.base)).newPage();
    const link = await latestToken(server.base, 'rosa@example.com');
    await rosa.goto(`/signin#token=${link}`);
    await rosa.getByRole('button', { name: 'Continue' }).click();
    await rosa.getByRole('heading', { name: 'Garage subpanel', level: 1 }).waitFor();
    await rosa.getByRole('checkbox', { name: /Welder outlet/ }).check();
    // What she signs states the business's 10 % tax and 20 % deposit as they are.
    await rosa.getByText('Tax (10% on taxable items)').waitFor();
    await rosa.getByText('Deposit due on approval (20%)').waitFor();
    await rosa.getByRole('button', { name: 'Approve', exact: true }).click();
    await rosa.getByLabel('Your full name').fill('Rosa Delgado');
    await drawSignature(rosa);
    await rosa.getByRole('checkbox', { name: /I agree to the terms/ }).check();
    await rosa.getByRole('button', { name: /Approve and sign/ }).click();
    await rosa.getByRole('heading', { name: 'Approved. Thank you!' }).waitFor();

    // The office sees the decision with its evidence on the estimate's page.
    await office.reload();
    await office.getByRole('heading', { name: /^Approved on/ }).waitFor();
    expect(await office.locator('dl.evidence').textContent()).toContain('Rosa Delgado');
    expect(await office.locator('dl.evidence img.signature-image').count()).toBe(1);
    await shot(office, 'admin-02b-decision-evidence');

    // The office invoices it.
    await office.getByRole('link', { name: 'Back to the customer' }).click();
    await office.getByRole('button', { name: /Invoice E-1068/ }).click();
    await expect.poll(() => office.getByTestId('invoice-status-INV-2045').textContent()).toBe('Unpaid');
    await shot(office, 'admin-03-customer');
    // The invoice has a page of its own: what it is for, lines, payments, history.
    await office.getByRole('link', { name: 'INV-2045 · Garage subpanel' }).click();
    await office.getByRole('heading', { name: 'INV-2045 · Garage subpanel', level: 1 }).waitFor();
    expect(await office.getByTestId('admin-invoice-status').textContent()).toBe('Unpaid');
    await office.getByRole('heading', { name: 'History' }).waitFor();
    expect(await office.locator('ol.audit').textContent()).toContain('Invoice INV-2045 issued');
    await expectAccessible(office, 'admin invoice');
    await shot(office, 'admin-03b-invoice');
    await office.getByRole('link', { name: 'Back to Rosa Delgado' }).click();
    await office.getByRole('heading', { name: 'Rosa Delgado', level: 1 }).waitFor();

    // The office sends it; Rosa pays it from the emailed link, which opens that invoice only.
    await office.getByRole('button', { name: 'Send INV-2045' }).click();
    await office.getByText('INV-2045 sent to 1 contact.').waitFor();
    const invoiceLink = await latestToken(server.base, 'rosa@example.com', 'INV-2045');
    await rosa.goto(`/signin#token=${invoiceLink}`);
    await rosa.getByRole('button', { name: 'Continue' }).click();
    await rosa.getByText('Invoice INV-2045', { exact: true }).waitFor();
    expect(await rosa.getByRole('link', { name: 'Invoices' }).count(), 'no account navigation on a document link').toBe(0);
    await rosa.getByRole('button', { name: /^Pay \$/ }).click();
    await rosa.getByRole('button', { name: 'Pay with a card that succeeds' }).click();
    await expect.poll(() => rosa.getByTestId('payment-status').textContent(), { timeout: 10_000 }).toBe('Payment received');
    // Signed in, she sees it paid in her portal.
    await signIn(rosa, server.base, 'rosa@example.com');
    await rosa.goto('/invoices');
    await rosa.getByRole('link', { name: 'Invoice INV-2045' }).waitFor();

    // The office sees it paid, and every step in the activity log.
    await office.reload();
    await expect.poll(() => office.getByTestId('invoice-status-INV-2045').textContent()).toBe('Paid');
    // In the office's words, each naming what it is about and linking to it.
    for (const said of ['Customer created', 'Estimate E-1068 sent to Rosa Delgado', 'Estimate E-1068 approved and signed', 'Invoice INV-2045 issued', 'Invoice INV-2045 sent to Rosa Delgado', 'Payment succeeded']) {
      await expect.poll(async () => ((await office.locator('ol.audit').textContent()) ?? '').includes(said), { message: said }).toBe(true);
    }
    expect(await office.locator('ol.audit').textContent()).not.toMatch(/estimate\.sent|inv_0|est_0/);
    expect(await office.locator('ol.audit a', { hasText: 'Estimate E-1068 sent to Rosa Delgado' }).first().getAttribute('href')).toContain('/estimates/');
    await expectAccessible(office, 'customer page');

    // The adoption figures moved: Rosa signed in once.
    await office.getByRole('link', { name: 'Adoption' }).click();
    await expect.poll(() => office.getByTestId('activated').textContent()).toBe('1');
    await expectAccessible(office, 'adoption');
    await shot(office, 'admin-04-adoption');
    await office.getByRole('link', { name: 'Settings' }).click();
    await office.getByLabel('Welcome message').fill('Thanks for choosing Bright Spark.');
    await office.getByRole('button', { name: 'Save settings' }).click();
    await office.getByText('Saved.').waitFor();
    // The logo: a file that only claims to be a PNG is refused by its content; a real one is
    // published under /media and shown.
    await office.getByLabel(/(Upload a|Replace the) logo/).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('not really a picture') });
    await office.getByText('This file is not a PNG or JPEG image we can read.').waitFor();
    await office.getByLabel(/(Upload a|Replace the) logo/).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from(PIXEL_PNG, 'base64') });
    await office.getByText('Logo updated.', { exact: false }).waitFor();
    const logo = office.getByRole('img', { name: 'Your logo as customers see it' });
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    const src = (await logo.getAttribute('src')) ?? '';
    expect(src).toMatch(/\/media\/ten_brightspark\/logo-[0-9a-f]{16}\.png$/);
    const served = await fetch(src);
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/png']);
    await expectAccessible(office, 'settings');
    await office.getByRole('link', { name: 'Estimates' }).click();
    await office.getByRole('button', { name: 'Approved' }).click();
    await office.getByRole('link', { name: 'E-1068 · Garage subpanel' }).waitFor();
    await expectAccessible(office, 'estimates');
  });

  it('works on a tablet: a customer found by name, an invoice from scratch sent, every page without sideways scrolling', async () => {
    const server = await startServer();
    servers.push(server);
    const office = await (await newContext(browser, 'tablet', server.base)).newPage();
    await staffSignIn(office, server.base);
    await expectNoOverflow(office, 'customers');
    await office.getByLabel('Find a customer by name').fill('dan');
    await expect.poll(() => office.getByRole('row').count()).toBe(2);
    await office.getByLabel('Find a customer by name').fill('zzz');
    await office.getByText("No customer's name starts with “zzz”.").waitFor();
    await office.getByLabel('Find a customer by name').fill('DANA');
    await office.getByRole('link', { name: 'Dana Whitfield' }).click();
    await office.getByRole('heading', { name: 'Dana Whitfield', level: 1 }).waitFor();
    await expectNoOverflow(office, 'customer page');

    await office.getByRole('button', { name: 'New invoice' }).click();
    const line = office.getByRole('group', { name: 'Invoice line 1' });
    await line.getByLabel('Item').fill('Service call, breaker replaced');
    await line.getByLabel('Unit price ($)').fill('185');
    await line.getByLabel('Taxable').uncheck();
    await office.getByLabel('Memo for the customer').fill('Thanks for calling us out on a Sunday.');
    await expectAccessible(office, 'new invoice');
    await shot(office, 'admin-05-tablet-invoice');
    // The due date cannot be in the past: the server says so, by the field.
    await office.getByLabel('Due date').fill('2020-01-01');
    await office.getByRole('button', { name: 'Create and send' }).click();
    await office.getByText('must be today or later').waitFor();
    await office.getByLabel('Due date').fill('2099-01-15');
    await office.getByRole('button', { name: 'Create and send' }).click();
    await office.getByText('INV-2045 created and sent to 1 contact.').waitFor();
    await expect.poll(() => office.getByTestId('invoice-status-INV-2045').textContent()).toBe('Unpaid');
    await expectNoOverflow(office, 'customer page with invoices');

    // A property added, changed and removed; the last contact cannot be removed.
    await office.getByRole('button', { name: 'Add a property' }).click();
    const added = office.getByRole('form', { name: 'New property' });
    await added.getByLabel('Label').fill('Workshop');
    await added.getByLabel('Street address').fill('9 Mill Rd');
    await added.getByLabel('City').fill('Austin');
    await added.getByLabel('State').fill('TX');
    await added.getByLabel('ZIP code').fill('78702');
    await expectAccessible(office, 'new property');
    await added.getByRole('button', { name: 'Add property' }).click();
    await office.getByRole('button', { name: 'Change Workshop' }).click();
    await office.getByRole('form', { name: 'Change Workshop' }).getByLabel('Label').fill('Workshop (rear)');
    await office.getByRole('button', { name: 'Save property' }).click();
    await office.getByRole('button', { name: 'Remove Workshop (rear)' }).click();
    await office.getByRole('button', { name: 'Yes, remove' }).click();
    await expect.poll(() => office.getByText('Workshop (rear)').count()).toBe(0);
    await office.getByRole('button', { name: 'Remove Dana Whitfield' }).click();
    await office.getByRole('button', { name: 'Yes, remove' }).click();
    await office.getByText('A customer keeps at least one contact.', { exact: false }).waitFor();

    // Dana's email opens that invoice, for $185.00.
    const dana = await (await newContext(browser, 'phone', server.base)).newPage();
    const link = await latestToken(server.base, 'dana@example.com', 'INV-2045');
    await dana.goto(`/signin#token=${link}`);
    await dana.getByRole('button', { name: 'Continue' }).click();
    await dana.getByText('Invoice INV-2045', { exact: true }).waitFor();
    expect(await dana.getByRole('heading', { level: 1 }).textContent()).toBe('$185.00');
    // The office withdraws Dana's links: the same link no longer opens, and says why.
    await office.getByRole('button', { name: "Withdraw Dana Whitfield's links" }).click();
    await office.getByText('Every link sent to Dana Whitfield so far has stopped working.').waitFor();
    const later = await (await newContext(browser, 'phone', server.base)).newPage();
    await later.goto(`/signin#token=${link}`);
    await later.getByText('The office withdrew this link.', { exact: false }).waitFor();

    for (const [name, heading] of [
      ['Estimates', 'Estimates'],
      ['Invoices', 'Invoices'],
      ['Adoption', 'Adoption'],
      ['Settings', 'Settings'],
    ] as const) {
      await office.getByRole('link', { name, exact: true }).click();
      await office.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await expectNoOverflow(office, name);
    }
  });

  it('records an approval given by phone, and the adoption figures count it apart from signed ones', async () => {
    const server = await startServer();
    servers.push(server);
    const office = await (await newContext(browser, 'desktop', server.base)).newPage();
    await staffSignIn(office, server.base);
    await office.goto('/admin/customers/acc_whitfield/estimates/est_panel');
    await office.getByRole('button', { name: 'Record an approval by phone or on paper' }).click();
    await office.getByLabel('Who approved').selectOption({ label: 'Dana Whitfield' });
    expect(await office.getByLabel('Their name, as they gave it').inputValue()).toBe('Dana Whitfield');
    await office.getByLabel('How').selectOption('phone');
    await office.getByLabel(/^Note/).fill('Called at 10:05.');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    await office.getByLabel(/A scan or photo of the signed paper/).setInputFiles({ name: 'signed.pdf', mimeType: 'application/pdf', buffer: pdf });
    await expectAccessible(office, 'record an approval');
    await shot(office, 'admin-06-record-approval');
    await office.getByRole('button', { name: 'Record the approval' }).click();
    await office.getByText('Approval recorded.').waitFor();
    expect(await office.getByText(/Approved by phone, recorded by Morgan Reyes/).isVisible()).toBe(true);
    const scan = office.getByRole('button', { name: /Download the scan \(PDF, 1 KB\)/ });
    await scan.waitFor();
    const [saved] = await Promise.all([office.waitForEvent('download'), scan.click()]);
    expect(saved.suggestedFilename()).toBe('approval.pdf');

    // Dana sees it approved, recorded by the office, with the deposit to pay.
    const dana = await (await newContext(browser, 'phone', server.base)).newPage();
    await signIn(dana, server.base, 'dana@example.com');
    await dana.goto('/estimates/est_panel');
    await dana.getByText(/Approved by Dana Whitfield by phone on .*, as recorded by Morgan Reyes\./).waitFor();
    await dana.getByRole('button', { name: /Pay the .* deposit/ }).waitFor();

    await office.getByRole('link', { name: 'Adoption' }).click();
    await expect.poll(() => office.getByTestId('approve-offline').textContent()).toMatch(/h \(1 estimate\)$/);
    const chart = office.getByRole('figure', { name: /Estimates approved, last 12 months: \d+ in the portal, 1 offline/ });
    await chart.waitFor();
    await chart.getByText('The figures by month').click();
    expect(await chart.getByRole('columnheader', { name: 'offline' }).isVisible()).toBe(true);
    await expectAccessible(office, 'adoption with figures');
    await shot(office, 'admin-07-adoption-figures');
  });
});
