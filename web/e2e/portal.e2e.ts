// The customer portal in Debian's Chromium, at phone (390x844) and desktop (1280x800) sizes,
// against the local server with the demo data. Screenshots go to artifacts/screenshots/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Server, type Size, advanceClock, changeSettings, drawSignature, expectAccessible, expectNoOverflow, expectTapTargets, latestToken, launch, newContext, shot, signIn, staffToken, startServer } from './harness';

let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  servers.forEach((s) => s.stop());
});

async function fresh(size: Size): Promise<{ server: Server; page: Page }> {
  const server = await startServer();
  servers.push(server);
  const context = await newContext(browser, size, server.base);
  return { server, page: await context.newPage() };
}

const total = (page: Page) => page.getByTestId('total').textContent();

for (const size of ['phone', 'desktop'] as const) {
  describe(`at ${size} size`, () => {
    it('a customer requests a link, continues, picks options, signs and approves', async () => {
      const { server, page } = await fresh(size);
      await page.goto('/signin');
      await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
      await expectAccessible(page, 'request link');
      await shot(page, `${size}-01-request-link`);
      await page.getByLabel('Email address').fill('dana@example.com');
      await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();

      const token = await latestToken(server.base, 'dana@example.com');
      await page.goto(`/signin#token=${token}`);
      await page.getByRole('heading', { name: 'Bright Spark Electric' }).waitFor();
      expect(await page.locator('img.logo').count()).toBe(1);
      await expectAccessible(page, 'link landing');
      await shot(page, `${size}-02-continue`);
      await page.getByRole('button', { name: 'Continue' }).click();

      await page.getByRole('heading', { name: 'Hello, Dana' }).waitFor();
      expect(page.url()).not.toContain('token=');
      await expect.poll(() => page.getByRole('link', { name: 'Main panel upgrade' }).isVisible()).toBe(true);
      await expectAccessible(page, 'dashboard');
      await shot(page, `${size}-03-dashboard`);

      await page.getByRole('link', { name: 'Main panel upgrade' }).click();
      await page.getByRole('heading', { name: 'Main panel upgrade', level: 1 }).waitFor();
      expect(await total(page)).toBe('$4,043.26');
      await page.getByRole('radio', { name: /100 A panel/ }).check();
      expect(await total(page)).toBe('$2,971.59');
      await page.getByRole('checkbox', { name: /Circuit mapping/ }).check();
      expect(await total(page)).toBe('$3,209.09');
      expect(await page.getByTestId('deposit').textContent()).toBe('$802.27');
      await expectAccessible(page, 'estimate');
      await shot(page, `${size}-04-estimate`);

      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.getByLabel('Your full name').fill('Dana Whitfield');
      await drawSignature(page);
      await page.getByRole('checkbox', { name: /I agree to the terms/ }).check();
      await expectAccessible(page, 'approve form');
      await shot(page, `${size}-05-signing`);
      await page.getByRole('button', { name: /Approve and sign/ }).click();

      await page.getByRole('heading', { name: 'Approved. Thank you!' }).waitFor();
      expect(await page.locator('.estimate-head .status').textContent()).toBe('Approved');
      expect(await page.getByText(/A deposit of \$802\.27 is due/).isVisible()).toBe(true);
      await expectAccessible(page, 'approved');
      await shot(page, `${size}-06-approved`);

      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.decide').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
      await shot(page, `${size}-07-print`);

      // The approval offers the deposit: paid by card in the simulator's checkout.
      await page.emulateMedia({ media: 'screen' });
      await page.getByRole('button', { name: 'Pay the $802.27 deposit' }).click();
      await page.getByRole('heading', { name: /Deposit for estimate E-1042/ }).waitFor();
      await page.getByRole('button', { name: 'Pay with a card that succeeds' }).click();
      await expect.poll(() => page.getByTestId('payment-status').textContent(), { timeout: 10_000 }).toBe('Payment received');
      expect(await page.getByText('Deposit on estimate E-1042').isVisible()).toBe(true);
      await expectAccessible(page, 'deposit paid');
      await shot(page, `${size}-08-deposit-paid`);
    });
  });
}

describe('other decisions and failures', () => {
  it('pages carry a strict content security policy', async () => {
    const server = await startServer();
    servers.push(server);
    const r = await fetch(`${server.base}/estimates/est_panel`);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(await r.text()).toContain('<div id="app">');
  });

  it('declines with a reason (phone)', async () => {
    const { server, page } = await fresh('phone');
    await signIn(page, server.base, 'dana@example.com');
    await page.goto('/estimates/est_evcharger');
    await expect.poll(() => page.getByRole('heading', { name: 'What changed since version 1' }).isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByText('Removed Trenching to detached garage').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Decline' }).click();
    await page.getByRole('button', { name: 'Decline the estimate' }).click();
    expect(await page.getByText('Tell us why, so we can do better.').isVisible()).toBe(true);
    await page.getByLabel('Why are you declining?').fill('We are selling the car.');
    await page.getByRole('button', { name: 'Decline the estimate' }).click();
    await page.getByRole('heading', { name: 'Estimate declined' }).waitFor();
    await shot(page, 'phone-declined');
  });

  it('asks for changes on a line and overall (desktop)', async () => {
    const { server, page } = await fresh('desktop');
    await signIn(page, server.base, 'dana@example.com');
    await page.goto('/estimates/est_panel');
    await page.getByRole('button', { name: 'Ask for changes' }).click();
    await page.getByLabel('Comment on Electrician labor (hours)').fill('Can this be done in 6 hours?');
    await page.getByLabel('What should change?').fill('Please also quote a generator inlet.');
    await expectAccessible(page, 'request changes');
    await page.getByRole('button', { name: 'Send my request' }).click();
    await page.getByRole('heading', { name: 'Your request was sent' }).waitFor();
    expect(await page.locator('.estimate-head .status').textContent()).toBe('Changes requested');
    await shot(page, 'desktop-changes-requested');
  });

  it('an expired link says so and sends a fresh one to the address on file', async () => {
    const { server, page } = await fresh('phone');
    await page.goto('/signin');
    await page.getByLabel('Email address').fill('dana@example.com');
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const token = await latestToken(server.base, 'dana@example.com');
    await advanceClock(server.base, 11 * 60);
    await page.goto(`/signin#token=${token}`);
    // Said at once, before Continue: nothing to press that would fail.
    await page.getByText('This link has expired.').waitFor();
    await expectAccessible(page, 'expired link');
    await shot(page, 'phone-expired-link');
    await page.getByRole('button', { name: 'Send me a fresh link' }).click();
    await page.getByText(/a sign-in link is on its way/).waitFor();
    const renewed = await latestToken(server.base, 'dana@example.com', undefined, token);
    expect(renewed).not.toBe(token);
    // The fresh link opened in the same tab (only the fragment changes) offers Continue at once.
    await page.goto(`/signin#token=${renewed}`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Hello, Dana' }).waitFor();
  });

  it('an expired estimate offers asking for an updated one, and the office hears of it', async () => {
    const { server, page } = await fresh('phone');
    await signIn(page, server.base, 'dana@example.com');
    await page.goto('/estimates/est_attic');
    await page.getByRole('heading', { name: /This estimate expired on/ }).waitFor();
    await page.getByLabel('Anything they should know? (optional)').fill('We are ready this spring.');
    await page.getByRole('button', { name: 'Ask for an updated estimate' }).click();
    await page.getByRole('heading', { name: 'You asked for an updated estimate' }).waitFor();
    await expectAccessible(page, 'expired estimate');
    await shot(page, 'phone-expired-estimate-asked');
    await expect.poll(async () => {
      const r = (await (await fetch(`${server.base}/dev/mailbox.json`)).json()) as { messages: { to: string; subject?: string }[] };
      return r.messages.some((m) => m.to === 'office@brightspark.example' && (m.subject ?? '').includes('asks for an updated E-0990'));
    }, { timeout: 10_000 }).toBe(true);
  });

  it('dates and money follow the contractor\'s locale, not the browser\'s', async () => {
    const { server, page } = await fresh('phone');
    await changeSettings(server.base, { locale: 'en-GB' });
    await signIn(page, server.base, 'dana@example.com');
    await page.goto('/invoices');
    await page.getByRole('link', { name: 'Invoice INV-2040' }).waitFor();
    const card = page.locator('li.card', { has: page.getByRole('link', { name: 'Invoice INV-2040' }) });
    // en-GB writes the day before the month ("due 18 Dec 2026"); the browser here is en-US.
    await expect.poll(async () => /due \d{1,2} [A-Z][a-z]{2} \d{4}/.test((await card.textContent()) ?? '')).toBe(true);
  });

  it('a network failure is a clear message with a retry, never a blank page', async () => {
    const { server, page } = await fresh('phone');
    await signIn(page, server.base, 'dana@example.com');
    await page.route('**/api/estimates', (route) => route.abort('internetdisconnected'));
    await page.getByRole('navigation').getByRole('link', { name: 'Estimates', exact: true }).click();
    await page.getByText("We couldn't reach the server.").waitFor();
    await shot(page, 'phone-offline');
    await page.unroute('**/api/estimates');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('link', { name: 'Kitchen lighting' }).waitFor();
  });

  it('an estimate link opens that estimate only, with no way into the account', async () => {
    const { server, page } = await fresh('phone');
    await page.goto(server.estimateLink.replace(server.base, ''));
    // The landing page says what opens, not "your customer portal".
    await expect
      .poll(() => page.getByTestId('link-opens').textContent())
      .toBe('Estimate E-1042: Main panel upgrade from Bright Spark Electric. Press Continue to open it.');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Main panel upgrade', level: 1 }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Estimates', exact: true }).count()).toBe(0);
    // A link holds no session to sign out of; it offers the account instead, and the brand
    // leads back to the document rather than to a dead end.
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Sign in to your account' }).count()).toBe(1);
    expect(await page.locator('a.brand').getAttribute('href')).toBe('/estimates/est_panel');
    // Another document, even after a reload: the link reaches only its own; signing in is offered.
    await page.goto('/estimates/est_kitchen');
    await page.getByRole('heading', { name: 'This link opens one document' }).waitFor();
    await page.getByRole('link', { name: 'sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('a session survives a reload and signing out ends it', async () => {
    const { server, page } = await fresh('desktop');
    await signIn(page, server.base, 'dana@example.com');
    await page.reload();
    await page.getByRole('heading', { name: 'Hello, Dana' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});

describe('what is owed', () => {
  it('the dashboard shows the balance due and the invoice shows the payment in progress', async () => {
    const { server, page } = await fresh('phone');
    await signIn(page, server.base, 'dana@example.com');
    await page.getByRole('heading', { name: 'Balance due' }).waitFor();
    // INV-2031 is covered by a bank debit still settling: not due, and said so.
    expect(await page.locator('.balance-amount').textContent()).toBe('$4,896.29');
    expect(await page.getByTestId('processing').textContent()).toContain('Payment processing: $1,033.79');
    await page.getByRole('link', { name: 'See your invoices' }).click();
    const card = page.locator('li.card', { has: page.getByRole('link', { name: 'Invoice INV-2031' }) });
    expect(await card.locator('.status').textContent()).toBe('Payment processing');
    await page.getByRole('link', { name: 'Invoice INV-2031' }).click();
    await page.getByRole('heading', { name: 'Payments' }).waitFor();
    expect(await page.locator('header .status').textContent()).toBe('Payment processing');
    expect(await page.getByText('Processing (bank transfers take a few days)').isVisible()).toBe(true);
    expect(await page.getByTestId('balance').textContent()).toBe('$1,033.79');
    await expectAccessible(page, 'invoice');
    await shot(page, 'phone-invoice');
  });
});

/** Opens an invoice of the signed-in customer. */
async function openInvoice(page: Page, number: string): Promise<void> {
  await page.goto('/invoices');
  await page.getByRole('link', { name: `Invoice ${number}` }).click();
  await page.getByRole('heading', { name: 'Pay now' }).waitFor();
}

async function receipts(base: string): Promise<string[]> {
  const r = await fetch(`${base}/dev/mailbox.json`);
  const body = (await r.json()) as { messages: { to: string; subject?: string }[] };
  return body.messages.filter((m) => m.to === 'dana@example.com' && m.subject?.startsWith('Receipt')).map((m) => m.subject ?? '');
}

describe('paying', () => {
  it('pays an invoice in full by card and gets a receipt', async () => {
    const { server, page } = await fresh('phone');
    await signIn(page, server.base, 'dana@example.com');
    await openInvoice(page, 'INV-2040');
    expect(await page.getByText('Bank transfer is offered from $500.00.').isVisible()).toBe(true);
    await expectAccessible(page, 'pay now');
    await shot(page, 'phone-pay-now');
    await page.getByRole('button', { name: 'Pay $333.61' }).click();
    await page.getByRole('heading', { name: /Invoice INV-2040/ }).waitFor();
    expect(await page.getByText('Bank debit is not offered for this amount.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Pay with a card that succeeds' }).click();
    await expect.poll(() => page.getByTestId('payment-status').textContent(), { timeout: 10_000 }).toBe('Payment received');
    expect(await page.getByTestId('balance-now').textContent()).toBe('$0.00');
    await shot(page, 'phone-paid');
    await expect.poll(() => receipts(server.base), { timeout: 10_000 }).toEqual(['Receipt: $333.61 paid to Bright Spark Electric']);
    await page.getByRole('link', { name: 'Back to the invoice' }).click();
    await page.getByRole('heading', { name: 'Payments' }).waitFor();
    expect(await page.locator('.estimate-head .status').textContent()).toBe('Paid');
    await page.getByRole('link', { name: 'Payments', exact: true }).click();
    await page.getByRole('heading', { name: 'Pay ahead' }).waitFor();
    expect(await page.getByRole('link', { name: /\$333\.61 · Invoice INV-2040/ }).isVisible()).toBe(true);
    await expectAccessible(page, 'payments');
    await shot(page, 'phone-payments');

    // The receipt's link, opened signed out on another device: the receipt itself, and nothing
    // else of the account.
    const mail = (await (await fetch(`${server.base}/dev/mailbox.json`)).json()) as { messages: { to: string; subject?: string; text: string }[] };
    const receipt = mail.messages.find((m) => m.to === 'dana@example.com' && m.subject?.startsWith('Receipt'));
    const url = /(\/signin\?next=\S+#token=\S+)/.exec(receipt?.text ?? '')?.[1];
    expect(url, receipt?.text).toBeDefined();
    const other = await (await newContext(browser, 'phone', server.base)).newPage();
    await other.goto(url ?? '/');
    await other.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => other.getByTestId('payment-status').textContent(), { timeout: 10_000 }).toBe('Payment received');
    expect(await other.getByRole('link', { name: 'Payments', exact: true }).count()).toBe(0);
    // It is the receipt, not a promise of one: a number for people, what, how much, how.
    expect(await other.getByTestId('receipt-number').textContent()).toMatch(/^R-\d{4}$/);
    expect(await other.locator('main').textContent()).not.toContain('on its way');
    expect(receipt?.text).toContain(`Receipt ${(await other.getByTestId('receipt-number').textContent()) ?? ''}`);
    await other.setViewportSize({ width: 360, height: 740 });
    await expectNoOverflow(other, 'receipt at 360 px');
    await shot(other, 'phone360-receipt');
  });

  it('pays part of an invoice where partial payments are allowed', async () => {
    const { server, page } = await fresh('desktop');
    await signIn(page, server.base, 'dana@example.com');
    await openInvoice(page, 'INV-2036');
    await page.getByRole('radio', { name: /Another amount/ }).check();
    await page.getByLabel('Amount', { exact: true }).fill('20');
    expect(await page.getByRole('button', { name: 'Pay $20.00' }).isDisabled()).toBe(true);
    await page.getByLabel('Amount', { exact: true }).fill('200');
    await page.getByRole('button', { name: 'Pay $200.00' }).click();
    await page.getByRole('button', { name: 'Pay with a card that succeeds' }).click();
    await expect.poll(() => page.getByTestId('payment-status').textContent(), { timeout: 10_000 }).toBe('Payment received');
    expect(await page.getByTestId('balance-now').textContent()).toBe('$3,936.28');
  });

  it('a declined card changes nothing and says so', async () => {
    const { server, page } = await fresh('phone');
    await signIn(page, server.base, 'dana@example.com');
    await openInvoice(page, 'INV-2040');
    await page.getByRole('button', { name: 'Pay $333.61' }).click();
    await page.getByRole('button', { name: 'Pay with a card that is declined' }).click();
    await page.getByText('Your card was declined. Try another card or pay by bank.').waitFor();
    await page.getByRole('link', { name: 'Cancel and go back' }).click();
    await page.getByRole('heading', { name: 'Pay now' }).waitFor();
    expect(await page.getByTestId('balance').textContent()).toBe('$333.61');
    expect(await page.locator('.invoice .cards').getByText('Failed').isVisible()).toBe(true);
    expect(await receipts(server.base)).toEqual([]);
  });

  it('pays the whole balance from the dashboard in one checkout (phone)', async () => {
    const { server, page } = await fresh('phone');
    await signIn(page, server.base, 'dana@example.com');
    await page.goto('/');
    const owed = (await page.locator('.balance-amount').textContent()) ?? '';
    const pay = page.getByRole('button', { name: `Pay balance, ${owed}` });
    await pay.waitFor();
    expect(await page.getByText(/Pays all 3 open invoices in one payment/).isVisible()).toBe(true);
    await expectTapTargets(page, 'dashboard');
    await expectAccessible(page, 'dashboard with pay balance');
    await shot(page, 'phone-pay-balance');
    await pay.click();
    await page.getByRole('heading', { name: /Invoices INV-2036, INV-2040 and INV-2044/ }).waitFor();
    await page.getByRole('button', { name: 'Pay with a card that succeeds' }).click();
    await expect.poll(() => page.getByTestId('payment-status').textContent(), { timeout: 10_000 }).toBe('Payment received');
    expect(await page.getByText('Balance: invoices INV-2036, INV-2040 and INV-2044').isVisible()).toBe(true);
    await expect.poll(() => receipts(server.base), { timeout: 10_000 }).toEqual([`Receipt: ${owed} paid to Bright Spark Electric`]);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Nothing due' }).waitFor();
    expect(await page.getByRole('button', { name: /Pay balance/ }).count()).toBe(0);
    for (const id of ['inv_generator', 'inv_service', 'inv_bathfan']) {
      await page.goto(`/invoices/${id}`);
      await expect.poll(() => page.getByTestId('balance').textContent(), { timeout: 10_000 }).toBe('$0.00');
      expect(await page.getByRole('heading', { name: 'Pay now' }).count()).toBe(0);
    }
  });

  it('a bank debit shows processing, then paid when it settles', async () => {
    const { server, page } = await fresh('desktop');
    await signIn(page, server.base, 'dana@example.com');
    await openInvoice(page, 'INV-2036');
    await page.getByRole('button', { name: 'Pay $4,136.28' }).click();
    await page.getByRole('heading', { name: /Invoice INV-2036/ }).waitFor();
    const checkout = page.url();
    await page.getByRole('button', { name: 'Bank debit: processing, then succeeds' }).click();
    await expect.poll(() => page.getByTestId('payment-status').textContent(), { timeout: 10_000 }).toBe('Payment processing');
    await shot(page, 'desktop-ach-processing');
    expect(await receipts(server.base)).toEqual([]);
    const settled = await fetch(`${checkout}/settle`, { method: 'POST', redirect: 'manual' });
    expect(settled.status).toBe(303);
    await expect.poll(() => page.getByTestId('payment-status').textContent(), { timeout: 15_000 }).toBe('Payment received');
    await expect.poll(() => receipts(server.base), { timeout: 10_000 }).toEqual(['Receipt: $4,136.28 paid to Bright Spark Electric']);
  });
});

describe('small screens and keyboards', () => {
  it('nothing scrolls sideways at 360 px', async () => {
    const server = await startServer();
    servers.push(server);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, baseURL: server.base });
    const page = await context.newPage();
    await signIn(page, server.base, 'dana@example.com');
    for (const path of ['/', '/estimates', '/estimates/est_panel', '/estimates/est_evcharger', '/estimates/est_kitchen', '/invoices', '/invoices/inv_kitchen']) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectNoOverflow(page, path);
    }
    await shot(page, 'phone360-estimate-approved');
  });

  it('every target is at least 44 x 44 px at 360 px, and the decision stays within reach', async () => {
    const server = await startServer();
    servers.push(server);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, baseURL: server.base });
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expectTapTargets(page, '/signin');
    await page.goto(server.estimateLink.replace(server.base, ''));
    await page.getByRole('button', { name: 'Continue' }).waitFor();
    await expectTapTargets(page, 'link landing');
    await signIn(page, server.base, 'dana@example.com');
    for (const path of ['/', '/estimates', '/estimates/est_panel', '/estimates/est_kitchen', '/estimates/est_attic', '/invoices', '/invoices/inv_kitchen', '/invoices/inv_service', '/payments']) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectTapTargets(page, path);
    }
    await page.getByRole('link', { name: /\$/ }).first().click();
    await page.getByTestId('payment-status').waitFor();
    await expectTapTargets(page, 'a receipt');
    // On a long estimate the total and Approve stay at the bottom of the screen.
    await page.goto('/estimates/est_panel');
    await page.getByTestId('bar-total').waitFor();
    const bar = await page.locator('.decision-bar').boundingBox();
    expect(bar && bar.y + bar.height).toBeGreaterThan(700);
    expect(bar && bar.y).toBeGreaterThan(600);
    await page.getByRole('radio', { name: /100 A panel/ }).check();
    await expect.poll(() => page.getByTestId('bar-total').textContent()).toBe(await page.getByTestId('total').textContent());
    await shot(page, 'phone360-decision-bar');
    await page.getByRole('button', { name: 'Approve now' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('signer');
  });

  it('an estimate can be approved with the keyboard alone', async () => {
    const { server, page } = await fresh('desktop');
    await signIn(page, server.base, 'dana@example.com');
    await page.goto('/estimates/est_panel');
    await page.getByRole('radio', { name: /100 A panel/ }).focus();
    await page.keyboard.press('Space');
    expect(await page.getByRole('radio', { name: /100 A panel/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Approve', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Your full name').focus();
    await page.keyboard.type('Dana Whitfield');
    await page.keyboard.press('Tab');
    await page.getByRole('button', { name: 'Sign with my typed name' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('checkbox', { name: /I agree to the terms/ }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: /Approve and sign/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Approved. Thank you!' }).waitFor();
    // The outcome takes focus, so a screen reader announces it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('outcome-title');
    await shot(page, 'desktop-keyboard-approved');
  });

  it('missing fields are named before anything is sent', async () => {
    const { server, page } = await fresh('phone');
    await signIn(page, server.base, 'dana@example.com');
    await page.goto('/estimates/est_panel');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByRole('button', { name: /Approve and sign/ }).click();
    for (const message of ['Type your full name.', 'Sign in the box, or use “Sign with my typed name”.', 'Tick the box to agree to the terms.']) {
      expect(await page.getByText(message).isVisible(), message).toBe(true);
    }
    expect(await page.locator('.estimate-head .status').textContent()).toBe('Waiting for you');
  });
});

describe('email', () => {
  it('every kind of email carries the logo, what it is about and how to reach the business, and reads at phone width', async () => {
    const server = await startServer();
    servers.push(server);
    const json = { 'content-type': 'application/json' };
    const staff = { ...json, authorization: `Bearer ${await staffToken(server.base)}` };
    const post = (path: string, body: unknown, headers: Record<string, string> = staff) =>
      fetch(`${server.base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect((await post('/api/auth/link', { tenant: 'bright-spark', email: 'dana@example.com' }, json)).status).toBe(202);
    expect((await post('/api/admin/customers/acc_whitfield/estimates/est_panel/send', {})).status).toBe(200);
    expect((await post('/api/admin/customers/acc_whitfield/invoices/inv_service/send', {})).status).toBe(200);
    expect((await post('/api/admin/customers/acc_whitfield/contacts/con_dana/invite', {})).status).toBe(200);
    // The invoice email says what is due when it is sent: pay only once it went out.
    await latestToken(server.base, 'dana@example.com', 'Invoice INV-2040');
    expect((await post('/api/admin/customers/acc_whitfield/invoices/inv_service/payments', { amount: 33_361, note: 'Cheque 1042' })).status).toBe(201);
    const kinds: [string, string, string[]][] = [
      ['sign-in', 'sign-in link', []],
      ['estimate', 'Estimate E-1042', ['Main panel upgrade', 'Valid until', 'Home']],
      ['invoice', 'Invoice INV-2040', ['Service call: tripping breaker', 'Due by', '$333.61']],
      ['receipt', 'Receipt', ['R-1', '$333.61', 'cheque or cash']],
      ['invitation', 'Your customer portal', []],
    ];
    type Mail = { to: string; subject?: string; text: string; html?: string };
    const page = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    for (const [kind, subject, facts] of kinds) {
      let mail: Mail | undefined;
      await expect
        .poll(async () => {
          const r = (await (await fetch(`${server.base}/dev/mailbox.json`)).json()) as { messages: Mail[] };
          mail = r.messages.find((m) => m.to === 'dana@example.com' && (m.subject ?? '').includes(subject));
          return mail !== undefined;
        }, { timeout: 10_000 })
        .toBe(true);
      const m = mail as Mail;
      for (const part of [m.text, m.html ?? '']) {
        for (const must of ['Bright Spark Electric', '(512) 555-0100', 'office@brightspark.example', '1200 Congress Avenue', ...facts]) {
          expect(part, `${kind}: ${must}`).toContain(must);
        }
      }
      expect(m.html, `${kind}: the logo`).toContain('/brand/bright-spark.svg');
      await page.setContent(m.html ?? '');
      await expectNoOverflow(page, `${kind} email at 360 px`);
      await shot(page, `email-${kind}`);
    }
  });
});
