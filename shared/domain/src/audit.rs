//! The audit log: every customer and staff action, appended, never changed.
use jiff::Timestamp;

use crate::ids::{AccountId, AuditId};

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    Contact {
        id: String,
        name: String,
    },
    Staff {
        id: String,
        name: String,
    },
    /// Staff looking through a customer's eyes (view-as): reads only, but recorded.
    StaffAsCustomer {
        id: String,
        name: String,
    },
    Stripe,
    System,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: AuditId,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub actor: Actor,
    /// Dotted verb: `estimate.viewed`, `estimate.approved`, `auth.signed_in`, ...
    pub action: String,
    /// The document or record acted on (`est_...`), if any.
    pub subject: Option<String>,
    pub account: Option<AccountId>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Action-specific facts (version, amount, reason). No secrets, no signature images.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// Where a request came from, for audit entries and signatures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: String,
    pub user_agent: String,
}

impl AuditEntry {
    /// A new entry stamped with a fresh id and the time.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        ids: &dyn crate::ports::Ids,
        at: Timestamp,
        actor: Actor,
        action: &str,
        subject: Option<String>,
        account: Option<AccountId>,
        origin: &Origin,
        detail: serde_json::Value,
    ) -> Self {
        Self {
            id: AuditId::generate(ids),
            at,
            actor,
            action: action.to_string(),
            subject,
            account,
            ip: Some(origin.ip.clone()).filter(|s| !s.is_empty()),
            user_agent: Some(origin.user_agent.clone()).filter(|s| !s.is_empty()),
            detail,
        }
    }
}
