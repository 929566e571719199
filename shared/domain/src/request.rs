//! Work requests: a customer asks for the next job (what is needed, where, photos, up to three
//! windows that suit them, how urgent, how to reach them); the office reviews it and turns it
//! into an estimate or a job with a visit, or declines it with a message. The customer follows
//! its status; each request has its own thread.
use jiff::Timestamp;
use jiff::civil::Date;

use crate::ids::{AccountId, ContactId, EquipmentId, EstimateId, JobId, PropertyId, RequestId, TenantId, VisitId};
use crate::job::Window;
use crate::review::clean;
use crate::{DomainError, FieldErrors};

/// A description's length limit (characters).
pub const MAX_DESCRIPTION: usize = 4000;
/// The office's message when it declines (characters).
pub const MAX_MESSAGE: usize = 2000;
/// Categories a contractor may set, and each one's length.
pub const MAX_CATEGORIES: usize = 20;
pub const MAX_CATEGORY: usize = 60;
/// The emergency text's length limit.
pub const MAX_EMERGENCY_TEXT: usize = 300;
/// Steps kept in a request's history (each office step adds one).
pub const MAX_HISTORY: usize = 50;

/// What the contractor sets about requests (Settings).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RequestSettings {
    /// What customers choose from ("Panel upgrade", "EV charger", ...); the last is usually
    /// "Other".
    #[schema(max_items = 20)]
    pub categories: Vec<String>,
    /// Shown at once, with the business's phone number, when a customer says it is urgent.
    #[schema(max_length = 300)]
    pub emergency_text: String,
    /// Months the business stands behind its own work after a job is completed (a request
    /// about a past job within them is marked "under warranty"); 0: no workmanship warranty.
    #[schema(maximum = 120)]
    pub workmanship_months: u16,
}

impl Default for RequestSettings {
    fn default() -> Self {
        RequestSettings {
            categories: ["Panel upgrade", "EV charger", "Lighting", "Outlets and switches", "Troubleshooting", "Other"]
                .map(String::from)
                .to_vec(),
            emergency_text: "For sparks, smoke, a burning smell or a shock, leave the area and call us now.".into(),
            workmanship_months: 12,
        }
    }
}

impl RequestSettings {
    /// 400 when outside what any settings may be.
    pub fn check(&self) -> Result<(), DomainError> {
        let mut e = FieldErrors::new();
        if self.categories.is_empty() || self.categories.len() > MAX_CATEGORIES {
            e.add("requests.categories", "one to twenty categories");
        }
        for (i, c) in self.categories.iter().enumerate() {
            let c = c.trim();
            if c.is_empty() || c.chars().count() > MAX_CATEGORY {
                e.add(format!("requests.categories[{i}]"), "1 to 60 characters");
            } else if self.categories[..i].iter().any(|o| o.trim().eq_ignore_ascii_case(c)) {
                e.add(format!("requests.categories[{i}]"), "each category once");
            }
        }
        if self.emergency_text.chars().count() > MAX_EMERGENCY_TEXT {
            e.add("requests.emergency_text", "at most 300 characters");
        }
        if self.workmanship_months > 120 {
            e.add("requests.workmanship_months", "0 to 120 months");
        }
        e.into_result()
    }

    /// The settings as kept: categories and text trimmed.
    pub fn cleaned(&self) -> RequestSettings {
        RequestSettings {
            categories: self.categories.iter().map(|c| clean(c)).collect(),
            emergency_text: clean(&self.emergency_text),
            workmanship_months: self.workmanship_months,
        }
    }
}

/// Where a request stands, as the customer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Sent; nobody at the office has opened it yet.
    Received,
    /// The office is looking at it.
    InReview,
    /// The office made an estimate from it ("estimate on its way").
    Estimate,
    /// The office made a job with a visit from it.
    Scheduled,
    /// The office declined it, with a message.
    Declined,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 5] = [Self::Received, Self::InReview, Self::Estimate, Self::Scheduled, Self::Declined];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::InReview => "in_review",
            Self::Estimate => "estimate",
            Self::Scheduled => "scheduled",
            Self::Declined => "declined",
        }
    }

    /// Still waiting for the office to decide.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Received | Self::InReview)
    }

    /// The words the customer reads.
    pub fn words(self) -> &'static str {
        match self {
            Self::Received => "Received",
            Self::InReview => "In review",
            Self::Estimate => "Estimate on its way",
            Self::Scheduled => "Scheduled",
            Self::Declined => "Declined",
        }
    }
}

impl std::str::FromStr for RequestStatus {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| DomainError::invalid("status", "received, in_review, estimate, scheduled or declined"))
    }
}

/// How the customer would like to be reached about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    Email,
    Call,
    Text,
}

/// Where the work is: one of the account's properties, or an address for the office to
/// confirm.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NewAddress {
    #[schema(min_length = 1, max_length = 120)]
    pub line1: String,
    #[serde(default)]
    #[schema(max_length = 120)]
    pub line2: Option<String>,
    #[schema(min_length = 1, max_length = 80)]
    pub city: String,
    #[schema(min_length = 1, max_length = 80)]
    pub region: String,
    #[schema(min_length = 1, max_length = 20)]
    pub postal_code: String,
}

impl NewAddress {
    /// Trimmed, each part bounded: a part too long is a 400 (`Err`); a required part left
    /// blank is added to `blank` (a 422 for the caller). Errors are named `{at}line1`...
    pub fn checked(&self, at: &str, blank: &mut FieldErrors) -> Result<NewAddress, DomainError> {
        let mut e = FieldErrors::new();
        let mut part = |name: &str, v: &str, max: usize, required: bool| {
            let v = clean(v).replace('\n', " ");
            if v.chars().count() > max {
                e.add(format!("{at}{name}"), format!("at most {max} characters"));
            } else if required && v.is_empty() {
                blank.add(format!("{at}{name}"), "is required");
            }
            v
        };
        let out = NewAddress {
            line1: part("line1", &self.line1, 120, true),
            line2: self.line2.as_deref().map(|l| part("line2", l, 120, false)).filter(|l| !l.is_empty()),
            city: part("city", &self.city, 80, true),
            region: part("region", &self.region, 80, true),
            postal_code: part("postal_code", &self.postal_code, 20, true),
        };
        e.into_result()?;
        Ok(out)
    }

    /// `12 Elm St, Apt 3, Springfield, IL 62701`.
    pub fn one_line(&self) -> String {
        crate::party::address_line(&self.line1, self.line2.as_deref(), &self.city, &self.region, &self.postal_code)
    }

    /// The property it becomes once the office confirms it (named after its street).
    pub fn property(&self, id: crate::ids::PropertyId) -> crate::party::Property {
        crate::party::Property {
            id,
            label: self.line1.clone(),
            line1: self.line1.clone(),
            line2: self.line2.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: "US".into(),
            time_zone: None,
        }
    }

    /// The same street address, compared loosely (case, spaces and punctuation do not count;
    /// the apartment or unit neither, so "Apt 1", "Apt 2" ... are one address): the public
    /// form's limit per address.
    pub fn fingerprint(&self) -> String {
        let squash = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
        format!("{}|{}", squash(&self.line1), squash(&self.postal_code))
    }
}

/// What a past job or a piece of equipment the request is about says of its warranty.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Regarding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equipment: Option<EquipmentId>,
    /// `J-1012 · Bathroom exhaust fan`, `Main panel · Square D QO 200 A`.
    pub label: String,
    /// The warranty's last day, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub warranty_until: Option<Date>,
    /// Whether the request came within it (the office sees "under warranty").
    pub under_warranty: bool,
}

/// Where a request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestSource {
    /// A signed-in customer.
    Portal,
    /// The public form on the contractor's website (a new lead, until the office decides).
    Form,
}

/// One step of a request's life.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RequestStep {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub status: RequestStatus,
    /// Who moved it there (`Casey Ortiz`, or the customer's name).
    pub by: String,
}

/// A work request as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct WorkRequest {
    pub id: RequestId,
    pub tenant: TenantId,
    pub account: AccountId,
    pub source: RequestSource,
    pub category: String,
    pub description: String,
    /// The property, when it is one of the account's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<PropertyId>,
    /// An address for the office to confirm, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<NewAddress>,
    /// Where, on one line, as it was asked.
    pub place: String,
    /// Up to three windows that suit the customer (none: any time).
    pub preferred: Vec<Window>,
    pub urgent: bool,
    pub reach: Reach,
    /// Who asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactId>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub email: Option<crate::party::Email>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<crate::party::Phone>,
    /// A past job or piece of equipment it is about, with its warranty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regarding: Option<Regarding>,
    pub status: RequestStatus,
    /// The office's message when it declined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<EstimateId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitId>,
    /// The zone its windows are in (the property's, else the contractor's).
    pub time_zone: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    pub history: Vec<RequestStep>,
    pub rev: u64,
}

/// The preferred windows' rules for a request: none (any time), or up to three in the
/// future, each inside one day's working hours.
pub fn check_windows(
    preferred: &[Window],
    hours: &crate::job::WorkingHours,
    zone: &jiff::tz::TimeZone,
    now: Timestamp,
) -> Result<(), DomainError> {
    if preferred.is_empty() {
        return Ok(());
    }
    crate::job::check_preferred(preferred, hours, zone, now)
}

/// The category named, as the contractor spells it (422 when it is not one of theirs).
pub fn category<'s>(settings: &'s RequestSettings, asked: &str) -> Option<&'s str> {
    let asked = asked.trim();
    settings.categories.iter().map(String::as_str).find(|c| c.eq_ignore_ascii_case(asked))
}

/// A workmanship warranty's last day: `months` after the job was completed.
pub fn workmanship_until(completed: Date, months: u16) -> Option<Date> {
    if months == 0 {
        return None;
    }
    completed.checked_add(jiff::Span::new().months(i64::from(months))).ok()
}

/// What the office does with a request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestDecline {
    /// What the customer reads ("We do not work in Oak Lawn, try ...").
    #[schema(min_length = 1, max_length = 2000)]
    pub message: String,
}

/// What a request is when it is asked: everything but what happens to it after.
pub struct Asked {
    pub id: RequestId,
    pub tenant: TenantId,
    pub account: AccountId,
    pub source: RequestSource,
    pub category: String,
    pub description: String,
    pub property: Option<PropertyId>,
    pub address: Option<NewAddress>,
    pub place: String,
    pub preferred: Vec<Window>,
    pub urgent: bool,
    pub reach: Reach,
    pub contact: Option<ContactId>,
    pub name: String,
    pub email: Option<crate::party::Email>,
    pub phone: Option<crate::party::Phone>,
    pub regarding: Option<Regarding>,
    pub time_zone: String,
}

impl WorkRequest {
    /// A request just asked at `now`: received, its first step by whoever asked.
    pub fn received(a: Asked, now: Timestamp) -> WorkRequest {
        WorkRequest {
            history: vec![RequestStep { at: now, status: RequestStatus::Received, by: a.name.clone() }],
            id: a.id,
            tenant: a.tenant,
            account: a.account,
            source: a.source,
            category: a.category,
            description: a.description,
            property: a.property,
            address: a.address,
            place: a.place,
            preferred: a.preferred,
            urgent: a.urgent,
            reach: a.reach,
            contact: a.contact,
            name: a.name,
            email: a.email,
            phone: a.phone,
            regarding: a.regarding,
            status: RequestStatus::Received,
            message: None,
            estimate: None,
            job: None,
            visit: None,
            time_zone: a.time_zone,
            created_at: now,
            updated_at: now,
            rev: 1,
        }
    }

    /// The request moved to `status` at `now` by `by`.
    pub fn moved(&self, status: RequestStatus, by: &str, now: Timestamp) -> WorkRequest {
        let mut r = self.clone();
        r.status = status;
        r.updated_at = now;
        if r.history.len() < MAX_HISTORY {
            r.history.push(RequestStep { at: now, status, by: by.to_string() });
        }
        r.rev += 1;
        r
    }

    /// The office may still decide it (estimate, job or decline); 409 words otherwise.
    pub fn decidable(&self) -> Result<(), &'static str> {
        match self.status {
            RequestStatus::Received | RequestStatus::InReview => Ok(()),
            RequestStatus::Estimate => Err("An estimate was already made from this request."),
            RequestStatus::Scheduled => Err("A job was already made from this request."),
            RequestStatus::Declined => Err("This request was declined."),
        }
    }

    /// The zone its windows are in.
    pub fn zone(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in RequestStatus::ALL {
            assert_eq!(s.as_str().parse::<RequestStatus>().unwrap(), s);
        }
        assert!("open".parse::<RequestStatus>().is_err());
    }

    #[test]
    fn default_settings_are_valid() {
        RequestSettings::default().check().unwrap();
        let mut s = RequestSettings::default();
        s.categories.push("other".into());
        assert!(s.check().is_err(), "a category twice");
        s.categories = vec![];
        assert!(s.check().is_err());
    }

    #[test]
    fn workmanship_is_months_after_completion() {
        let d = jiff::civil::date(2026, 1, 31);
        assert_eq!(workmanship_until(d, 12), Some(jiff::civil::date(2027, 1, 31)));
        assert_eq!(workmanship_until(d, 1), Some(jiff::civil::date(2026, 2, 28)));
        assert_eq!(workmanship_until(d, 0), None);
    }

    #[test]
    fn addresses_compare_loosely() {
        let a = NewAddress {
            line1: "12 Elm St.".into(),
            line2: None,
            city: "Springfield".into(),
            region: "IL".into(),
            postal_code: "62701".into(),
        };
        let b = NewAddress { line1: "12 ELM ST".into(), ..a.clone() };
        assert_eq!(a.fingerprint(), b.fingerprint());
        let mut blank = FieldErrors::new();
        assert!(a.checked("", &mut blank).is_ok() && blank.is_empty());
        assert!(NewAddress { line1: " ".into(), ..a.clone() }.checked("address.", &mut blank).is_ok());
        assert!(!blank.is_empty(), "a blank line is the caller's 422");
        assert!(NewAddress { line1: "x".repeat(121), ..a }.checked("address.", &mut blank).is_err());
    }
}
