//! What to do with an email that arrives for a thread: post it, hold it for the office, or
//! ignore it (an automatic reply). The rules read the headers SES adds when it receives mail
//! (`X-SES-Spam-Verdict`, `X-SES-Virus-Verdict`, `Authentication-Results` with SPF and
//! DKIM) and the headers that mark automatic mail (RFC 3834 `Auto-Submitted`, and the older
//! `X-Autoreply`, `X-Autorespond`, `Precedence: bulk`). Nothing is dropped silently: what
//! fails a check is held, with the reason, for staff to review.

/// One header as received (name in any case).
pub type Header = (String, String);

fn values<'a>(headers: &'a [Header], name: &str) -> impl Iterator<Item = &'a str> {
    headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
}

/// Whether the message says a machine sent it: an out-of-office answer, a bounce, a list.
pub fn is_automatic(headers: &[Header]) -> bool {
    values(headers, "auto-submitted").any(|v| !v.eq_ignore_ascii_case("no"))
        || values(headers, "x-autoreply").next().is_some()
        || values(headers, "x-autorespond").next().is_some()
        || values(headers, "x-auto-response-suppress").any(|v| v.to_ascii_lowercase().contains("all"))
        || values(headers, "precedence").any(|v| matches!(v.to_ascii_lowercase().as_str(), "bulk" | "junk" | "list" | "auto_reply"))
}

/// Why a message is held rather than posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    /// SES did not find it clean of spam.
    Spam,
    /// SES found (or could not rule out) a virus.
    Virus,
    /// The sender's domain did not pass SPF.
    Spf,
    /// No DKIM signature of the sender's domain passed.
    Dkim,
    /// The reply address names no thread of ours, or one revoked.
    UnknownAddress,
    /// The reply address is one thread's, the email it answers another's.
    OtherThread,
    /// Sent by someone other than the contact the address was given to (a forwarded notice).
    OtherSender,
    /// The sender wrote more than an hour allows.
    TooMany,
    /// Nothing to post: no text once the quoted original is taken off, and no file we keep.
    Empty,
}

impl HoldReason {
    /// In words, for the office's review list.
    pub fn words(self) -> &'static str {
        match self {
            HoldReason::Spam => "Marked as possible spam by the mail service.",
            HoldReason::Virus => "The mail service found, or could not rule out, a virus.",
            HoldReason::Spf => "The sender's domain did not confirm it sent this (SPF).",
            HoldReason::Dkim => "The email's signature did not check out (DKIM).",
            HoldReason::UnknownAddress => "Not sent to a reply address of ours, or to one the office has stopped.",
            HoldReason::OtherThread => "The reply address belongs to one conversation, the email it answers to another.",
            HoldReason::OtherSender => "Sent by someone other than the person we wrote to (perhaps a forwarded email).",
            HoldReason::TooMany => "This sender wrote more emails in an hour than we post.",
            HoldReason::Empty => "It had no text of its own and no photo or PDF to post.",
        }
    }
}

/// The first reason SES's verdicts give to hold a message from `from` (the `From` address),
/// `None` when they all pass.
///
/// Only what SES wrote counts: its verdict headers and its `Authentication-Results`, which it
/// puts on top of the message. A sender can write headers of the same names further down
/// (or a result of another server's): those are never read. SPF must pass (for whatever
/// domain sent the envelope), and the `From` address's own domain (or a parent of it) must
/// be vouched for: a passing DKIM signature of that domain, or DMARC passing for it. So a
/// message signed by another domain cannot borrow a contact's address.
pub fn verdict(headers: &[Header], from: &str) -> Option<HoldReason> {
    let first = |name: &str| values(headers, name).next();
    if !first("x-ses-virus-verdict").is_some_and(|v| v.eq_ignore_ascii_case("pass")) {
        return Some(HoldReason::Virus);
    }
    if !first("x-ses-spam-verdict").is_some_and(|v| v.eq_ignore_ascii_case("pass")) {
        return Some(HoldReason::Spam);
    }
    // `Authentication-Results: amazonses.com; spf=pass (...) smtp.mailfrom=...; dkim=pass header.i=...`
    let Some(results) = first("authentication-results").map(results).filter(|r| r.server == "amazonses.com") else {
        return Some(HoldReason::Spf);
    };
    if !results.methods.iter().any(|m| m.method == "spf" && m.result == "pass") {
        return Some(HoldReason::Spf);
    }
    let domain = from.rsplit_once('@').map(|(_, d)| d.trim().trim_end_matches('>').to_ascii_lowercase()).unwrap_or_default();
    let vouched = results.methods.iter().any(|m| {
        m.result == "pass"
            && match m.method.as_str() {
                "dkim" => m.prop("header.d").or(m.prop("header.i")).is_some_and(|signer| within_domain(&domain, signer)),
                "dmarc" => m.prop("header.from").is_some_and(|d| within_domain(&domain, d)),
                _ => false,
            }
    });
    if !vouched {
        return Some(HoldReason::Dkim);
    }
    None
}

/// Whether `domain` is `signer` (an address's domain, `@example.com`, or a domain) or one of
/// its subdomains.
fn within_domain(domain: &str, signer: &str) -> bool {
    let signer = signer.rsplit('@').next().unwrap_or(signer);
    !domain.is_empty() && !signer.is_empty() && (domain == signer || domain.ends_with(&format!(".{signer}")))
}

/// One `method=result prop=value ...` of an `Authentication-Results` header (RFC 8601).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Method {
    method: String,
    result: String,
    props: Vec<(String, String)>,
}

impl Method {
    fn prop(&self, name: &str) -> Option<&str> {
        self.props.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// An `Authentication-Results` header read: who wrote it (its authserv-id) and its results.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Results {
    server: String,
    methods: Vec<Method>,
}

/// Reads an `Authentication-Results` value, lower-cased. Comments (in parentheses, nested)
/// and quoted strings are dropped first: they may hold text the sender chose (a quoted
/// envelope address, a HELO name), which must not read as a result. Written by hand: it is
/// twenty lines, and the one crate that reads these headers brings a whole DKIM verifier.
fn results(value: &str) -> Results {
    let mut plain = String::with_capacity(value.len());
    let (mut depth, mut quoted, mut escaped) = (0u32, false, false);
    for c in value.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => escaped = true,
            '"' if depth == 0 => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if quoted || depth > 0 => {}
            c => plain.push(c.to_ascii_lowercase()),
        }
    }
    let mut parts = plain.split(';').map(str::trim);
    let server = parts.next().unwrap_or_default().split_whitespace().next().unwrap_or_default().to_string();
    let methods = parts
        .filter_map(|part| {
            let mut words = part.split_whitespace();
            let (method, result) = words.next()?.split_once('=')?;
            let props = words.filter_map(|w| w.split_once('=')).map(|(n, v)| (n.to_string(), v.to_string())).collect();
            Some(Method { method: method.to_string(), result: result.to_string(), props })
        })
        .collect();
    Results { server, methods }
}

/// Whether two plain addresses are the same one (compared without case: mail servers and
/// people change the case of addresses freely).
pub fn same_address(a: &str, b: &str) -> bool {
    let a = a.trim();
    let b = b.trim();
    !a.is_empty() && a.eq_ignore_ascii_case(b)
}

/// What became of a held email.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HeldState {
    /// Waiting for the office.
    Held,
    /// Posted to the thread by a staff member.
    Posted {
        by: String,
        #[schema(value_type = String, format = DateTime)]
        at: jiff::Timestamp,
        #[schema(value_type = String)]
        message: crate::ids::MessageId,
    },
    /// Looked at and set aside by a staff member.
    Dismissed {
        by: String,
        #[schema(value_type = String, format = DateTime)]
        at: jiff::Timestamp,
    },
}

impl HeldState {
    pub fn as_str(&self) -> &'static str {
        match self {
            HeldState::Held => "held",
            HeldState::Posted { .. } => "posted",
            HeldState::Dismissed { .. } => "dismissed",
        }
    }
}

/// An email reply that was not posted, kept with why, for staff to post or set aside. The raw
/// message stays in the bucket (under `inbound/`) until the lifecycle rule removes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Held {
    pub id: crate::ids::HeldId,
    pub tenant: crate::ids::TenantId,
    pub account: crate::ids::AccountId,
    /// The thread it answers.
    pub about: crate::message::About,
    /// The contact the reply address was given to (or whose address wrote, matched by the
    /// thread's `References`); none when neither is known.
    pub contact: Option<crate::ids::ContactId>,
    /// The customer's name, for the office's list.
    pub customer: String,
    /// The `From` address and name as the email says (not verified: that is why it is held).
    pub from: String,
    pub from_name: String,
    pub subject: String,
    /// The reply without the quoted original, as it would be posted.
    pub text: String,
    /// Photos and documents it carries (kept in the raw message).
    pub attachments: u32,
    pub reason: HoldReason,
    /// The raw message's key in the bucket.
    pub raw: String,
    pub received_at: jiff::Timestamp,
    #[serde(flatten)]
    pub state: HeldState,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<Header> {
        pairs.iter().map(|(n, v)| ((*n).to_string(), (*v).to_string())).collect()
    }

    const CLEAN: &[(&str, &str)] = &[
        ("X-SES-Spam-Verdict", "PASS"),
        ("X-SES-Virus-Verdict", "PASS"),
        (
            "Authentication-Results",
            "amazonses.com; spf=pass (spfCheck: domain of example.com designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=dana@example.com; helo=mail.example.com; dkim=pass header.i=@example.com; dmarc=pass header.from=example.com;",
        ),
    ];

    #[test]
    fn a_clean_message_passes_and_each_failed_verdict_holds_it() {
        assert_eq!(verdict(&h(CLEAN), "dana@example.com"), None);
        assert_eq!(verdict(&h(CLEAN), "Dana@Mail.Example.com"), None, "a subdomain of the signer");
        assert_eq!(verdict(&h(CLEAN), "dana@example.net"), Some(HoldReason::Dkim), "signed by another domain");
        assert_eq!(verdict(&h(CLEAN), "dana@notexample.com"), Some(HoldReason::Dkim), "a suffix is not a parent");
        let with = |name: &str, value: &str| {
            let mut all = h(CLEAN);
            all.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            all.push((name.into(), value.into()));
            verdict(&all, "dana@example.com")
        };
        assert_eq!(with("X-SES-Spam-Verdict", "FAIL"), Some(HoldReason::Spam));
        assert_eq!(with("X-SES-Virus-Verdict", "GRAY"), Some(HoldReason::Virus));
        assert_eq!(
            with("Authentication-Results", "amazonses.com; spf=fail smtp.mailfrom=x; dkim=pass header.i=@example.com"),
            Some(HoldReason::Spf)
        );
        assert_eq!(
            with("Authentication-Results", "amazonses.com; spf=pass smtp.mailfrom=x; dkim=fail header.i=@example.com"),
            Some(HoldReason::Dkim)
        );
        assert_eq!(with("Authentication-Results", "amazonses.com; spf=pass; dkim=none"), Some(HoldReason::Dkim));
        assert_eq!(verdict(&[], "dana@example.com"), Some(HoldReason::Virus), "no verdicts: not known to be clean");
    }

    #[test]
    fn only_what_ses_wrote_on_top_counts() {
        let ses = |results: &str| {
            let mut all = h(&[("X-SES-Spam-Verdict", "PASS"), ("X-SES-Virus-Verdict", "PASS")]);
            all.push(("Authentication-Results".into(), results.into()));
            all
        };
        // SES says DKIM signed for the attacker's domain; the sender's own header below says
        // otherwise, and the sender's verdict headers below SES's are not read either.
        let mut forged = ses("amazonses.com; spf=pass smtp.mailfrom=x@evil.example; dkim=pass header.i=@evil.example");
        forged.push(("Authentication-Results".into(), "amazonses.com; spf=pass; dkim=pass header.d=example.com".into()));
        assert_eq!(verdict(&forged, "dana@example.com"), Some(HoldReason::Dkim));
        let mut spam = h(&[("X-SES-Virus-Verdict", "PASS"), ("X-SES-Spam-Verdict", "FAIL"), ("X-SES-Spam-Verdict", "PASS")]);
        spam.extend(h(CLEAN).into_iter().filter(|(n, _)| n == "Authentication-Results"));
        assert_eq!(verdict(&spam, "dana@example.com"), Some(HoldReason::Spam));
        // Text the sender chose inside SES's header (a quoted address, a comment) is no result.
        let quoted = ses(
            "amazonses.com; spf=pass smtp.mailfrom=\"a;dkim=pass header.d=example.com\"@evil.example (dkim=pass header.d=example.com); dkim=fail",
        );
        assert_eq!(verdict(&quoted, "dana@example.com"), Some(HoldReason::Dkim));
        // Another server's results on top: not SES's.
        assert_eq!(verdict(&ses("mx.evil.example; spf=pass; dkim=pass header.d=example.com"), "dana@example.com"), Some(HoldReason::Spf));
        // A mail service signing as itself, with DMARC passing for the sender's domain: vouched.
        let relayed = ses(
            "amazonses.com; spf=pass smtp.mailfrom=bounce@mail.esp.example; dkim=pass header.d=esp.example; dmarc=pass header.from=example.com",
        );
        assert_eq!(verdict(&relayed, "dana@example.com"), None);
        assert_eq!(verdict(&relayed, "dana@example.net"), Some(HoldReason::Dkim));
    }

    #[test]
    fn automatic_replies_are_recognised() {
        for auto in [
            &[("Auto-Submitted", "auto-replied")][..],
            &[("auto-submitted", "auto-generated")],
            &[("X-Autoreply", "yes")],
            &[("X-Autorespond", "Out of office")],
            &[("Precedence", "bulk")],
            &[("Precedence", "auto_reply")],
            &[("X-Auto-Response-Suppress", "All")],
        ] {
            assert!(is_automatic(&h(auto)), "{auto:?}");
        }
        assert!(!is_automatic(&h(&[("Auto-Submitted", "no"), ("Subject", "Re: Your visit")])));
        assert!(!is_automatic(&h(CLEAN)));
    }
}
