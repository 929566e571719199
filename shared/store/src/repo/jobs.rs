//! Jobs and visits in the customer's partition: a job (`JOB#{j}`, indexed by status for the
//! office), its visits (`JOB#{j}#VIS#{v}`, indexed by the contractor's calendar day of their
//! window), one small item per technician assigned (`...#TECH#{staff}`, indexed by technician
//! and window start, so a technician's schedule is one Query) and reschedule requests
//! (`...#RSC#{r}`). One job with everything under it is one Query.
use jiff::tz::TimeZone;
use portal_domain::ids::{AccountId, JobId, StaffId, TenantId};
use portal_domain::job::{Job, JobStatus, RescheduleRequest, Visit};

use crate::keys;
use crate::record::{from_item, kind, to_item, with_index};
use crate::table::{Cond, Delete, Index, Item, Put, Query, SortKey, StoreError, Table, Write};

/// A job with its visits (by window start) and their reschedule requests.
#[derive(Debug, Clone)]
pub struct JobBundle {
    pub job: Job,
    pub visits: Vec<Visit>,
    pub reschedules: Vec<RescheduleRequest>,
}

fn job_item(j: &Job) -> Result<Item, StoreError> {
    let item = to_item("job", &keys::job(&j.tenant, &j.account, &j.id), j)?;
    Ok(with_index(item, Index::Gsi1, keys::jobs_by_status_gsi(&j.tenant, j.status.as_str()), format!("{}#{}", j.created_at, j.id)))
}

/// Writes a new job.
pub fn create_job(j: &Job) -> Result<Write, StoreError> {
    Ok(Write::create(job_item(j)?))
}

/// Replaces the job if nobody changed it since `expected_rev` was read.
pub fn save_job(j: &Job, expected_rev: u64) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: job_item(j)?, cond: Some(Cond::eq("rev", expected_rev)) }))
}

fn visit_item(j: &Job, v: &Visit, zone: &TimeZone) -> Result<Item, StoreError> {
    let item = to_item("visit", &keys::visit(&j.tenant, &j.account, &j.id, &v.id), v)?;
    let day = v.window.start.to_zoned(zone.clone()).date();
    Ok(with_index(item, Index::Gsi1, keys::visits_by_day_gsi(&j.tenant, day), format!("{}#{}", v.window.start, v.id)))
}

/// A technician's place on a visit: found by their schedule (by window start).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Assignment {
    job: JobId,
    visit: portal_domain::ids::VisitId,
    account: AccountId,
    staff: StaffId,
    start: jiff::Timestamp,
}

fn assignment_item(j: &Job, v: &Visit, s: &StaffId) -> Result<Item, StoreError> {
    let a = Assignment { job: j.id.clone(), visit: v.id.clone(), account: j.account.clone(), staff: s.clone(), start: v.window.start };
    let item = to_item("visit_technician", &keys::visit_technician(&j.tenant, &j.account, &j.id, &v.id, s), &a)?;
    Ok(with_index(item, Index::Gsi1, keys::technician_visits_gsi(&j.tenant, s), format!("{}#{}", v.window.start, v.id)))
}

/// Writes a new visit of `j` (windows indexed by their day in `zone`) with its technicians.
pub fn create_visit(j: &Job, v: &Visit, zone: &TimeZone) -> Result<Vec<Write>, StoreError> {
    let mut writes = vec![Write::create(visit_item(j, v, zone)?)];
    for s in &v.technicians {
        writes.push(Write::Put(Put { item: assignment_item(j, v, s)?, cond: None }));
    }
    Ok(writes)
}

/// Replaces a visit read at `before` (conditional on its `rev`), moving its technicians'
/// schedule entries with it: those no longer assigned are removed, the others rewritten
/// with the (maybe moved) window.
pub fn save_visit(j: &Job, before: &Visit, after: &Visit, zone: &TimeZone) -> Result<Vec<Write>, StoreError> {
    let mut writes = vec![Write::Put(Put { item: visit_item(j, after, zone)?, cond: Some(Cond::eq("rev", before.rev)) })];
    for s in before.technicians.iter().filter(|s| !after.technicians.contains(s)) {
        writes.push(Write::Delete(Delete { key: keys::visit_technician(&j.tenant, &j.account, &j.id, &after.id, s), cond: None }));
    }
    for s in &after.technicians {
        if !before.technicians.contains(s) || before.window != after.window {
            writes.push(Write::Put(Put { item: assignment_item(j, after, s)?, cond: None }));
        }
    }
    Ok(writes)
}

/// Writes a new reschedule request of a visit of `j`.
pub fn create_reschedule(j: &Job, r: &RescheduleRequest) -> Result<Write, StoreError> {
    Ok(Write::create(to_item("reschedule", &keys::reschedule(&j.tenant, &j.account, &j.id, &r.visit, &r.id), r)?))
}

/// Replaces a reschedule request (its outcome), which must exist.
pub fn save_reschedule(j: &Job, r: &RescheduleRequest) -> Result<Write, StoreError> {
    let item = to_item("reschedule", &keys::reschedule(&j.tenant, &j.account, &j.id, &r.visit, &r.id), r)?;
    Ok(Write::Put(Put { item, cond: Some(Cond::present()) }))
}

/// One job of one account with everything under it, in one Query.
pub async fn load(table: &dyn Table, t: &TenantId, a: &AccountId, id: &JobId) -> Result<Option<JobBundle>, StoreError> {
    let sk = keys::job(t, a, id).sk;
    let child = format!("{sk}#");
    let items = super::query_all(table, Query::partition(keys::account_pk(t, a)).prefix(sk.clone())).await?;
    let (mut job, mut visits, mut reschedules) = (None, Vec::new(), Vec::new());
    for item in items {
        let item_sk = item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default();
        if item_sk != sk && !item_sk.starts_with(&child) {
            continue; // another job whose id starts with this one's
        }
        match kind(&item) {
            "job" => job = Some(from_item::<Job>(item)?),
            "visit" => visits.push(from_item::<Visit>(item)?),
            "reschedule" => reschedules.push(from_item::<RescheduleRequest>(item)?),
            _ => {}
        }
    }
    visits.sort_by_key(|v| v.window.start);
    Ok(job.map(|job| JobBundle { job, visits, reschedules }))
}

/// The jobs of one account (headers), newest first.
pub async fn list(table: &dyn Table, t: &TenantId, a: &AccountId) -> Result<Vec<Job>, StoreError> {
    let items = super::query_all(table, Query::partition(keys::account_pk(t, a)).prefix(keys::JOB_PREFIX)).await?;
    let mut jobs: Vec<Job> = items.into_iter().filter(|i| kind(i) == "job").map(from_item).collect::<Result<_, _>>()?;
    jobs.sort_by_key(|j| std::cmp::Reverse(j.created_at));
    Ok(jobs)
}

/// The tenant's jobs in `status`, newest first, a page at a time.
pub async fn by_status(
    table: &dyn Table,
    t: &TenantId,
    status: JobStatus,
    limit: u32,
    after: Option<crate::Cursor>,
) -> Result<(Vec<Job>, Option<crate::Cursor>), StoreError> {
    let mut q = Query::index(Index::Gsi1, keys::jobs_by_status_gsi(t, status.as_str())).backwards().limit(limit);
    q.after = after;
    let page = table.query(&q).await?;
    Ok((page.items.into_iter().map(from_item).collect::<Result<_, _>>()?, page.next))
}

/// Every visit of a day of the contractor's calendar, by window start (one Query).
pub async fn on_day(table: &dyn Table, t: &TenantId, day: jiff::civil::Date) -> Result<Vec<Visit>, StoreError> {
    let items = super::query_all(table, Query::index(Index::Gsi1, keys::visits_by_day_gsi(t, day))).await?;
    items.into_iter().map(from_item).collect()
}

/// Where a technician is expected, between two instants: (account, job, visit), by start.
pub async fn for_technician(
    table: &dyn Table,
    t: &TenantId,
    s: &StaffId,
    from: jiff::Timestamp,
    to: jiff::Timestamp,
) -> Result<Vec<(AccountId, JobId, portal_domain::ids::VisitId)>, StoreError> {
    let q = Query::index(Index::Gsi1, keys::technician_visits_gsi(t, s)).sort(SortKey::Between(from.to_string(), format!("{to}#~")));
    let items = super::query_all(table, q).await?;
    items.into_iter().map(|i| from_item::<Assignment>(i).map(|a| (a.account, a.job, a.visit))).collect()
}
