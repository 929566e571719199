//! Tenants, accounts, contacts, properties and staff.
use portal_domain::ids::{AccountId, ContactId, PropertyId, StaffId, TenantId};
use portal_domain::party::{Account, Contact, ContactActivity, Email, Phone, Property, Staff, Tenant};

use crate::keys;
use crate::record::{from_item, kind, to_item, with_index};
use crate::table::{Cond, Cursor, Index, Item, Key, Put, Query, StoreError, Table, Update, Write};

fn tenant_item(t: &Tenant) -> Result<Item, StoreError> {
    let item = to_item("tenant", &keys::tenant(&t.id), t)?;
    let item = with_index(item, Index::Gsi1, keys::tenant_slug_gsi(&t.slug), "TENANT".into());
    Ok(with_index(item, Index::Gsi2, keys::TENANTS_GSI.into(), t.id.to_string()))
}

pub fn put_tenant(t: &Tenant) -> Result<Write, StoreError> {
    Ok(Write::create(tenant_item(t)?))
}

/// Replaces the tenant's settings (the owner's changes).
pub fn save_tenant(t: &Tenant) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: tenant_item(t)?, cond: Some(Cond::present()) }))
}

/// Every tenant of the deployment (for scheduled sweeps), from GSI2.
pub async fn list_tenants(table: &dyn Table) -> Result<Vec<TenantId>, StoreError> {
    let items = super::query_all(table, Query::index(Index::Gsi2, keys::TENANTS_GSI)).await?;
    items.into_iter().map(|i| from_item::<Tenant>(i).map(|t| t.id)).collect()
}

pub async fn get_tenant(table: &dyn Table, t: &TenantId) -> Result<Option<Tenant>, StoreError> {
    table.get(&keys::tenant(t)).await?.map(from_item).transpose()
}

pub async fn find_tenant_by_slug(table: &dyn Table, slug: &str) -> Result<Option<Tenant>, StoreError> {
    let page = table.query(&Query::index(Index::Gsi1, keys::tenant_slug_gsi(slug)).limit(1)).await?;
    page.items.into_iter().next().map(from_item).transpose()
}

fn account_item(a: &Account) -> Result<Item, StoreError> {
    let item = to_item("account", &keys::account(&a.tenant, &a.id), a)?;
    let sort = format!("{}#{}", a.name.to_lowercase(), a.id);
    Ok(with_index(item, Index::Gsi1, keys::accounts_gsi(&a.tenant), sort))
}

pub fn put_account(a: &Account) -> Result<Write, StoreError> {
    Ok(Write::create(account_item(a)?))
}

/// A lead the office took on: a customer from now on (only if it is still a lead).
pub fn admit_lead(a: &Account) -> Result<Write, StoreError> {
    let mut next = a.clone();
    next.lead = false;
    Ok(Write::Put(Put { item: account_item(&next)?, cond: Some(Cond::eq("lead", true)) }))
}

/// Removes an account's own record (a lead merged into another customer).
pub fn delete_account(a: &Account) -> Write {
    Write::Delete(crate::table::Delete { key: keys::account(&a.tenant, &a.id), cond: Some(Cond::present()) })
}

/// A contact's portal access switched on, if nobody changed the contact since it was read.
pub fn enable_portal(c: &Contact) -> Result<Write, StoreError> {
    let mut next = c.clone();
    next.portal_enabled = true;
    Ok(Write::Put(Put { item: contact_item(&next)?, cond: Some(Cond::eq("portal_enabled", false)) }))
}

/// A page of a tenant's accounts, by name.
/// The tenant's accounts by name, a page at a time; with `starting`, only those whose name
/// starts with it (any case): a Query of the name index, not a scan.
pub async fn list_accounts(
    table: &dyn Table,
    t: &TenantId,
    starting: Option<&str>,
    limit: u32,
    after: Option<Cursor>,
) -> Result<(Vec<Account>, Option<Cursor>), StoreError> {
    let mut q = Query::index(Index::Gsi1, keys::accounts_gsi(t)).limit(limit);
    if let Some(p) = starting.map(str::to_lowercase).filter(|p| !p.is_empty()) {
        q = q.prefix(p);
    }
    q.after = after;
    let page = table.query(&q).await?;
    let accounts = page.items.into_iter().map(from_item).collect::<Result<_, _>>()?;
    Ok((accounts, page.next))
}

/// The contacts of an account.
pub async fn list_contacts(table: &dyn Table, t: &TenantId, a: &AccountId) -> Result<Vec<Contact>, StoreError> {
    let items = super::query_all(table, Query::partition(keys::account_pk(t, a)).prefix(keys::CONTACT_PREFIX)).await?;
    items.into_iter().filter(|i| kind(i) == "contact").map(from_item).collect()
}

/// Starts a counter so that the next number after `last` is handed out (importing from a
/// previous system, or the demo).
pub fn continue_numbers(t: &TenantId, kind: &str, first: i64, last: i64) -> Result<Write, StoreError> {
    Ok(Write::create(to_item("counter", &keys::counter(t, kind), &serde_json::json!({ "n": last - first + 1 }))?))
}

/// The next printed number of a kind (`INV` -> 2045), from an atomic per-tenant counter that
/// starts at `first`.
pub async fn next_number(table: &dyn Table, t: &TenantId, kind: &str, first: i64) -> Result<i64, StoreError> {
    let item = table.update(Update { add: vec![("n".into(), 1)], ..Update::new(keys::counter(t, kind)) }).await?;
    Ok(first - 1 + item.get("n").and_then(serde_json::Value::as_i64).unwrap_or(1))
}

/// Records the account's Stripe customer, only if it has none yet (two first payments racing
/// keep the first customer).
pub async fn set_stripe_customer(table: &dyn Table, a: &Account) -> Result<(), StoreError> {
    let cond = Cond::present().and(Cond::NotExists("stripe_customer".into()));
    table.put(Put { item: account_item(a)?, cond: Some(cond) }).await
}

pub async fn get_account(table: &dyn Table, t: &TenantId, a: &AccountId) -> Result<Option<Account>, StoreError> {
    table.get(&keys::account(t, a)).await?.map(from_item).transpose()
}

fn contact_item(c: &Contact) -> Result<Item, StoreError> {
    let key = keys::contact(&c.tenant, &c.account, &c.id);
    let mut item = to_item("contact", &key, c)?;
    if let Some(e) = &c.email {
        item = with_index(item, Index::Gsi1, keys::contact_email_gsi(&c.tenant, e.as_str()), key.sk.clone());
    }
    if let Some(p) = &c.phone {
        item = with_index(item, Index::Gsi2, keys::contact_phone_gsi(&c.tenant, p.as_str()), key.sk.clone());
    }
    Ok(item)
}

pub fn put_contact(c: &Contact) -> Result<Write, StoreError> {
    Ok(Write::create(contact_item(c)?))
}

/// Stamps the withdrawal of a contact's links (one attribute: other stamps stay as they are).
pub fn withdraw_links(c: &Contact, at: jiff::Timestamp) -> Write {
    Write::Update(Update::new(keys::contact(&c.tenant, &c.account, &c.id)).set("links_withdrawn_at", at.to_string()).when(Cond::present()))
}

/// Marks a demo contractor as completely seeded (the seed writes it last).
pub async fn mark_demo(table: &dyn Table, t: &TenantId) -> Result<(), StoreError> {
    table.put(Put { item: to_item("demo", &Key::new(keys::tenant_pk(t), "DEMO"), &serde_json::json!({}))?, cond: None }).await
}

/// Whether a demo contractor was completely seeded.
pub async fn demo_marked(table: &dyn Table, t: &TenantId) -> Result<bool, StoreError> {
    Ok(table.get(&Key::new(keys::tenant_pk(t), "DEMO")).await?.is_some())
}

/// The contact's portal activity is still `a` as read: the adoption counts an event takes
/// from it (reached, activated, last seen) stay true only if nothing stamped it meanwhile.
fn activity_is(a: &ContactActivity) -> Cond {
    let attr = |name: &str, v: Option<jiff::Timestamp>| match v {
        Some(t) => Cond::eq(name, t.to_string()),
        None => Cond::NotExists(name.into()),
    };
    Cond::And(vec![
        Cond::present(),
        attr("invited_at", a.invited_at),
        attr("first_signed_in_at", a.first_signed_in_at),
        attr("last_signed_in_at", a.last_signed_in_at),
    ])
}

/// Replaces a contact read before (edited, access switched, invited) whose activity was
/// `before` when read: a sign-in stamped meanwhile fails the write (see [`activity_is`])
/// rather than being lost.
pub fn save_contact_from(c: &Contact, before: &ContactActivity) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: contact_item(c)?, cond: Some(activity_is(before)) }))
}

/// Removes a contact whose activity is as read (their sessions and links stop working:
/// sign-in resolves the contact).
pub fn delete_contact_seen(c: &Contact) -> Write {
    Write::Delete(crate::table::Delete { key: keys::contact(&c.tenant, &c.account, &c.id), cond: Some(activity_is(&c.activity)) })
}

/// Stamps the contact invited at `now` (a document link reached them), if its activity is
/// still `before`.
pub fn stamp_invited(c: &Contact, before: &ContactActivity, now: jiff::Timestamp) -> Write {
    Write::Update(Update::new(keys::contact(&c.tenant, &c.account, &c.id)).set("invited_at", now.to_string()).when(activity_is(before)))
}

/// Stamps a sign-in at `now` (the last one always, the first one once), if the contact's
/// activity is still `before`.
pub fn stamp_sign_in(c: &Contact, before: &ContactActivity, now: jiff::Timestamp) -> Write {
    let mut u = Update::new(keys::contact(&c.tenant, &c.account, &c.id)).set("last_signed_in_at", now.to_string());
    if before.first_signed_in_at.is_none() {
        u = u.set("first_signed_in_at", now.to_string());
    }
    Write::Update(u.when(activity_is(before)))
}

pub async fn get_contact(table: &dyn Table, t: &TenantId, a: &AccountId, c: &ContactId) -> Result<Option<Contact>, StoreError> {
    table.get(&keys::contact(t, a, c)).await?.map(from_item).transpose()
}

/// Contacts of a tenant with this email (a person may be a contact of several accounts).
pub async fn find_contacts_by_email(table: &dyn Table, t: &TenantId, email: &Email) -> Result<Vec<Contact>, StoreError> {
    let page = table.query(&Query::index(Index::Gsi1, keys::contact_email_gsi(t, email.as_str())).limit(20)).await?;
    page.items.into_iter().map(from_item).collect()
}

pub async fn find_contacts_by_phone(table: &dyn Table, t: &TenantId, phone: &Phone) -> Result<Vec<Contact>, StoreError> {
    let page = table.query(&Query::index(Index::Gsi2, keys::contact_phone_gsi(t, phone.as_str())).limit(20)).await?;
    page.items.into_iter().map(from_item).collect()
}

pub fn put_property(t: &TenantId, a: &AccountId, p: &Property) -> Result<Write, StoreError> {
    Ok(Write::create(to_item("property", &keys::property(t, a, &p.id), p)?))
}

/// Replaces a property that exists.
pub fn save_property(t: &TenantId, a: &AccountId, p: &Property) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: to_item("property", &keys::property(t, a, &p.id), p)?, cond: Some(Cond::present()) }))
}

/// Whether an estimate, invoice or contact of the account names this property: one Query of
/// the customer's partition.
pub async fn property_in_use(table: &dyn Table, t: &TenantId, a: &AccountId, p: &PropertyId) -> Result<bool, StoreError> {
    for item in super::query_all(table, Query::partition(keys::account_pk(t, a))).await? {
        let named = match kind(&item) {
            "estimate" => from_item::<portal_domain::estimate::Estimate>(item)?.property.as_ref() == Some(p),
            "invoice" => from_item::<portal_domain::invoice::Invoice>(item)?.property.as_ref() == Some(p),
            "contact" => from_item::<Contact>(item)?.properties.is_some_and(|ps| ps.contains(p)),
            "job" => from_item::<portal_domain::job::Job>(item)?.property.as_ref() == Some(p),
            "equipment" => &from_item::<portal_domain::job::assets::Equipment>(item)?.property == p,
            "agreement" => from_item::<portal_domain::job::assets::Agreement>(item)?.property.as_ref() == Some(p),
            "work_request" => from_item::<portal_domain::request::WorkRequest>(item)?.property.as_ref() == Some(p),
            // A photo or document of the property (or of a job there) keeps it.
            "file" => from_item::<portal_domain::file::StoredFile>(item)?.property.as_ref() == Some(p),
            _ => false,
        };
        if named {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Removes a property that exists.
pub fn delete_property(t: &TenantId, a: &AccountId, p: &PropertyId) -> Write {
    Write::Delete(crate::table::Delete { key: keys::property(t, a, p), cond: Some(Cond::present()) })
}

/// The properties of an account.
pub async fn list_properties(table: &dyn Table, t: &TenantId, a: &AccountId) -> Result<Vec<Property>, StoreError> {
    let items = super::query_all(table, Query::partition(keys::account_pk(t, a)).prefix(keys::PROPERTY_PREFIX)).await?;
    items.into_iter().filter(|i| kind(i) == "property").map(from_item).collect()
}

fn staff_item(s: &Staff) -> Result<Item, StoreError> {
    let key = keys::staff(&s.tenant, &s.id);
    let item = to_item("staff", &key, s)?;
    Ok(with_index(item, Index::Gsi1, keys::staff_email_gsi(&s.tenant, s.email.as_str()), key.sk))
}

pub fn put_staff(s: &Staff) -> Result<Write, StoreError> {
    Ok(Write::create(staff_item(s)?))
}

/// Replaces a staff member read before (removed, role changed).
pub fn save_staff(s: &Staff) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: staff_item(s)?, cond: Some(Cond::present()) }))
}

/// Replaces an active staff member's profile (name and photo customers see): refused when they
/// were removed meanwhile, so a profile change never brings a removed member back.
pub fn save_active_staff(s: &Staff) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: staff_item(s)?, cond: Some(Cond::eq("active", true)) }))
}

pub async fn get_staff(table: &dyn Table, t: &TenantId, s: &StaffId) -> Result<Option<Staff>, StoreError> {
    table.get(&keys::staff(t, s)).await?.map(from_item).transpose()
}

pub async fn find_staff_by_email(table: &dyn Table, t: &TenantId, email: &Email) -> Result<Option<Staff>, StoreError> {
    let page = table.query(&Query::index(Index::Gsi1, keys::staff_email_gsi(t, email.as_str())).limit(1)).await?;
    page.items.into_iter().next().map(from_item).transpose()
}

/// The contractor's staff, by name.
pub async fn list_staff(table: &dyn Table, t: &TenantId) -> Result<Vec<Staff>, StoreError> {
    let items = super::query_all(table, Query::partition(keys::tenant_pk(t)).prefix(keys::STAFF_PREFIX)).await?;
    let mut staff: Vec<Staff> = items.into_iter().map(from_item).collect::<Result<_, _>>()?;
    staff.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(staff)
}
