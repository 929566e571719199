//! Messages: two-way threads between an account's contacts and the contractor's staff, one per
//! job and one general thread per account ("Questions for the office"). A thread's summary
//! (state, assignee, last activity, unread counts per side) is its own record beside its
//! messages; messages are plain text, never edited after sending, hidden by staff at most.
use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;

use crate::error::{DomainError, FieldErrors};
use crate::ids::{FileId, JobId, MessageId, PropertyId, StaffId};

/// Who wrote a message: a contact of the account or a staff member, by name as shown (the
/// same shape as a file's uploader).
pub use crate::file::Uploader as Author;

/// The longest message, in characters.
pub const MAX_TEXT: usize = 4_000;
/// Files one message may carry.
pub const MAX_ATTACHMENTS: usize = 10;
/// Messages one contact may post in an hour (a person types far fewer; a script is stopped).
pub const CONTACT_HOURLY: u32 = 30;
/// What a thread's preview keeps of its last message.
pub const PREVIEW_CHARS: usize = 140;
/// Staff messages within this many seconds of a notice's first make one notice.
pub const NOTICE_GATHER_SECONDS: i64 = 120;

/// What a thread is about: the account in general, or one job. In paths it is `general` or
/// the job's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum About {
    General,
    Job(JobId),
    /// A work request's thread (`req_...`).
    Request(crate::ids::RequestId),
}

impl About {
    pub fn job(&self) -> Option<&JobId> {
        match self {
            About::Job(j) => Some(j),
            About::General | About::Request(_) => None,
        }
    }
}

impl fmt::Display for About {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            About::General => f.write_str("general"),
            About::Job(j) => write!(f, "{j}"),
            About::Request(r) => write!(f, "{r}"),
        }
    }
}

impl FromStr for About {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "general" {
            return Ok(About::General);
        }
        if let Ok(r) = s.parse::<crate::ids::RequestId>() {
            return Ok(About::Request(r));
        }
        s.parse::<JobId>()
            .map(About::Job)
            .map_err(|_| DomainError::invalid("thread", "general, a job's id (job_...) or a work request's (req_...)"))
    }
}

impl From<About> for String {
    fn from(a: About) -> String {
        a.to_string()
    }
}

impl TryFrom<String> for About {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Which side of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Customer,
    Staff,
}

/// How a message arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Portal,
    Admin,
    /// A reply to one of our emails.
    Email,
    /// A reply to one of our texts.
    Text,
}

/// Open, or closed by the office (a new message from either side opens it again).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThreadState {
    #[default]
    Open,
    Closed,
}

impl ThreadState {
    pub fn as_str(self) -> &'static str {
        match self {
            ThreadState::Open => "open",
            ThreadState::Closed => "closed",
        }
    }
}

/// A staff member as a thread names them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Assignee {
    #[schema(value_type = String)]
    pub id: StaffId,
    pub name: String,
}

/// A thread's summary: what lists and the dashboard show without reading its messages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Thread {
    pub tenant: crate::ids::TenantId,
    pub account: crate::ids::AccountId,
    pub about: About,
    /// The job's property (a contact limited to properties sees the thread of a job there);
    /// none for the general thread, which every contact of the account sees.
    pub property: Option<PropertyId>,
    /// The job's title, or "Questions for the office".
    pub subject: String,
    /// The customer's name, for the staff inbox (as it was at the last message).
    pub customer: String,
    pub state: ThreadState,
    pub assigned: Option<Assignee>,
    pub created_at: Timestamp,
    pub last_at: Timestamp,
    pub last_side: Side,
    pub last_preview: String,
    /// Messages of the other side each side has not read.
    pub customer_unread: u32,
    pub staff_unread: u32,
    pub messages: u32,
    /// When a customer notice of staff messages is waiting to go (several staff messages
    /// within [`NOTICE_GATHER_SECONDS`] make one notice): the first message it carries.
    #[serde(default)]
    pub notice_pending: Option<Timestamp>,
    /// When the office stopped the reply addresses given so far: a reply to one made before
    /// is held for review.
    #[serde(default)]
    pub replies_revoked_at: Option<Timestamp>,
    /// Changes with every write, so two writers never both succeed on one version, and so
    /// a page polling the thread can ask "anything new since this?".
    pub rev: u64,
}

/// The general thread's subject.
pub const GENERAL_SUBJECT: &str = "Questions for the office";

impl Thread {
    /// A thread before its first message.
    pub fn new(
        tenant: crate::ids::TenantId,
        account: crate::ids::AccountId,
        about: About,
        property: Option<PropertyId>,
        subject: String,
        customer: String,
        now: Timestamp,
    ) -> Self {
        Thread {
            tenant,
            account,
            about,
            property,
            subject,
            customer,
            state: ThreadState::Open,
            assigned: None,
            created_at: now,
            last_at: now,
            last_side: Side::Customer,
            last_preview: String::new(),
            customer_unread: 0,
            staff_unread: 0,
            messages: 0,
            notice_pending: None,
            replies_revoked_at: None,
            rev: 0,
        }
    }

    /// Unread messages for `side`.
    pub fn unread(&self, side: Side) -> u32 {
        match side {
            Side::Customer => self.customer_unread,
            Side::Staff => self.staff_unread,
        }
    }

    /// The summary once `m` is posted: last activity, the other side's unread count, open
    /// again if it was closed.
    pub fn with_message(&self, m: &Message) -> Thread {
        let mut next = self.clone();
        let side = m.side();
        next.last_at = m.at;
        next.last_side = side;
        next.last_preview = preview(&m.text, m.attachments.len());
        match side {
            Side::Customer => next.staff_unread += 1,
            Side::Staff => next.customer_unread += 1,
        }
        // Whoever writes has read what came before.
        match side {
            Side::Customer => next.customer_unread = 0,
            Side::Staff => next.staff_unread = 0,
        }
        next.messages += 1;
        next.state = ThreadState::Open;
        next.rev += 1;
        next
    }

    /// The summary once `side` has read it.
    pub fn read_by(&self, side: Side) -> Thread {
        let mut next = self.clone();
        match side {
            Side::Customer => next.customer_unread = 0,
            Side::Staff => next.staff_unread = 0,
        }
        next.rev += 1;
        next
    }
}

/// What a reply address stands for: one thread and one contact. Its token is random and
/// only its hash is kept; it lasts as long as the thread (a reply may come months later) and
/// the office can revoke it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReplyToken {
    pub tenant: crate::ids::TenantId,
    pub account: crate::ids::AccountId,
    pub about: About,
    pub contact: crate::ids::ContactId,
    pub created_at: Timestamp,
    #[serde(default)]
    pub revoked_at: Option<Timestamp>,
}

/// A new reply token: 40 lower-case hex characters (an address's local part is matched
/// without case by some servers, so nothing else), and the hash kept in its place.
pub fn new_reply_token(ids: &dyn crate::ports::Ids) -> (String, String) {
    let token = crate::sha256_hex(&ids.secret())[..40].to_string();
    let hash = crate::sha256_hex(token.as_bytes());
    (token, hash)
}

/// The address a reply goes to.
pub fn reply_address(token: &str, domain: &str) -> String {
    format!("reply+{token}@{domain}")
}

/// The token in a reply address (`reply+{token}@...`, any case), if it is one of ours.
pub fn token_of(address: &str) -> Option<String> {
    let (local, _) = address.trim().rsplit_once('@')?;
    let token = local.to_ascii_lowercase().strip_prefix("reply+")?.to_string();
    (token.len() == 40 && token.bytes().all(|b| b.is_ascii_hexdigit())).then_some(token)
}

/// The id every notice of a thread names in `References`, so mail clients keep them together.
pub fn thread_reference(th: &Thread, domain: &str) -> String {
    format!("<thread.{}.{}.{}@{domain}>", th.account, th.about, th.tenant)
}

/// A thread's last message as lists show it: its first characters on one line, or what it
/// carries when it is only files.
pub fn preview(text: &str, attachments: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return match attachments {
            0 => String::new(),
            1 => "Sent a file".into(),
            n => format!("Sent {n} files"),
        };
    }
    let mut out: String = one_line.chars().take(PREVIEW_CHARS).collect();
    if one_line.chars().count() > PREVIEW_CHARS {
        out.push('…');
    }
    out
}

/// Hidden by staff: kept (and audited), shown to nobody but staff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hidden {
    pub by: String,
    pub at: Timestamp,
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub about: About,
    pub author: Author,
    /// Plain text, line breaks kept ([`text`]).
    pub text: String,
    pub at: Timestamp,
    pub via: Via,
    /// Photos and documents sent with it (kept through the upload pipeline).
    #[serde(default)]
    pub attachments: Vec<FileId>,
    #[serde(default)]
    pub hidden: Option<Hidden>,
}

impl Message {
    pub fn side(&self) -> Side {
        if self.author.staff { Side::Staff } else { Side::Customer }
    }
}

/// A message's text as kept: line breaks as `\n`, other control characters (and the
/// direction overrides that make text read differently from how it is stored) dropped,
/// blank lines at the ends trimmed; 1 to [`MAX_TEXT`] characters unless files come with it.
/// Nothing else changes: markup stays text, and every page shows it as text.
pub fn text(raw: &str, attachments: usize) -> Result<String, DomainError> {
    let normal = raw.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = normal
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        // Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069).
        .filter(|c| !matches!(*c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect();
    let lines: Vec<&str> = kept.lines().map(str::trim_end).collect();
    let text = lines.join("\n").trim_matches('\n').to_string();
    let text = if text.trim().is_empty() { String::new() } else { text };
    let mut e = FieldErrors::new();
    if text.is_empty() && attachments == 0 {
        e.add("text", "write a message, or send a photo or document");
    }
    if text.chars().count() > MAX_TEXT {
        e.add("text", "at most 4,000 characters");
    }
    if attachments > MAX_ATTACHMENTS {
        e.add("attachments", "at most 10 files in one message");
    }
    e.into_result()?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_addresses_carry_a_token_only_we_can_read_back() {
        let (token, hash) = new_reply_token(&crate::ports::RandomIds);
        assert_eq!(token.len(), 40);
        assert_ne!(token, hash);
        let address = reply_address(&token, "in.brightspark.example");
        assert_eq!(token_of(&address).as_deref(), Some(token.as_str()));
        assert_eq!(token_of(&address.to_uppercase()).as_deref(), Some(token.as_str()), "case folded by a server");
        for other in ["dana@example.com", "reply+short@x", "reply+zzzz@x", "reply+@x", ""] {
            assert_eq!(token_of(other), None, "{other}");
        }
    }

    #[test]
    fn a_thread_is_named_in_paths_by_what_it_is_about() {
        assert_eq!("general".parse::<About>().unwrap(), About::General);
        assert_eq!("job_kitchen".parse::<About>().unwrap(), About::Job("job_kitchen".parse().unwrap()));
        assert_eq!(About::Job("job_kitchen".parse().unwrap()).to_string(), "job_kitchen");
        assert_eq!("req_porch".parse::<About>().unwrap(), About::Request("req_porch".parse().unwrap()));
        for bad in ["", "General", "est_1", "job_", "job_a/b", "../general"] {
            assert!(bad.parse::<About>().is_err(), "{bad}");
        }
    }

    #[test]
    fn text_keeps_line_breaks_and_markup_as_text_and_drops_what_hides() {
        assert_eq!(text("Hi,\r\nthe <b>fan</b> hums.\r\n\r\n", 0).unwrap(), "Hi,\nthe <b>fan</b> hums.");
        assert_eq!(text("a\u{0}b\u{7}c", 0).unwrap(), "abc");
        assert_eq!(text("pay \u{202E}gnp.exe", 0).unwrap(), "pay gnp.exe", "no right-to-left override");
        assert_eq!(text("שלום, مرحبا", 0).unwrap(), "שלום, مرحبا", "right-to-left letters are kept");
        assert!(text("  \n\t ", 0).is_err());
        assert_eq!(text("", 1).unwrap(), "", "files alone are a message");
        assert!(text(&"x".repeat(MAX_TEXT), 0).is_ok());
        assert!(text(&"x".repeat(MAX_TEXT + 1), 0).is_err());
        assert!(text("ok", MAX_ATTACHMENTS + 1).is_err());
    }

    #[test]
    fn the_summary_counts_what_the_other_side_has_not_read() {
        let now = Timestamp::UNIX_EPOCH;
        let t =
            Thread::new("ten_a".parse().unwrap(), "acc_a".parse().unwrap(), About::General, None, GENERAL_SUBJECT.into(), "A".into(), now);
        let m = |staff: bool, text: &str| Message {
            id: "mes_1".parse().unwrap(),
            about: About::General,
            author: Author { id: if staff { "stf_a" } else { "con_a" }.into(), name: "A".into(), staff },
            text: text.into(),
            at: now,
            via: Via::Portal,
            attachments: vec![],
            hidden: None,
        };
        let t = t.with_message(&m(false, "one")).with_message(&m(false, "two"));
        assert_eq!((t.staff_unread, t.customer_unread, t.messages), (2, 0, 2));
        let mut closed = t.with_message(&m(true, "answer"));
        assert_eq!((closed.staff_unread, closed.customer_unread), (0, 1), "answering reads what came before");
        closed.state = ThreadState::Closed;
        let again = closed.with_message(&m(false, "another question"));
        assert_eq!(again.state, ThreadState::Open, "a new message opens a closed thread");
        assert_eq!(again.read_by(Side::Customer).customer_unread, 0);
        assert_eq!(preview(&"word ".repeat(100), 0).chars().count(), PREVIEW_CHARS + 1);
        assert_eq!(preview("", 2), "Sent 2 files");
    }
}
