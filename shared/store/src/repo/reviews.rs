//! Ratings: one per job, under it in the customer's partition (`{job sk}#RATING`, so the job's
//! Query and the dashboard's bring it), in the tenant's index of ratings (GSI1, newest first)
//! and, while its follow-up is open, in the tenant's index of open follow-ups (GSI2).
use portal_domain::ids::{AccountId, JobId, TenantId};
use portal_domain::review::Rating;

use crate::keys;
use crate::record::{from_item, to_item, with_index};
use crate::table::{Cond, Index, Item, Put, Query, StoreError, Table, Write};

/// Ratings read for the office's figures at most (years of a contractor's ratings; the list
/// itself pages).
pub const FIGURES_FROM_AT_MOST: u32 = 5000;

fn item(r: &Rating) -> Result<Item, StoreError> {
    let mut item = to_item("rating", &keys::rating(&r.tenant, &r.account, &r.job), r)?;
    item = with_index(item, Index::Gsi1, keys::ratings_gsi(&r.tenant), format!("{}#{}", keys::seconds(r.created_at), r.job));
    if let Some(f) = r.follow_up.as_ref().filter(|f| f.open) {
        item = with_index(item, Index::Gsi2, keys::open_follow_ups_gsi(&r.tenant), format!("{}#{}", keys::seconds(f.opened_at), r.job));
    }
    Ok(item)
}

/// Puts a rating: a first one only if the job has none (`expected_rev` `None`), a change only
/// if it is still the one read.
pub fn save(r: &Rating, expected_rev: Option<u64>) -> Result<Write, StoreError> {
    let cond = match expected_rev {
        None => Cond::absent(),
        Some(rev) => Cond::eq("rev", rev),
    };
    Ok(Write::Put(Put { item: item(r)?, cond: Some(cond) }))
}

pub async fn get(table: &dyn Table, t: &TenantId, a: &AccountId, j: &JobId) -> Result<Option<Rating>, StoreError> {
    table.get(&keys::rating(t, a, j)).await?.map(from_item).transpose()
}

/// A page of the tenant's ratings, newest first.
pub async fn list(
    table: &dyn Table,
    t: &TenantId,
    limit: u32,
    after: Option<crate::table::Cursor>,
) -> Result<(Vec<Rating>, Option<crate::table::Cursor>), StoreError> {
    let q = Query::index(Index::Gsi1, keys::ratings_gsi(t)).backwards().limit(limit).after(after);
    let page = table.query(&q).await?;
    Ok((page.items.into_iter().map(from_item).collect::<Result<_, _>>()?, page.next))
}

/// The tenant's ratings for the figures: the newest [`FIGURES_FROM_AT_MOST`].
pub async fn for_figures(table: &dyn Table, t: &TenantId) -> Result<Vec<Rating>, StoreError> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let (page, next) = list(table, t, 1000, after).await?;
        out.extend(page);
        match next {
            Some(c) if out.len() < FIGURES_FROM_AT_MOST as usize => after = Some(c),
            _ => return Ok(out),
        }
    }
}

/// A page of the follow-ups still open, oldest first (one Query).
pub async fn open_follow_ups(
    table: &dyn Table,
    t: &TenantId,
    limit: u32,
    after: Option<crate::table::Cursor>,
) -> Result<(Vec<Rating>, Option<crate::table::Cursor>), StoreError> {
    let q = Query::index(Index::Gsi2, keys::open_follow_ups_gsi(t)).limit(limit).after(after);
    let page = table.query(&q).await?;
    Ok((page.items.into_iter().map(from_item).collect::<Result<_, _>>()?, page.next))
}
