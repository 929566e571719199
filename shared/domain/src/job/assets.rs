//! What a property holds and what an account has signed up for: equipment on record (with its
//! warranty) and service agreements (maintenance plans) whose included visits become jobs.
use jiff::Timestamp;
use jiff::civil::Date;

use crate::ids::{AccountId, AgreementId, EquipmentId, JobId, PropertyId};
use crate::{DomainError, FieldErrors};

/// A piece of equipment at a property: "Main panel, Square D QO 200 A, installed 2026-03-02,
/// warranty until 2036-03-02".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Equipment {
    pub id: EquipmentId,
    pub property: PropertyId,
    /// `Main panel`, `EV charger`, `Water heater`.
    pub kind: String,
    /// `Square D QO 200 A`.
    pub make_model: String,
    #[serde(default)]
    pub serial: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub installed_on: Option<Date>,
    /// The job that installed it.
    pub installed_by: Option<JobId>,
    #[schema(value_type = Option<String>, format = Date)]
    pub warranty_until: Option<Date>,
    #[serde(default)]
    pub notes: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    pub rev: u64,
}

/// What the office (or a technician finishing a job) says about a piece of equipment.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EquipmentDetails {
    #[schema(max_length = 80)]
    pub kind: String,
    #[schema(max_length = 120)]
    pub make_model: String,
    #[serde(default)]
    #[schema(max_length = 80)]
    pub serial: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub installed_on: Option<Date>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub warranty_until: Option<Date>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub notes: String,
}

fn bounded(e: &mut FieldErrors, field: &str, value: &str, max: usize, required: bool) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        e.add(field, "is required");
    } else if v.chars().count() > max {
        e.add(field, format!("can be at most {max} characters"));
    }
    v.to_string()
}

impl EquipmentDetails {
    /// Trimmed and checked; errors name `{at}field`. `today` bounds the installation date.
    pub fn checked(&self, at: &str, today: Date) -> Result<EquipmentDetails, DomainError> {
        let mut e = FieldErrors::new();
        let d = EquipmentDetails {
            kind: bounded(&mut e, &format!("{at}kind"), &self.kind, 80, true),
            make_model: bounded(&mut e, &format!("{at}make_model"), &self.make_model, 120, false),
            serial: bounded(&mut e, &format!("{at}serial"), &self.serial, 80, false),
            installed_on: self.installed_on,
            warranty_until: self.warranty_until,
            notes: bounded(&mut e, &format!("{at}notes"), &self.notes, 2000, false),
        };
        if d.installed_on.is_some_and(|d| d > today) {
            e.add(format!("{at}installed_on"), "must not be in the future");
        }
        if let (Some(i), Some(w)) = (d.installed_on, d.warranty_until)
            && w < i
        {
            e.add(format!("{at}warranty_until"), "must not be before it was installed");
        }
        e.into_result().map(|()| d)
    }
}

impl EquipmentId {
    /// The id of the `n`th piece installed on a visit (`vis_01J...` -> `eqp_01J..._1`): a
    /// visit completed twice can never record its equipment twice.
    pub fn of_visit(v: &crate::ids::VisitId, n: usize) -> EquipmentId {
        let rest = v.as_str().strip_prefix("vis_").unwrap_or(v.as_str());
        EquipmentId(format!("eqp_{rest}_{n}"))
    }
}

impl Equipment {
    pub fn new(id: EquipmentId, property: PropertyId, d: EquipmentDetails, installed_by: Option<JobId>, now: Timestamp) -> Equipment {
        Equipment {
            id,
            property,
            kind: d.kind,
            make_model: d.make_model,
            serial: d.serial,
            installed_on: d.installed_on,
            installed_by,
            warranty_until: d.warranty_until,
            notes: d.notes,
            created_at: now,
            rev: 1,
        }
    }

    /// Whether it is under warranty on `day`.
    pub fn under_warranty(&self, day: Date) -> bool {
        self.warranty_until.is_some_and(|w| day <= w)
    }
}

/// Where an agreement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    Active,
    Expired,
    Cancelled,
}

/// A service agreement (maintenance plan) of an account, or of one of its properties.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Agreement {
    pub id: AgreementId,
    pub account: AccountId,
    /// The property it covers; none for the whole account.
    pub property: Option<PropertyId>,
    /// `Annual electrical safety plan`.
    pub name: String,
    /// What it covers, in words the customer reads.
    pub covers: String,
    /// Maintenance visits included per year (each becomes a job).
    pub visits_per_year: u8,
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    #[schema(value_type = String, format = Date)]
    pub renews_on: Date,
    /// As stored: active or cancelled; expired is derived from the renewal date.
    pub status: AgreementStatus,
    /// The zone its dates are days of (its property's, else the contractor's).
    #[serde(default)]
    pub time_zone: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    pub rev: u64,
}

/// The most included visits a year.
pub const MAX_AGREEMENT_VISITS: u8 = 12;

/// What the office says about an agreement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementTerms {
    #[serde(default)]
    pub property: Option<PropertyId>,
    #[schema(max_length = 120)]
    pub name: String,
    #[schema(max_length = 4000)]
    pub covers: String,
    #[schema(minimum = 0, maximum = 12)]
    pub visits_per_year: u8,
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    /// One year after the start when left out.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub renews_on: Option<Date>,
}

impl AgreementTerms {
    /// Checked terms with the renewal date filled in.
    pub fn checked(&self) -> Result<AgreementTerms, DomainError> {
        let mut e = FieldErrors::new();
        let name = bounded(&mut e, "name", &self.name, 120, true);
        let covers = bounded(&mut e, "covers", &self.covers, 4000, false);
        if self.visits_per_year > MAX_AGREEMENT_VISITS {
            e.add("visits_per_year", "can be at most 12");
        }
        let renews_on = match self.renews_on {
            Some(r) => Some(r),
            None => self.starts_on.checked_add(jiff::Span::new().years(1)).ok(),
        };
        match renews_on {
            Some(r) if r <= self.starts_on => e.add("renews_on", "must be after it starts"),
            None => e.add("starts_on", "is out of range"),
            Some(_) => {}
        }
        e.into_result().map(|()| AgreementTerms { name, covers, renews_on, ..self.clone() })
    }
}

impl Agreement {
    /// Its status on `day`: an active agreement past its renewal date has expired.
    pub fn status_on(&self, day: Date) -> AgreementStatus {
        match self.status {
            AgreementStatus::Active if day > self.renews_on => AgreementStatus::Expired,
            s => s,
        }
    }

    /// Its status at `now`, on the calendar of its zone.
    pub fn status_at(&self, now: Timestamp) -> AgreementStatus {
        let zone = jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        self.status_on(now.to_zoned(zone).date())
    }
}
