// Photos end to end, on phones at 360 px: a customer attaches two photos to a job (one from a
// phone with GPS in its EXIF) and sees the thumbnails appear, opens the lightbox and pages it
// with the keyboard and a swipe; the technician adds a before and an after photo to the visit;
// the office marks one of the customer's photos internal and the customer no longer sees it.
// Also measured: a 6 MB photo sent on a throttled mobile connection.
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

/** What the GPS tag carries, to look for in what the portal serves. */
const GPS_MARK = 'GPSMARK-30.2672N';

/** A JPEG drawn in the page's canvas (`w` x `h`, `quality`), as bytes. */
async function drawnJpeg(page: Page, w: number, h: number, hue: number, quality = 0.9): Promise<Buffer> {
  const bytes = await page.evaluate(
    async ([w, h, hue, quality]) => {
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const g = c.getContext('2d');
      if (!g) throw new Error('no canvas');
      for (let y = 0; y < h; y += 8) {
        g.fillStyle = `hsl(${hue + (y / h) * 40}, 60%, ${35 + (y / h) * 30}%)`;
        g.fillRect(0, y, w, 8);
      }
      // Noise, so a big photo is as big as a camera's.
      const img = g.getImageData(0, 0, w, h);
      for (let i = 0; i < img.data.length; i += 4) img.data[i] = (img.data[i] ?? 0) ^ ((i * 2654435761) >>> 27);
      g.putImageData(img, 0, 0);
      const blob = await new Promise<Blob | null>((r) => c.toBlob(r, 'image/jpeg', quality));
      if (!blob) throw new Error('no JPEG');
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    },
    [w, h, hue, quality] as const,
  );
  return Buffer.from(bytes);
}

/**
 * The JPEG with an APP1 Exif segment as a phone writes one: a GPS IFD with the latitude and a
 * processing method holding GPS_MARK (big-endian TIFF, written here byte by byte).
 */
function withGps(jpeg: Buffer): Buffer {
  const mark = Buffer.from(GPS_MARK, 'ascii');
  const tiff = Buffer.alloc(92 + mark.length);
  tiff.write('MM', 0, 'ascii');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  // IFD0: one entry, the GPS IFD's offset.
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x8825, 10);
  tiff.writeUInt16BE(4, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt32BE(26, 18);
  tiff.writeUInt32BE(0, 22);
  // GPS IFD at 26: latitude ref, latitude (3 rationals at 68), processing method (at 92).
  tiff.writeUInt16BE(3, 26);
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    tiff.writeUInt16BE(tag, at);
    tiff.writeUInt16BE(type, at + 2);
    tiff.writeUInt32BE(count, at + 4);
    tiff.writeUInt32BE(value, at + 8);
  };
  entry(28, 0x0001, 2, 2, 0x4e000000);
  entry(40, 0x0002, 5, 3, 68);
  entry(52, 0x001b, 7, mark.length, 92);
  tiff.writeUInt32BE(0, 64);
  [30, 1, 16, 1, 2, 1].forEach((n, i) => tiff.writeUInt32BE(n, 68 + i * 4));
  mark.copy(tiff, 92);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), app1, payload, jpeg.subarray(2)]);
}

async function bytesOf(url: string): Promise<Buffer> {
  return Buffer.from(await (await fetch(url)).arrayBuffer());
}

async function to360(page: Page): Promise<void> {
  await page.setViewportSize({ width: 360, height: 780 });
}

describe('photos and documents', () => {
  it('a customer, a technician and the office share the job photos, on phones', async () => {
    const server = await startServer();
    servers.push(server);
    const base = server.base;
    const page = await (await newContext(browser, 'phone', base)).newPage();
    await to360(page);
    await signIn(page, base, 'dana@example.com');

    // Dana adds two photos to the bathroom-fan job: one straight from a phone, with GPS.
    await page.goto('/jobs/job_bathfan');
    await page.getByRole('heading', { name: 'Photos' }).waitFor();
    const phone = withGps(await drawnJpeg(page, 1600, 1200, 20));
    expect(phone.includes(GPS_MARK)).toBe(true);
    const second = await drawnJpeg(page, 1200, 1600, 200);
    await page.getByTestId('photo-input').setInputFiles([
      { name: 'IMG_4821.JPG', mimeType: 'image/jpeg', buffer: phone },
      { name: 'IMG_4822.JPG', mimeType: 'image/jpeg', buffer: second },
    ]);
    const gallery = page.getByRole('group', { name: /Photos of/ });
    await expect.poll(() => gallery.locator('img').count(), { timeout: 20_000 }).toBe(2);
    await expect.poll(() => page.locator('.upload-done').count()).toBe(2);
    // Thumbnails with their size, loaded lazily; nothing of the GPS in what is served.
    for (const img of await gallery.locator('img').all()) {
      expect(await img.getAttribute('loading')).toBe('lazy');
      expect(Number(await img.getAttribute('width'))).toBeGreaterThan(0);
      expect(Number(await img.getAttribute('height'))).toBeGreaterThan(0);
      const served = await bytesOf(new URL((await img.getAttribute('src')) ?? '', base).toString());
      expect(served.includes(GPS_MARK)).toBe(false);
      expect(served.includes('Exif')).toBe(false);
    }
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('Photo added');
    await expectNoOverflow(page, 'job with photos');
    await expectTapTargets(page, 'job with photos');
    await expectAccessible(page, 'job with photos');
    await shot(page, 'photos-01-job-gallery');

    // An iPhone HEIC photo Chromium cannot draw: refused at once in plain words, no slot asked
    // for, nothing to try again.
    const slots: string[] = [];
    const listen = (r: { url(): string; method(): string }) => {
      if (r.method() === 'POST' && r.url().includes('/uploads')) slots.push(r.url());
    };
    page.on('request', listen);
    const heic = Buffer.concat([Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(4096)]);
    await page.getByTestId('photo-input').setInputFiles([{ name: 'IMG_4823.HEIC', mimeType: 'image/heic', buffer: heic }]);
    const refused = page.locator('.upload-failed');
    await expect.poll(() => refused.textContent()).toContain('iPhone HEIC photo');
    expect(await refused.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect(slots).toEqual([]);
    page.off('request', listen);
    expect(await gallery.locator('img').count()).toBe(2);
    await shot(page, 'photos-01b-heic-refused');

    // The lightbox: opens on the first, → and a swipe page through, Esc closes.
    await gallery.getByRole('button', { name: /Open photo/ }).first().click();
    const box = page.getByRole('dialog');
    await box.waitFor();
    expect(await box.textContent()).toContain('1 of 2');
    const full = await box.locator('img').getAttribute('src');
    expect(full).toContain('display.jpg');
    expect((await bytesOf(new URL(full ?? '', base).toString())).includes(GPS_MARK)).toBe(false);
    await page.keyboard.press('ArrowRight');
    expect(await box.textContent()).toContain('2 of 2');
    await shot(page, 'photos-02-lightbox');
    await expectTapTargets(page, 'lightbox');
    const area = await box.boundingBox();
    if (!area) throw new Error('no lightbox');
    await page.mouse.move(area.x + area.width * 0.8, area.y + area.height / 2);
    await page.mouse.down();
    await page.mouse.move(area.x + area.width * 0.2, area.y + area.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(await box.textContent()).toContain('1 of 2');
    // Focus stays inside the dialog: Tab past its last button returns to Close, Shift+Tab back.
    const inDialog = () => page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null);
    for (let n = 0; n < 5; n++) {
      await page.keyboard.press('Tab');
      expect(await inDialog()).toBe(true);
    }
    await box.getByRole('button', { name: 'Close' }).focus();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Next photo');
    await page.keyboard.press('Escape');
    expect(await page.getByRole('dialog').count()).toBe(0);

    // The Pictures page groups them under the job.
    await page.goto('/pictures');
    await page.getByRole('heading', { name: 'Pictures', level: 1 }).waitFor();
    const group = page.locator('section.photo-group', { hasText: 'Bathroom' });
    await expect.poll(() => group.locator('img').count()).toBe(2);
    // The kitchen job shows Casey's before and after side by side (the panel photo is internal).
    const kitchen = page.locator('section.photo-group', { hasText: 'Kitchen' });
    await kitchen.locator('.before-after').waitFor();
    expect(await kitchen.locator('img').count()).toBe(2);
    await expectNoOverflow(page, 'pictures');
    await expectAccessible(page, 'pictures');
    await shot(page, 'photos-03-pictures');

    // A signed address that stops working early (S3 refuses it once the credentials that
    // signed it expire): the page asks again for fresh addresses, once, without a reload.
    let asked = 0;
    const count = (r: { url(): string }) => {
      if (new URL(r.url()).pathname === '/api/photos') asked++;
    };
    page.on('request', count);
    let failedOnce = false;
    await page.route(/thumb\.jpg/, async (route) => {
      if (failedOnce) return route.continue();
      failedOnce = true;
      await route.fulfill({ status: 403, body: '' });
    });
    await page.reload();
    await expect.poll(() => asked, { timeout: 10_000 }).toBe(2);
    expect(failedOnce).toBe(true);
    await page.unroute(/thumb\.jpg/);
    page.off('request', count);

    // The property's documents: the permit, a download.
    await page.goto('/properties/prp_maple/documents');
    const permit = page.getByRole('link', { name: 'Electrical permit 2026-0418.pdf' });
    await permit.waitFor();
    expect(await permit.getAttribute('download')).toBe('Electrical permit 2026-0418.pdf');
    const served = await fetch(new URL((await permit.getAttribute('href')) ?? '', base));
    expect(served.headers.get('content-disposition')).toBe('attachment; filename="Electrical permit 2026-0418.pdf"');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    await expectTapTargets(page, 'documents');
    await shot(page, 'photos-04-documents');

    // Casey, on his phone, adds a before and an after photo to the visit.
    const tech = await (await newContext(browser, 'phone', base)).newPage();
    await to360(tech);
    await staffSignIn(tech, base, 'casey@brightspark.example', 'My visits');
    const visit = tech.getByTestId('tech-visit').filter({ hasText: 'Bathroom' });
    await visit.waitFor();
    await visit.getByText('Photos', { exact: true }).click();
    for (const [tag, hue] of [
      ['Before', 40],
      ['After', 120],
    ] as const) {
      await visit.getByRole('radio', { name: tag }).check();
      await visit.getByTestId('photo-input').setInputFiles([{ name: `${tag}.jpg`, mimeType: 'image/jpeg', buffer: await drawnJpeg(tech, 1000, 750, hue) }]);
      await expect.poll(() => visit.locator('.tag', { hasText: tag }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    }
    await visit.locator('.before-after').waitFor();
    await expectNoOverflow(tech, 'technician photos');
    await expectTapTargets(tech, 'technician photos');
    await shot(tech, 'photos-05-technician');

    // The office marks Dana's second photo internal: she no longer sees it.
    const office = await (await newContext(browser, 'desktop', base)).newPage();
    await staffSignIn(office, base);
    await office.goto('/admin/jobs/acc_whitfield/job_bathfan');
    await office.getByRole('heading', { name: 'Photos and documents' }).waitFor();
    // Dana's photos carry no tag; Casey's say Before and After.
    const hers = office.locator('.gallery li').filter({ hasNotText: 'Before' }).filter({ hasNotText: 'After' });
    await expect.poll(() => hers.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await hers.last().getByRole('button', { name: 'Make internal' }).click();
    await hers.last().getByText('Internal').waitFor();
    await shot(office, 'photos-06-office');
    await page.goto('/jobs/job_bathfan');
    const after = page.getByRole('group', { name: /Photos of/ });
    await after.waitFor();
    // Dana's two less the internal one, plus Casey's before and after.
    await expect.poll(() => after.locator('img').count()).toBe(3);
    expect(await page.locator('.tag-internal').count()).toBe(0);
  });

  it('measures a 6 MB photo sent on a throttled mobile connection', async () => {
    const server = await startServer();
    servers.push(server);
    const base = server.base;
    const context = await newContext(browser, 'phone', base);
    const page = await context.newPage();
    await signIn(page, base, 'dana@example.com');
    await page.goto('/jobs/job_bathfan');
    await page.getByRole('heading', { name: 'Photos' }).waitFor();
    // 4032 x 3024 at high quality with noise: about the size of a 12 MP phone photo.
    const big = await drawnJpeg(page, 4032, 3024, 10, 0.99);
    // A mobile connection as DevTools' "Fast 4G" profile has it: 9 Mbit/s down, 1.5 Mbit/s up,
    // 150 ms of latency.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (9 * 1024 * 1024) / 8, uploadThroughput: (1.5 * 1024 * 1024) / 8 });
    // As the portal sends it: made smaller in the browser first.
    let started = Date.now();
    await page.getByTestId('photo-input').setInputFiles([{ name: 'IMG_12MP.JPG', mimeType: 'image/jpeg', buffer: big }]);
    const row = page.locator('.upload-done');
    await row.waitFor({ timeout: 120_000 });
    const shrunk = { seconds: (Date.now() - started) / 1000, bytes: Number(await row.getAttribute('data-bytes')) };
    // The same photo sent as it is, through a slot of its own, on the same connection.
    const token = await page.evaluate(async () => {
      const r = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' });
      return ((await r.json()) as { access_token: string }).access_token;
    });
    started = Date.now();
    const raw = await page.evaluate(
      async ([token, bytes]) => {
        const body = { to: { to: 'job', job: 'job_bathfan' }, kind: 'photo', content_type: 'image/jpeg', size: bytes.length, name: 'raw.jpg' };
        const slot = (await (await fetch('/api/uploads', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })).json()) as {
          url: string;
          headers: [string, string][];
        };
        const r = await fetch(slot.url, { method: 'PUT', headers: Object.fromEntries(slot.headers), body: new Uint8Array(bytes) });
        return r.status;
      },
      [token, Array.from(big)] as const,
    );
    const asIs = (Date.now() - started) / 1000;
    expect(raw).toBe(200);
    console.log(
      `A ${(big.length / 1e6).toFixed(1)} MB 12 MP photo on a 1.5 Mbit/s uplink (150 ms): sent as it is ${asIs.toFixed(1)} s; ` +
        `made smaller in the browser first ${(shrunk.bytes / 1e6).toFixed(2)} MB, ${shrunk.seconds.toFixed(1)} s from choosing it to seeing it added`,
    );
    expect(shrunk.bytes).toBeLessThan(big.length / 3);
    expect(big.length).toBeGreaterThan(3_500_000);
  }, 180_000);
});
