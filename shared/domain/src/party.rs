//! The people and places: tenants (contractors), customer accounts, contacts, properties, staff.
use crate::DomainError;
use crate::ids::{AccountId, ContactId, PropertyId, StaffId, TenantId};
use crate::money::Currency;

/// A normalised email address (trimmed, lower case). Shape-checked, not verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        let s = s.trim().to_ascii_lowercase();
        let bad = || DomainError::invalid("email", "must be an email address like name@example.com");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '#') {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty() || domain.contains('@') || !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
            return Err(bad());
        }
        Ok(Self(s))
    }
}
/// In the OpenAPI document: an address this type accepts (the server also trims and
/// lowercases it).
impl utoipa::PartialSchema for Email {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[A-Za-z0-9._%+'!$&*=?^{|}~/-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$"))
            .max_length(Some(254))
            .examples(["dana@example.com"])
            .into()
    }
}
impl utoipa::ToSchema for Email {}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

/// A phone number in E.164 (`+15551234567`). Ten bare digits are taken as North American.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// As people write it: `(512) 555-0100` for North American numbers, else as stored.
    pub fn display(&self) -> String {
        match self.0.strip_prefix("+1") {
            Some(n) if n.len() == 10 && n.bytes().all(|b| b.is_ascii_digit()) => format!("({}) {}-{}", &n[..3], &n[3..6], &n[6..]),
            _ => self.0.clone(),
        }
    }
}

impl TryFrom<String> for Phone {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid("phone", "must be a phone number like +1 555 123 4567");
        let trimmed = s.trim();
        let plus = trimmed.starts_with('+');
        let mut digits = String::new();
        for c in trimmed.chars().skip(usize::from(plus)) {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' => {}
                _ => return Err(bad()),
            }
        }
        let e164 = match (plus, digits.len()) {
            (true, 8..=15) if !digits.starts_with('0') => format!("+{digits}"),
            (false, 10) => format!("+1{digits}"),
            (false, 11) if digits.starts_with('1') => format!("+{digits}"),
            _ => return Err(bad()),
        };
        Ok(Self(e164))
    }
}
/// In the OpenAPI document: E.164 (`+15125550142`), or ten North American digits.
impl utoipa::PartialSchema for Phone {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^(\\+[1-9][0-9]{7,14}|[0-9]{10})$"))
            .examples(["+15125550142"])
            .into()
    }
}
impl utoipa::ToSchema for Phone {}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// An IANA time zone name that the bundled database knows.
pub fn parse_time_zone(name: &str) -> Result<jiff::tz::TimeZone, DomainError> {
    jiff::tz::TimeZone::get(name).map_err(|_| DomainError::invalid("time_zone", "must be an IANA time zone such as America/Chicago"))
}

/// How the portal looks for a contractor.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Branding {
    /// Public URL of the logo (served from the static bucket or the blob store).
    pub logo_url: Option<String>,
    /// `#rrggbb` used for buttons and links.
    pub primary_color: String,
    pub accent_color: String,
}

/// A contractor business. Everything in the table hangs under its id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    /// Short public name used in portal URLs and sign-in requests (`bright-spark`).
    pub slug: String,
    pub name: String,
    /// IANA zone: validity dates and reminders are days in this zone.
    pub time_zone: String,
    pub currency: Currency,
    pub branding: Branding,
    pub support_email: Option<Email>,
    pub support_phone: Option<Phone>,
    /// Public base URL of the portal, used to build links in email (`https://portal.example.com`).
    pub portal_url: String,
    /// Shown on the portal's home page and in invitations.
    #[serde(default)]
    pub welcome_message: String,
    /// BCP 47 language tag for dates and money on the portal (`en-US`).
    #[serde(default = "default_locale")]
    pub locale: String,
    /// What the portal shows.
    #[serde(default)]
    pub sections: PortalSections,
    /// What customers may pay online, and how.
    #[serde(default)]
    pub payments: crate::payments::PaymentRules,
    /// The business's postal address, printed at the foot of every email.
    #[serde(default)]
    pub address: String,
    /// Where the office hears of what customers do: approvals, declines, change requests,
    /// requests for an updated estimate, payments and failed payments. `None`: nobody is told.
    #[serde(default)]
    pub notification_email: Option<Email>,
    /// What a new estimate starts with (the deposit rule is `payments.default_deposit`).
    #[serde(default)]
    pub estimate_defaults: EstimateDefaults,
    /// When the business works, per weekday, in its zone: the windows a customer may ask for.
    #[serde(default)]
    pub working_hours: crate::job::WorkingHours,
    /// Photo and document limits: the storage quota and the uploads per contact per day.
    #[serde(default)]
    pub files: crate::file::FileSettings,
    /// The business's public review pages, offered to every customer after they rate a job.
    #[serde(default)]
    pub review_links: crate::review::ReviewLinks,
    /// Work requests: the categories customers choose from, the emergency text, the
    /// workmanship warranty.
    #[serde(default)]
    pub requests: crate::request::RequestSettings,
}

/// The business's defaults for new estimates.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EstimateDefaults {
    /// Sales tax in percent on taxable lines.
    #[schema(value_type = String, pattern = "^-?[0-9]{1,12}(\\.[0-9]{1,10})?$", example = "8.25")]
    #[serde(default)]
    pub tax_rate: rust_decimal::Decimal,
    /// Terms printed on every estimate.
    #[serde(default)]
    pub terms: String,
}

impl EstimateDefaults {
    pub fn validate(&self) -> Result<(), crate::DomainError> {
        let mut e = crate::FieldErrors::new();
        let rate = self.tax_rate;
        if rate < rust_decimal::Decimal::ZERO || rate > rust_decimal::Decimal::ONE_HUNDRED || rate.scale() > 4 {
            e.add("tax_rate", "must be a percent from 0 to 100 with at most 4 decimals");
        }
        if self.terms.chars().count() > 20_000 {
            e.add("terms", "must be at most 20000 characters");
        }
        e.into_result()
    }
}

fn default_locale() -> String {
    "en-US".into()
}

/// The parts of the portal a contractor shows their customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PortalSections {
    pub estimates: bool,
    pub invoices: bool,
    pub payments: bool,
}

/// One part of the portal a contractor can hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Estimates,
    Invoices,
    Payments,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Estimates, Section::Invoices, Section::Payments];
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Estimates => "estimates",
            Section::Invoices => "invoices",
            Section::Payments => "payments",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

impl PortalSections {
    pub fn shows(&self, section: Section) -> bool {
        match section {
            Section::Estimates => self.estimates,
            Section::Invoices => self.invoices,
            Section::Payments => self.payments,
        }
    }
    /// The sections hidden, as carried in a customer's session.
    pub fn hidden(&self) -> Vec<String> {
        Section::ALL.into_iter().filter(|s| !self.shows(*s)).map(|s| s.as_str().to_string()).collect()
    }
}

impl Default for PortalSections {
    fn default() -> Self {
        Self { estimates: true, invoices: true, payments: true }
    }
}

impl Tenant {
    pub fn zone(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC)
    }
    /// Today's date at the contractor.
    pub fn today(&self, now: jiff::Timestamp) -> jiff::civil::Date {
        now.to_zoned(self.zone()).date()
    }
}

/// Residential (one household) or commercial (a company with several contacts and roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Residential,
    Commercial,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub tenant: TenantId,
    pub name: String,
    pub kind: AccountKind,
    /// The contractor's Stripe customer for this account (`cus_…`), made on the first online
    /// payment so saved methods are offered the next time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_customer: Option<String>,
    /// Made by the public request form: a lead waiting for the office, who makes it a
    /// customer (its portal access on) or merges it into an existing one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lead: bool,
}

/// What a contact may do in the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    /// Sees everything, approves estimates, pays.
    Approver,
    /// Sees and pays invoices; cannot approve estimates.
    Billing,
    /// Read only.
    Viewer,
}

impl ContactRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::Approver => "approver",
            ContactRole::Billing => "billing",
            ContactRole::Viewer => "viewer",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "approver" => Some(Self::Approver),
            "billing" => Some(Self::Billing),
            "viewer" => Some(Self::Viewer),
            _ => None,
        }
    }
    pub fn can_approve(self) -> bool {
        self == ContactRole::Approver
    }
    /// Approvers and billing contacts pay; viewers only look.
    pub fn can_pay(self) -> bool {
        matches!(self, ContactRole::Approver | ContactRole::Billing)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub tenant: TenantId,
    pub account: AccountId,
    pub name: String,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub role: ContactRole,
    /// When set, the contact sees only documents for these properties.
    pub properties: Option<Vec<PropertyId>>,
    /// Staff can switch portal access off per contact; sign-in links are then not sent.
    pub portal_enabled: bool,
    /// When the contact was invited and signed in (adoption figures); stored as top-level
    /// attributes so sign-in can stamp them with a single update.
    #[serde(flatten)]
    pub activity: ContactActivity,
}

/// The one property-scope rule: a contact limited to some properties reaches only documents
/// at those (and nothing that names no property); an unlimited contact reaches all.
pub fn within(allowed: Option<&[PropertyId]>, property: Option<&PropertyId>) -> bool {
    match (allowed, property) {
        (None, _) => true,
        (Some(allowed), Some(p)) => allowed.contains(p),
        (Some(_), None) => false,
    }
}

/// A contact's use of the portal.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContactActivity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_at: Option<jiff::Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_signed_in_at: Option<jiff::Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_signed_in_at: Option<jiff::Timestamp>,
    /// The office withdrew the contact's links (invitation, sign-in, documents) at this time:
    /// links issued before it are refused. A fresh link can still be asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links_withdrawn_at: Option<jiff::Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Property {
    pub id: PropertyId,
    pub label: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    /// IANA zone of the property, when it is not the contractor's (visit windows are in it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// An address on one line (`12 Elm St, Apt 3, Springfield, IL 62701`).
pub fn address_line(line1: &str, line2: Option<&str>, city: &str, region: &str, postal_code: &str) -> String {
    let mut parts = vec![line1];
    parts.extend(line2);
    parts.push(city);
    format!("{}, {region} {postal_code}", parts.join(", ")).trim().to_string()
}

impl Property {
    /// The address on one line (`12 Elm St, Apt 3, Springfield, IL 62701`).
    pub fn one_line(&self) -> String {
        address_line(&self.line1, self.line2.as_deref(), &self.city, &self.region, &self.postal_code)
    }

    /// Where work happens at this property, in `default_zone` unless it has its own.
    pub fn site(&self, default_zone: &str) -> Site {
        Site {
            property: self.id.clone(),
            label: self.label.clone(),
            address: self.one_line(),
            time_zone: self.time_zone.clone().unwrap_or_else(|| default_zone.to_string()),
        }
    }
}

/// A property as documents carry it: enough to show and reach it without reading it again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Site {
    pub property: PropertyId,
    /// `Home`, `Oak Ridge Plaza`.
    pub label: String,
    /// One line, for a maps link.
    pub address: String,
    /// IANA zone its times are shown in.
    pub time_zone: String,
}

/// Staff roles, most powerful first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Owner,
    Office,
    Technician,
}

impl StaffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Owner => "owner",
            StaffRole::Office => "office",
            StaffRole::Technician => "technician",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(Self::Owner),
            "office" => Some(Self::Office),
            "technician" => Some(Self::Technician),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Staff {
    pub id: StaffId,
    pub tenant: TenantId,
    pub name: String,
    pub email: Email,
    pub role: StaffRole,
    pub active: bool,
    /// The name customers see on visits (`Sam`); the name when unset. Their phone and email
    /// are never shown to customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Their photo, under the public `media/` prefix (like the logo), shown on visits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

impl Staff {
    /// What customers see of them.
    pub fn shown_name(&self) -> String {
        match self.display_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => n.to_string(),
            None => self.name.split_whitespace().next().unwrap_or(&self.name).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::try_from(" Ann@Example.COM ".to_string()).map(String::from).ok(), Some("ann@example.com".into()));
        for bad in ["", "ann", "ann@", "@x.com", "a@b", "a b@c.com", "a@@b.com", "a#b@c.com"] {
            assert!(Email::try_from(bad.to_string()).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn phones_become_e164() {
        assert_eq!(Phone::try_from("(555) 123-4567".to_string()).map(String::from).ok(), Some("+15551234567".into()));
        assert_eq!(Phone::try_from("+44 20 7946 0958".to_string()).map(String::from).ok(), Some("+442079460958".into()));
        for bad in ["", "123", "+0123456789", "555-CALL-NOW"] {
            assert!(Phone::try_from(bad.to_string()).is_err(), "{bad} should be rejected");
        }
    }
}
