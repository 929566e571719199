//! A contractor and its staff: the contractor set up with its owner (and its document numbers
//! continuing from the system it comes from), a staff member invited by the owner.
use jiff::SignedDuration;
use portal_domain::ids::{OutboxId, StaffId};
use portal_domain::outbox::{Notice, OutboxMessage};
use portal_domain::party::{Staff, Tenant};
use portal_store::Table;
use portal_store::repo::auth::{LinkPurpose, Subject, issue_link};
use portal_store::repo::{outbox, parties};

/// The contractor a verified session or a link names (404 `contractor` when it is gone).
pub async fn tenant(table: &dyn Table, t: &portal_domain::ids::TenantId) -> Result<Tenant, Error> {
    parties::get_tenant(table, t).await?.ok_or(Error::NotFound("contractor"))
}

use crate::estimates::FIRST_ESTIMATE_NUMBER;
use crate::invoices::FIRST_INVOICE_NUMBER;
use crate::{Act, Error, links};

/// Sets up a contractor with its owner. `last_invoice` and `last_estimate` are the numbers it
/// last used elsewhere (the next ones follow), or 0 to start at the first.
pub async fn open(table: &dyn Table, tenant: &Tenant, owner: &Staff, last_invoice: i64, last_estimate: i64) -> Result<(), Error> {
    let invoices = parties::continue_numbers(&tenant.id, "INV", FIRST_INVOICE_NUMBER, last_invoice.max(FIRST_INVOICE_NUMBER - 1))?;
    let estimates = parties::continue_numbers(&tenant.id, "EST", FIRST_ESTIMATE_NUMBER, last_estimate.max(FIRST_ESTIMATE_NUMBER - 1))?;
    Ok(table.transact(vec![parties::put_tenant(tenant)?, parties::put_staff(owner)?, invoices, estimates]).await?)
}

/// The owner invites a staff member: they get an email with an admin sign-in link that works
/// once for [`links::INVITE_HOURS`].
pub async fn invite_staff(act: &Act<'_>, staff: &Staff) -> Result<(), Error> {
    if parties::find_staff_by_email(act.table, &act.tenant, &staff.email).await?.is_some() {
        return Err(Error::conflict("already_staff", "Someone on the staff already has that email address."));
    }
    let subject = Subject::Staff { staff: staff.id.clone() };
    let ttl = SignedDuration::from_hours(links::INVITE_HOURS);
    let (token, link) = issue_link(act.ids, &act.tenant, subject, LinkPurpose::SignIn, act.now, ttl)?;
    let message = OutboxMessage {
        id: OutboxId::generate(act.ids),
        account: None,
        created_at: act.now,
        notice: Notice::StaffInvite { staff: staff.id.clone(), token: Some(token) },
    };
    let detail = serde_json::json!({ "name": staff.name, "role": staff.role.as_str() });
    let audit = act.audit("staff.invited", &staff.id, None, detail)?;
    Ok(act.table.transact(vec![parties::put_staff(staff)?, link, outbox::enqueue(&act.tenant, message)?, audit]).await?)
}

/// The owner removes a staff member (`by` may not remove themselves): they can no longer sign
/// in or refresh a session. Returns them as saved.
pub async fn remove_staff(act: &Act<'_>, by: &StaffId, id: &StaffId) -> Result<Staff, Error> {
    if id == by {
        return Err(Error::conflict("self", "You cannot remove yourself."));
    }
    let mut staff = parties::get_staff(act.table, &act.tenant, id).await?.ok_or(Error::NotFound("staff member"))?;
    staff.active = false;
    let audit = act.audit("staff.removed", &staff.id, None, serde_json::json!({ "name": staff.name }))?;
    act.table.transact(vec![parties::save_staff(&staff)?, audit]).await?;
    Ok(staff)
}

/// Saves the contractor's settings (`detail`: what changed, for the audit entry). A new time
/// zone moves the adoption figures' month and day boundaries: they are recounted in it.
pub async fn save_settings(act: &Act<'_>, before: &Tenant, tenant: &Tenant, detail: serde_json::Value) -> Result<(), Error> {
    let audit = act.audit("settings.changed", "settings", None, detail)?;
    act.table.transact(vec![parties::save_tenant(tenant)?, audit]).await?;
    if before.time_zone != tenant.time_zone {
        crate::stats::rebuild(act.table, tenant).await?;
    }
    Ok(())
}

/// What customers see of a staff member on their visits: a name (their first name when
/// empty) and a photo under `media/`. Owners change anyone's; others only their own.
pub async fn save_profile(
    act: &Act<'_>,
    id: &StaffId,
    display_name: Option<String>,
    photo: Option<Option<String>>,
) -> Result<Staff, Error> {
    let mut staff = parties::get_staff(act.table, &act.tenant, id).await?.filter(|s| s.active).ok_or(Error::NotFound("staff member"))?;
    if let Some(name) = display_name {
        let name = name.trim().to_string();
        if name.chars().count() > 40 {
            return Err(Error::Unprocessable(portal_domain::FieldErrors::one("display_name", "at most 40 characters")));
        }
        staff.display_name = Some(name).filter(|n| !n.is_empty());
    }
    if let Some(photo) = photo {
        staff.photo = photo;
    }
    let detail = serde_json::json!({ "display_name": staff.display_name, "photo": staff.photo });
    let audit = act.audit("staff.profile_changed", &staff.id, None, detail)?;
    act.table.transact(vec![parties::save_active_staff(&staff)?, audit]).await?;
    Ok(staff)
}
