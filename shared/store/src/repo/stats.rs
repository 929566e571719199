//! The adoption figures' counters, in the tenant's `T#{t}#STATS` partition: one item per cell
//! (a month `M#{yyyy-mm}#{shard}`, the totals `T#{shard}`, a day `D#{yyyy-mm-dd}#{shard}`)
//! holding numbers that events add to in their own transactions ([`writes`]). Each cell is
//! split over [`SHARDS`] items by account, so two customers' events at the same moment seldom
//! touch the same item (DynamoDB cancels concurrent transactions on one item). Reading the
//! figures is three Queries ([`read`]) whatever the number of customers.
use std::collections::BTreeMap;

use portal_domain::adoption::{Cell, Counts, Tally, last_days, last_months};
use portal_domain::ids::{AccountId, TenantId};
use serde_json::Value;

use crate::keys;
use crate::repo::query_all;
use crate::table::{Delete, Item, Key, MAX_TRANSACTION, Put, Query, SortKey, StoreError, Table, Update, Write};

/// Items per cell.
pub const SHARDS: u64 = 8;

/// The shard of an account's events: FNV-1a of its id (stable across builds, unlike
/// `std`'s hasher; written here since it is four lines).
pub fn shard(a: &AccountId) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in a.as_str().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h % SHARDS
}

fn sk(cell: &Cell, shard: u64) -> String {
    match cell {
        Cell::Month(m) => format!("M#{m}#{shard}"),
        Cell::Totals => format!("T#{shard}"),
        Cell::Day(d) => format!("D#{d}#{shard}"),
    }
}

fn cell_of(sk: &str) -> Option<Cell> {
    let mut parts = sk.split('#');
    match (parts.next()?, parts.next()?) {
        ("M", m) => Some(Cell::Month(m.to_string())),
        ("T", _) => Some(Cell::Totals),
        ("D", d) => d.parse().ok().map(Cell::Day),
        _ => None,
    }
}

/// What `tally` adds, for account `a`'s shard: one update per cell, to go in the event's
/// transaction. Empty when it adds nothing.
pub fn writes(t: &TenantId, a: &AccountId, tally: &Tally) -> Vec<Write> {
    let shard = shard(a);
    tally
        .cells()
        .map(|(cell, fields)| {
            let mut u = Update::new(Key::new(keys::stats_pk(t), sk(cell, shard))).set("type", "stats");
            u.add = fields.into_iter().map(|(f, n)| (f.to_string(), n)).collect();
            Write::Update(u)
        })
        .collect()
}

fn absorb(counts: &mut Counts, items: Vec<Item>) {
    for item in items {
        let Some(cell) = item.get("sk").and_then(Value::as_str).and_then(cell_of) else { continue };
        for (k, v) in &item {
            if let Some(n) = v.as_i64().filter(|_| !matches!(k.as_str(), "pk" | "sk" | "type")) {
                counts.add(cell.clone(), k, n);
            }
        }
    }
}

/// The counts the figures for `today` need (the last twelve months, the last 90 days and the
/// totals), summed over shards: three Queries.
pub async fn read(table: &dyn Table, t: &TenantId, today: jiff::civil::Date) -> Result<Counts, StoreError> {
    let pk = keys::stats_pk(t);
    let months = last_months(today);
    let (from, to) = last_days(today);
    let mut counts = Counts::default();
    let first = months.first().cloned().unwrap_or_default();
    let last = months.last().cloned().unwrap_or_default();
    // `~` sorts after every digit: the range takes each month's (or day's) shards.
    for q in [
        Query::partition(pk.clone()).sort(SortKey::Between(format!("M#{first}"), format!("M#{last}#~"))),
        Query::partition(pk.clone()).prefix("T#"),
        Query::partition(pk.clone()).sort(SortKey::Between(format!("D#{from}"), format!("D#{to}#~"))),
    ] {
        absorb(&mut counts, query_all(table, q).await?);
    }
    Ok(counts)
}

/// Every stored count (all months and days), summed over shards: for comparing with a recount.
pub async fn read_all(table: &dyn Table, t: &TenantId) -> Result<Counts, StoreError> {
    let mut counts = Counts::default();
    absorb(&mut counts, query_all(table, Query::partition(keys::stats_pk(t))).await?);
    Ok(counts)
}

/// Replaces every counter of the tenant with `by_shard` (a recount). Not one transaction: run
/// it when nothing else counts (a backfill before the counting code is deployed, or the seed).
pub async fn replace(table: &dyn Table, t: &TenantId, by_shard: &BTreeMap<u64, Tally>) -> Result<(), StoreError> {
    let pk = keys::stats_pk(t);
    for item in query_all(table, Query::partition(pk.clone())).await? {
        if let Some(sk) = item.get("sk").and_then(Value::as_str) {
            table.delete(Delete { key: Key::new(pk.clone(), sk), cond: None }).await?;
        }
    }
    let mut puts = Vec::new();
    for (shard, tally) in by_shard {
        for (cell, fields) in tally.cells() {
            let mut item = Item::new();
            item.insert("pk".into(), pk.clone().into());
            item.insert("sk".into(), sk(cell, *shard).into());
            item.insert("type".into(), "stats".into());
            for (f, n) in fields {
                item.insert(f.into(), n.into());
            }
            puts.push(Write::Put(Put { item, cond: None }));
        }
    }
    while !puts.is_empty() {
        let rest = puts.split_off(puts.len().min(MAX_TRANSACTION));
        table.transact(std::mem::replace(&mut puts, rest)).await?;
    }
    Ok(())
}
