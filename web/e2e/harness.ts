// Starts the local server (the debug build of portal-local, serving web/dist) on a free
// loopback port with its own data directory, and Debian's Chromium through playwright-core.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { type Browser, type BrowserContext, type Page, chromium, devices } from 'playwright-core';
import { expect } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../..');
export const artifacts = join(repo, 'artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => ok(port));
    });
  });
}

export interface Server {
  base: string;
  /** The demo estimate link the server printed (as an estimate email would carry it). */
  estimateLink: string;
  stop: () => void;
  process: ChildProcess;
}

/** A fresh portal with the demo data. */
export async function startServer(): Promise<Server> {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const binary = join(process.env.CARGO_TARGET_DIR ?? join(repo, 'target'), 'debug', 'portal-local');
  const child = spawn(binary, [], {
    env: { ...process.env, PORT: String(port), DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-e2e-')), WEB_DIR: join(repo, 'web', 'dist'), RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let printed = '';
  const estimateLink = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('portal-local did not start in 20 s (is it built? make test builds it)')), 20_000);
    child.on('exit', (code) => fail(new Error(`portal-local exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const link = /estimate link[^:]*: (\S+)/.exec(printed)?.[1];
      if (link) {
        clearTimeout(timer);
        ok(link);
      }
    });
  });
  return { base, estimateLink, process: child, stop: () => child.kill() };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export type Size = 'phone' | 'tablet' | 'desktop';

export function newContext(browser: Browser, size: Size, base: string): Promise<BrowserContext> {
  const phone = devices['Pixel 7'];
  // axe is injected as an inline script, which the portal's CSP rightly forbids; the CSP header
  // itself is checked by its own test.
  if (size === 'phone') return browser.newContext({ ...phone, viewport: { width: 390, height: 844 }, baseURL: base, bypassCSP: true });
  // A 10-inch tablet held upright, touch on.
  if (size === 'tablet') return browser.newContext({ viewport: { width: 800, height: 1280 }, hasTouch: true, isMobile: true, baseURL: base, bypassCSP: true });
  return browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: base, bypassCSP: true });
}

/** Fails when the page scrolls sideways (content wider than the screen). */
export async function expectNoOverflow(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${what} overflows by ${overflow}px`).toBeLessThanOrEqual(0);
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** axe-core on the page: no serious or critical violations. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const source = readFileSync(join(repo, 'web', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  expect(violations, `${label}: accessibility`).toEqual([]);
}

interface Mail {
  kind: string;
  to: string;
  subject?: string;
  text: string;
}

/**
 * The token of the newest link sent to an address, read from the local mailbox (waiting for the
 * outbox sender, which delivers links, to send it); `not` skips a token already seen.
 */
export async function latestToken(base: string, to: string, about?: string, not?: string, tries = 50): Promise<string> {
  for (let i = 0; i < tries; i++) {
    const r = (await (await fetch(`${base}/dev/mailbox.json`)).json()) as { messages: Mail[] };
    const m = r.messages.find((x) => x.to === to && (!about || (x.subject ?? '').includes(about)) && x.text.includes('token='));
    const token = m ? /token=(\S+)/.exec(m.text)?.[1] : undefined;
    if (token && token !== not) return token;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`no link for ${to} in the mailbox`);
}

/** Moves the local server's clock forward (local mode only). */
export async function advanceClock(base: string, seconds: number): Promise<void> {
  const r = await fetch(`${base}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_seconds: seconds }) });
  expect(r.status).toBe(200);
}

/** Requests a link in the browser, reads it from the mailbox, continues: a signed-in page. */
export async function signIn(page: Page, base: string, email: string): Promise<void> {
  const before = await latestToken(base, email, 'sign-in link', undefined, 1).catch(() => undefined);
  await page.goto('/signin');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
  await expect.poll(() => page.getByRole('heading', { name: 'Check your email' }).isVisible()).toBe(true);
  // The sign-in email itself: the outbox sender delivers it within a second, and a document
  // email sent earlier may still be the newest until then.
  const token = await latestToken(base, email, 'sign-in link', before);
  await page.goto(`/signin#token=${token}`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: /Hello/ }).waitFor();
}

/** Signs in to the admin page as a staff member, through the emailed link, until `heading` shows. */
export async function staffSignIn(page: Page, base: string, email = 'morgan@brightspark.example', heading = 'Customers'): Promise<void> {
  await page.goto('/admin/signin');
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('status').waitFor();
  const token = await latestToken(base, email, 'sign-in link');
  await page.goto(`/admin/signin#token=${token}`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: heading }).waitFor();
}

/** Draws a signature stroke on the pad with the mouse (or a finger on the phone profile). */
export async function drawSignature(page: Page): Promise<void> {
  const pad = page.locator('canvas.signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('no signature pad');
  await page.mouse.move(box.x + 20, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) {
    await page.mouse.move(box.x + 20 + i * 18, box.y + box.height * (0.6 - 0.25 * Math.sin(i / 2)));
  }
  await page.mouse.up();
}

/** A staff access token for the demo owner, through the API as the admin page gets one. */
export async function staffToken(base: string): Promise<string> {
  const json = { 'content-type': 'application/json' };
  const email = 'morgan@brightspark.example';
  const before = await latestToken(base, email, 'sign-in link', undefined, 1).catch(() => undefined);
  await fetch(`${base}/api/auth/link`, { method: 'POST', headers: json, body: JSON.stringify({ tenant: 'bright-spark', email, audience: 'admin' }) });
  const token = await latestToken(base, email, 'sign-in link', before);
  const r = await fetch(`${base}/api/auth/session`, { method: 'POST', headers: json, body: JSON.stringify({ token }) });
  return ((await r.json()) as { access_token: string }).access_token;
}

/** Changes the contractor's settings as the owner would (`patch` over what is there). */
export async function changeSettings(base: string, patch: Record<string, unknown>): Promise<void> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await staffToken(base)}` };
  const now = (await (await fetch(`${base}/api/admin/settings`, { headers })).json()) as Record<string, unknown>;
  const r = await fetch(`${base}/api/admin/settings`, { method: 'PUT', headers, body: JSON.stringify({ ...now, ...patch }) });
  expect(r.status).toBe(200);
}

/**
 * Every interactive target on the page is at least 44 x 44 px: a radio or checkbox counts with
 * its label (tapping the label works), a card-wide link with its card. Lists what is smaller.
 */
export async function expectTapTargets(page: Page, where: string): Promise<void> {
  const small = await page.evaluate(() => {
    const out: string[] = [];
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      if (el.closest('.skip, .visually-hidden')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      let r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const label = el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox') ? el.closest('label') : null;
      if (label) r = label.getBoundingClientRect();
      if (el.tagName === 'A' && getComputedStyle(el, '::after').position === 'absolute') {
        const card = el.closest('.card');
        if (card) r = card.getBoundingClientRect();
      }
      if (r.width < 43.5 || r.height < 43.5) {
        const name = (el.getAttribute('aria-label') ?? el.textContent ?? (el as HTMLInputElement).name ?? '').trim().slice(0, 40);
        out.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}x${Math.round(r.height)}`);
      }
    }
    return out;
  });
  expect(small, `${where}: targets under 44 x 44 px`).toEqual([]);
}
