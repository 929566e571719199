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
            HoldReason::OtherSender => "Sent by someone other than the person we wrote to (perhaps a forwarded email).",
            HoldReason::TooMany => "This sender wrote more emails in an hour than we post.",
        }
    }
}

/// The first reason SES's verdicts give to hold a message (`None`: they all pass).
pub fn verdict(headers: &[Header]) -> Option<HoldReason> {
    let pass = |name: &str| values(headers, name).next().is_some_and(|v| v.eq_ignore_ascii_case("pass"));
    if !pass("x-ses-virus-verdict") {
        return Some(HoldReason::Virus);
    }
    if !pass("x-ses-spam-verdict") {
        return Some(HoldReason::Spam);
    }
    // `Authentication-Results: amazonses.com; spf=pass (...) smtp.mailfrom=...; dkim=pass header.i=...`
    let results: Vec<String> = values(headers, "authentication-results").map(str::to_ascii_lowercase).collect();
    let says = |method: &str| {
        results.iter().any(|r| r.split(';').any(|part| part.trim().strip_prefix(method).is_some_and(|rest| rest.starts_with("=pass"))))
    };
    if !says("spf") {
        return Some(HoldReason::Spf);
    }
    if !says("dkim") {
        return Some(HoldReason::Dkim);
    }
    None
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
        assert_eq!(verdict(&h(CLEAN)), None);
        let with = |name: &str, value: &str| {
            let mut all = h(CLEAN);
            all.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            all.push((name.into(), value.into()));
            verdict(&all)
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
        assert_eq!(verdict(&[]), Some(HoldReason::Virus), "no verdicts: not known to be clean");
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
