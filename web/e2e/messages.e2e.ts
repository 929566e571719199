// Messages end to end: the customer, on a phone at 360 px, writes on a job's thread (markup
// and a link in it); the office, on a desktop, sees it unread in the inbox and answers; the
// customer's email arrives once the answer is gathered (two minutes on the server's clock),
// and the customer sees the answer on the job page. Markup stays text everywhere. She answers
// the email from the local mailbox's Reply box (a real MIME reply through inbound-email): her
// reply lands in the thread without the quoted original; a reply from someone else waits
// under Held emails, where the office sets it aside.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Server, advanceClock, expectAccessible, expectNoOverflow, expectTapTargets, launch, newContext, shot, signIn, staffSignIn, startServer } from './harness';

let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  servers.forEach((s) => s.stop());
});

interface Mail {
  to: string;
  subject?: string;
  text: string;
  html?: string;
}

describe('messages', () => {
  it('a customer asks on a job, the office answers from the inbox, the customer reads it', async () => {
    const server = await startServer();
    servers.push(server);
    const base = server.base;
    const phone = await (await newContext(browser, 'phone', base)).newPage();
    await phone.setViewportSize({ width: 360, height: 780 });
    await signIn(phone, base, 'dana@example.com');

    // On the job page: the thread, with Dana's earlier question, and the composer.
    await phone.goto('/jobs/job_bathfan');
    await phone.getByRole('heading', { name: 'Messages with the office' }).waitFor();
    await phone.getByText('Can the technician park in the driveway?').waitFor();
    await phone.getByLabel('Your message').fill('Is <b>this</b> the fan? See https://example.com/fan.');
    await phone.getByRole('button', { name: 'Send' }).click();
    await phone.getByText('Sent. The office will see it now.').waitFor();
    const mine = phone.locator('.message.mine').last();
    expect(await mine.locator('.text').textContent()).toBe('Is <b>this</b> the fan? See https://example.com/fan.');
    expect(await mine.locator('b').count()).toBe(0);
    const link = mine.getByRole('link', { name: 'https://example.com/fan' });
    expect(await link.getAttribute('rel')).toContain('noopener');
    await expectNoOverflow(phone, 'job thread');
    await expectTapTargets(phone, 'job thread');
    await expectAccessible(phone, 'job thread');
    await shot(phone, 'messages-01-job-thread');

    // The Messages page lists the threads, the general one included.
    await phone.goto('/messages');
    await phone.getByRole('heading', { name: 'Messages', level: 1 }).waitFor();
    await phone.getByRole('link', { name: 'Questions for the office' }).waitFor();
    await expectNoOverflow(phone, 'messages');
    await expectAccessible(phone, 'messages');
    await shot(phone, 'messages-02-list');

    // The office, on a desktop: the inbox shows the thread unread, first; the answer.
    const desk = await (await newContext(browser, 'desktop', base)).newPage();
    await staffSignIn(desk, base);
    await expect.poll(() => desk.getByRole('link', { name: /Inbox/ }).textContent()).toMatch(/Inbox\s*\d/);
    await desk.getByRole('link', { name: /Inbox/ }).click();
    await desk.getByRole('heading', { name: 'Inbox' }).waitFor();
    const row = desk.locator('tr.unread', { hasText: 'Bathroom' });
    await row.waitFor();
    await row.getByRole('link').click();
    await desk.getByText('Is <b>this</b> the fan?').waitFor();
    await shot(desk, 'messages-03-inbox-thread');
    await desk.getByLabel('Your message').fill('Yes, that is the one. Casey brings a spare.');
    await desk.getByRole('button', { name: 'Send' }).click();
    await desk.getByText('Sent. The customer will see it now.').waitFor();
    await desk.getByRole('button', { name: 'Close' }).click();
    await desk.getByRole('button', { name: 'Reopen' }).waitFor();
    await expectAccessible(desk, 'inbox thread');

    // The answer's email goes once gathered: two minutes later on the server's clock.
    await advanceClock(base, 150);
    let mail: Mail | undefined;
    for (let i = 0; i < 60 && !mail; i++) {
      const box = (await (await fetch(`${base}/dev/mailbox.json`)).json()) as { messages: Mail[] };
      mail = box.messages.find((m) => m.to === 'dana@example.com' && m.text.includes('Casey brings a spare'));
      if (!mail) await new Promise((ok) => setTimeout(ok, 250));
    }
    expect(mail, 'the answer is emailed to Dana').toBeDefined();
    expect(mail?.text).toContain('/messages/job_bathfan');

    // Dana sees it on the job page, as text.
    await phone.goto('/jobs/job_bathfan');
    await phone.getByText('Yes, that is the one. Casey brings a spare.').waitFor();
    await expect.poll(() => phone.getByTestId('timeline').textContent()).toContain('Message from the office');
    await shot(phone, 'messages-04-answer');

    // She answers the email itself, from the mailbox page's Reply box, on the phone.
    await phone.goto(`${base}/dev/mailbox`);
    const notice = phone.locator('article', { hasText: 'Casey brings a spare' }).first();
    const id = (await notice.getAttribute('id'))?.slice(1) ?? '';
    await notice.getByLabel(/Reply as dana@example.com/).fill('Great, thank you!\nThe side door is open.');
    await notice.getByRole('button', { name: 'Send reply' }).click();
    await phone.getByText('Your reply was received and posted to the thread.').waitFor();
    await phone.goto('/jobs/job_bathfan');
    await phone.getByText('The side door is open.', { exact: false }).waitFor();
    expect(await phone.locator('.message.mine').last().textContent()).not.toContain('wrote:');

    // Someone else answers the same email: held, not posted; the office sets it aside.
    const held = await fetch(`${base}/dev/mailbox/${id}/reply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Can you do my panel too?', from: 'neighbour@example.net' }),
    });
    expect(((await held.json()) as { outcome: string }).outcome).toBe('held:other_sender');
    await desk.goto('/admin/inbox');
    await desk.getByRole('button', { name: 'Held emails' }).click();
    const card = desk.locator('article.held', { hasText: 'Can you do my panel too?' });
    await card.getByText('Sent by someone other than the person we wrote to').waitFor();
    await expectAccessible(desk, 'held emails');
    await shot(desk, 'messages-05-held');
    await card.getByRole('button', { name: 'Set aside' }).click();
    await desk.getByText('Set aside. It is no longer in this list.').waitFor();
  });
});
