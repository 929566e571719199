//! Customers and the people at them: a new customer with its first contact (and property), a
//! contact or property added or a contact removed, a contact invited to the portal. Each is
//! one transaction with its audit entry.
use jiff::SignedDuration;
use portal_domain::ids::AccountId;
use portal_domain::outbox::Notice;
use portal_domain::party::{Account, Contact, Property};
use portal_store::repo::auth::LinkPurpose;
use portal_store::repo::parties;

use crate::{Act, Error, links};

/// Creates the customer account with its first contact and, if given, its first property.
pub async fn create(act: &Act<'_>, account: &Account, contact: &Contact, property: Option<&Property>) -> Result<(), Error> {
    let mut writes = vec![parties::put_account(account)?, parties::put_contact(contact)?];
    if let Some(p) = property {
        writes.push(parties::put_property(&act.tenant, &account.id, p)?);
    }
    let detail =
        serde_json::json!({ "name": account.name, "kind": account.kind, "contact": contact.id, "property": property.map(|p| &p.id) });
    writes.push(act.audit("customer.created", &account.id, Some(&account.id), detail)?);
    Ok(act.table.transact(writes).await?)
}

/// Adds a contact to the customer (`contact.account`).
pub async fn add_contact(act: &Act<'_>, contact: &Contact) -> Result<(), Error> {
    let detail = serde_json::json!({ "contact": contact.id, "name": contact.name, "role": contact.role.as_str() });
    let audit = act.audit("contact.added", &contact.account, Some(&contact.account), detail)?;
    Ok(act.table.transact(vec![parties::put_contact(contact)?, audit]).await?)
}

/// Removes a contact; a customer keeps at least one.
pub async fn remove_contact(act: &Act<'_>, c: &Contact, detail: serde_json::Value) -> Result<(), Error> {
    let contacts = parties::list_contacts(act.table, &act.tenant, &c.account).await?;
    if contacts.len() <= 1 {
        return Err(Error::conflict("last_contact", "A customer keeps at least one contact. Add another before removing this one."));
    }
    let audit = act.audit("contact.removed", &c.id, Some(&c.account), detail)?;
    Ok(act.table.transact(vec![parties::delete_contact(c), audit]).await?)
}

/// Adds a property (a service address) to the customer.
pub async fn add_property(act: &Act<'_>, account: &AccountId, property: &Property) -> Result<(), Error> {
    let detail = serde_json::json!({ "property": property.id, "label": property.label });
    let audit = act.audit("property.added", account, Some(account), detail)?;
    Ok(act.table.transact(vec![parties::put_property(&act.tenant, account, property)?, audit]).await?)
}

/// Sends (or sends again) the portal invitation: a welcome with a sign-in link that works once
/// for [`links::INVITE_HOURS`]. The previous invitation's link stays valid until it expires.
/// Returns the contact as saved.
pub async fn invite(act: &Act<'_>, contact: &Contact) -> Result<Contact, Error> {
    if !contact.portal_enabled {
        return Err(Error::conflict("access_off", "Portal access is switched off for this contact. Switch it on first."));
    }
    let mut c = contact.clone();
    let ttl = SignedDuration::from_hours(links::INVITE_HOURS);
    let invite = links::messages(act, &c.account, &[&c], &LinkPurpose::SignIn, ttl, |c, token| Notice::PortalInvite {
        contact: c.id.clone(),
        token: Some(token),
    })?;
    let again = c.activity.invited_at.is_some();
    c.activity.invited_at = Some(act.now);
    let audit = act.audit("contact.invited", &c.id, Some(&c.account), serde_json::json!({ "contact": c.id, "again": again }))?;
    let mut writes = vec![parties::save_contact(&c)?, audit];
    writes.extend(invite);
    act.table.transact(writes).await?;
    Ok(c)
}
