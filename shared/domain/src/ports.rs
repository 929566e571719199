//! Ports: what the domain needs from the outside world, as traits that adapters implement.
//! The Table port lives in `portal-store`; this crate holds the ones every layer needs.
use jiff::Timestamp;

use crate::party::{Email, Phone};

/// The current time. Injected so tests control it.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Source of ids and secrets. Injected so tests can make them predictable.
pub trait Ids: Send + Sync {
    /// A new sortable id with the prefix (`est_...`).
    fn id(&self, prefix: &str) -> String;
    /// 32 bytes from a cryptographically secure generator (link and refresh tokens).
    fn secret(&self) -> [u8; 32];
}

/// Ids from the operating system's secure random generator.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

impl Ids for RandomIds {
    fn id(&self, prefix: &str) -> String {
        let mut r = [0u8; 16];
        fill(&mut r);
        let ms = u64::try_from(Timestamp::now().as_millisecond()).unwrap_or(0);
        let (ms, random) = monotonic(ms, u128::from_le_bytes(r) >> 48);
        crate::ids::ulid_id(prefix, ms, random)
    }
    fn secret(&self) -> [u8; 32] {
        let mut s = [0u8; 32];
        fill(&mut s);
        s
    }
}

/// Ids made in the same millisecond by this process sort in the order they were made (the
/// ULID spec's monotonic mode): the random part of a later id is the earlier one's plus one.
/// 80 random bits stay unguessable; only their order within a millisecond is given away.
fn monotonic(ms: u64, random: u128) -> (u64, u128) {
    static LAST: std::sync::Mutex<(u64, u128)> = std::sync::Mutex::new((0, 0));
    let mut last = LAST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let next = if ms > last.0 {
        (ms, random)
    } else if last.1 + 1 < (1u128 << 80) {
        (last.0, last.1 + 1)
    } else {
        (last.0 + 1, 0)
    };
    *last = next;
    next
}

fn fill(buf: &mut [u8]) {
    // The OS generator failing means the machine cannot make secrets at all; no fallback
    // would be safe, so this is the one place we stop the process.
    #[allow(clippy::expect_used)]
    getrandom::fill(buf).expect("the operating system's random generator failed");
}

/// An email ready to send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mail {
    pub to: Email,
    /// Display name of the sender (the contractor); the address is the deployment's.
    pub from_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Files sent with it (a visit's calendar event).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Where a reply goes (`reply+{token}@{inbound domain}`), when replies are received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// `References` (`<...>` ids) that make mail clients put the notices of one thread
    /// together. SES replaces a Message-ID we set, but keeps References.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

/// A file attached to an email.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    /// `visit.ics`.
    pub file_name: String,
    /// `text/calendar; method=PUBLISH`.
    pub content_type: String,
    pub content: String,
}

/// An adapter that could not do its job (network, service, disk). The cause is for logs only.
#[derive(Debug, thiserror::Error)]
#[error("{what}")]
pub struct PortError {
    pub what: String,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl PortError {
    pub fn new(what: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self { what: what.into(), source: Some(Box::new(source)) }
    }
    pub fn msg(what: impl Into<String>) -> Self {
        Self { what: what.into(), source: None }
    }
}

/// Sends email: SES v2 in AWS, the local mailbox in local mode.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: &Mail) -> Result<(), PortError>;
    /// The domain that receives replies (`reply+{token}@` it), if this deployment receives
    /// mail; `None`: notices say to answer in the portal.
    fn reply_domain(&self) -> Option<&str> {
        None
    }
}

/// Sends text messages: SNS in AWS, the local mailbox in local mode.
#[async_trait::async_trait]
pub trait Sms: Send + Sync {
    async fn send(&self, to: &Phone, text: &str) -> Result<(), PortError>;
}

/// Reads a secret: the auth function's signing key (a JSON key file), the Stripe webhook
/// secrets. Secrets Manager in AWS, a local file in local mode. Read on first use, never at
/// start-up.
#[async_trait::async_trait]
pub trait SecretSource: Send + Sync {
    async fn secret(&self) -> Result<String, PortError>;
}

/// The wall clock moved by an adjustable offset: local mode and black-box tests use it to see
/// links and estimates expire without waiting.
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset_seconds: std::sync::atomic::AtomicI64,
}

impl OffsetClock {
    /// Moves the clock forward (or back, with a negative number).
    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Timestamp {
        let offset = jiff::SignedDuration::from_secs(self.offset_seconds.load(std::sync::atomic::Ordering::SeqCst));
        Timestamp::now().checked_add(offset).unwrap_or(Timestamp::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_made_in_a_row_sort_in_the_order_they_were_made() {
        let ids: Vec<String> = (0..2_000).map(|_| RandomIds.id("aud")).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }
}

/// Stored bytes and their media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// What reading a blob found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    Missing,
    /// Larger than the reader allows; not read.
    TooLarge,
    Found(Blob),
}

/// A request the browser makes itself, signed by the server: the method, the address, and the
/// headers it must send unchanged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// Stored files: S3 in AWS, files under `./.data/blobs` in local mode. Keys are paths such as
/// `uploads/{tenant}/{upload}` (what browsers send, never served) and `media/{tenant}/...`
/// (checked and re-encoded, served at `/media/...`).
#[async_trait::async_trait]
pub trait Blobs: Send + Sync {
    /// A PUT of one object to `key`, straight from the browser, valid for `expires_in`, with
    /// this content type and length.
    async fn upload_request(
        &self,
        key: &str,
        content_type: &str,
        length: u64,
        expires_in: std::time::Duration,
    ) -> Result<SignedRequest, PortError>;
    /// Reads an object of at most `max` bytes.
    async fn get(&self, key: &str, max: u64) -> Result<Fetched, PortError>;
    /// Writes an object (replacing one at the key). `cache` is its Cache-Control.
    async fn put(&self, key: &str, blob: &Blob, cache: &str) -> Result<(), PortError>;
    /// Removes an object; removing a missing one is not an error.
    async fn delete(&self, key: &str) -> Result<(), PortError>;
    /// Copies the object at `from` to `to` (replacing one there) with its type, cache and
    /// download headers, inside the store; `false` when there is nothing at `from`.
    async fn copy(&self, from: &str, to: &str) -> Result<bool, PortError>;
    /// Writes an object that is only ever served as a download: stored with its
    /// `Content-Disposition: attachment` (and type), so every read of it answers so.
    async fn put_download(&self, key: &str, blob: &Blob, cache: &str, download: &Download) -> Result<(), PortError>;
    /// An address the browser reads `key` from itself, signed: valid from the start of the
    /// hour `now` falls in ([`read_window`]) for two hours, so every call within one hour gives
    /// the same address and a browser never downloads a photo it saw in that hour twice, and
    /// an address always has an hour left.
    async fn read_url(&self, key: &str, now: Timestamp) -> Result<String, PortError>;
}

/// How a signed read address serves a document: as an attachment, never shown in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// The file name (only letters, digits, spaces and `. _ -`: [`crate::file::safe_name`]).
    pub name: String,
    pub content_type: String,
}

impl Download {
    /// The `Content-Disposition` of the answer, in ASCII (S3 keeps and signs header values as
    /// ASCII): a name with other letters (`Garantía.pdf`) is also given as `filename*`, UTF-8
    /// percent-encoded (RFC 6266 section 4.3, RFC 8187), which every browser prefers, after
    /// a `filename` with those letters as `_` for any that does not.
    pub fn disposition(&self) -> String {
        let name: String = self.name.chars().filter(|c| !matches!(c, '"' | '\\') && !c.is_control()).collect();
        if name.is_ascii() {
            return format!("attachment; filename=\"{name}\"");
        }
        let fallback: String = name.chars().map(|c| if c.is_ascii() { c } else { '_' }).collect();
        let encoded = percent_encoding::utf8_percent_encode(&name, RFC8187_ATTR);
        format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
    }
}

/// What RFC 8187 (section 3.2.1) lets stand unencoded in an extended value: letters, digits
/// and `! # $ & + - . ^ _ ` | ~`.
const RFC8187_ATTR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

#[cfg(test)]
mod disposition_tests {
    use super::Download;

    fn of(name: &str) -> String {
        Download { name: name.into(), content_type: "application/pdf".into() }.disposition()
    }

    #[test]
    fn an_ascii_name_is_given_as_it_is() {
        assert_eq!(of("Permit 2026.pdf"), "attachment; filename=\"Permit 2026.pdf\"");
        assert_eq!(of("a\"b\\c\r\n.pdf"), "attachment; filename=\"abc.pdf\"");
    }

    #[test]
    fn other_letters_are_given_encoded_and_the_header_stays_ascii() {
        let d = of("Garantía Überprüfung.pdf");
        assert!(d.is_ascii(), "{d}");
        assert_eq!(d, "attachment; filename=\"Garant_a _berpr_fung.pdf\"; filename*=UTF-8''Garant%C3%ADa%20%C3%9Cberpr%C3%BCfung.pdf");
    }
}

/// The hour a signed read address is made for, and when it stops working: `(start, expires)`
/// in Unix seconds.
pub fn read_window(now: Timestamp) -> (i64, i64) {
    let start = now.as_second().div_euclid(READ_WINDOW) * READ_WINDOW;
    (start, start + 2 * READ_WINDOW)
}
/// Seconds of one read window (an hour).
pub const READ_WINDOW: i64 = 3600;

/// Whether a blob key is one of ours: lower-case letters, digits, `_ - .` in `/`-separated
/// segments, none empty or starting with a dot (no `..`, no absolute paths).
pub fn valid_blob_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 300
        && key.split('/').all(|s| {
            !s.is_empty() && !s.starts_with('.') && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b))
        })
}

#[cfg(test)]
mod blob_key_tests {
    use super::valid_blob_key;

    #[test]
    fn keys_are_relative_paths_without_dot_segments() {
        assert!(valid_blob_key("uploads/ten_brightspark/upl_01j9"));
        assert!(valid_blob_key("media/ten_brightspark/logo-3f2a.png"));
        for bad in ["", "/etc/passwd", "media/../secrets", "media//x", "media/.hidden", "Media/x", "media/a b", "media/x\\y"] {
            assert!(!valid_blob_key(bad), "{bad:?}");
        }
    }
}
