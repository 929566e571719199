//! Jobs and visits in the customer's partition: a job (`JOB#{j}`, indexed by status for the
//! office), its visits (`JOB#{j}#VIS#{v}`, indexed by the contractor's calendar day of their
//! window), one small item per technician assigned (`...#TECH#{staff}`, indexed by technician
//! and window start, so a technician's schedule is one Query) and reschedule requests
//! (`...#RSC#{r}`). One job with everything under it is one Query.
use jiff::tz::TimeZone;
use portal_domain::ids::{AccountId, JobId, PropertyId, StaffId, TenantId};
use portal_domain::job::assets::{Agreement, Equipment};
use portal_domain::job::view::JobInvoice;
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
    pub invoices: Vec<JobInvoice>,
    /// Photos and documents of the job and its visits, oldest first.
    pub files: Vec<portal_domain::file::StoredFile>,
    /// The job's thread (none before its first message) and its messages, oldest first.
    pub thread: Option<portal_domain::message::Thread>,
    pub messages: Vec<portal_domain::message::Message>,
    /// The customer's rating, once given.
    pub rating: Option<portal_domain::review::Rating>,
}

impl JobBundle {
    /// A job with nothing under it yet.
    pub fn new(job: Job) -> Self {
        JobBundle {
            job,
            visits: Vec::new(),
            reschedules: Vec::new(),
            invoices: Vec::new(),
            files: Vec::new(),
            thread: None,
            messages: Vec::new(),
            rating: None,
        }
    }
    pub fn visit(&self, id: &portal_domain::ids::VisitId) -> Option<&Visit> {
        self.visits.iter().find(|v| &v.id == id)
    }
    pub fn request(&self, id: &portal_domain::ids::RescheduleId) -> Option<&RescheduleRequest> {
        self.reschedules.iter().find(|r| &r.id == id)
    }
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
    for c in &v.technicians {
        writes.push(Write::Put(Put { item: assignment_item(j, v, &c.id)?, cond: None }));
    }
    Ok(writes)
}

/// Replaces a visit read at `before` (conditional on its `rev`), moving its technicians'
/// schedule entries with it: those no longer assigned are removed, the others rewritten
/// with the (maybe moved) window.
pub fn save_visit(j: &Job, before: &Visit, after: &Visit, zone: &TimeZone) -> Result<Vec<Write>, StoreError> {
    let mut writes = vec![Write::Put(Put { item: visit_item(j, after, zone)?, cond: Some(Cond::eq("rev", before.rev)) })];
    for c in before.technicians.iter().filter(|c| !after.assigned(&c.id)) {
        writes.push(Write::Delete(Delete { key: keys::visit_technician(&j.tenant, &j.account, &j.id, &after.id, &c.id), cond: None }));
    }
    for c in &after.technicians {
        if !before.assigned(&c.id) || before.window != after.window {
            writes.push(Write::Put(Put { item: assignment_item(j, after, &c.id)?, cond: None }));
        }
    }
    Ok(writes)
}

/// Writes a new reschedule request of a visit of `j`.
pub fn create_reschedule(j: &Job, r: &RescheduleRequest) -> Result<Write, StoreError> {
    Ok(Write::create(to_item("reschedule", &keys::reschedule(&j.tenant, &j.account, &j.id, &r.visit, &r.id), r)?))
}

/// Answers a reschedule request (its outcome): only once, so an answer racing another changes
/// nothing the second time.
pub fn save_reschedule(j: &Job, r: &RescheduleRequest) -> Result<Write, StoreError> {
    let item = to_item("reschedule", &keys::reschedule(&j.tenant, &j.account, &j.id, &r.visit, &r.id), r)?;
    Ok(Write::Put(Put { item, cond: Some(Cond::present().and(Cond::NotExists("outcome".into()))) }))
}

/// The job is still as read (`rev`), for a transaction that changes only what is under it:
/// a visit booked while the job is being cancelled fails instead.
pub fn job_unchanged(j: &Job) -> Write {
    Write::Check { key: keys::job(&j.tenant, &j.account, &j.id), cond: Cond::eq("rev", j.rev) }
}

/// The visit is still as read (`rev`): two requests about it cannot both pass the "one at a
/// time" check.
pub fn visit_unchanged(j: &Job, v: &Visit) -> Write {
    Write::Check { key: keys::visit(&j.tenant, &j.account, &j.id, &v.id), cond: Cond::eq("rev", v.rev) }
}

/// One job of one account with everything under it, in one Query.
pub async fn load(table: &dyn Table, t: &TenantId, a: &AccountId, id: &JobId) -> Result<Option<JobBundle>, StoreError> {
    let sk = keys::job(t, a, id).sk;
    let child = format!("{sk}#");
    let items = super::query_all(table, Query::partition(keys::account_pk(t, a)).prefix(sk.clone())).await?;
    let items = items.into_iter().filter(|item| {
        let item_sk = item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default();
        item_sk == sk || item_sk.starts_with(&child) // not another job whose id starts with this one's
    });
    let mut work = Work::default();
    for item in items {
        work.take(item)?;
    }
    Ok(work.jobs.pop())
}

/// Jobs with everything under them, from the items of one Query (in sort-key order).
#[derive(Debug, Default)]
struct Work {
    jobs: Vec<JobBundle>,
}

impl Work {
    /// Takes one item if it is a job's or one of its records; `false` when it is neither.
    fn take(&mut self, item: Item) -> Result<bool, StoreError> {
        match kind(&item) {
            "job" => self.jobs.push(JobBundle::new(from_item(item)?)),
            "visit" => {
                let v: Visit = from_item(item)?;
                if let Some(b) = self.jobs.iter_mut().rev().find(|b| b.job.id == v.job) {
                    b.visits.push(v);
                    b.visits.sort_by_key(|v| v.window.start);
                }
            }
            "reschedule" => {
                let r: RescheduleRequest = from_item(item)?;
                if let Some(b) = self.jobs.iter_mut().rev().find(|b| b.job.id == r.job) {
                    b.reschedules.push(r);
                }
            }
            "job_invoice" => {
                let i: JobInvoice = from_item(item)?;
                if let Some(b) = self.jobs.iter_mut().rev().find(|b| b.job.id == i.job) {
                    b.invoices.push(i);
                }
            }
            "file" => {
                let f: portal_domain::file::StoredFile = from_item(item)?;
                if let Some(b) = self.jobs.iter_mut().rev().find(|b| f.attached.job() == Some(&b.job.id)) {
                    b.files.push(f);
                    b.files.sort_by_key(|f| f.created_at);
                }
            }
            "thread" => {
                let th: portal_domain::message::Thread = from_item(item)?;
                match self.jobs.iter_mut().rev().find(|b| th.about.job() == Some(&b.job.id)) {
                    Some(b) => b.thread = Some(th),
                    None => return Ok(false),
                }
            }
            "message" => {
                let m: portal_domain::message::Message = from_item(item)?;
                match self.jobs.iter_mut().rev().find(|b| m.about.job() == Some(&b.job.id)) {
                    Some(b) => b.messages.push(m),
                    None => return Ok(false),
                }
            }
            "rating" => {
                let r: portal_domain::review::Rating = from_item(item)?;
                if let Some(b) = self.jobs.iter_mut().rev().find(|b| b.job.id == r.job) {
                    b.rating = Some(r);
                }
            }
            "visit_technician" => {}
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// What a customer's pages show of their account, from one Query of its partition: estimate
/// and invoice headers, jobs with their visits, requests and invoices; with `places`, also
/// agreements, properties and their equipment. Estimate versions and decisions, and payments,
/// are in the range too and skipped.
#[derive(Debug, Default)]
pub struct AccountWork {
    pub estimates: Vec<portal_domain::estimate::Estimate>,
    pub invoices: Vec<portal_domain::invoice::Invoice>,
    pub jobs: Vec<JobBundle>,
    pub agreements: Vec<Agreement>,
    pub properties: Vec<portal_domain::party::Property>,
    pub equipment: Vec<Equipment>,
    /// Files of properties (with `places`), estimates and invoices; a job's are in its bundle.
    pub files: Vec<portal_domain::file::StoredFile>,
    /// Every thread's summary: the general one, each job's and each work request's (also in
    /// their bundles).
    pub threads: Vec<portal_domain::message::Thread>,
    /// Work requests with their photos and thread, oldest first.
    pub requests: Vec<super::requests::RequestBundle>,
}

/// One Query: the documents and jobs of an account (the dashboard), and with `places` its
/// agreements, properties and equipment (the properties page).
pub async fn account_work(table: &dyn Table, t: &TenantId, a: &AccountId, places: bool) -> Result<AccountWork, StoreError> {
    let to = if places { keys::PLACES_TO } else { keys::WORK_TO };
    let q = Query::partition(keys::account_pk(t, a)).sort(SortKey::Between(keys::DOCUMENTS_FROM.into(), to.into()));
    let mut out = AccountWork::default();
    let mut work = Work::default();
    let mut asked = super::requests::Gather::default();
    for item in super::query_all(table, q).await? {
        if item.get("sk").and_then(serde_json::Value::as_str).is_some_and(|sk| sk.starts_with(keys::REQUEST_PREFIX)) {
            asked.take(item)?;
            continue;
        }
        match kind(&item) {
            "estimate" => out.estimates.push(from_item(item)?),
            "invoice" => out.invoices.push(from_item(item)?),
            "agreement" => out.agreements.push(from_item(item)?),
            "property" => out.properties.push(from_item(item)?),
            "equipment" => out.equipment.push(from_item(item)?),
            "file" if !item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default().starts_with(keys::JOB_PREFIX) => {
                out.files.push(from_item(item)?)
            }
            "thread" | "message" if item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default().starts_with("GENERAL#") => {
                if kind(&item) == "thread" {
                    out.threads.push(from_item(item)?);
                }
            }
            _ => {
                work.take(item)?;
            }
        }
    }
    out.threads.extend(work.jobs.iter().filter_map(|b| b.thread.clone()));
    out.threads.extend(asked.requests.iter().filter_map(|b| b.thread.clone()));
    out.requests = asked.requests;
    out.jobs = work.jobs;
    out.jobs.sort_by_key(|b| std::cmp::Reverse(b.job.created_at));
    Ok(out)
}

/// Writes (or rewrites) a job's record of one of its invoices.
pub fn put_job_invoice(t: &TenantId, a: &AccountId, i: &JobInvoice) -> Result<Write, StoreError> {
    Ok(Write::Put(Put { item: to_item("job_invoice", &keys::job_invoice(t, a, &i.job, &i.id), i)?, cond: None }))
}

/// Writes a new piece of equipment at its property.
pub fn create_equipment(t: &TenantId, a: &AccountId, e: &Equipment) -> Result<Write, StoreError> {
    Ok(Write::create(to_item("equipment", &keys::equipment(t, a, &e.property, &e.id), e)?))
}

/// Replaces a piece of equipment read at `expected_rev`.
pub fn save_equipment(t: &TenantId, a: &AccountId, e: &Equipment, expected_rev: u64) -> Result<Write, StoreError> {
    Ok(Write::Put(Put {
        item: to_item("equipment", &keys::equipment(t, a, &e.property, &e.id), e)?,
        cond: Some(Cond::eq("rev", expected_rev)),
    }))
}

/// Removes a piece of equipment read at `expected_rev`.
pub fn delete_equipment(t: &TenantId, a: &AccountId, e: &Equipment, expected_rev: u64) -> Write {
    Write::Delete(Delete { key: keys::equipment(t, a, &e.property, &e.id), cond: Some(Cond::eq("rev", expected_rev)) })
}

/// The equipment at one property.
pub async fn equipment_at(table: &dyn Table, t: &TenantId, a: &AccountId, p: &PropertyId) -> Result<Vec<Equipment>, StoreError> {
    let prefix = format!("{}{p}#EQP#", keys::PROPERTY_PREFIX);
    let items = super::query_all(table, Query::partition(keys::account_pk(t, a)).prefix(prefix)).await?;
    items.into_iter().map(from_item).collect()
}

/// Writes a new agreement.
pub fn create_agreement(t: &TenantId, g: &Agreement) -> Result<Write, StoreError> {
    Ok(Write::create(to_item("agreement", &keys::agreement(t, &g.account, &g.id), g)?))
}

/// Replaces an agreement read at `expected_rev`.
pub fn save_agreement(t: &TenantId, g: &Agreement, expected_rev: u64) -> Result<Write, StoreError> {
    Ok(Write::Put(Put {
        item: to_item("agreement", &keys::agreement(t, &g.account, &g.id), g)?,
        cond: Some(Cond::eq("rev", expected_rev)),
    }))
}

/// The agreements of an account.
pub async fn agreements(table: &dyn Table, t: &TenantId, a: &AccountId) -> Result<Vec<Agreement>, StoreError> {
    let items = super::query_all(table, Query::partition(keys::account_pk(t, a)).prefix(keys::AGREEMENT_PREFIX)).await?;
    items.into_iter().map(from_item).collect()
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

/// Every visit of a day (in its job's zone), by window start, with the account it belongs
/// to (one Query).
pub async fn on_day(table: &dyn Table, t: &TenantId, day: jiff::civil::Date) -> Result<Vec<(AccountId, Visit)>, StoreError> {
    let items = super::query_all(table, Query::index(Index::Gsi1, keys::visits_by_day_gsi(t, day))).await?;
    let prefix = format!("{}#A#", keys::tenant_pk(t));
    items
        .into_iter()
        .map(|item| {
            let account = item
                .get("pk")
                .and_then(serde_json::Value::as_str)
                .and_then(|pk| pk.strip_prefix(&prefix))
                .and_then(|a| a.parse::<AccountId>().ok())
                .ok_or_else(|| StoreError::Corrupt("a visit outside a customer's partition".into()))?;
            Ok((account, from_item::<Visit>(item)?))
        })
        .collect()
}

/// A job's header alone (one GetItem).
pub async fn get_job(table: &dyn Table, t: &TenantId, a: &AccountId, j: &JobId) -> Result<Option<Job>, StoreError> {
    table.get(&keys::job(t, a, j)).await?.map(from_item).transpose()
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
