// Photos and documents, for the portal and the admin page: a gallery of thumbnails (their
// width and height given, loaded lazily, before and after side by side), a lightbox that works
// with the keyboard and with a swipe, the list of documents (downloads only), and the uploader
// (camera or library, several files, progress per file, retry and cancel).
import { useEffect, useRef, useState } from 'preact/hooks';

import { ApiError, type Progress, sendFile, whenProcessed } from '../api/client';
import type { DocKind, FileView, NewFile, PhotoTag, Slot, UploadStatus } from '../api/types';
import { date, dateTime } from '../lib/format';
import { addressesExpired } from '../lib/useLoad';

export const TAG_LABELS: Record<PhotoTag, string> = { before: 'Before', during: 'During', after: 'After' };

/** The kinds of document, as the pick lists name them. */
export const DOC_KINDS: [DocKind, string][] = [
  ['permit', 'Permit'],
  ['warranty', 'Warranty'],
  ['manual', 'Manual'],
  ['panel_label', 'Panel label'],
  ['other', 'Other'],
];

const PHOTO_TYPES = 'image/jpeg,image/png,image/webp';
/** The largest file accepted (the server's limit too). */
export const MAX_BYTES = 25 * 1024 * 1024;

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** One thumbnail: its size is known, so nothing moves when it loads. */
function Thumb({ f, onOpen }: { f: FileView; onOpen: () => void }) {
  const p = f.photo;
  if (!p) return null;
  const label = [f.tag ? TAG_LABELS[f.tag] : null, f.caption].filter(Boolean).join(': ') || 'Photo';
  return (
    <figure class="thumb">
      <button type="button" class="thumb-button" onClick={onOpen} aria-label={`Open photo: ${label}`}>
        <img
          src={p.thumb_url}
          width={p.thumb_width}
          height={p.thumb_height}
          loading="lazy"
          decoding="async"
          alt={f.caption ?? label}
          onError={addressesExpired}
        />
      </button>
      <figcaption>
        {f.tag && <span class={`tag tag-${f.tag}`}>{TAG_LABELS[f.tag]}</span>}
        {!f.shared && <span class="tag tag-internal">Internal</span>}
        {f.caption && <span class="caption">{f.caption}</span>}
      </figcaption>
    </figure>
  );
}

/**
 * Photos in a grid: with before and after ones, those two side by side first (columns
 * "Before" and "After"), then the rest. `actions` adds controls under each photo (the office).
 */
export function Gallery({ photos, actions, label = 'Photos' }: { photos: FileView[]; actions?: (f: FileView) => preact.ComponentChildren; label?: string }) {
  const shown = photos.filter((f) => f.photo);
  const [open, setOpen] = useState<number | null>(null);
  if (shown.length === 0) return null;
  const before = shown.filter((f) => f.tag === 'before');
  const after = shown.filter((f) => f.tag === 'after');
  const rest = shown.filter((f) => f.tag !== 'before' && f.tag !== 'after');
  // The lightbox pages through them in the order they are shown.
  const order = [...before, ...after, ...rest];
  const at = (f: FileView) => () => setOpen(order.indexOf(f));
  const item = (f: FileView) => (
    <li key={f.id}>
      <Thumb f={f} onOpen={at(f)} />
      {actions?.(f)}
    </li>
  );
  return (
    <div class="gallery" aria-label={label} role="group">
      {before.length > 0 && after.length > 0 ? (
        <div class="before-after">
          <div>
            <h3 class="small">Before</h3>
            <ul class="thumbs">{before.map(item)}</ul>
          </div>
          <div>
            <h3 class="small">After</h3>
            <ul class="thumbs">{after.map(item)}</ul>
          </div>
        </div>
      ) : (
        (before.length > 0 || after.length > 0) && <ul class="thumbs">{[...before, ...after].map(item)}</ul>
      )}
      {rest.length > 0 && <ul class="thumbs">{rest.map(item)}</ul>}
      {open !== null && <Lightbox photos={order} index={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

/** A photo at full size over the page: ← and → (or a swipe) to page, Esc (or Close) to leave. */
export function Lightbox({ photos, index, onClose }: { photos: FileView[]; index: number; onClose: () => void }) {
  const [i, setI] = useState(index);
  const close = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const start = useRef<number | null>(null);
  const f = photos[i];
  const go = (d: number) => setI((x) => (x + d + photos.length) % photos.length);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      else if (e.key === 'ArrowRight') go(1);
      else if (e.key === 'ArrowLeft') go(-1);
      else if (e.key === 'Tab') {
        // Focus stays in the dialog: Tab from its last button goes to its first, and back.
        const buttons = [...(dialog.current?.querySelectorAll<HTMLElement>('button') ?? [])];
        const first = buttons[0];
        const last = buttons[buttons.length - 1];
        if (!first || !last) return;
        const inside = dialog.current?.contains(document.activeElement) ?? false;
        if (e.shiftKey && (!inside || document.activeElement === first)) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && (!inside || document.activeElement === last)) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    document.addEventListener('keydown', key);
    return () => {
      document.removeEventListener('keydown', key);
      opener?.focus();
    };
  }, []);
  if (!f?.photo) return null;
  const p = f.photo;
  const title = [f.tag ? TAG_LABELS[f.tag] : null, f.caption].filter(Boolean).join(': ');
  return (
    <div
      class="lightbox"
      ref={dialog}
      role="dialog"
      aria-modal="true"
      aria-label={title || 'Photo'}
      onPointerDown={(e) => {
        start.current = e.clientX;
      }}
      onPointerUp={(e) => {
        if (start.current === null) return;
        const dx = e.clientX - start.current;
        start.current = null;
        if (Math.abs(dx) > 50) go(dx < 0 ? 1 : -1);
      }}
    >
      <div class="lightbox-bar">
        <span>
          {i + 1} of {photos.length}
        </span>
        <button type="button" class="button secondary" ref={close} onClick={onClose}>
          Close
        </button>
      </div>
      <img src={p.url} width={p.width} height={p.height} alt={f.caption ?? (title || 'Photo')} draggable={false} onError={addressesExpired} />
      <p class="lightbox-caption">
        {title && <strong>{title}</strong>}
        <span>
          {' '}
          Added by {f.by} · {dateTime(f.added_at)}
          {p.taken_at && <> · taken {date(p.taken_at.slice(0, 10))}</>}
        </span>
      </p>
      {photos.length > 1 && (
        <div class="lightbox-nav">
          <button type="button" class="button secondary" onClick={() => go(-1)} aria-label="Previous photo">
            ‹ Previous
          </button>
          <button type="button" class="button secondary" onClick={() => go(1)} aria-label="Next photo">
            Next ›
          </button>
        </div>
      )}
    </div>
  );
}

/** Documents: each a download (never opened in the page), with its kind and size. */
export function DocumentList({ files, actions }: { files: FileView[]; actions?: (f: FileView) => preact.ComponentChildren }) {
  const docs = files.filter((f) => f.document);
  if (docs.length === 0) return null;
  return (
    <ul class="cards documents">
      {docs.map((f) => (
        <li key={f.id} class="card">
          <div class="row">
            <a href={f.document!.url} download={f.document!.name} rel="noopener">
              {f.document!.name}
            </a>
            <span class="tag">{f.document!.kind_label}</span>
          </div>
          <p class="muted">
            {f.caption && <>{f.caption} · </>}
            {sizeText(f.document!.bytes)} · added {date(f.added_at.slice(0, 10))}
            {!f.shared && ' · internal'}
          </p>
          {actions?.(f)}
        </li>
      ))}
    </ul>
  );
}

/** The long edge a photo is sent at: a little above the 2048 px the portal keeps, so the
 *  server's own scaling still has pixels to work with. */
const SEND_EDGE = 2560;
/** Photos smaller than this are sent as they are. */
const SHRINK_FROM = 1.5 * 1024 * 1024;

/**
 * A phone photo made smaller before it is sent: drawn upright (the browser applies its EXIF
 * orientation) at most 2560 px on the long edge and encoded as a JPEG, without its EXIF (GPS
 * included). The portal keeps 2048 px at most, so nothing it would have kept is lost, and a
 * 6 MB photo becomes well under 1 MB: on a 1.5 Mbit/s mobile uplink, seconds instead of half
 * a minute (see the README for the measured figures). It also turns a HEIC photo into a JPEG
 * where the browser can decode it (Safari). Anything that cannot be redrawn goes as it is, and
 * the server checks it either way.
 */
export async function shrink(file: File): Promise<File> {
  const heic = isHeic(file);
  if ((file.size < SHRINK_FROM && !heic) || typeof createImageBitmap !== 'function') return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, SEND_EDGE / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d');
    if (!g) return file;
    g.drawImage(bitmap, 0, 0, w, h);
    bitmap.close();
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.88));
    if (!blob || (blob.size >= file.size && !heic)) return file;
    const name = (file.name || 'photo').replace(/\.[A-Za-z0-9]+$/, '') + '.jpg';
    return new File([blob], name, { type: 'image/jpeg', lastModified: file.lastModified });
  } catch {
    return file;
  }
}

/** An iPhone HEIC or HEIF photo, by its name or declared type. */
function isHeic(file: File): boolean {
  return /\.(heic|heif)$/i.test(file.name) || /heic|heif/i.test(file.type);
}

/** What the customer is told when a HEIC photo could not be redrawn as a JPEG here (any
 *  browser but Safari); the server says the same when one gets through. */
export const HEIC_ADVICE =
  'This is an iPhone HEIC photo, which browsers cannot show. Choose it again from Photos (it is sent as a JPEG), or set Camera > Formats to Most Compatible.';

/** The words to show for a refused slot: the field's own advice when the server gave one. */
function refusal(e: ApiError): string {
  const first = Object.values(e.fields).find((m) => m.length > 0)?.[0];
  if (!first) return e.message;
  return `${first.charAt(0).toUpperCase()}${first.slice(1)}${/[.!?]$/.test(first) ? '' : '.'}`;
}

/** One file on its way. */
interface Item {
  key: string;
  file: File;
  /** Bytes sent: the photo as made smaller, when it was. */
  size: number;
  state: 'sending' | 'processing' | 'done' | 'failed' | 'cancelled';
  sent: number;
  message: string;
  /** A failure that sending again would not change (a HEIC photo, a file over the limit, a
   *  slot refused for what it asked): no Try again. */
  settled?: boolean;
  abort: AbortController;
}

export interface UploadApi {
  slot: (body: NewFile) => Promise<Slot>;
  status: (file: string) => Promise<UploadStatus>;
}

/**
 * Adds photos (or PDFs, with `kind="document"`) to `to`: from the camera or the library,
 * several at once, each with its progress, a Cancel while it is sent, and Try again when it
 * failed. `extra` adds the office's fields (tag, caption, shared) to every file's slot.
 */
export function Uploader({
  to,
  api,
  onAdded,
  kind = 'photo',
  extra,
  label,
}: {
  to: NewFile['to'];
  api: UploadApi;
  onAdded: (f: FileView) => void;
  kind?: 'photo' | 'document';
  extra?: () => Partial<NewFile>;
  label?: string;
}) {
  const [items, setItems] = useState<Item[]>([]);
  const camera = useRef<HTMLInputElement>(null);
  const library = useRef<HTMLInputElement>(null);
  const patch = (key: string, p: Partial<Item>) => setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...p } : x)));

  const run = async (item: Item) => {
    const { key, abort } = item;
    const cancelled = () => {
      patch(key, { state: 'cancelled', message: 'Cancelled.' });
    };
    // Cancelled while waiting for its turn: nothing is asked or sent.
    if (abort.signal.aborted) return cancelled();
    const file = kind === 'photo' ? await shrink(item.file) : item.file;
    if (abort.signal.aborted) return cancelled();
    if (kind === 'photo' && isHeic(file)) {
      // This browser could not draw it (only Safari decodes HEIC): no slot is asked for.
      patch(key, { state: 'failed', message: HEIC_ADVICE, settled: true });
      return;
    }
    if (file.size > MAX_BYTES) {
      patch(key, { state: 'failed', message: `This file is ${sizeText(file.size)}; the limit is 25 MB.`, settled: true });
      return;
    }
    patch(key, { state: 'sending', sent: 0, message: '', size: file.size, settled: false });
    try {
      const declared = file.type || (kind === 'document' ? 'application/pdf' : 'image/jpeg');
      const slot = await api.slot({
        to,
        kind,
        content_type: declared,
        size: file.size,
        name: file.name || (kind === 'document' ? 'document.pdf' : 'photo.jpg'),
        ...(extra?.() ?? {}),
      });
      await sendFile(slot, file, (p: Progress) => patch(key, { sent: p.sent }), abort.signal);
      patch(key, { state: 'processing', sent: file.size });
      const done = await whenProcessed(() => api.status(slot.file));
      if (done.state === 'ready' && done.view) {
        patch(key, { state: 'done', message: 'Added.' });
        onAdded(done.view);
      } else {
        patch(key, { state: 'failed', message: done.reason ?? 'This file could not be added. Try again.' });
      }
    } catch (e) {
      if (abort.signal.aborted) return cancelled();
      const message = e instanceof ApiError ? refusal(e) : 'The file could not be sent. Try again.';
      patch(key, { state: 'failed', message, settled: e instanceof ApiError && !e.retryable });
    }
  };

  const add = (list: FileList | null) => {
    if (!list) return;
    const fresh: Item[] = Array.from(list).map((file, n) => ({
      key: `${Date.now()}-${n}-${file.name}`,
      file,
      state: 'sending',
      sent: 0,
      size: file.size,
      message: '',
      abort: new AbortController(),
    }));
    setItems((xs) => [...xs.filter((x) => x.state !== 'done'), ...fresh]);
    // One after another: a phone's upload is the slow part, and each gets the whole link.
    (async () => {
      for (const item of fresh) await run(item);
    })();
  };
  const retry = (item: Item) => {
    const again = { ...item, abort: new AbortController() };
    setItems((xs) => xs.map((x) => (x.key === item.key ? again : x)));
    void run(again);
  };
  const accept = kind === 'document' ? 'application/pdf' : PHOTO_TYPES;
  return (
    <div class="uploader">
      <div class="actions">
        {kind === 'photo' && (
          <button type="button" class="button secondary" onClick={() => camera.current?.click()}>
            Take a photo
          </button>
        )}
        <button type="button" class="button secondary" onClick={() => library.current?.click()}>
          {label ?? (kind === 'photo' ? 'Choose photos' : 'Add a PDF')}
        </button>
      </div>
      <input
        ref={camera}
        type="file"
        accept="image/*"
        capture="environment"
        hidden
        aria-hidden="true"
        tabIndex={-1}
        onChange={(e) => {
          add((e.target as HTMLInputElement).files);
          (e.target as HTMLInputElement).value = '';
        }}
      />
      <input
        ref={library}
        type="file"
        accept={accept}
        multiple
        hidden
        data-testid={kind === 'photo' ? 'photo-input' : 'document-input'}
        onChange={(e) => {
          add((e.target as HTMLInputElement).files);
          (e.target as HTMLInputElement).value = '';
        }}
      />
      {items.length > 0 && (
        <ul class="upload-list">
          {items.map((x) => (
            <li key={x.key} class={`upload upload-${x.state}`} data-bytes={x.size}>
              <span class="upload-name">{x.file.name || 'Photo'}</span>
              {x.state === 'sending' && (
                <>
                  <progress max={x.size} value={x.sent} aria-label={`Sending ${x.file.name}`} />
                  <span>{Math.round((x.sent / Math.max(1, x.size)) * 100)}%</span>
                  <button type="button" class="button link" onClick={() => x.abort.abort()}>
                    Cancel
                  </button>
                </>
              )}
              {/* Only the changes of state are announced, not every percent sent. */}
              <span role="status" class={x.state === 'failed' ? 'error' : x.state === 'done' ? 'ok' : x.state === 'cancelled' ? 'muted' : undefined}>
                {x.state === 'processing' && 'Sent. Getting it ready…'}
                {x.state === 'done' && 'Added.'}
                {(x.state === 'failed' || x.state === 'cancelled') && x.message}
              </span>
              {(x.state === 'failed' || x.state === 'cancelled') && !x.settled && (
                <button type="button" class="button link" onClick={() => retry(x)}>
                  Try again
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
