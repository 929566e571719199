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
}

impl Mail {
    /// An email from the contractor: paragraphs, one button, a closing note, the same words in
    /// text and HTML, in the contractor's colour. Everything is escaped here.
    pub fn branded(
        tenant: &crate::party::Tenant,
        to: &Email,
        subject: String,
        paragraphs: &[String],
        button: &str,
        url: &str,
        note: &str,
    ) -> Self {
        Self::branded_with_facts(tenant, to, subject, paragraphs, &[], button, url, note)
    }

    /// [`Self::branded`] with what the email is about, as labelled facts (`Total`, `Due`,
    /// `Property`): a header with the contractor's logo and colour, the facts as a table, and a
    /// footer with how to reach the contractor (phone, email, address), so the email is easy to
    /// trust and hard to mistake for phishing. The text part says the same and reads on its own.
    #[allow(clippy::too_many_arguments)]
    pub fn branded_with_facts(
        tenant: &crate::party::Tenant,
        to: &Email,
        subject: String,
        paragraphs: &[String],
        facts: &[(&str, String)],
        button: &str,
        url: &str,
        note: &str,
    ) -> Self {
        use crate::escape_html as esc;
        let reach: Vec<String> = [
            tenant.support_phone.as_ref().map(crate::party::Phone::display),
            tenant.support_email.as_ref().map(|e| e.as_str().to_string()),
            Some(tenant.address.trim().to_string()).filter(|a| !a.is_empty()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut text = paragraphs.join("\n\n");
        if !facts.is_empty() {
            text.push_str("\n\n");
            text.push_str(&facts.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n"));
        }
        text.push_str(&format!("\n\n{button}: {url}\n\n{note}\n\n-- \n{}\n", tenant.name));
        for r in &reach {
            text.push_str(r);
            text.push('\n');
        }
        let color = esc(&tenant.branding.primary_color);
        let logo = tenant.branding.logo_url.as_deref().map(|u| {
            // A logo on the portal is named by its path: mail needs the whole address.
            let u = if u.starts_with('/') { format!("{}{u}", tenant.portal_url.trim_end_matches('/')) } else { u.to_string() };
            format!("<img src=\"{}\" alt=\"\" width=\"40\" height=\"40\" style=\"vertical-align:middle;border-radius:8px;background:#fff;margin-right:10px\">", esc(&u))
        });
        let body: String = paragraphs.iter().map(|p| format!("<p style=\"margin:0 0 14px\">{}</p>", esc(p))).collect();
        let rows: String = facts
            .iter()
            .map(|(k, v)| {
                format!(
                    "<tr><td style=\"padding:6px 12px 6px 0;color:#555\">{}</td><td style=\"padding:6px 0;font-weight:600\">{}</td></tr>",
                    esc(k),
                    esc(v)
                )
            })
            .collect();
        let table = if rows.is_empty() {
            String::new()
        } else {
            format!("<table role=\"presentation\" style=\"border-collapse:collapse;margin:0 0 16px\">{rows}</table>")
        };
        let footer = reach.iter().map(|r| esc(r)).collect::<Vec<_>>().join(" &middot; ");
        let html = format!(
            "<!doctype html><html><head><meta name=\"viewport\" content=\"width=device-width\"></head>\
             <body style=\"margin:0;background:#f6f7f9;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1a1a\">\
             <table role=\"presentation\" width=\"100%\" style=\"border-collapse:collapse\"><tr><td style=\"padding:16px 8px\" align=\"center\">\
             <table role=\"presentation\" width=\"100%\" style=\"max-width:560px;border-collapse:collapse;background:#fff;border-radius:10px\">\
             <tr><td style=\"background:{color};color:#fff;padding:14px 20px;border-radius:10px 10px 0 0;font-size:18px;font-weight:600\">{logo}{name}</td></tr>\
             <tr><td style=\"padding:20px;font-size:16px;line-height:1.5\">{body}{table}\
             <p style=\"margin:0 0 16px\"><a href=\"{u}\" style=\"display:inline-block;padding:12px 20px;background:{color};color:#fff;\
             border-radius:6px;text-decoration:none;font-weight:600\">{b}</a></p>\
             <p style=\"margin:0;color:#555;font-size:14px\">{n}</p></td></tr>\
             <tr><td style=\"padding:14px 20px;border-top:1px solid #e5e7eb;color:#555;font-size:14px\">{name}<br>{footer}</td></tr>\
             </table></td></tr></table></body></html>",
            logo = logo.unwrap_or_default(),
            u = esc(url),
            b = esc(button),
            n = esc(note),
            name = esc(&tenant.name),
        );
        Self { to: to.clone(), from_name: tenant.name.clone(), subject, text, html }
    }
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
    fn branded_mail_escapes_everything_it_puts_in_html() {
        let tenant: crate::party::Tenant = serde_json::from_value(serde_json::json!({
            "id": "ten_x", "slug": "x", "name": "Bob & <Sons>", "time_zone": "UTC", "currency": "USD",
            "branding": {"logo_url": null, "primary_color": "\"><script>", "accent_color": "#000000"},
            "support_email": null, "support_phone": null, "portal_url": "https://p.example"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let to = crate::party::Email::try_from("a@b.example".to_string()).unwrap_or_else(|_| unreachable!());
        let m = Mail::branded(&tenant, &to, "S".into(), &["<b>hi</b>".into()], "Go", "https://p.example/?a=1&b=\"2", "n");
        assert!(!m.html.contains("<script>") && !m.html.contains("<b>hi") && !m.html.contains("<Sons>"), "{}", m.html);
        assert!(m.html.contains("&amp;b=&quot;2") && m.text.contains("Go: https://p.example/?a=1&b=\"2"), "{}", m.text);
    }

    #[test]
    fn an_email_says_who_it_is_from_what_it_is_about_and_how_to_reach_them() {
        let tenant: crate::party::Tenant = serde_json::from_value(serde_json::json!({
            "id": "ten_x", "slug": "x", "name": "Bright Spark Electric", "time_zone": "UTC", "currency": "USD",
            "branding": {"logo_url": "/media/ten_x/logo-1.png", "primary_color": "#0b5cad", "accent_color": "#000000"},
            "support_email": "office@bright.example", "support_phone": "+15125550100", "portal_url": "https://p.example/",
            "address": "1200 Congress Avenue, Austin, TX 78701"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let to = crate::party::Email::try_from("dana@example.com".to_string()).unwrap_or_else(|_| unreachable!());
        let facts = [("Total", "$2,971.59".to_string()), ("Valid until", "December 31, 2026".to_string())];
        let m = Mail::branded_with_facts(&tenant, &to, "S".into(), &["Hello Dana,".into()], &facts, "Review", "https://p.example/x", "n");
        assert!(m.html.contains("src=\"https://p.example/media/ten_x/logo-1.png\""), "the logo by its whole address: {}", m.html);
        assert!(m.html.contains("background:#0b5cad"), "the contractor's colour");
        for part in [&m.html, &m.text] {
            for fact in
                ["$2,971.59", "December 31, 2026", "(512) 555-0100", "office@bright.example", "1200 Congress Avenue, Austin, TX 78701"]
            {
                assert!(part.contains(fact), "{fact} in {part}");
            }
        }
        assert!(m.text.contains("Total: $2,971.59\nValid until: December 31, 2026"), "the text part reads on its own: {}", m.text);
    }

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
}

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
