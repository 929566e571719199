//! The Blobs port on files: local mode's S3. Objects live under a folder (`./.data/blobs`),
//! each beside a small metadata file (`.{name}.meta`, a name no key can have). Browsers upload
//! with a PUT to the local server's `/dev/blobs/{key}`, signed like a presigned S3 URL: an
//! HMAC over the key, content type, length and expiry, checked before a byte is written.
use std::path::{Path, PathBuf};

use base64::Engine;
use hmac::{Hmac, Mac};
use portal_domain::ports::{Blob, Blobs, Clock, Download, Fetched, PortError, SignedRequest, read_window, valid_blob_key};
use sha2::Sha256;

/// Largest object a local upload may carry (S3 allows more; ours are photos and documents).
pub const MAX_UPLOAD: u64 = portal_domain::file::MAX_FILE_BYTES;

pub struct FileBlobs {
    root: PathBuf,
    /// Local mode's clock (tests move it forward).
    clock: std::sync::Arc<dyn Clock>,
    /// The local server's address (`http://localhost:3000`).
    base_url: String,
    key: [u8; 32],
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Meta {
    content_type: String,
    cache: String,
    /// A download's `Content-Disposition` (documents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    disposition: Option<String>,
}

/// Why an upload was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    #[error("the upload address is not valid")]
    BadSignature,
    #[error("the upload address has expired")]
    Expired,
    #[error("the upload must be {0} bytes")]
    WrongLength(u64),
    #[error("the upload must be sent as {0}")]
    WrongType(String),
    #[error("the file is no longer there")]
    Gone,
}

fn err(what: &str) -> impl FnOnce(std::io::Error) -> PortError + '_ {
    move |e| PortError::new(what, e)
}

impl FileBlobs {
    pub fn new(root: impl Into<PathBuf>, base_url: impl Into<String>, key: [u8; 32], clock: std::sync::Arc<dyn Clock>) -> Self {
        Self { root: root.into(), clock, base_url: base_url.into().trim_end_matches('/').to_string(), key }
    }

    fn path(&self, key: &str) -> Result<PathBuf, PortError> {
        if !valid_blob_key(key) {
            return Err(PortError::msg(format!("not a blob key: {key:?}")));
        }
        Ok(self.root.join(key))
    }

    fn meta_path(path: &Path) -> PathBuf {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        path.with_file_name(format!(".{name}.meta"))
    }

    fn signature(&self, key: &str, content_type: &str, length: u64, expires: i64) -> String {
        // A key of 32 bytes is always accepted by HMAC.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(format!("PUT\n{key}\n{content_type}\n{length}\n{expires}").as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    fn read_signature(&self, key: &str, expires: i64) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(format!("GET\n{key}\n{expires}").as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// A read the local server received at a signed address (`/dev/blobs/{key}?expires=&sig=`):
    /// the object, and its `Content-Disposition` when it is a download.
    pub async fn serve(&self, key: &str, expires: i64, sig: &str) -> Result<Result<(Blob, Option<String>), Refused>, PortError> {
        let expected = self.read_signature(key, expires);
        if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), sig.as_bytes())) {
            return Ok(Err(Refused::BadSignature));
        }
        if self.clock.now().as_second() > expires {
            return Ok(Err(Refused::Expired));
        }
        match self.get(key, u64::MAX).await? {
            Fetched::Found(blob) => {
                let path = self.path(key)?;
                let meta = tokio::fs::read(Self::meta_path(&path)).await.map_err(err("blob metadata"))?;
                let meta: Meta = serde_json::from_slice(&meta).map_err(|e| PortError::new("blob metadata", e))?;
                Ok(Ok((blob, meta.disposition)))
            }
            _ => Ok(Err(Refused::Gone)),
        }
    }

    /// Writes an object and its metadata (a download's disposition with it).
    async fn write(&self, key: &str, blob: &Blob, cache: &str, disposition: Option<String>) -> Result<(), PortError> {
        let path = self.path(key)?;
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(err("blob folder"))?;
        }
        let meta = serde_json::to_vec(&Meta { content_type: blob.content_type.clone(), cache: cache.into(), disposition })
            .map_err(|e| PortError::new("blob metadata", e))?;
        // Written beside, then renamed: a reader never sees half an object.
        let tmp = path.with_file_name(format!(".{}.part", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
        tokio::fs::write(&tmp, &blob.bytes).await.map_err(err("blob write"))?;
        tokio::fs::write(Self::meta_path(&path), meta).await.map_err(err("blob metadata"))?;
        tokio::fs::rename(&tmp, &path).await.map_err(err("blob write"))?;
        Ok(())
    }

    /// Checks an upload the local server received against its signed address, then stores it.
    /// `length` and `expires` come from the address; `content_type` from the request.
    #[allow(clippy::too_many_arguments)]
    pub async fn receive(
        &self,
        key: &str,
        expires: i64,
        length: u64,
        sig: &str,
        content_type: &str,
        body: &[u8],
    ) -> Result<Result<(), Refused>, PortError> {
        let now = self.clock.now();
        let expected = self.signature(key, content_type, length, expires);
        if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), sig.as_bytes())) {
            // Either the address was changed or the type differs from the signed one.
            return Ok(Err(Refused::BadSignature));
        }
        if now.as_second() > expires {
            return Ok(Err(Refused::Expired));
        }
        if body.len() as u64 != length {
            return Ok(Err(Refused::WrongLength(length)));
        }
        let blob = Blob { bytes: body.to_vec(), content_type: content_type.to_string() };
        self.put(key, &blob, "no-store").await?;
        Ok(Ok(()))
    }

    /// A public object for the local server's `/media/...` route: only keys under `media/`.
    pub async fn public(&self, key: &str) -> Result<Option<(Blob, String)>, PortError> {
        if !key.starts_with("media/") || !valid_blob_key(key) {
            return Ok(None);
        }
        let path = self.path(key)?;
        let meta = match tokio::fs::read(Self::meta_path(&path)).await {
            Ok(m) => serde_json::from_slice::<Meta>(&m).map_err(|e| PortError::new("blob metadata", e))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(PortError::new("blob metadata", e)),
        };
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some((Blob { bytes, content_type: meta.content_type }, meta.cache))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(PortError::new("blob read", e)),
        }
    }
}

#[async_trait::async_trait]
impl Blobs for FileBlobs {
    async fn upload_request(
        &self,
        key: &str,
        content_type: &str,
        length: u64,
        expires_in: std::time::Duration,
    ) -> Result<SignedRequest, PortError> {
        self.path(key)?;
        if length > MAX_UPLOAD {
            return Err(PortError::msg("the upload is larger than local mode allows"));
        }
        let expires = self.clock.now().as_second() + i64::try_from(expires_in.as_secs()).unwrap_or(i64::MAX / 2);
        let sig = self.signature(key, content_type, length, expires);
        Ok(SignedRequest {
            method: "PUT".into(),
            url: format!("{}/dev/blobs/{key}?expires={expires}&length={length}&sig={sig}", self.base_url),
            headers: vec![("content-type".into(), content_type.into())],
        })
    }

    async fn get(&self, key: &str, max: u64) -> Result<Fetched, PortError> {
        let path = self.path(key)?;
        let size = match tokio::fs::metadata(&path).await {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Fetched::Missing),
            Err(e) => return Err(PortError::new("blob metadata", e)),
        };
        if size > max {
            return Ok(Fetched::TooLarge);
        }
        let meta = tokio::fs::read(Self::meta_path(&path)).await.map_err(err("blob metadata"))?;
        let meta: Meta = serde_json::from_slice(&meta).map_err(|e| PortError::new("blob metadata", e))?;
        match tokio::fs::read(&path).await {
            Ok(bytes) if bytes.len() as u64 > max => Ok(Fetched::TooLarge),
            Ok(bytes) => Ok(Fetched::Found(Blob { bytes, content_type: meta.content_type })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Fetched::Missing),
            Err(e) => Err(PortError::new("blob read", e)),
        }
    }

    async fn put(&self, key: &str, blob: &Blob, cache: &str) -> Result<(), PortError> {
        self.write(key, blob, cache, None).await
    }

    async fn put_download(&self, key: &str, blob: &Blob, cache: &str, download: &Download) -> Result<(), PortError> {
        let typed = Blob { bytes: blob.bytes.clone(), content_type: download.content_type.clone() };
        self.write(key, &typed, cache, Some(download.disposition())).await
    }

    async fn read_url(&self, key: &str, now: jiff::Timestamp) -> Result<String, PortError> {
        self.path(key)?;
        let (_, expires) = read_window(now);
        let sig = self.read_signature(key, expires);
        Ok(format!("{}/dev/blobs/{key}?expires={expires}&sig={sig}", self.base_url))
    }

    async fn copy(&self, from: &str, to: &str) -> Result<bool, PortError> {
        let source = self.path(from)?;
        self.path(to)?;
        let meta = match tokio::fs::read(Self::meta_path(&source)).await {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(PortError::new("blob metadata", e)),
        };
        let meta: Meta = serde_json::from_slice(&meta).map_err(|e| PortError::new("blob metadata", e))?;
        let bytes = match tokio::fs::read(&source).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(PortError::new("blob read", e)),
        };
        self.write(to, &Blob { bytes, content_type: meta.content_type }, &meta.cache, meta.disposition).await?;
        Ok(true)
    }

    async fn delete(&self, key: &str) -> Result<(), PortError> {
        let path = self.path(key)?;
        for p in [Self::meta_path(&path), path] {
            match tokio::fs::remove_file(&p).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(PortError::new("blob delete", e)),
            }
        }
        Ok(())
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn url_encode(s: &str) -> String {
    const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(s, RESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs(dir: &Path, clock: std::sync::Arc<portal_domain::ports::OffsetClock>) -> FileBlobs {
        FileBlobs::new(dir, "http://localhost:3000", [7; 32], clock)
    }

    #[tokio::test]
    async fn an_upload_is_stored_only_as_signed() {
        let dir = tempfile::tempdir().unwrap();
        let clock = std::sync::Arc::new(portal_domain::ports::OffsetClock::default());
        let b = blobs(dir.path(), clock.clone());
        let key = "uploads/ten_a/upl_1";
        let r = b.upload_request(key, "image/png", 4, std::time::Duration::from_secs(300)).await.unwrap();
        let url = url_parts(&r.url);
        let (expires, sig) = (url["expires"].parse::<i64>().unwrap(), url["sig"].as_str());
        assert_eq!(b.receive(key, expires, 4, sig, "image/jpeg", b"abcd").await.unwrap(), Err(Refused::BadSignature));
        assert_eq!(b.receive("uploads/ten_b/upl_1", expires, 4, sig, "image/png", b"abcd").await.unwrap(), Err(Refused::BadSignature));
        assert_eq!(b.receive(key, expires, 5, sig, "image/png", b"abcde").await.unwrap(), Err(Refused::BadSignature));
        assert_eq!(b.receive(key, expires, 4, sig, "image/png", b"abc").await.unwrap(), Err(Refused::WrongLength(4)));
        assert_eq!(b.get(key, 100).await.unwrap(), Fetched::Missing, "nothing written by a refused upload");
        assert_eq!(b.receive(key, expires, 4, sig, "image/png", b"abcd").await.unwrap(), Ok(()));
        assert_eq!(b.get(key, 100).await.unwrap(), Fetched::Found(Blob { bytes: b"abcd".to_vec(), content_type: "image/png".into() }));
        assert_eq!(b.public(key).await.unwrap(), None, "uploads are never served");
        clock.advance(301);
        assert_eq!(b.receive(key, expires, 4, sig, "image/png", b"abcd").await.unwrap(), Err(Refused::Expired));
    }

    fn url_parts(url: &str) -> std::collections::HashMap<String, String> {
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
        query.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }
}
