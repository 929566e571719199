// The contractor's logo: a PNG or JPEG sent straight to the blob store (a signed address from
// the media function), then checked, re-encoded and published by the server. What the
// customer sees is the server's copy, never the file as uploaded.
import { useState } from 'preact/hooks';

import { ApiError } from '../../api/client';
import { Notice } from '../../components/Notice';
import { applyLogo, sendFile, startUpload } from '../api';

const MAX_BYTES = 2 * 1024 * 1024;

async function upload(file: File): Promise<string> {
  const ticket = await startUpload(file.type, file.size);
  await sendFile(ticket, file);
  return (await applyLogo(ticket.upload)).logo_url;
}

export function LogoUpload({ url, onChange }: { url: string | null; onChange: (url: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const choose = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setError(null);
    setDone(false);
    if (file.type !== 'image/png' && file.type !== 'image/jpeg') {
      setError(new ApiError(400, 'invalid', 'Choose a PNG or JPEG image.'));
      return;
    }
    if (file.size > MAX_BYTES) {
      setError(new ApiError(413, 'payload_too_large', 'Choose an image of at most 2 MB.'));
      return;
    }
    setBusy(true);
    try {
      onChange(await upload(file));
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset class="logo-upload">
      <legend>Logo</legend>
      {url ? <img src={url} alt="Your logo as customers see it" class="logo-preview" /> : <p class="muted">No logo yet: the portal shows your business name.</p>}
      <label>
        {url ? 'Replace the logo' : 'Upload a logo'} (PNG or JPEG, at most 2 MB)
        <input type="file" accept="image/png,image/jpeg" disabled={busy} onChange={(e) => void choose(e.currentTarget)} />
      </label>
      {busy && <p role="status">Checking and publishing your logo…</p>}
      {done && <p role="status">Logo updated. Customers see it on their next visit.</p>}
      {error !== null && <Notice error={error} />}
    </fieldset>
  );
}
