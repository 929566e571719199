//! Who does a use case, when and from where: the ports it writes through and the audit entry
//! it leaves. A handler builds one from its verified session and request; the demo's seed
//! builds one per step, dated in the past.
use jiff::Timestamp;
use portal_domain::audit::{Actor, AuditEntry, Origin};
use portal_domain::ids::{AccountId, TenantId};
use portal_domain::ports::Ids;
use portal_store::Table;
use portal_store::repo::audit;
use portal_store::table::Write;

use crate::Error;

#[derive(Clone)]
pub struct Act<'a> {
    pub table: &'a dyn Table,
    pub ids: &'a dyn Ids,
    /// From the verified session, never from the request.
    pub tenant: TenantId,
    pub actor: Actor,
    pub origin: Origin,
    pub now: Timestamp,
}

impl<'a> Act<'a> {
    /// The same actor at another time (the seed's past).
    pub fn at(&self, now: Timestamp) -> Act<'a> {
        Act { now, ..self.clone() }
    }

    /// The same act done by someone else (a customer answering the office's estimate).
    pub fn by(&self, actor: Actor) -> Act<'a> {
        Act { actor, ..self.clone() }
    }

    /// The audit entry of this act on `subject`, to be written with the change it records.
    pub fn audit(
        &self,
        action: &str,
        subject: impl ToString,
        account: Option<&AccountId>,
        detail: serde_json::Value,
    ) -> Result<Write, Error> {
        let entry = AuditEntry::record(
            self.ids,
            self.now,
            self.actor.clone(),
            action,
            Some(subject.to_string()),
            account.cloned(),
            &self.origin,
            detail,
        );
        Ok(audit::append(&self.tenant, &entry)?)
    }

    /// The staff member's name, for records that say who recorded them.
    pub fn name(&self) -> &str {
        match &self.actor {
            Actor::Contact { name, .. } | Actor::Staff { name, .. } | Actor::StaffAsCustomer { name, .. } => name,
            Actor::Stripe | Actor::System => "",
        }
    }
}
