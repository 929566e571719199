//! The adoption figures: read from the counters the events keep ([`figures`], three Queries
//! whatever the number of customers), and recounted from every customer's records
//! ([`recount`], [`rebuild`]) to fill the counters of a store that had none, or to check them.
use std::collections::BTreeMap;

use portal_domain::adoption::{Adoption, Counts, Tally, paid};
use portal_domain::estimate::{Decision, Estimate, EstimateStatus};
use portal_domain::ids::{AccountId, TenantId};
use portal_domain::invoice::Invoice;
use portal_domain::party::{Contact, Tenant};
use portal_domain::payment::PaymentRecord;
use portal_store::record::{from_item, kind};
use portal_store::repo::{parties, query_all, stats};
use portal_store::{Query, Table, Write, keys};

use crate::Error;

/// The figures as they stand at `now`.
pub async fn figures(table: &dyn Table, tenant: &Tenant, now: jiff::Timestamp) -> Result<Adoption, Error> {
    let today = tenant.today(now);
    Ok(stats::read(table, &tenant.id, today).await?.figures(today))
}

/// The writes that add `tally` for account `a`, to go in the event's transaction.
pub fn writes(t: &TenantId, a: &AccountId, tally: &Tally) -> Vec<Write> {
    stats::writes(t, a, tally)
}

/// The contractor's time zone, which months and days are counted in.
pub(crate) async fn zone(table: &dyn Table, t: &TenantId) -> Result<jiff::tz::TimeZone, Error> {
    let tenant = crate::contractors::tenant(table, t).await?;
    Ok(tenant.zone())
}

/// The time zone a document recorded (`recorded`), without a read; the contractor's for a
/// document from before it was kept.
pub(crate) async fn zone_of(table: &dyn Table, t: &TenantId, recorded: &str) -> Result<jiff::tz::TimeZone, Error> {
    match recorded_zone(recorded) {
        Some(z) => Ok(z),
        None => zone(table, t).await,
    }
}

fn recorded_zone(recorded: &str) -> Option<jiff::tz::TimeZone> {
    (!recorded.is_empty()).then(|| jiff::tz::TimeZone::get(recorded).ok()).flatten()
}

/// Everything the figures count, recounted from one customer's partition.
async fn recount_account(table: &dyn Table, tenant: &Tenant, a: &AccountId) -> Result<Tally, Error> {
    let zone = tenant.zone();
    let items = query_all(table, Query::partition(keys::account_pk(&tenant.id, a))).await?;
    let (mut estimates, mut invoices, mut pays, mut signed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut jobs, mut ratings) = (Vec::new(), Vec::new());
    let mut tally = Tally::default();
    for item in items {
        match kind(&item) {
            "contact" => tally.contact(&from_item::<Contact>(item)?.activity, 1, &zone),
            "estimate" => estimates.push(from_item::<Estimate>(item)?),
            "invoice" => invoices.push(from_item::<Invoice>(item)?),
            "payment" => pays.push(from_item::<PaymentRecord>(item)?),
            "job" => jobs.push(from_item::<portal_domain::job::Job>(item)?),
            "rating" => ratings.push(from_item::<portal_domain::review::Rating>(item)?),
            "estimate_decision" => {
                #[derive(serde::Deserialize)]
                struct Rec {
                    decision: Decision,
                }
                let sk = item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
                if matches!(from_item::<Rec>(item)?.decision, Decision::Approved(a) if a.offline.is_none()) {
                    signed.push(sk);
                }
            }
            _ => {}
        }
    }
    for e in estimates.iter().filter(|e| e.status == EstimateStatus::Approved) {
        let portal = signed.iter().any(|sk| sk.starts_with(&format!("EST#{}#D#", e.id)));
        if let Some(at) = e.decided_at {
            tally.approved(portal, e.sent_at, at, &recorded_zone(&e.time_zone).unwrap_or_else(|| zone.clone()));
        }
    }
    for i in &invoices {
        if let Some(p) = paid(i, &pays) {
            tally.paid(&p, 1, &recorded_zone(&i.time_zone).unwrap_or_else(|| zone.clone()));
        }
    }
    for j in &jobs {
        if let (portal_domain::job::JobStatus::Completed, Some(at)) = (j.status, j.completed_at) {
            tally.review_requested(at, &j.zone());
        }
    }
    for r in &ratings {
        let job_zone = jobs.iter().find(|j| j.id == r.job).map_or_else(|| zone.clone(), portal_domain::job::Job::zone);
        tally.rated(r.created_at, &job_zone);
    }
    Ok(tally)
}

/// Recounts every customer's records (one Query per customer), by counter shard.
pub async fn recount(table: &dyn Table, tenant: &Tenant) -> Result<BTreeMap<u64, Tally>, Error> {
    let mut by_shard: BTreeMap<u64, Tally> = BTreeMap::new();
    let mut cursor = None;
    loop {
        let (accounts, next) = parties::list_accounts(table, &tenant.id, None, 100, cursor).await?;
        for a in accounts {
            let tally = recount_account(table, tenant, &a.id).await?;
            by_shard.entry(stats::shard(&a.id)).or_default().absorb(tally);
        }
        match next {
            Some(c) => cursor = Some(c),
            None => return Ok(by_shard),
        }
    }
}

/// Replaces the counters with a recount: for a store that kept none yet. Run it while nothing
/// else counts (it is not one transaction).
pub async fn rebuild(table: &dyn Table, tenant: &Tenant) -> Result<(), Error> {
    let by_shard = recount(table, tenant).await?;
    Ok(stats::replace(table, &tenant.id, &by_shard).await?)
}

/// A recount's totals over every shard, to compare with the stored counters.
pub fn summed(by_shard: &BTreeMap<u64, Tally>) -> Counts {
    let mut c = Counts::default();
    for tally in by_shard.values() {
        for (cell, fields) in tally.cells() {
            for (f, n) in fields {
                c.add(cell.clone(), f, n);
            }
        }
    }
    c
}

/// Every stored counter, summed over shards.
pub async fn stored(table: &dyn Table, t: &TenantId) -> Result<Counts, Error> {
    Ok(stats::read_all(table, t).await?)
}
