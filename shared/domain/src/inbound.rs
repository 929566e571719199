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
}

impl HoldReason {
    /// In words, for the office's review list.
    pub fn words(self) -> &'static str {
        match self {
            HoldReason::Spam => "Marked as possible spam by the mail service.",
            HoldReason::Virus => "The mail service found, or could not rule out, a virus.",
            HoldReason::Spf => "The sender's domain did not confirm it sent this (SPF).",
            HoldReason::Dkim => "The email's signature did not check out (DKIM).",
            HoldReason::UnknownAddress => "Sent to a reply address that is not, or no longer, one of ours.",
            HoldReason::OtherThread => "The reply address belongs to one conversation, the email it answers to another.",
            HoldReason::OtherSender => "Sent by someone other than the person we wrote to (perhaps a forwarded email).",
            HoldReason::TooMany => "This sender wrote more emails in an hour than we post.",
        }
    }
}

/// The first reason SES's verdicts give to hold a message from `from` (the `From` address),
/// `None` when they all pass. DKIM must pass for the `From` address's own domain (or a
/// parent of it), so a message signed by some other domain cannot borrow a contact's address.
pub fn verdict(headers: &[Header], from: &str) -> Option<HoldReason> {
    let pass = |name: &str| values(headers, name).next().is_some_and(|v| v.eq_ignore_ascii_case("pass"));
    if !pass("x-ses-virus-verdict") {
        return Some(HoldReason::Virus);
    }
    if !pass("x-ses-spam-verdict") {
        return Some(HoldReason::Spam);
    }
    // `Authentication-Results: amazonses.com; spf=pass (...) smtp.mailfrom=...; dkim=pass header.i=...`
    let results: Vec<String> = values(headers, "authentication-results").map(str::to_ascii_lowercase).collect();
    let parts = || results.iter().flat_map(|r| r.split(';')).map(str::trim);
    let passed =
        |method: &str| parts().filter(|p| p.strip_prefix(method).is_some_and(|rest| rest.starts_with("=pass"))).collect::<Vec<_>>();
    if passed("spf").is_empty() {
        return Some(HoldReason::Spf);
    }
    let domain = from.rsplit_once('@').map(|(_, d)| d.trim().trim_end_matches('>').to_ascii_lowercase()).unwrap_or_default();
    if !passed("dkim").iter().any(|p| signed_for(p, &domain)) {
        return Some(HoldReason::Dkim);
    }
    None
}

/// Whether a `dkim=pass header.i=@example.com` (or `header.d=example.com`) result signs for
/// `domain`: the same domain or a parent of it.
fn signed_for(result: &str, domain: &str) -> bool {
    if domain.is_empty() {
        return false;
    }
    result.split_whitespace().filter_map(|w| w.strip_prefix("header.i=").or_else(|| w.strip_prefix("header.d="))).any(|v| {
        let signer = v.rsplit('@').next().unwrap_or(v).trim_matches(|c: char| c == ';' || c == '"');
        !signer.is_empty() && (domain == signer || domain.ends_with(&format!(".{signer}")))
    })
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
