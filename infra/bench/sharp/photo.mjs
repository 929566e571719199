// make bench only: what process-upload does to a photo, done by sharp (libvips): upright
// (EXIF orientation applied), a 2048 px display rendition at quality 82 and a 400 px
// thumbnail from it at quality 78, metadata dropped (sharp's default). Prints the time of the
// work and the process's peak resident memory, as photo-bench does for ours.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';

const input = readFileSync(process.argv[2]);
const started = process.hrtime.bigint();
const display = await sharp(input, { limitInputPixels: 50_000_000 }).rotate().resize(2048, 2048, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 82 }).toBuffer();
const thumb = await sharp(display).resize(400, 400, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 78 }).toBuffer();
const ms = Number(process.hrtime.bigint() - started) / 1e6;
// resourceUsage().maxRSS is in kilobytes.
console.log(JSON.stringify({ ms: Math.round(ms * 10) / 10, peak_kb: process.resourceUsage().maxRSS, display_bytes: display.length, thumb_bytes: thumb.length, threads: sharp.concurrency() }));
