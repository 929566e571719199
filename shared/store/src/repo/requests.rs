//! Work requests: each in its customer's partition (`INQ#{r}`, in the dashboard's range) with
//! its photos and thread under it; in the tenant's index of its status (GSI1, newest first)
//! and, while open, in the index of open requests (GSI2, urgent first, then newest first).
use portal_domain::file::StoredFile;
use portal_domain::ids::{AccountId, RequestId, TenantId};
use portal_domain::message::Thread;
use portal_domain::request::{RequestStatus, WorkRequest};

use crate::keys;
use crate::record::{from_item, kind, to_item, with_index};
use crate::table::{Cond, Cursor, Index, Item, Put, Query, SortKey, StoreError, Table, Write};

/// A request with what is under it: its photos and its thread's summary.
#[derive(Debug, Clone)]
pub struct RequestBundle {
    pub request: WorkRequest,
    pub files: Vec<StoredFile>,
    pub thread: Option<Thread>,
}

fn item(r: &WorkRequest) -> Result<Item, StoreError> {
    let mut item = to_item("work_request", &keys::work_request(&r.tenant, &r.account, &r.id), r)?;
    item = with_index(item, Index::Gsi1, keys::requests_gsi(&r.tenant, r.status), format!("{}#{}", keys::seconds(r.created_at), r.id));
    if r.status.is_open() {
        // Forwards: urgent (`0`) first, then the newest (seconds counted down from the year
        // 5138, so a later request sorts first).
        let newest_first = 99_999_999_999_i64 - r.created_at.as_second().max(0);
        let sk = format!("{}#{newest_first:011}#{}", if r.urgent { 0 } else { 1 }, r.id);
        item = with_index(item, Index::Gsi2, keys::open_requests_gsi(&r.tenant), sk);
    }
    Ok(item)
}

/// A new request (only if its id is free).
pub fn create(r: &WorkRequest) -> Result<Write, StoreError> {
    Ok(Write::create(item(r)?))
}

/// A new request from the public form, with the hash of the key its asker's browser adds
/// photos with and the second it works until. Kept on the request's item only: the office's
/// first change to the request (saved whole) ends it.
pub fn create_with_photo_key(r: &WorkRequest, key_hash: &str, until: jiff::Timestamp) -> Result<Write, StoreError> {
    let mut item = item(r)?;
    item.insert(PHOTO_KEY.into(), key_hash.into());
    item.insert(PHOTO_KEY_UNTIL.into(), until.as_second().into());
    Ok(Write::create(item))
}

const PHOTO_KEY: &str = "photo_key";
const PHOTO_KEY_UNTIL: &str = "photo_key_until";

/// What a request's item says of a photo key's hash: `None` when it holds another, else
/// whether it still works at `now` (a public form's request whose key the office's first
/// change ended: `Some(false)`, as after the hour).
pub fn photo_key_works(item: &Item, key_hash: &str, now: jiff::Timestamp) -> Option<bool> {
    let from_form = item.get("source").and_then(serde_json::Value::as_str) == Some("form");
    let Some(kept) = item.get(PHOTO_KEY).and_then(serde_json::Value::as_str) else { return from_form.then_some(false) };
    // Hashes compared: knowing how much of a hash matched tells nothing of the key.
    if kept != key_hash {
        return None;
    }
    let until = item.get(PHOTO_KEY_UNTIL).and_then(serde_json::Value::as_i64).unwrap_or(0);
    Some(now.as_second() <= until)
}

/// Whether the request's item holds this photo key's hash (its hour over or not).
pub fn photo_key_matches(item: &Item, key_hash: &str) -> bool {
    item.get(PHOTO_KEY).and_then(serde_json::Value::as_str) == Some(key_hash)
}

/// A request changed, only if it is still the one read at `expected_rev`.
pub fn save(r: &WorkRequest, expected_rev: u64) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: item(r)?, cond: Some(Cond::eq("rev", expected_rev)) }))
}

/// Sorts a request's items into bundles (the request first, then what is under it).
#[derive(Default)]
pub struct Gather {
    pub requests: Vec<RequestBundle>,
}

impl Gather {
    /// Takes `item` when it belongs to a request; `false` when it is not a request's.
    pub fn take(&mut self, item: Item) -> Result<bool, StoreError> {
        let sk = item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default();
        if !sk.starts_with(keys::REQUEST_PREFIX) {
            return Ok(false);
        }
        match kind(&item) {
            "work_request" => self.requests.push(RequestBundle { request: from_item(item)?, files: Vec::new(), thread: None }),
            "file" => {
                let f: StoredFile = from_item(item)?;
                let of = |b: &&mut RequestBundle| matches!(&f.attached, portal_domain::file::Attached::Request { request } if *request == b.request.id);
                if let Some(b) = self.requests.iter_mut().rev().find(of) {
                    b.files.push(f);
                    b.files.sort_by_key(|f| f.created_at);
                }
            }
            "thread" => {
                let th: Thread = from_item(item)?;
                let of = |b: &&mut RequestBundle| th.about == portal_domain::message::About::Request(b.request.id.clone());
                if let Some(b) = self.requests.iter_mut().rev().find(of) {
                    b.thread = Some(th);
                }
            }
            // Its messages: read with the thread.
            _ => {}
        }
        Ok(true)
    }
}

/// One request with its photos and thread summary (one Query), as its account holds it.
pub async fn load(table: &dyn Table, t: &TenantId, a: &AccountId, r: &RequestId) -> Result<Option<RequestBundle>, StoreError> {
    let from = format!("{}{r}", keys::REQUEST_PREFIX);
    let to = format!("{from}#THREAD");
    let q = Query::partition(keys::account_pk(t, a)).sort(SortKey::Between(from, to));
    let mut g = Gather::default();
    for item in super::query_all(table, q).await? {
        g.take(item)?;
    }
    Ok(g.requests.into_iter().find(|b| &b.request.id == r))
}

/// The request alone (one GetItem).
pub async fn get(table: &dyn Table, t: &TenantId, a: &AccountId, r: &RequestId) -> Result<Option<WorkRequest>, StoreError> {
    table.get(&keys::work_request(t, a, r)).await?.map(from_item).transpose()
}

/// A page of the office's inbox: the requests in `status`, newest first; with no status, the
/// open ones (received or in review), urgent first, then newest first.
pub async fn inbox(
    table: &dyn Table,
    t: &TenantId,
    status: Option<RequestStatus>,
    urgent_only: bool,
    limit: u32,
    after: Option<Cursor>,
) -> Result<(Vec<WorkRequest>, Option<Cursor>), StoreError> {
    let q = match status {
        Some(s) => Query::index(Index::Gsi1, keys::requests_gsi(t, s)).backwards(),
        None if urgent_only => Query::index(Index::Gsi2, keys::open_requests_gsi(t)).prefix("0#"),
        None => Query::index(Index::Gsi2, keys::open_requests_gsi(t)),
    };
    let filtered = urgent_only && status.is_some();
    let (mut out, mut next) = (Vec::new(), after);
    // A status's index is not split by urgency: its urgent ones are read page by page until
    // the page is full, at most a few pages a call (the cursor carries on from there).
    for _ in 0..if filtered { URGENT_PAGES } else { 1 } {
        // Never more than the page holds: what a cursor skips would not be seen.
        let room = limit.saturating_sub(u32::try_from(out.len()).unwrap_or(u32::MAX)).max(1);
        let page = table.query(&q.clone().limit(room).after(next.take())).await?;
        for item in page.items {
            let r: WorkRequest = from_item(item)?;
            if !filtered || r.urgent {
                out.push(r);
            }
        }
        next = page.next;
        if next.is_none() || out.len() >= limit as usize {
            break;
        }
    }
    Ok((out, next))
}

/// Pages of a status's index one inbox call reads for its urgent requests.
const URGENT_PAGES: usize = 4;

/// A request with its photos, its thread and the thread's messages, oldest first (one Query
/// of everything under it).
pub async fn load_with_messages(
    table: &dyn Table,
    t: &TenantId,
    a: &AccountId,
    r: &RequestId,
) -> Result<Option<(RequestBundle, Vec<portal_domain::message::Message>)>, StoreError> {
    let own = format!("{}{r}", keys::REQUEST_PREFIX);
    let under = format!("{own}#");
    let q = Query::partition(keys::account_pk(t, a)).prefix(own.clone());
    let mut g = Gather::default();
    let mut messages = Vec::new();
    for item in super::query_all(table, q).await? {
        let sk = item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default();
        if sk != own && !sk.starts_with(&under) {
            continue;
        }
        if kind(&item) == "message" {
            messages.push(from_item(item)?);
        } else {
            g.take(item)?;
        }
    }
    Ok(g.requests.into_iter().find(|b| &b.request.id == r).map(|b| (b, messages)))
}
