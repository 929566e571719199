//! Estimates: versions of a priced scope of work that a customer approves, declines or asks to
//! change.
//!
//! An [`Estimate`] is the header that moves through [`EstimateStatus`]; each [`EstimateVersion`]
//! is immutable once sent. The customer chooses options ([`Selection`]) and [`totals`] prices
//! that choice by the rule in [`crate::money`]. The state machine is [`transition`]; expiry is
//! derived from the validity date in the contractor's time zone ([`Estimate::effective_status`]).
use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::ids::{AccountId, EstimateId, GroupId, LineItemId, OptionId, PropertyId, TenantId};
use crate::money::{Currency, MAX_AMOUNT, percent_of, round_minor};
use crate::{DomainError, FieldErrors};

/// Largest quantity and unit price we accept: far above any real job, far below overflow.
pub const MAX_QUANTITY: i64 = 1_000_000;
pub const MAX_UNIT_PRICE: i64 = 100_000_000_000;

/// One priced line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LineItem {
    pub id: LineItemId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Decimal quantity (hours, feet, units), at most 3 decimal places, > 0.
    #[schema(value_type = String, pattern = "^-?[0-9]{1,12}(\\.[0-9]{1,10})?$", example = "2.5")]
    pub quantity: Decimal,
    /// Price of one unit in minor units of the estimate's currency; negative for a discount line.
    /// Minor units, within ±10^13 (money is bounded).
    #[schema(minimum = -10_000_000_000_000_i64, maximum = 10_000_000_000_000_i64)]
    pub unit_price: i64,
    pub taxable: bool,
}

impl LineItem {
    /// Quantity x unit price, rounded once; `None` past what an `i64` holds (a line that
    /// passed [`VersionContent::validate`] always has one, at most [`MAX_AMOUNT`]).
    pub fn checked_amount(&self) -> Option<i64> {
        Decimal::from(self.unit_price).checked_mul(self.quantity).and_then(round_minor)
    }

    /// [`Self::checked_amount`] for lines that were validated (shown in diffs and lists).
    pub fn amount(&self) -> i64 {
        self.checked_amount().unwrap_or(0)
    }

    /// The bounds of one line: a name, a quantity and a price within reach of any real job.
    pub(crate) fn check(&self, path: &str, errors: &mut FieldErrors) {
        if self.name.trim().is_empty() || self.name.len() > 200 {
            errors.add(format!("{path}.name"), "must be 1 to 200 characters");
        }
        if self.description.len() > 4000 {
            errors.add(format!("{path}.description"), "must be at most 4000 characters");
        }
        if self.quantity <= Decimal::ZERO || self.quantity > Decimal::from(MAX_QUANTITY) || self.quantity.scale() > 3 {
            errors.add(format!("{path}.quantity"), "must be more than 0, at most 1000000, with at most 3 decimals");
        }
        // unsigned_abs: i64::MIN has no positive counterpart.
        if self.unit_price.unsigned_abs() > MAX_UNIT_PRICE.unsigned_abs() {
            errors.add(format!("{path}.unit_price"), "is too large");
        } else if self.checked_amount().is_none_or(|a| a.unsigned_abs() > MAX_AMOUNT.unsigned_abs()) {
            errors.add(format!("{path}.unit_price"), "makes this line worth more than 100 billion: check the quantity and the price");
        }
    }
}

/// Pick exactly one (100 A or 200 A panel) or any number (optional add-ons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    OneOf,
    AnyOf,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EstimateOption {
    pub id: OptionId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub items: Vec<LineItem>,
    /// Pre-selected in the portal (the contractor's recommendation).
    #[serde(default)]
    pub recommended: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OptionGroup {
    pub id: GroupId,
    pub name: String,
    pub kind: GroupKind,
    pub options: Vec<EstimateOption>,
}

/// How much is due up front when the estimate is approved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DepositRule {
    /// A percent of the approved total, 0 < percent <= 100.
    Percent {
        #[schema(value_type = String, pattern = "^-?[0-9]{1,12}(\\.[0-9]{1,10})?$", example = "25")]
        percent: Decimal,
    },
    /// A fixed amount in minor units (capped at the total).
    Fixed {
        #[schema(minimum = 0, maximum = 10_000_000_000_000_i64)]
        amount: i64,
    },
}

/// The priced content of one version. Immutable once sent; its SHA-256 is what a signature binds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VersionContent {
    pub title: String,
    /// The scope of work in plain text.
    pub scope: String,
    /// Lines that are always included.
    pub items: Vec<LineItem>,
    pub groups: Vec<OptionGroup>,
    /// Sales tax in percent on taxable lines (8.875 = 8.875 %).
    #[schema(value_type = String, pattern = "^-?[0-9]{1,12}(\\.[0-9]{1,10})?$", example = "8.25")]
    pub tax_rate: Decimal,
    pub deposit: Option<DepositRule>,
    pub terms: String,
    /// Last day (in the contractor's time zone) the estimate can be approved.
    #[schema(value_type = String, format = Date)]
    pub valid_until: Date,
    pub currency: Currency,
}

impl VersionContent {
    /// Checks everything a contractor can get wrong while building an estimate.
    pub fn validate(&self) -> Result<(), DomainError> {
        let mut e = FieldErrors::new();
        if self.title.trim().is_empty() || self.title.chars().count() > 200 {
            e.add("title", "must be 1 to 200 characters");
        }
        if self.scope.len() > 20_000 {
            e.add("scope", "must be at most 20000 characters");
        }
        if self.terms.len() > 20_000 {
            e.add("terms", "must be at most 20000 characters");
        }
        if self.tax_rate < Decimal::ZERO || self.tax_rate > Decimal::ONE_HUNDRED || self.tax_rate.scale() > 4 {
            e.add("tax_rate", "must be a percent from 0 to 100 with at most 4 decimals");
        }
        match &self.deposit {
            Some(DepositRule::Percent { percent }) if *percent <= Decimal::ZERO || *percent > Decimal::ONE_HUNDRED => {
                e.add("deposit.percent", "must be more than 0 and at most 100")
            }
            Some(DepositRule::Fixed { amount }) if *amount <= 0 || *amount > MAX_UNIT_PRICE => {
                e.add("deposit.amount", "must be more than 0")
            }
            _ => {}
        }
        let mut line_ids = BTreeSet::new();
        for (i, item) in self.items.iter().enumerate() {
            item.check(&format!("items[{i}]"), &mut e);
            if !line_ids.insert(item.id.clone()) {
                e.add(format!("items[{i}].id"), "is used twice");
            }
        }
        let mut group_ids = BTreeSet::new();
        let mut option_ids = BTreeSet::new();
        for (g, group) in self.groups.iter().enumerate() {
            if !group_ids.insert(group.id.clone()) {
                e.add(format!("groups[{g}].id"), "is used twice");
            }
            if group.name.trim().is_empty() {
                e.add(format!("groups[{g}].name"), "must not be empty");
            }
            if group.options.is_empty() {
                e.add(format!("groups[{g}].options"), "must have at least one option");
            }
            if group.kind == GroupKind::OneOf && group.options.iter().filter(|o| o.recommended).count() > 1 {
                e.add(format!("groups[{g}].options"), "can recommend only one option");
            }
            for (o, option) in group.options.iter().enumerate() {
                if !option_ids.insert(option.id.clone()) {
                    e.add(format!("groups[{g}].options[{o}].id"), "is used twice");
                }
                for (i, item) in option.items.iter().enumerate() {
                    let path = format!("groups[{g}].options[{o}].items[{i}]");
                    item.check(&path, &mut e);
                    if !line_ids.insert(item.id.clone()) {
                        e.add(format!("{path}.id"), "is used twice");
                    }
                }
            }
        }
        if self.items.is_empty() && self.groups.is_empty() {
            e.add("items", "an estimate needs at least one line item or option group");
        }
        // Every option chosen at once bounds every selection's total, so no total can overflow.
        if e.is_empty() && crate::money::sum(self.all_items().map(|(_, _, i)| i.amount().saturating_abs())).is_none_or(|t| t > MAX_AMOUNT) {
            e.add("items", "the lines add up to more than 100 billion: check the quantities and prices");
        }
        e.into_result()
    }

    /// SHA-256 of the canonical JSON of this content: what a signature is bound to.
    /// Field order is fixed by the struct and maps are ordered, so the bytes are stable.
    pub fn fingerprint(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        crate::sha256_hex(&bytes)
    }

    /// The contractor's recommended choice: the recommended (else first) option of each
    /// pick-one group and the recommended add-ons.
    pub fn default_selection(&self) -> Selection {
        let mut s = Selection::default();
        for g in &self.groups {
            let chosen: Vec<OptionId> = match g.kind {
                GroupKind::OneOf => {
                    g.options.iter().find(|o| o.recommended).or_else(|| g.options.first()).map(|o| vec![o.id.clone()]).unwrap_or_default()
                }
                GroupKind::AnyOf => g.options.iter().filter(|o| o.recommended).map(|o| o.id.clone()).collect(),
            };
            s.0.insert(g.id.clone(), chosen);
        }
        s
    }

    /// The lines a selection buys: the fixed lines, then the chosen options' lines (what an
    /// approved estimate's invoice bills).
    pub fn chosen_items<'a>(&'a self, selection: &'a Selection) -> impl Iterator<Item = &'a LineItem> {
        self.items.iter().chain(self.groups.iter().flat_map(move |g| {
            let chosen = selection.0.get(&g.id);
            g.options.iter().filter(move |o| chosen.is_some_and(|c| c.contains(&o.id))).flat_map(|o| o.items.iter())
        }))
    }

    /// Every line item with where it sits, for diffs and lookups.
    pub fn all_items(&self) -> impl Iterator<Item = (Option<&OptionGroup>, Option<&EstimateOption>, &LineItem)> {
        self.items
            .iter()
            .map(|i| (None, None, i))
            .chain(self.groups.iter().flat_map(|g| g.options.iter().flat_map(move |o| o.items.iter().map(move |i| (Some(g), Some(o), i)))))
    }
}

/// The customer's choice: group -> chosen options.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Selection(pub BTreeMap<GroupId, Vec<OptionId>>);

/// In the OpenAPI document: an object whose keys are group ids and whose values are lists
/// of option ids (hand-written: utoipa's derive cannot state the keys' shape).
impl utoipa::PartialSchema for Selection {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
        let ids = |s: utoipa::openapi::RefOr<Schema>| ArrayBuilder::new().items(s).max_items(Some(50));
        let key = <GroupId as utoipa::PartialSchema>::schema();
        let key = match key {
            utoipa::openapi::RefOr::T(s) => s,
            utoipa::openapi::RefOr::Ref(_) => Schema::Object(ObjectBuilder::new().schema_type(Type::String).build()),
        };
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property_names(Some(key))
            .additional_properties(Some(utoipa::openapi::RefOr::T(Schema::Array(
                ids(<OptionId as utoipa::PartialSchema>::schema()).build(),
            ))))
            .into()
    }
}
impl utoipa::ToSchema for Selection {}

/// Priced result of a selection. All amounts in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Totals {
    pub subtotal: i64,
    pub taxable_subtotal: i64,
    pub tax: i64,
    pub total: i64,
    /// Due at approval under the deposit rule (0 when there is none).
    pub deposit: i64,
}

/// Checks a selection against the version: every pick-one group has exactly one known option,
/// add-on groups have distinct known options, no unknown groups.
pub fn check_selection(content: &VersionContent, selection: &Selection) -> Result<(), DomainError> {
    let mut e = FieldErrors::new();
    for key in selection.0.keys() {
        if !content.groups.iter().any(|g| &g.id == key) {
            e.add(format!("selection.{key}"), "is not an option group of this estimate");
        }
    }
    for g in &content.groups {
        let chosen = selection.0.get(&g.id).map(Vec::as_slice).unwrap_or(&[]);
        let distinct: BTreeSet<_> = chosen.iter().collect();
        if distinct.len() != chosen.len() {
            e.add(format!("selection.{}", g.id), "lists an option twice");
        }
        if let Some(bad) = chosen.iter().find(|o| !g.options.iter().any(|opt| &opt.id == *o)) {
            e.add(format!("selection.{}", g.id), format!("{bad} is not an option of {}", g.name));
        }
        if g.kind == GroupKind::OneOf && chosen.len() != 1 {
            e.add(format!("selection.{}", g.id), format!("choose exactly one option for {}", g.name));
        }
    }
    e.into_result()
}

/// Prices a selection. The selection must have passed [`check_selection`]; unknown options are
/// ignored here. Every sum is checked: content that passed [`VersionContent::validate`] is
/// bounded so that none overflows, and anything else is refused rather than priced wrong.
pub fn totals(content: &VersionContent, selection: &Selection) -> Result<Totals, DomainError> {
    let too_large = || DomainError::invalid("items", "the lines add up to more than 100 billion: check the quantities and prices");
    let (mut subtotal, mut taxable) = (0i64, 0i64);
    for item in content.chosen_items(selection) {
        let amount = item.checked_amount().ok_or_else(too_large)?;
        subtotal = subtotal.checked_add(amount).ok_or_else(too_large)?;
        if item.taxable {
            taxable = taxable.checked_add(amount).ok_or_else(too_large)?;
        }
    }
    let tax = if taxable > 0 { percent_of(taxable, content.tax_rate).ok_or_else(too_large)? } else { 0 };
    let total = subtotal.checked_add(tax).ok_or_else(too_large)?.max(0);
    let deposit = match &content.deposit {
        None => 0,
        Some(DepositRule::Percent { percent }) => percent_of(total, *percent).ok_or_else(too_large)?,
        Some(DepositRule::Fixed { amount }) => *amount,
    }
    .clamp(0, total);
    Ok(Totals { subtotal, taxable_subtotal: taxable, tax, total, deposit })
}

/// Where an estimate is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EstimateStatus {
    Draft,
    Sent,
    Viewed,
    Approved,
    Declined,
    ChangesRequested,
    Expired,
    Void,
}

impl EstimateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Sent => "sent",
            Self::Viewed => "viewed",
            Self::Approved => "approved",
            Self::Declined => "declined",
            Self::ChangesRequested => "changes_requested",
            Self::Expired => "expired",
            Self::Void => "void",
        }
    }
    /// Waiting for the customer to decide.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Sent | Self::Viewed)
    }
    pub const ALL: [EstimateStatus; 8] =
        [Self::Draft, Self::Sent, Self::Viewed, Self::Approved, Self::Declined, Self::ChangesRequested, Self::Expired, Self::Void];
}

/// Something that happens to an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EstimateEvent {
    /// Staff send the current (draft) version.
    Send,
    /// The customer opens it for the first time.
    View,
    Approve,
    Decline,
    RequestChanges,
    /// Staff start a new version from the current one.
    Revise,
    /// The validity date passed.
    Expire,
    Void,
}

impl EstimateEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Send => "send",
            Self::View => "view",
            Self::Approve => "approve",
            Self::Decline => "decline",
            Self::RequestChanges => "request changes on",
            Self::Revise => "revise",
            Self::Expire => "expire",
            Self::Void => "void",
        }
    }
}

/// The state machine:
///
/// ```text
/// draft -> sent -> viewed -> approved | declined | changes_requested
/// sent | viewed | declined | changes_requested | expired --revise--> draft (next version) -> sent ...
/// sent | viewed -> expired;  anything but void -> void
/// ```
pub fn transition(from: EstimateStatus, event: EstimateEvent) -> Result<EstimateStatus, DomainError> {
    use EstimateEvent as E;
    use EstimateStatus as S;
    let to = match (from, event) {
        (S::Draft, E::Send) => S::Sent,
        (S::Sent, E::View) => S::Viewed,
        (S::Sent | S::Viewed, E::Approve) => S::Approved,
        (S::Sent | S::Viewed, E::Decline) => S::Declined,
        (S::Sent | S::Viewed, E::RequestChanges) => S::ChangesRequested,
        (S::Sent | S::Viewed | S::Declined | S::ChangesRequested | S::Expired, E::Revise) => S::Draft,
        (S::Sent | S::Viewed, E::Expire) => S::Expired,
        (s, E::Void) if s != S::Void => S::Void,
        _ => {
            return Err(DomainError::InvalidTransition { from: from.as_str(), event: event.as_str() });
        }
    };
    Ok(to)
}

/// One version as stored: its number, content and fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EstimateVersion {
    pub number: u32,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    /// What the contractor says changed, shown above the computed changes.
    pub note: Option<String>,
    pub content: VersionContent,
    /// `content.fingerprint()` when the version was created; rechecked before signing.
    pub fingerprint: String,
}

/// The header of an estimate: its status and which version is current.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Estimate {
    pub id: EstimateId,
    pub tenant: TenantId,
    pub account: AccountId,
    pub property: Option<PropertyId>,
    /// Human number printed on paper (`E-1042`).
    pub number: String,
    pub status: EstimateStatus,
    pub current_version: u32,
    pub title: String,
    /// Total of the current version with the recommended options, for lists.
    pub headline_total: i64,
    pub currency: Currency,
    pub valid_until: Date,
    /// The instant `valid_until` ends in the contractor's time zone (set when the version is
    /// sent), so expiry is checked without reading the tenant.
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub first_viewed_at: Option<Timestamp>,
    pub decided_at: Option<Timestamp>,
    /// When the customer, finding it expired, asked for an updated estimate (cleared when a
    /// new version is started).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_requested_at: Option<Timestamp>,
    /// The contractor's time zone when it was created (IANA name): its dates are in it, and
    /// the adoption figures count it in its months without reading the tenant. Empty on
    /// records from before it was kept (the tenant's zone is read then).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub time_zone: String,
    /// Its property as it was when the estimate was made (label, address, zone): the job an
    /// approval makes carries it without reading the property.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<crate::party::Site>,
    /// The job its approval made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<crate::ids::JobId>,
    /// Optimistic-concurrency counter: every write is conditional on it and bumps it.
    pub rev: u64,
}

impl Estimate {
    /// The status a customer should see now: an open estimate past the end of its validity
    /// date is expired even before the nightly job records it.
    pub fn effective_status(&self, now: Timestamp) -> EstimateStatus {
        if self.status.is_open() && now >= self.expires_at { EstimateStatus::Expired } else { self.status }
    }
}

/// The first instant after `date` in `zone`: when an estimate valid until `date` expires.
pub fn end_of_day(date: Date, zone: &jiff::tz::TimeZone) -> Timestamp {
    date.tomorrow().ok().and_then(|d| d.to_zoned(zone.clone()).ok()).map(|z| z.timestamp()).unwrap_or(Timestamp::MAX)
}

mod decision;
mod diff;
pub use decision::*;
pub use diff::*;

pub mod view;

#[cfg(test)]
mod tests;
