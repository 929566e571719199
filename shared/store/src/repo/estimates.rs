//! Estimates: the header at `EST#{id}`, versions at `EST#{id}#V#nnnn`, decisions at
//! `EST#{id}#D#nnnn`, deposits at `EST#{id}#PAY#{pay}`, all in the customer's partition, so
//! one Query reads a whole estimate.
use std::collections::BTreeMap;

use portal_domain::estimate::{Decision, Estimate, EstimateStatus, EstimateVersion};
use portal_domain::ids::{AccountId, EstimateId, TenantId};

use crate::keys;
use crate::record::{from_item, kind, to_item, with_index};
use crate::table::{Cond, Index, Item, Put, Query, StoreError, Table, Write};

/// An estimate with all its versions (oldest first) and the decisions made on them.
#[derive(Debug, Clone)]
pub struct EstimateBundle {
    pub estimate: Estimate,
    pub versions: Vec<EstimateVersion>,
    pub decisions: BTreeMap<u32, Decision>,
    /// Deposit payments made on it (at `EST#{id}#PAY#{pay}`), oldest first.
    pub deposits: Vec<portal_domain::payment::PaymentRecord>,
    /// Its photos and documents (at `EST#{id}#FILE#{file}`, in the same Query), oldest first.
    pub files: Vec<portal_domain::file::StoredFile>,
}

impl EstimateBundle {
    pub fn current(&self) -> Option<&EstimateVersion> {
        self.version(self.estimate.current_version)
    }
    pub fn version(&self, n: u32) -> Option<&EstimateVersion> {
        self.versions.iter().find(|v| v.number == n)
    }
    /// Deposit paid, or submitted and still processing (so it is not asked for twice).
    pub fn deposit_covered(&self) -> i64 {
        use portal_domain::invoice::PaymentStatus;
        self.deposits.iter().map(|p| if p.state.status == PaymentStatus::Processing { p.state.amount } else { p.state.net() }).sum()
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct DecisionRecord {
    version: u32,
    decision: Decision,
}

fn header_item(e: &Estimate) -> Result<Item, StoreError> {
    let key = keys::estimate(&e.tenant, &e.account, &e.id);
    let item = to_item("estimate", &key, e)?;
    let sort = format!("{}#{}", e.created_at, e.id);
    Ok(with_index(item, Index::Gsi1, keys::estimates_by_status_gsi(&e.tenant, e.status.as_str()), sort))
}

/// Writes for a new estimate with its first version.
pub fn create(e: &Estimate, v: &EstimateVersion) -> Result<Vec<Write>, StoreError> {
    Ok(vec![create_header(e)?, put_version(e, v)?])
}

/// Writes a new estimate header (its versions are written with [`put_version`]).
pub fn create_header(e: &Estimate) -> Result<Write, StoreError> {
    Ok(Write::create(header_item(e)?))
}

/// Writes a new (immutable) version.
pub fn put_version(e: &Estimate, v: &EstimateVersion) -> Result<Write, StoreError> {
    let key = keys::estimate_version(&e.tenant, &e.account, &e.id, v.number);
    Ok(Write::create(to_item("estimate_version", &key, v)?))
}

/// Rewrites the unsent (draft) version. Put it in one transaction with [`save_header`] on a
/// header read as a draft: that condition guards it, since sending changes the header's `rev`
/// in the same transaction that stamps the version sent. A sent version is never rewritten.
pub fn put_draft_version(e: &Estimate, v: &EstimateVersion) -> Result<Write, StoreError> {
    let key = keys::estimate_version(&e.tenant, &e.account, &e.id, v.number);
    Ok(Write::Put(Put { item: to_item("estimate_version", &key, v)?, cond: None }))
}

/// Replaces the header if nobody changed it since `expected_rev` was read. The caller bumps
/// `e.rev`.
pub fn save_header(e: &Estimate, expected_rev: u64) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: header_item(e)?, cond: Some(Cond::eq("rev", expected_rev)) }))
}

/// Records the decision on a version; a version is decided at most once.
pub fn put_decision(e: &Estimate, version: u32, d: &Decision) -> Result<Write, StoreError> {
    let key = keys::estimate_decision(&e.tenant, &e.account, &e.id, version);
    Ok(Write::create(to_item("estimate_decision", &key, &DecisionRecord { version, decision: d.clone() })?))
}

/// Replaces the decision on `version` (one that exists), for a change the office makes to it
/// afterwards (the scan of a paper approval). Pair it with [`save_header`] so a concurrent
/// change loses.
pub fn replace_decision(e: &Estimate, version: u32, d: &Decision) -> Result<Write, StoreError> {
    let key = keys::estimate_decision(&e.tenant, &e.account, &e.id, version);
    let item = to_item("estimate_decision", &key, &DecisionRecord { version, decision: d.clone() })?;
    Ok(Write::Put(Put { item, cond: Some(Cond::present()) }))
}

/// One estimate of one account, in a single Query. `None` if the account has no such estimate.
pub async fn load(table: &dyn Table, t: &TenantId, a: &AccountId, id: &EstimateId) -> Result<Option<EstimateBundle>, StoreError> {
    let header_sk = keys::estimate(t, a, id).sk;
    let child = format!("{header_sk}#");
    let q = Query::partition(keys::account_pk(t, a)).prefix(header_sk.clone());
    let items = super::query_all(table, q).await?;
    let (mut estimate, mut versions, mut decisions, mut deposits, mut files) = (None, Vec::new(), BTreeMap::new(), Vec::new(), Vec::new());
    for item in items {
        let sk = item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
        if sk != header_sk && !sk.starts_with(&child) {
            continue; // another estimate whose id starts with this one's
        }
        match kind(&item) {
            "estimate" => estimate = Some(from_item::<Estimate>(item)?),
            "estimate_version" => versions.push(from_item::<EstimateVersion>(item)?),
            "estimate_decision" => {
                let r: DecisionRecord = from_item(item)?;
                decisions.insert(r.version, r.decision);
            }
            "payment" => deposits.push(from_item::<portal_domain::payment::PaymentRecord>(item)?),
            "file" => files.push(super::files::take(item)?),
            _ => {}
        }
    }
    versions.sort_by_key(|v| v.number);
    deposits.sort_by_key(|p| p.created_at);
    files.sort_by_key(|f: &portal_domain::file::StoredFile| f.created_at);
    Ok(estimate.map(|estimate| EstimateBundle { estimate, versions, decisions, deposits, files }))
}

/// The estimate headers of an account, newest first.
pub async fn list(table: &dyn Table, t: &TenantId, a: &AccountId) -> Result<Vec<Estimate>, StoreError> {
    let q = Query::partition(keys::account_pk(t, a)).prefix(keys::ESTIMATE_PREFIX);
    let mut list: Vec<Estimate> =
        super::query_all(table, q).await?.into_iter().filter(|i| kind(i) == "estimate").map(from_item).collect::<Result<_, _>>()?;
    list.sort_by_key(|e| std::cmp::Reverse(e.created_at));
    Ok(list)
}

/// A page of the contractor's estimates in one stored status, across customers, newest first
/// (GSI1).
pub async fn by_status(
    table: &dyn Table,
    t: &TenantId,
    status: EstimateStatus,
    limit: u32,
    after: Option<crate::Cursor>,
) -> Result<(Vec<Estimate>, Option<crate::Cursor>), StoreError> {
    let mut q = Query::index(Index::Gsi1, keys::estimates_by_status_gsi(t, status.as_str())).backwards().limit(limit);
    q.after = after;
    let page = table.query(&q).await?;
    Ok((page.items.into_iter().map(from_item).collect::<Result<_, _>>()?, page.next))
}
