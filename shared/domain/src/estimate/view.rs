//! What a customer sees of an estimate: the versions that were sent, each priced with the
//! recommended options, what changed between them, and the decision taken.
use jiff::Timestamp;

use super::{Decision, Estimate, EstimateStatus, EstimateVersion, Selection, Totals, VersionChanges, VersionContent, diff, totals};

/// How much of a decision's evidence a reader sees. Everyone sees who decided, when, and on
/// what; the signer's address and browser are the contractor's evidence only, and the
/// signature image stays with the signed-in account (not a forwarded document link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Staff on the admin page: everything that was recorded.
    Full,
    /// The customer's own signed-in portal (or staff viewing as them): the signature too.
    Account,
    /// Whoever holds a document link: who decided and when.
    Link,
}

impl Decision {
    /// The decision as `reader` may see it.
    pub fn shown(&self, reader: Evidence) -> Decision {
        match (self, reader) {
            (Decision::Approved(a), Evidence::Account | Evidence::Link) => {
                let mut a = a.clone();
                a.ip.clear();
                a.user_agent.clear();
                // The office's file of the paper and its own note stay with the office.
                if let Some(o) = a.offline.as_mut() {
                    o.scan = None;
                    o.note.clear();
                }
                if reader == Evidence::Link {
                    a.signature_png.clear();
                }
                Decision::Approved(a)
            }
            (d, _) => d.clone(),
        }
    }
}

/// One row of the estimates list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EstimateSummary {
    pub id: String,
    pub number: String,
    pub title: String,
    pub status: EstimateStatus,
    /// Total with the recommended options, in minor units.
    pub total: i64,
    pub currency: String,
    #[schema(value_type = String, format = Date)]
    pub valid_until: jiff::civil::Date,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<Timestamp>,
    pub property: Option<String>,
    pub version: u32,
}

impl EstimateSummary {
    pub fn of(e: &Estimate, now: Timestamp) -> Self {
        Self {
            id: e.id.to_string(),
            number: e.number.clone(),
            title: e.title.clone(),
            status: e.effective_status(now),
            total: e.headline_total,
            currency: e.currency.as_str().to_string(),
            valid_until: e.valid_until,
            sent_at: e.sent_at,
            property: e.property.as_ref().map(ToString::to_string),
            version: e.current_version,
        }
    }
}

/// One sent version with its prices.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VersionView {
    pub number: u32,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<Timestamp>,
    pub note: Option<String>,
    pub content: VersionContent,
    /// SHA-256 of the content: what a signature is bound to.
    pub fingerprint: String,
    /// The contractor's recommended choice and its prices.
    pub recommended: Selection,
    pub totals: Totals,
    /// Changes from the version before, if there is one.
    pub changes: Option<VersionChanges>,
    pub decision: Option<Decision>,
}

/// An estimate as the portal shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EstimateView {
    pub id: String,
    pub number: String,
    pub title: String,
    pub status: EstimateStatus,
    pub current_version: u32,
    pub currency: String,
    #[schema(value_type = String, format = Date)]
    pub valid_until: jiff::civil::Date,
    pub property: Option<String>,
    /// Whether this session may approve, decline or ask for changes now.
    pub can_decide: bool,
    /// Sent versions, newest first.
    pub versions: Vec<VersionView>,
    /// Deposit paid or on its way (a bank transfer still processing).
    pub deposit_paid: i64,
    /// When the customer asked for an updated estimate (an expired one), if they did.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub update_requested_at: Option<Timestamp>,
    /// Whether this session may ask for an updated estimate now (it expired, nobody asked yet).
    pub can_request_update: bool,
}

impl EstimateView {
    /// Builds the view. `decisions` maps version numbers to decisions; drafts are left out.
    pub fn of(
        e: &Estimate,
        versions: &[EstimateVersion],
        decisions: &std::collections::BTreeMap<u32, Decision>,
        now: Timestamp,
        may_decide: bool,
        reader: Evidence,
    ) -> Result<Self, crate::DomainError> {
        let sent: Vec<&EstimateVersion> = versions.iter().filter(|v| v.sent_at.is_some()).collect();
        let mut views = Vec::with_capacity(sent.len());
        for (i, v) in sent.iter().enumerate() {
            let recommended = v.content.default_selection();
            views.push(VersionView {
                number: v.number,
                sent_at: v.sent_at,
                note: v.note.clone(),
                totals: totals(&v.content, &recommended)?,
                recommended,
                content: v.content.clone(),
                fingerprint: v.fingerprint.clone(),
                changes: i.checked_sub(1).map(|p| diff(sent[p], v)).transpose()?,
                decision: decisions.get(&v.number).map(|d| d.shown(reader)),
            });
        }
        views.reverse();
        let status = e.effective_status(now);
        Ok(Self {
            id: e.id.to_string(),
            number: e.number.clone(),
            title: e.title.clone(),
            status,
            current_version: e.current_version,
            currency: e.currency.as_str().to_string(),
            valid_until: e.valid_until,
            property: e.property.as_ref().map(ToString::to_string),
            can_decide: may_decide && status.is_open(),
            versions: views,
            deposit_paid: 0,
            update_requested_at: e.update_requested_at,
            can_request_update: may_decide && status == EstimateStatus::Expired && e.update_requested_at.is_none(),
        })
    }
}
