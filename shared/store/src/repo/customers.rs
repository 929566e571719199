//! One customer's partition read at once: the account, its contacts and properties, its
//! estimates and its money (invoices, payments, credit). One Query (paged) for the office's
//! customer and invoice pages.
use portal_domain::estimate::Estimate;
use portal_domain::ids::{AccountId, TenantId};
use portal_domain::party::{Account, Contact, Property};

use crate::keys;
use crate::record::{from_item, kind};
use crate::table::{Query, StoreError, Table};
use portal_domain::payment::AccountPayments;

/// Everything stored under one customer.
#[derive(Debug)]
pub struct Customer {
    pub account: Account,
    pub contacts: Vec<Contact>,
    pub properties: Vec<Property>,
    /// Newest first.
    pub estimates: Vec<Estimate>,
    pub money: AccountPayments,
}

/// The customer `a` of tenant `t`, or `None` when there is no such account.
pub async fn load(table: &dyn Table, t: &TenantId, a: &AccountId) -> Result<Option<Customer>, StoreError> {
    let items = super::query_all(table, Query::partition(keys::account_pk(t, a))).await?;
    let (mut account, mut contacts, mut properties, mut estimates) = (None, Vec::new(), Vec::new(), Vec::new());
    for item in items.iter().cloned() {
        match kind(&item) {
            "account" => account = Some(from_item::<Account>(item)?),
            "contact" => contacts.push(from_item::<Contact>(item)?),
            "property" => properties.push(from_item::<Property>(item)?),
            "estimate" => estimates.push(from_item::<Estimate>(item)?),
            _ => {}
        }
    }
    let Some(account) = account else { return Ok(None) };
    estimates.sort_by_key(|e| std::cmp::Reverse(e.created_at));
    Ok(Some(Customer { account, contacts, properties, estimates, money: super::payments::from_items(items)? }))
}
