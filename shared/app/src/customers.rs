//! Customers and the people at them: a new customer with its first contact (and property), a
//! contact or property added or a contact removed, a contact invited to the portal, reached
//! by a document link, signed in. Each is one transaction with its audit entry and what it
//! adds to the adoption counters.
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use portal_domain::adoption::Tally;
use portal_domain::ids::{AccountId, ContactId, TenantId};
use portal_domain::outbox::Notice;
use portal_domain::party::{Account, Contact, Property};
use portal_store::Table;
use portal_store::repo::auth::LinkPurpose;
use portal_store::repo::parties;

use crate::{Act, Error, links, stats};

/// A new contact counts once in the figures (it has no portal activity yet, so no month or
/// day is touched and the time zone does not matter).
fn added(c: &Contact) -> Vec<portal_store::Write> {
    let mut tally = Tally::default();
    tally.contact(&c.activity, 1, &TimeZone::UTC);
    stats::writes(&c.tenant, &c.account, &tally)
}

/// Creates the customer account with its first contact and, if given, its first property.
pub async fn create(act: &Act<'_>, account: &Account, contact: &Contact, property: Option<&Property>) -> Result<(), Error> {
    Ok(act.table.transact(creation(act, account, contact, property)?).await?)
}

/// The writes that create a customer (for a use case that adds its own to the transaction).
pub(crate) fn creation(
    act: &Act<'_>,
    account: &Account,
    contact: &Contact,
    property: Option<&Property>,
) -> Result<Vec<portal_store::Write>, Error> {
    let mut writes = vec![parties::put_account(account)?, parties::put_contact(contact)?];
    if let Some(p) = property {
        writes.push(parties::put_property(&act.tenant, &account.id, p)?);
    }
    let detail =
        serde_json::json!({ "name": account.name, "kind": account.kind, "contact": contact.id, "property": property.map(|p| &p.id) });
    writes.push(act.audit("customer.created", &account.id, Some(&account.id), detail)?);
    // A lead's contact cannot sign in yet: counted in adoption once it is a customer.
    if !account.lead {
        writes.extend(added(contact));
    }
    Ok(writes)
}

/// When `account` is a lead from the public form, the writes that make it a customer as the
/// office gives it work (an estimate, a job, an invoice): the account no longer a lead, its
/// contacts' portal access on (they sign in with the address they gave) and counted in
/// adoption from now. Nothing for a customer.
pub(crate) async fn admission(act: &Act<'_>, account: &portal_domain::ids::AccountId) -> Result<Vec<portal_store::Write>, Error> {
    match parties::get_account(act.table, &act.tenant, account).await? {
        Some(a) => admission_of(act, &a).await,
        None => Ok(Vec::new()),
    }
}

/// [`admission`] of an account already read.
pub(crate) async fn admission_of(act: &Act<'_>, a: &Account) -> Result<Vec<portal_store::Write>, Error> {
    if !a.lead {
        return Ok(Vec::new());
    }
    let mut writes = vec![parties::admit_lead(a)?];
    // Every contact counted in one tally: its cells are written once in the transaction.
    let mut tally = Tally::default();
    for c in parties::list_contacts(act.table, &act.tenant, &a.id).await? {
        if !c.portal_enabled {
            writes.push(parties::enable_portal(&c)?);
        }
        tally.contact(&c.activity, 1, &TimeZone::UTC);
    }
    writes.extend(stats::writes(&act.tenant, &a.id, &tally));
    Ok(writes)
}

/// Whether the account is a lead (whose contacts adoption does not count yet).
async fn is_lead(act: &Act<'_>, account: &AccountId) -> Result<bool, Error> {
    Ok(parties::get_account(act.table, &act.tenant, account).await?.is_some_and(|a| a.lead))
}

/// Adds a contact to the customer (`contact.account`).
pub async fn add_contact(act: &Act<'_>, contact: &Contact) -> Result<(), Error> {
    let detail = serde_json::json!({ "contact": contact.id, "name": contact.name, "role": contact.role.as_str() });
    let audit = act.audit("contact.added", &contact.account, Some(&contact.account), detail)?;
    let mut writes = vec![parties::put_contact(contact)?, audit];
    if !is_lead(act, &contact.account).await? {
        writes.extend(added(contact));
    }
    Ok(act.table.transact(writes).await?)
}

/// Removes a contact; a customer keeps at least one.
pub async fn remove_contact(act: &Act<'_>, c: &Contact, detail: serde_json::Value) -> Result<(), Error> {
    let contacts = parties::list_contacts(act.table, &act.tenant, &c.account).await?;
    if contacts.len() <= 1 {
        return Err(Error::conflict("last_contact", "A customer keeps at least one contact. Add another before removing this one."));
    }
    let audit = act.audit("contact.removed", &c.id, Some(&c.account), detail)?;
    // What their activity counted goes with them; a sign-in meanwhile fails this (409).
    let mut writes = vec![parties::delete_contact_seen(c), audit];
    if !is_lead(act, &c.account).await? {
        let mut tally = Tally::default();
        tally.contact(&c.activity, -1, &stats::zone(act.table, &act.tenant).await?);
        writes.extend(stats::writes(&act.tenant, &c.account, &tally));
    }
    Ok(act.table.transact(writes).await?)
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
    let mut tally = Tally::default();
    tally.changed(&contact.activity, &c.activity, &stats::zone(act.table, &act.tenant).await?);
    let mut writes = vec![parties::save_contact_from(&c, &contact.activity)?, audit];
    writes.extend(invite);
    writes.extend(stats::writes(&act.tenant, &c.account, &tally));
    act.table.transact(writes).await?;
    Ok(c)
}

/// Saves the office's changes to a contact (`after`: its access and portal activity are those
/// of `before`, not part of the form), unless a sign-in stamped it meanwhile (409).
pub async fn edit_contact(act: &Act<'_>, before: &Contact, after: &Contact, detail: serde_json::Value) -> Result<(), Error> {
    let audit = act.audit("contact.changed", &after.id, Some(&after.account), detail)?;
    Ok(act.table.transact(vec![parties::save_contact_from(after, &before.activity)?, audit]).await?)
}

/// Switches a contact's portal access. Off: no links are sent and their refresh sessions stop
/// working at the next refresh. Returns the contact as saved.
pub async fn set_access(act: &Act<'_>, contact: &Contact, enabled: bool) -> Result<Contact, Error> {
    let c = Contact { portal_enabled: enabled, ..contact.clone() };
    let action = if enabled { "contact.access_on" } else { "contact.access_off" };
    let audit = act.audit(action, &c.id, Some(&c.account), serde_json::json!({ "contact": c.id }))?;
    act.table.transact(vec![parties::save_contact_from(&c, &contact.activity)?, audit]).await?;
    Ok(c)
}

/// Expires every link the contact was sent (invitation, sign-in, estimate and invoice links)
/// now. Portal access stays on. Returns the contact as stamped.
pub async fn withdraw_links(act: &Act<'_>, contact: &Contact) -> Result<Contact, Error> {
    let mut c = contact.clone();
    c.activity.links_withdrawn_at = Some(act.now);
    let audit = act.audit("contact.links_withdrawn", &c.id, Some(&c.account), serde_json::json!({ "contact": c.id }))?;
    act.table.transact(vec![parties::withdraw_links(&c, act.now), audit]).await?;
    Ok(c)
}

/// Saves the office's changes to a property (its label or address).
pub async fn edit_property(act: &Act<'_>, account: &AccountId, before: &Property, after: &Property) -> Result<(), Error> {
    let audit = act.audit("property.changed", &after.id, Some(account), serde_json::json!({ "before": before, "after": after }))?;
    Ok(act.table.transact(vec![parties::save_property(&act.tenant, account, after)?, audit]).await?)
}

/// Removes a property nothing names (estimates, invoices, contacts' scopes).
pub async fn remove_property(act: &Act<'_>, account: &AccountId, p: &Property) -> Result<(), Error> {
    if parties::property_in_use(act.table, &act.tenant, account, &p.id).await? {
        return Err(Error::conflict(
            "property_in_use",
            "Estimates, invoices or contacts name this property, so it stays. You can change its label or address.",
        ));
    }
    let audit = act.audit("property.removed", &p.id, Some(account), serde_json::json!({ "property": p }))?;
    Ok(act.table.transact(vec![parties::delete_property(&act.tenant, account, &p.id), audit]).await?)
}

/// Tries a stamp on the contact's activity with what it counts, re-reading when another stamp
/// got there first (a sign-in while a document link was marked, two sign-ins at once).
async fn stamp(
    table: &dyn Table,
    t: &TenantId,
    a: &AccountId,
    c: &ContactId,
    step: impl Fn(&Contact, &TimeZone) -> Option<(portal_store::Write, Tally)>,
) -> Result<(), Error> {
    let zone = stats::zone(table, t).await?;
    for _ in 0..3 {
        let Some(contact) = parties::get_contact(table, t, a, c).await? else { return Ok(()) };
        let Some((write, tally)) = step(&contact, &zone) else { return Ok(()) };
        let mut writes = vec![write];
        writes.extend(stats::writes(t, a, &tally));
        match table.transact(writes).await {
            Ok(()) => return Ok(()),
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::conflict("busy", "The contact changed several times while this was recorded."))
}

/// A document link (estimate, invoice) reached the contact at `now`: stamped invited, once,
/// and counted as reached if nothing reached them before.
pub async fn reached(table: &dyn Table, t: &TenantId, a: &AccountId, c: &ContactId, now: Timestamp) -> Result<(), Error> {
    stamp(table, t, a, c, |contact, zone| {
        contact.activity.invited_at.is_none().then(|| {
            let mut tally = Tally::default();
            tally.invited(&contact.activity, now, false, zone);
            (parties::stamp_invited(contact, &contact.activity, now), tally)
        })
    })
    .await
}

/// The contact signed in at `now`: the last sign-in always, the first once, with what that
/// counts (activated, reached, last seen today).
pub async fn signed_in(table: &dyn Table, t: &TenantId, a: &AccountId, c: &ContactId, now: Timestamp) -> Result<(), Error> {
    stamp(table, t, a, c, |contact, zone| {
        let mut tally = Tally::default();
        tally.signed_in(&contact.activity, now, zone);
        Some((parties::stamp_sign_in(contact, &contact.activity, now), tally))
    })
    .await
}
