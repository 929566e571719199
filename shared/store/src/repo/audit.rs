//! The audit log: one item per entry in the customer's partition (or the tenant's), and in
//! GSI1 under the document it is about.
use portal_domain::audit::AuditEntry;
use portal_domain::ids::TenantId;

use crate::keys;
use crate::record::{from_item, to_item, with_index};
use crate::table::{Index, Key, Query, StoreError, Table, Write};

/// The write that appends an entry; put it in the same transaction as the change it records.
pub fn append(t: &TenantId, entry: &AuditEntry) -> Result<Write, StoreError> {
    let pk = match &entry.account {
        Some(a) => keys::account_pk(t, a),
        None => keys::tenant_audit_pk(t),
    };
    let key = Key::new(pk, format!("{}{}", keys::AUDIT_PREFIX, entry.id));
    let mut item = to_item("audit", &key, entry)?;
    if let Some(subject) = &entry.subject {
        item = with_index(item, Index::Gsi1, keys::audit_subject_gsi(t, subject), entry.id.to_string());
    }
    Ok(Write::create(item))
}

/// Everything that happened to one document, newest first.
pub async fn for_subject(table: &dyn Table, t: &TenantId, subject: &str, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
    let q = Query::index(Index::Gsi1, keys::audit_subject_gsi(t, subject)).backwards().limit(limit);
    table.query(&q).await?.items.into_iter().map(from_item).collect()
}

/// A page of an account's audit log, newest first.
pub async fn for_account(
    table: &dyn Table,
    t: &TenantId,
    a: &portal_domain::ids::AccountId,
    limit: u32,
    after: Option<crate::table::Cursor>,
) -> Result<(Vec<AuditEntry>, Option<crate::table::Cursor>), StoreError> {
    let mut q = Query::partition(keys::account_pk(t, a)).prefix(keys::AUDIT_PREFIX).backwards().limit(limit);
    q.after = after;
    let page = table.query(&q).await?;
    Ok((page.items.into_iter().map(from_item).collect::<Result<_, _>>()?, page.next))
}
