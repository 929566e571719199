// Rate us end to end, on a phone: a job completed, its review request in the mailbox, one tap
// to a 1-star rating that is offered the business's public review pages exactly as a 5-star
// one is (no review gating), changed to 2 stars with a comment; the office sees the follow-up,
// answers in the job's thread and closes it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Server, expectAccessible, expectNoOverflow, expectTapTargets, latestToken, launch, newContext, shot, staffSignIn, staffToken, startServer } from './harness';

let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  servers.forEach((s) => s.stop());
});

/** The public review links the page offers, as (site, address) pairs. */
async function publicLinks(page: Page): Promise<string[]> {
  const box = page.locator('section', { has: page.getByRole('heading', { name: 'Would you share it publicly?' }) });
  await box.waitFor();
  return box.getByRole('link').evaluateAll((as) => as.map((a) => `${a.textContent?.trim()} ${(a as HTMLAnchorElement).href}`));
}

async function pickStars(page: Page, n: number): Promise<void> {
  await page.getByRole('radio', { name: new RegExp(`^${n} stars?:`) }).click();
}

describe('rate us', () => {
  it('a review request leads to a rating, the same public links for every score, and the office follows up', async () => {
    const server = await startServer();
    servers.push(server);
    const base = server.base;
    // The office is signed in on a desktop (before the API token below takes a newer link).
    const desk = await (await newContext(browser, 'desktop', base)).newPage();
    await staffSignIn(desk, base);
    // The owner completes the bathroom fan job (arrived, finished): the customer hears of it
    // and is asked, once, to rate it.
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await staffToken(base)}` };
    const visit = `${base}/api/admin/customers/acc_whitfield/jobs/job_bathfan/visits/vis_bathfan`;
    expect((await fetch(`${visit}/arrive`, { method: 'POST', headers })).status).toBe(200);
    const finish = await fetch(`${visit}/finish`, { method: 'POST', headers, body: JSON.stringify({ notes: 'New fan, ducted outside.', complete_job: true }) });
    expect(finish.status).toBe(200);
    const token = await latestToken(base, 'dana@example.com', 'How did we do?');

    const page = await (await newContext(browser, 'phone', base)).newPage();
    await page.goto(`/signin#token=${token}`);
    await expect.poll(() => page.getByTestId('link-opens').textContent()).toContain('Rate Bathroom exhaust fan');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'How did we do?' }).waitFor();
    expect(page.url()).toContain('/rate/job_bathfan');
    await expectNoOverflow(page, 'rate');
    await expectTapTargets(page, 'rate');
    await expectAccessible(page, 'rate');
    await shot(page, 'ratings-01-rate');

    // One star first: thanked, and offered the public review pages.
    await pickStars(page, 1);
    await page.getByRole('button', { name: 'Send my rating' }).click();
    await page.getByText('Thank you. Your rating went to Bright Spark Electric').waitFor();
    const afterOne = await publicLinks(page);
    expect(afterOne.length).toBe(2);
    expect(afterOne[0]).toContain('Review on Google');
    await shot(page, 'ratings-02-one-star-links');
    // Five stars: exactly the same offer.
    await page.getByRole('button', { name: 'Change my rating' }).click();
    await pickStars(page, 5);
    await page.getByRole('button', { name: 'Save my rating' }).click();
    await page.getByText('Thank you.').waitFor();
    expect(await publicLinks(page)).toEqual(afterOne);
    // Then two stars, about Casey, with what went wrong.
    await page.getByRole('button', { name: 'Change my rating' }).click();
    await pickStars(page, 2);
    await page.getByLabel('Casey').check();
    await page.getByLabel('Anything to add? (optional)').fill('The fan works, but the hallway was left dusty.');
    await page.getByRole('button', { name: 'Save my rating' }).click();
    await page.getByText('Thank you.').waitFor();
    expect(await publicLinks(page)).toEqual(afterOne);
    expect(await page.locator('.rate').textContent()).toContain('about Casey');
    await expectAccessible(page, 'rated');
    await shot(page, 'ratings-03-rated');
    // The link opens this job's rating only.
    await page.goto('/jobs');
    await page.getByRole('heading', { name: 'This link opens one document' }).waitFor();

    // The office: the follow-up with the comment, answered in the job's thread, then closed.
    await desk.getByRole('link', { name: 'Ratings' }).click();
    const card = desk.getByTestId('rating').filter({ hasText: 'Bathroom exhaust fan' });
    await card.waitFor();
    expect(await card.textContent()).toContain('the hallway was left dusty');
    expect(await card.getByRole('img', { name: '2 stars' }).count()).toBe(1);
    await expect.poll(() => desk.getByRole('region', { name: 'Figures' }).textContent()).toContain('1 open');
    expect(await desk.getByRole('region', { name: 'Figures' }).textContent()).toContain('Review requests answered: 1 of');
    await expectAccessible(desk, 'ratings');
    await shot(desk, 'ratings-04-office');
    await card.getByRole('link', { name: "Answer in the job's thread" }).click();
    await desk.getByLabel('Your message').fill('Sorry about the dust, Dana. We come back to clean on Friday at 9.');
    await desk.getByRole('button', { name: 'Send' }).click();
    await desk.getByText('We come back to clean on Friday').waitFor();
    await desk.goBack();
    const again = desk.getByTestId('rating').filter({ hasText: 'Bathroom exhaust fan' });
    await again.getByLabel('What the office did').fill('Apologised in the thread; cleaning booked Friday.');
    await again.getByRole('button', { name: 'Close the follow-up' }).click();
    await expect.poll(() => again.textContent()).toContain('Follow-up closed');
    // Open follow-ups: none left after a reload.
    await desk.reload();
    await desk.getByText('No follow-up is open.').waitFor();
    // The office's alert reached the notification address.
    const box = (await (await fetch(`${base}/dev/mailbox.json`)).json()) as { messages: { to: string; subject?: string }[] };
    expect(box.messages.some((m) => m.to === 'office@brightspark.example' && (m.subject ?? '').includes('1 star from'))).toBe(true);
  });
});
