// Lighthouse (mobile profile) on the dashboard and an estimate page, signed in, against the
// local server on loopback, in Debian's Chromium (CHROME_PATH). Budget (DESIGN.md §9):
// performance, accessibility and best practices >= 95.
//
// Usage: node scripts/lighthouse.mjs <base-url>   (the server must be running with demo data)
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { chromium } from 'playwright-core';

const base = process.argv[2];
if (!base) throw new Error('usage: lighthouse.mjs <base-url>');
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  // Sign in once in this browser; Lighthouse keeps its cookies (disableStorageReset).
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
  const page = browser.contexts()[0].pages()[0] ?? (await browser.contexts()[0].newPage());
  await fetch(`${base}/api/auth/link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'bright-spark', email: 'dana@example.com' }) });
  // The outbox sender delivers the link (the local server runs it every second).
  let token;
  for (let i = 0; i < 100 && !token; i++) {
    const mail = await (await fetch(`${base}/dev/mailbox.json`)).json();
    token = /token=(\S+)/.exec(mail.messages.find((m) => m.to === 'dana@example.com')?.text ?? '')?.[1];
    if (!token) await new Promise((ok) => setTimeout(ok, 100));
  }
  await page.goto(`${base}/signin#token=${token}`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: /Hello/ }).waitFor();

  const rows = [];
  let failed = false;
  for (const [name, path] of [['dashboard', '/'], ['estimate', '/estimates/est_panel']]) {
    const result = await lighthouse(`${base}${path}`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      disableStorageReset: true,
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
      formFactor: 'mobile',
      screenEmulation: { mobile: true, width: 412, height: 823, deviceScaleFactor: 1.75, disabled: false },
    });
    const c = result.lhr.categories;
    const scores = ['performance', 'accessibility', 'best-practices'].map((k) => Math.round((c[k]?.score ?? 0) * 100));
    const ok = scores.every((s) => s >= 95);
    failed ||= !ok;
    const lcp = result.lhr.audits['largest-contentful-paint']?.displayValue ?? '';
    rows.push(`| ${name} | ${scores[0]} | ${scores[1]} | ${scores[2]} | ${lcp} | ${ok ? 'ok' : 'OVER'} |`);
    for (const [k, audit] of Object.entries(result.lhr.audits)) {
      if (audit.score !== null && audit.score < 0.9 && audit.scoreDisplayMode !== 'informative' && audit.scoreDisplayMode !== 'notApplicable') {
        console.error(`  ${name}: ${k} ${audit.score} ${audit.displayValue ?? ''}`);
      }
    }
  }
  console.log('| page | performance | accessibility | best practices | LCP | budget >= 95 |');
  console.log('|---|---|---|---|---|---|');
  rows.forEach((r) => console.log(r));
  await browser.close();
  process.exitCode = failed ? 1 : 0;
} finally {
  await chrome.kill();
}
