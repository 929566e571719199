//! Threads and their messages: the summary (`JOB#{j}#THREAD` or `GENERAL#THREAD` in the
//! customer's partition, in the staff inbox's two indexes) and the messages under it.
use portal_domain::ids::{AccountId, HeldId, StaffId, TenantId};
use portal_domain::inbound::Held;
use portal_domain::message::{About, Message, ReplyToken, Thread, ThreadState};

use crate::keys;
use crate::record::{from_item, kind, to_item, with_index};
use crate::table::{Cond, Cursor, Index, Item, Put, Query, StoreError, Table, Write};

/// The inbox's sort key: unread by staff first, then the latest activity (read backwards).
fn inbox_sort(th: &Thread) -> String {
    let unread = if th.staff_unread > 0 { "U" } else { "R" };
    format!("{unread}#{:015}#{}#{}", th.last_at.as_millisecond(), th.account, th.about)
}

fn thread_item(th: &Thread) -> Result<Item, StoreError> {
    let item = to_item("thread", &keys::thread(&th.tenant, &th.account, &th.about), th)?;
    let state = th.state.as_str();
    let item = with_index(item, Index::Gsi1, keys::inbox_gsi(&th.tenant, state), inbox_sort(th));
    let assigned = th.assigned.as_ref().map(|a| &a.id);
    Ok(with_index(item, Index::Gsi2, keys::inbox_assigned_gsi(&th.tenant, state, assigned), inbox_sort(th)))
}

/// Writes the summary: created when `before` is `None` (and no other writer created it
/// first), else only over the version read.
pub fn save(before: Option<&Thread>, next: &Thread) -> Result<Write, StoreError> {
    let item = thread_item(next)?;
    Ok(match before {
        None => Write::create(item),
        Some(b) => Write::Put(Put { item, cond: Some(Cond::eq("rev", b.rev)) }),
    })
}

/// A new message (never overwritten).
pub fn add_message(t: &TenantId, a: &AccountId, m: &Message) -> Result<Write, StoreError> {
    Ok(Write::create(to_item("message", &keys::message(t, a, m), m)?))
}

/// A message rewritten (hidden), only if it is there.
pub fn save_message(t: &TenantId, a: &AccountId, m: &Message) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: to_item("message", &keys::message(t, a, m), m)?, cond: Some(Cond::present()) }))
}

/// A thread's summary alone (one GetItem: the poll asking whether anything changed).
pub async fn get(table: &dyn Table, t: &TenantId, a: &AccountId, about: &About) -> Result<Option<Thread>, StoreError> {
    table.get(&keys::thread(t, a, about)).await?.map(from_item).transpose()
}

/// A thread with its messages, oldest first (one Query; `None` before its first message).
pub async fn load(table: &dyn Table, t: &TenantId, a: &AccountId, about: &About) -> Result<Option<(Thread, Vec<Message>)>, StoreError> {
    Ok(load_with_files(table, t, a, about).await?.0)
}

/// The same Query, with the files sent in the thread when they sort under it (the general
/// thread's, `GENERAL#THREAD#FILE#{f}`; a job's files sort under the job instead). The
/// files come even before the thread's first message (sent with it moments later).
pub async fn load_with_files(
    table: &dyn Table,
    t: &TenantId,
    a: &AccountId,
    about: &About,
) -> Result<(Option<(Thread, Vec<Message>)>, Vec<portal_domain::file::StoredFile>), StoreError> {
    let sk = keys::thread_sk(about);
    let items = super::query_all(table, Query::partition(keys::account_pk(t, a)).prefix(sk.clone())).await?;
    let mut thread = None;
    let (mut messages, mut files) = (Vec::new(), Vec::new());
    for item in items {
        let item_sk = item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default();
        if item_sk == sk {
            thread = Some(from_item(item)?);
        } else if item_sk.starts_with(&format!("{sk}#M#")) {
            messages.push(from_item(item)?);
        } else if item_sk.starts_with(&format!("{sk}#FILE#")) {
            files.push(from_item(item)?);
        }
    }
    Ok((thread.map(|th| (th, messages)), files))
}

/// Whether an item is a thread's summary or a message (for readers of a whole range).
pub fn take(item: Item) -> Result<Option<Taken>, StoreError> {
    Ok(match kind(&item) {
        "thread" => Some(Taken::Thread(from_item(item)?)),
        "message" => Some(Taken::Message(from_item(item)?)),
        _ => None,
    })
}

pub enum Taken {
    Thread(Thread),
    Message(Message),
}

/// Which threads the staff inbox lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxFilter {
    /// Every open thread.
    Open,
    /// Open threads assigned to this staff member.
    Mine(StaffId),
    /// Open threads nobody is assigned to.
    Unassigned,
    /// Closed threads.
    Closed,
}

/// One page of the staff inbox: unread first, then the latest activity (one Query).
pub async fn inbox(
    table: &dyn Table,
    t: &TenantId,
    filter: &InboxFilter,
    limit: u32,
    after: Option<Cursor>,
) -> Result<(Vec<Thread>, Option<Cursor>), StoreError> {
    let open = ThreadState::Open.as_str();
    let q = match filter {
        InboxFilter::Open => Query::index(Index::Gsi1, keys::inbox_gsi(t, open)),
        InboxFilter::Closed => Query::index(Index::Gsi1, keys::inbox_gsi(t, ThreadState::Closed.as_str())),
        InboxFilter::Mine(s) => Query::index(Index::Gsi2, keys::inbox_assigned_gsi(t, open, Some(s))),
        InboxFilter::Unassigned => Query::index(Index::Gsi2, keys::inbox_assigned_gsi(t, open, None)),
    };
    let page = table.query(&q.backwards().limit(limit).after(after)).await?;
    Ok((page.items.into_iter().map(from_item).collect::<Result<_, _>>()?, page.next))
}

/// A reply token's record, under its hash (global: a reply names only the token).
fn reply_key(hash: &str) -> crate::table::Key {
    crate::table::Key::new(format!("REPLY#{hash}"), "TOKEN")
}

/// Keeps a new reply token (by its hash).
pub fn save_reply_token(hash: &str, t: &ReplyToken) -> Result<Write, StoreError> {
    Ok(Write::create(to_item("reply_token", &reply_key(hash), t)?))
}

fn held_item(h: &Held) -> Result<Item, StoreError> {
    let item = to_item("held", &keys::held(&h.tenant, &h.account, &h.id), h)?;
    let sort = format!("{:015}#{}", h.received_at.as_millisecond(), h.id);
    Ok(with_index(item, Index::Gsi1, keys::held_gsi(&h.tenant, h.state.as_str()), sort))
}

/// A held reply: created once (a second delivery of its email finds it there), or moved on
/// from the state it was read in.
pub fn save_held(before: Option<&Held>, h: &Held) -> Result<Write, StoreError> {
    let item = held_item(h)?;
    Ok(match before {
        None => Write::create(item),
        Some(b) => Write::Put(Put { item, cond: Some(Cond::eq("state", b.state.as_str())) }),
    })
}

pub async fn get_held(table: &dyn Table, t: &TenantId, a: &AccountId, h: &HeldId) -> Result<Option<Held>, StoreError> {
    table.get(&keys::held(t, a, h)).await?.map(from_item).transpose()
}

/// The replies waiting for review, newest first (one Query).
pub async fn held(table: &dyn Table, t: &TenantId, limit: u32, after: Option<Cursor>) -> Result<(Vec<Held>, Option<Cursor>), StoreError> {
    let q = Query::index(Index::Gsi1, keys::held_gsi(t, "held")).backwards().limit(limit).after(after);
    let page = table.query(&q).await?;
    Ok((page.items.into_iter().map(from_item).collect::<Result<_, _>>()?, page.next))
}

/// Marks an email handled (in the transaction that posts or holds it): refused when it was,
/// so a second delivery changes nothing. Kept for 30 days, past any redelivery.
pub fn mark_received(hash: &str, now: jiff::Timestamp) -> Write {
    let mut item = Item::new();
    let key = keys::inbound_seen(hash);
    item.insert("pk".into(), key.pk.into());
    item.insert("sk".into(), key.sk.into());
    item.insert("type".into(), "inbound_seen".into());
    item.insert("ttl".into(), (now.as_second() + 30 * 86_400).into());
    Write::create(item)
}

/// What a reply token stands for (`None`: not one of ours).
pub async fn find_reply_token(table: &dyn Table, token: &str) -> Result<Option<ReplyToken>, StoreError> {
    let hash = portal_domain::sha256_hex(token.as_bytes());
    table.get(&reply_key(&hash)).await?.map(from_item).transpose()
}
