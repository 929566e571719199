//! Photos and documents: upload slots (`UPLOAD#{f}`, kept a week), the files they become
//! (under what they are attached to, indexed by account for the Pictures page and by id for
//! the office's changes), and the tenant's bytes kept (its quota's counter).
use jiff::Timestamp;
use portal_domain::file::{Labels, StoredFile, Upload, UploadState};
use portal_domain::ids::{AccountId, FileId, TenantId};
use serde_json::Value;

use crate::keys;
use crate::record::{from_item, kind, to_item, with_index};
use crate::table::{Cond, Delete, Index, Item, Put, Query, SortKey, StoreError, Table, Update, Write};

/// How long an upload's record is kept after its slot (the uploader's page asks how it went).
const UPLOAD_KEPT_SECONDS: i64 = 7 * 24 * 3600;
/// Days are counted in UTC for the per-contact limit.
const DAY: i64 = 24 * 3600;

/// An upload's record; a pending one is also in its tenant's index of pending slots (a
/// record put ready or failed leaves it).
fn upload_item(u: &Upload) -> Result<Item, StoreError> {
    let mut item = to_item("upload", &keys::upload(&u.tenant, &u.account, &u.id), u)?;
    item.insert("ttl".into(), Value::from(u.created_at.as_second() + UPLOAD_KEPT_SECONDS));
    if u.state == UploadState::Pending {
        item = with_index(item, Index::Gsi1, keys::pending_uploads_gsi(&u.tenant), pending_sort(u.created_at.as_second(), Some(&u.id)));
    }
    Ok(item)
}

/// Sorts pending slots by the second they were given (fixed width, so text order is time
/// order).
fn pending_sort(second: i64, f: Option<&FileId>) -> String {
    match f {
        Some(f) => format!("{second:012}#{f}"),
        None => format!("{second:012}#~"),
    }
}

/// The tenant's upload slots still pending that were given at or before `given_by`, oldest
/// first, at most `limit` (one Query: the sweep's, which finds none on most runs).
pub async fn pending_before(table: &dyn Table, t: &TenantId, given_by: Timestamp, limit: u32) -> Result<Vec<Upload>, StoreError> {
    let q =
        Query::index(Index::Gsi1, keys::pending_uploads_gsi(t)).sort(SortKey::Le(pending_sort(given_by.as_second(), None))).limit(limit);
    table.query(&q).await?.items.into_iter().map(from_item).collect()
}

/// Why a slot was not given.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The contractor's storage quota would be passed.
    Quota,
    /// The uploader's uploads for today are used up.
    Daily,
}

/// Index of the quota's write and of the daily count's in [`start`]'s transaction.
pub const QUOTA_WRITE: usize = 1;
pub const DAILY_WRITE: usize = 2;

/// The writes of a new upload slot, in one transaction: the slot, the bytes reserved against
/// `quota` (refused when they would pass it) and, for a contact, one of their `daily` uploads.
pub fn start(u: &Upload, quota: u64, daily: Option<u32>) -> Result<Vec<Write>, StoreError> {
    let size = i64::try_from(u.size).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let room = i64::try_from(quota).unwrap_or(i64::MAX) - size;
    let reserve = Update::new(keys::file_usage(&u.tenant))
        .add("bytes", size)
        .when(Cond::Or(vec![Cond::NotExists("bytes".into()), Cond::Le("bytes".into(), room.into())]));
    let mut writes = vec![Write::create(upload_item(u)?), Write::Update(reserve)];
    if let Some(daily) = daily {
        writes.push(Write::Update(super::rate_count(&u.tenant, "upload", &u.by.id, u.created_at, DAY, i64::from(daily))));
    }
    Ok(writes)
}

/// The slots of several files arriving together (an email's attachments): each slot, and
/// their bytes reserved against `quota` in one update (the last of the returned writes). No daily count: the sender's hourly count bounds them.
pub fn start_all(uploads: &[Upload], quota: u64) -> Result<Vec<Write>, StoreError> {
    let Some(first) = uploads.first() else { return Ok(Vec::new()) };
    let total: u64 = uploads.iter().map(|u| u.size).sum();
    let size = i64::try_from(total).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let room = i64::try_from(quota).unwrap_or(i64::MAX) - size;
    let mut writes = uploads.iter().map(|u| Ok(Write::create(upload_item(u)?))).collect::<Result<Vec<_>, StoreError>>()?;
    writes.push(Write::Update(
        Update::new(keys::file_usage(&first.tenant))
            .add("bytes", size)
            .when(Cond::Or(vec![Cond::NotExists("bytes".into()), Cond::Le("bytes".into(), room.into())])),
    ));
    Ok(writes)
}

/// What a failed [`start`] transaction was refused for (`None`: another reason).
pub fn refusal(e: &StoreError) -> Option<Refusal> {
    match e {
        StoreError::TransactionCancelled { failed } if failed.contains(&QUOTA_WRITE) => Some(Refusal::Quota),
        StoreError::TransactionCancelled { failed } if failed.contains(&DAILY_WRITE) => Some(Refusal::Daily),
        _ => None,
    }
}

pub async fn get_upload(table: &dyn Table, t: &TenantId, a: &AccountId, f: &FileId) -> Result<Option<Upload>, StoreError> {
    table.get(&keys::upload(t, a, f)).await?.map(from_item).transpose()
}

fn still_pending() -> Cond {
    Cond::eq("state", "pending")
}

fn file_item(f: &StoredFile) -> Result<Item, StoreError> {
    let item = to_item("file", &keys::file(&f.tenant, &f.account, &f.attached, &f.id), f)?;
    let item = with_index(item, Index::Gsi1, keys::account_files_gsi(&f.tenant, &f.account), format!("{}#{}", f.created_at, f.id));
    Ok(with_index(item, Index::Gsi2, keys::file_id_gsi(&f.tenant, &f.id), "FILE".into()))
}

/// The writes that keep a processed upload: the file, the upload marked ready (only if still
/// pending: a second delivery of the same event changes nothing), and the quota's count moved
/// from the bytes reserved to the bytes kept.
pub fn finish(u: &Upload, f: &StoredFile) -> Result<Vec<Write>, StoreError> {
    let mut done = u.clone();
    done.state = UploadState::Ready;
    let delta = i64::try_from(f.stored_bytes()).unwrap_or(i64::MAX) - i64::try_from(u.size).unwrap_or(0);
    Ok(vec![
        Write::Put(Put { item: upload_item(&done)?, cond: Some(still_pending()) }),
        Write::create(file_item(f)?),
        Write::Update(Update::new(keys::file_usage(&u.tenant)).add("bytes", delta)),
    ])
}

/// The writes that record an upload refused or not processed, with what to tell the uploader,
/// and give its reserved bytes back.
pub fn fail(u: &Upload, reason: &str) -> Result<Vec<Write>, StoreError> {
    let mut failed = u.clone();
    failed.state = UploadState::Failed { reason: reason.into() };
    Ok(vec![
        Write::Put(Put { item: upload_item(&failed)?, cond: Some(still_pending()) }),
        Write::Update(Update::new(keys::file_usage(&u.tenant)).add("bytes", -i64::try_from(u.size).unwrap_or(0))),
    ])
}

/// The writes of a file kept without an upload (the demo's): the file and its bytes counted.
pub fn create(f: &StoredFile) -> Result<Vec<Write>, StoreError> {
    Ok(vec![
        Write::create(file_item(f)?),
        Write::Update(Update::new(keys::file_usage(&f.tenant)).add("bytes", i64::try_from(f.stored_bytes()).unwrap_or(0))),
    ])
}

/// The writes of several files kept without an upload (copies of others): each file, and
/// their bytes counted in one update (one item is written once in a transaction).
pub fn create_all(files: &[StoredFile]) -> Result<Vec<Write>, StoreError> {
    let Some(first) = files.first() else { return Ok(Vec::new()) };
    let bytes: u64 = files.iter().map(StoredFile::stored_bytes).sum();
    let mut writes = files.iter().map(|f| Ok(Write::create(file_item(f)?))).collect::<Result<Vec<_>, StoreError>>()?;
    writes.push(Write::Update(Update::new(keys::file_usage(&first.tenant)).add("bytes", i64::try_from(bytes).unwrap_or(0))));
    Ok(writes)
}

/// One file by its id, in the tenant (found through its index; `None` when it is not there).
pub async fn by_id(table: &dyn Table, t: &TenantId, f: &FileId) -> Result<Option<StoredFile>, StoreError> {
    let page = table.query(&Query::index(Index::Gsi2, keys::file_id_gsi(t, f)).sort(SortKey::Eq("FILE".into())).limit(1)).await?;
    page.items.into_iter().next().map(from_item).transpose()
}

/// Every file of an account, newest first (one Query of its index).
pub async fn of_account(table: &dyn Table, t: &TenantId, a: &AccountId) -> Result<Vec<StoredFile>, StoreError> {
    let items = super::query_all(table, Query::index(Index::Gsi1, keys::account_files_gsi(t, a)).backwards()).await?;
    items.into_iter().filter(|i| kind(i) == "file").map(from_item).collect()
}

/// Replaces a file's labels if nobody changed it since it was read.
pub fn save_labels(f: &StoredFile, labels: Labels) -> Result<Write, StoreError> {
    let mut next = f.clone();
    next.labels = labels;
    next.rev = f.rev + 1;
    Ok(Write::Put(Put { item: file_item(&next)?, cond: Some(Cond::eq("rev", f.rev)) }))
}

/// A file moved to another account of the tenant as read (a lead's request merged into a
/// customer): the same blobs and bytes, under the new account.
pub fn moved(f: &StoredFile, to: &AccountId) -> Result<Vec<Write>, StoreError> {
    let mut next = f.clone();
    next.account = to.clone();
    next.rev = f.rev + 1;
    Ok(vec![
        Write::Delete(Delete { key: keys::file(&f.tenant, &f.account, &f.attached, &f.id), cond: Some(Cond::eq("rev", f.rev)) }),
        Write::create(file_item(&next)?),
    ])
}

/// Removes a file as read (its blobs are removed by the caller) and gives its bytes back.
pub fn delete(f: &StoredFile) -> Result<Vec<Write>, StoreError> {
    let leftover = Leftover { tenant: f.tenant.clone(), file: f.id.clone(), blobs: f.blob_keys() };
    Ok(vec![
        Write::Delete(Delete { key: keys::file(&f.tenant, &f.account, &f.attached, &f.id), cond: Some(Cond::eq("rev", f.rev)) }),
        Write::Update(Update::new(keys::file_usage(&f.tenant)).add("bytes", -i64::try_from(f.stored_bytes()).unwrap_or(0))),
        Write::Put(Put { item: to_item("leftover", &keys::leftover(&f.tenant, &f.id), &leftover)?, cond: None }),
    ])
}

/// A deleted file's blobs still to remove: written in the delete's transaction, so bytes
/// nobody can reach are never forgotten when removing them fails.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Leftover {
    pub tenant: TenantId,
    pub file: FileId,
    pub blobs: Vec<String>,
}

/// The tenant's leftovers, at most `limit` (one Query; empty on most sweeps).
pub async fn leftovers(table: &dyn Table, t: &TenantId, limit: u32) -> Result<Vec<Leftover>, StoreError> {
    let q = Query::partition(keys::leftovers_pk(t)).limit(limit);
    table.query(&q).await?.items.into_iter().map(from_item).collect()
}

/// Forgets a leftover once its blobs are gone.
pub fn leftover_done(l: &Leftover) -> Delete {
    Delete { key: keys::leftover(&l.tenant, &l.file), cond: None }
}

/// Bytes the tenant keeps (the quota's count).
pub async fn usage(table: &dyn Table, t: &TenantId) -> Result<u64, StoreError> {
    let item = table.get(&keys::file_usage(t)).await?;
    Ok(item.and_then(|i| i.get("bytes").and_then(Value::as_i64)).map_or(0, |b| u64::try_from(b).unwrap_or(0)))
}

/// A file as stored by a repository's Query (`type` = `file`).
pub fn take(item: Item) -> Result<StoredFile, StoreError> {
    from_item(item)
}

/// Whether an item is a file's.
pub fn is_file(item: &Item) -> bool {
    kind(item) == "file"
}

/// The time an upload's day ends (for "try again tomorrow").
pub fn day_ends(now: Timestamp) -> i64 {
    (now.as_second().div_euclid(DAY) + 1) * DAY
}
