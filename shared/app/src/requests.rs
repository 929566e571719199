//! Work requests: a signed-in customer asks for work (one read, one transaction); the office
//! reviews it, turns it into an estimate or a job with a visit, or declines it with a message,
//! each step audited and the customer told through the outbox.
use jiff::Timestamp;
use portal_domain::file::StoredFile;
use portal_domain::ids::{AccountId, ContactId, EquipmentId, JobId, PropertyId, RequestId, StaffId};
use portal_domain::job::assets::Equipment;
use portal_domain::job::{Job, JobStatus, NewJob, Visit, WorkingHours};
use portal_domain::outbox::{Notice, OfficeEvent};
use portal_domain::party::{Contact, Property, Tenant};
use portal_domain::request::{
    self as domain, Asked, MAX_CATEGORY, MAX_DESCRIPTION, NewAddress, Reach, Regarding, RequestSource, RequestStatus, RequestStep,
    WorkRequest, check_windows,
};
use portal_domain::review::clean;
use portal_domain::{DomainError, FieldErrors};
use portal_store::keys;
use portal_store::record::from_item;
use portal_store::repo::jobs::AccountWork;
use portal_store::repo::requests::{self, RequestBundle};
use portal_store::repo::{outbox, parties};
use portal_store::table::Write;

use crate::files::FileView;
use crate::jobs::LocalWindow;
use crate::{Act, Error};

/// What a signed-in customer sends.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// One of the contractor's categories.
    #[schema(min_length = 1, max_length = 60)]
    pub category: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub description: String,
    /// One of the account's properties; or leave it out and give `address`.
    #[serde(default)]
    #[schema(value_type = Option<PropertyId>)]
    pub property: Option<PropertyId>,
    #[serde(default)]
    pub address: Option<NewAddress>,
    /// Up to three windows that suit you, inside the working hours.
    #[serde(default)]
    #[schema(max_items = 3)]
    pub preferred: Vec<LocalWindow>,
    #[serde(default)]
    pub urgent: bool,
    pub reach: Reach,
    /// A number to call or text, when it is not the contact's own.
    #[serde(default)]
    pub phone: Option<portal_domain::party::Phone>,
    /// A past job it is about (a callback).
    #[serde(default)]
    #[schema(value_type = Option<JobId>)]
    pub job: Option<JobId>,
    /// A piece of equipment it is about (give its `property` too).
    #[serde(default)]
    #[schema(value_type = Option<EquipmentId>)]
    pub equipment: Option<EquipmentId>,
    /// A key the page makes once per form: sent again (a retry after a lost answer), the
    /// request already made is the answer, not a second one.
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9_-]{16,64}$")]
    pub key: Option<String>,
}

/// The fields as kept, checked against nothing but themselves: the description and the
/// address; `blank` holds what was left empty after trimming (a 422: the
/// API document's limits allow a blank).
pub struct Checked {
    pub description: String,
    pub address: Option<NewAddress>,
    pub blank: FieldErrors,
}

/// A description trimmed, controls and direction overrides dropped (line breaks kept); too
/// long into `e` (400), empty into `blank` (422).
pub(crate) fn description(e: &mut FieldErrors, blank: &mut FieldErrors, text: &str) -> String {
    let d = clean(text);
    if d.chars().count() > MAX_DESCRIPTION {
        e.add("description", "at most 4,000 characters");
    } else if d.is_empty() {
        blank.add("description", "say what you need");
    }
    d
}

impl NewRequest {
    /// 400 when outside what any request may be.
    pub fn checked(&self) -> Result<Checked, DomainError> {
        let mut e = FieldErrors::new();
        let mut blank = FieldErrors::new();
        let description = description(&mut e, &mut blank, &self.description);
        if self.category.chars().count() > MAX_CATEGORY {
            e.add("category", "at most 60 characters");
        }
        let address = match &self.address {
            Some(a) => a.checked("address.", &mut blank).map_err(|err| e.absorb("", err)).ok(),
            None => None,
        };
        if self.property.is_some() && self.address.is_some() {
            blank.add("address", "give a property or an address, not both");
        }
        if self.preferred.len() > portal_domain::job::MAX_PREFERRED {
            e.add("preferred", "at most three windows");
        }
        if self.equipment.is_some() && self.property.is_none() {
            blank.add("equipment", "give the property it is at");
        }
        e.into_result()?;
        Ok(Checked { description, address, blank })
    }
}

/// A property the customer may ask about.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PlaceOption {
    #[schema(value_type = String)]
    pub id: PropertyId,
    pub label: String,
    pub address: String,
    /// The zone its windows are in.
    pub time_zone: String,
}

/// A past job or a piece of equipment the request may be about.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AboutOption {
    /// `job_...` or `eqp_...`.
    pub id: String,
    #[schema(value_type = Option<String>)]
    pub property: Option<PropertyId>,
    pub label: String,
}

/// What the Request work page offers (the tenant's record, the properties page's Query, the
/// contact's record).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RequestForm {
    pub categories: Vec<String>,
    /// Shown with `phone` when the customer says it is urgent.
    pub emergency_text: String,
    /// The business's number, as people write it.
    pub phone: Option<String>,
    /// The windows offered are inside these hours, in each property's zone.
    pub working_hours: WorkingHours,
    pub time_zone: String,
    pub properties: Vec<PlaceOption>,
    pub jobs: Vec<AboutOption>,
    pub equipment: Vec<AboutOption>,
    /// The contact's own email and phone (how they may be reached).
    pub email: Option<String>,
    pub contact_phone: Option<String>,
}

/// The form's choices for a contact limited to `allowed` properties (none: all of them).
pub fn form(tenant: &Tenant, work: &AccountWork, allowed: Option<&[PropertyId]>, me: Option<&Contact>) -> RequestForm {
    let sees = |p: Option<&PropertyId>| portal_domain::party::within(allowed, p);
    let properties = work
        .properties
        .iter()
        .filter(|p| sees(Some(&p.id)))
        .map(|p| PlaceOption {
            id: p.id.clone(),
            label: p.label.clone(),
            address: p.one_line(),
            time_zone: p.time_zone.clone().unwrap_or_else(|| tenant.time_zone.clone()),
        })
        .collect();
    let mut done: Vec<&Job> =
        work.jobs.iter().map(|b| &b.job).filter(|j| j.status == JobStatus::Completed && sees(j.property.as_ref())).collect();
    done.sort_by_key(|j| std::cmp::Reverse(j.completed_at));
    let jobs = done
        .into_iter()
        .take(20)
        .map(|j| AboutOption { id: j.id.to_string(), property: j.property.clone(), label: job_label(j) })
        .collect();
    let equipment = work
        .equipment
        .iter()
        .filter(|e| sees(Some(&e.property)))
        .map(|e| AboutOption { id: e.id.to_string(), property: Some(e.property.clone()), label: equipment_label(e) })
        .collect();
    RequestForm {
        categories: tenant.requests.categories.clone(),
        emergency_text: tenant.requests.emergency_text.clone(),
        phone: tenant.support_phone.as_ref().map(portal_domain::party::Phone::display),
        working_hours: tenant.working_hours.clone(),
        time_zone: tenant.time_zone.clone(),
        properties,
        jobs,
        equipment,
        email: me.and_then(|c| c.email.as_ref()).map(|e| e.as_str().to_string()),
        contact_phone: me.and_then(|c| c.phone.as_ref()).map(portal_domain::party::Phone::display),
    }
}

fn job_label(j: &Job) -> String {
    format!("{} · {}", j.number, j.title)
}

fn equipment_label(e: &Equipment) -> String {
    if e.make_model.is_empty() { e.kind.clone() } else { format!("{} · {}", e.kind, e.make_model) }
}

/// Who asks: the verified session's contact.
pub struct Asker<'a> {
    pub contact: &'a ContactId,
    pub name: &'a str,
    pub properties: Option<&'a [PropertyId]>,
}

/// The windows asked for, in `zone`, each checked (not begun, at most 12 hours) and all
/// inside the working hours; what is wrong is added to `e` (a 422).
fn windows(
    asked: &[LocalWindow],
    tenant: &Tenant,
    zone: &jiff::tz::TimeZone,
    now: Timestamp,
    e: &mut FieldErrors,
) -> Vec<portal_domain::job::Window> {
    let mut out = Vec::new();
    for (i, w) in asked.iter().enumerate() {
        match w.resolve_in(zone, &format!("preferred[{i}]"), now) {
            Ok(w) => out.push(w),
            Err(err) => crate::jobs::absorb(e, err),
        }
    }
    if out.len() == asked.len()
        && let Err(err) = check_windows(&out, &tenant.working_hours, zone, now)
    {
        e.absorb("", err);
    }
    out
}

/// What the one read of a submission brings.
struct Read {
    tenant: Tenant,
    contact: Contact,
    property: Option<Property>,
    equipment: Option<Equipment>,
    job: Option<Job>,
}

async fn read(act: &Act<'_>, account: &AccountId, asker: &Asker<'_>, body: &NewRequest) -> Result<Read, Error> {
    let (t, a) = (&act.tenant, account);
    let mut wanted = vec![keys::tenant(t), keys::contact(t, a, asker.contact)];
    if let Some(p) = &body.property {
        wanted.push(keys::property(t, a, p));
        if let Some(e) = &body.equipment {
            wanted.push(keys::equipment(t, a, p, e));
        }
    }
    if let Some(j) = &body.job {
        wanted.push(keys::job(t, a, j));
    }
    let mut found = act.table.get_many(&wanted).await?.into_iter();
    let tenant: Tenant = from_item(found.next().flatten().ok_or(Error::NotFound("contractor"))?)?;
    let contact: Contact = from_item(found.next().flatten().ok_or(Error::NotFound("contact"))?)?;
    let property = if body.property.is_some() { found.next().flatten().map(from_item).transpose()? } else { None };
    let equipment =
        if body.property.is_some() && body.equipment.is_some() { found.next().flatten().map(from_item).transpose()? } else { None };
    let job = if body.job.is_some() { found.next().flatten().map(from_item).transpose()? } else { None };
    Ok(Read { tenant, contact, property, equipment, job })
}

/// What the request is about, with its warranty on `today`: the equipment's own date, or
/// the business's workmanship months after the job was completed.
fn regarding(tenant: &Tenant, job: Option<&Job>, equipment: Option<&Equipment>, today: jiff::civil::Date) -> Option<Regarding> {
    if let Some(e) = equipment {
        return Some(Regarding {
            job: e.installed_by.clone(),
            equipment: Some(e.id.clone()),
            label: equipment_label(e),
            warranty_until: e.warranty_until,
            under_warranty: e.under_warranty(today),
        });
    }
    let j = job?;
    let completed = j.completed_at.map(|c| c.to_zoned(j.zone()).date());
    let until = completed.and_then(|d| domain::workmanship_until(d, tenant.requests.workmanship_months));
    Some(Regarding {
        job: Some(j.id.clone()),
        equipment: None,
        label: job_label(j),
        warranty_until: until,
        under_warranty: until.is_some_and(|u| today <= u),
    })
}

/// A signed-in customer asks for work: one read (the tenant, the contact, and the property,
/// equipment and job named) and one transaction (the request, its audit entry, the office's
/// notice). Photos are added afterwards through upload slots on the request.
pub async fn submit(act: &Act<'_>, account: &AccountId, asker: &Asker<'_>, body: &NewRequest, id: RequestId) -> Result<WorkRequest, Error> {
    let checked = body.checked()?;
    let r = read(act, account, asker, body).await?;
    let tenant = &r.tenant;
    let mut e = checked.blank;
    let category = match domain::category(&tenant.requests, &body.category) {
        Some(c) => c.to_string(),
        None => {
            e.add("category", format!("one of: {}", tenant.requests.categories.join(", ")));
            String::new()
        }
    };
    let property = r.property.as_ref().filter(|p| portal_domain::party::within(asker.properties, Some(&p.id)));
    if body.property.is_some() && property.is_none() {
        e.add("property", "is not one of your properties");
    }
    if body.property.is_none() && checked.address.is_none() {
        e.add("property", "choose one of your properties, or give the address");
    }
    if body.equipment.is_some() && r.equipment.is_none() && property.is_some() {
        e.add("equipment", "is not on record at this property");
    }
    let job = r.job.as_ref().filter(|j| portal_domain::party::within(asker.properties, j.property.as_ref()));
    if body.job.is_some() && job.is_none() {
        e.add("job", "is not one of your jobs");
    }
    let time_zone = property.map_or_else(|| tenant.time_zone.clone(), |p| p.site(&tenant.time_zone).time_zone);
    let zone = jiff::tz::TimeZone::get(&time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let preferred = windows(&body.preferred, tenant, &zone, act.now, &mut e);
    let phone = body.phone.clone().or_else(|| r.contact.phone.clone());
    match body.reach {
        Reach::Call | Reach::Text if phone.is_none() => e.add("phone", "give a number to call or text"),
        Reach::Email if r.contact.email.is_none() => e.add("reach", "we have no email address for you: choose call or text"),
        _ => {}
    }
    Error::fields(e)?;
    let today = act.now.to_zoned(zone.clone()).date();
    let request = WorkRequest::received(
        Asked {
            id,
            tenant: act.tenant.clone(),
            account: account.clone(),
            source: RequestSource::Portal,
            category,
            description: checked.description,
            property: property.map(|p| p.id.clone()),
            address: if property.is_some() { None } else { checked.address.clone() },
            place: property.map_or_else(
                || checked.address.as_ref().map(NewAddress::one_line).unwrap_or_default(),
                |p| format!("{} · {}", p.label, p.one_line()),
            ),
            preferred,
            urgent: body.urgent,
            reach: body.reach,
            contact: Some(asker.contact.clone()),
            name: asker.name.to_string(),
            email: r.contact.email.clone(),
            phone,
            regarding: regarding(tenant, job, r.equipment.as_ref(), today),
            time_zone,
        },
        act.now,
    );
    let detail = serde_json::json!({
        "category": request.category, "urgent": request.urgent, "property": request.property,
        "windows": request.preferred.len(), "under_warranty": request.regarding.as_ref().map(|g| g.under_warranty),
    });
    let tell = OfficeEvent::WorkRequested { request: request.id.clone() }.message(act.ids, account, act.now);
    let made = act
        .table
        .transact(vec![
            requests::create(&request)?,
            act.audit("request.created", &request.id, Some(account), detail)?,
            outbox::enqueue(&act.tenant, tell)?,
        ])
        .await;
    match made {
        Ok(()) => Ok(request),
        // Asked before with the same key (or at the same moment, when the two transactions
        // conflict): that request is the answer, nothing is made twice.
        Err(e @ portal_store::StoreError::TransactionCancelled { .. }) if body.key.is_some() => {
            match requests::get(act.table, &act.tenant, account, &request.id).await?.filter(|r| r.contact.as_ref() == Some(asker.contact)) {
                Some(made) => Ok(made),
                None => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The id of a request asked with `key`: the same for the same contact and key (so a retry
/// names the request already made), a fresh one without a key. A key of another shape is 400.
pub fn request_id(
    ids: &dyn portal_domain::ports::Ids,
    tenant: &portal_domain::ids::TenantId,
    contact: &ContactId,
    key: Option<&str>,
) -> Result<RequestId, Error> {
    let Some(key) = key else { return Ok(RequestId::generate(ids)) };
    if !(16..=64).contains(&key.len()) || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(DomainError::invalid("key", "16 to 64 letters, digits, - or _").into());
    }
    let h = portal_domain::sha256_hex(format!("{tenant}|{contact}|{key}").as_bytes());
    Ok(format!("req_k{}", &h[..30]).parse()?)
}

/// A request as its customer sees it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct WorkRequestView {
    #[schema(value_type = String)]
    pub id: RequestId,
    pub category: String,
    pub description: String,
    pub place: String,
    pub preferred: Vec<portal_domain::job::Window>,
    pub time_zone: String,
    pub urgent: bool,
    pub reach: Reach,
    pub status: RequestStatus,
    /// `Received`, `In review`, `Estimate on its way`, `Scheduled`, `Declined`.
    pub status_words: String,
    /// The office's message when it declined.
    pub message: Option<String>,
    /// What it is about (a past job or a piece of equipment).
    pub regarding: Option<String>,
    #[schema(value_type = Option<String>)]
    pub job: Option<JobId>,
    pub by: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    pub history: Vec<RequestStep>,
    /// Its photos (the ones this contact may see).
    pub photos: Vec<FileView>,
    /// Messages in its thread not read yet.
    pub unread: u32,
    /// The estimate the office made from it, once sent (on the request's own page only).
    pub estimate: Option<RequestEstimate>,
}

/// The estimate a request became, as far as the customer follows it from the request.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RequestEstimate {
    #[schema(value_type = String)]
    pub id: portal_domain::ids::EstimateId,
    pub title: String,
    pub status: portal_domain::estimate::EstimateStatus,
}

/// The request's estimate as `allowed` (the session's check) sees it: sent, not withdrawn.
/// One read, and only for a request that became an estimate.
pub async fn estimate_of(
    act: &Act<'_>,
    r: &WorkRequest,
    allowed: impl Fn(&portal_domain::estimate::Estimate) -> bool,
) -> Result<Option<RequestEstimate>, Error> {
    use portal_domain::estimate::{Estimate, EstimateStatus};
    let Some(id) = &r.estimate else { return Ok(None) };
    let Some(item) = act.table.get(&keys::estimate(&act.tenant, &r.account, id)).await? else { return Ok(None) };
    let e: Estimate = from_item(item)?;
    let shown = !matches!(e.status, EstimateStatus::Draft | EstimateStatus::Void) && allowed(&e);
    Ok(shown.then(|| RequestEstimate { id: e.id.clone(), title: e.title.clone(), status: e.status }))
}

pub async fn view(blobs: &dyn portal_domain::ports::Blobs, b: &RequestBundle, me: &str, now: Timestamp) -> Result<WorkRequestView, Error> {
    let r = &b.request;
    let shown: Vec<_> = b.files.iter().filter(|f| f.labels.shared).cloned().collect();
    let photos = crate::files::views(blobs, &shown, |f| f.by.id == me, now).await?;
    Ok(WorkRequestView {
        id: r.id.clone(),
        category: r.category.clone(),
        description: r.description.clone(),
        place: r.place.clone(),
        preferred: r.preferred.clone(),
        time_zone: r.time_zone.clone(),
        urgent: r.urgent,
        reach: r.reach,
        status: r.status,
        status_words: r.status.words().into(),
        message: r.message.clone(),
        regarding: r.regarding.as_ref().map(|g| g.label.clone()),
        job: r.job.clone(),
        by: r.name.clone(),
        created_at: r.created_at,
        history: r.history.clone(),
        photos,
        unread: b.thread.as_ref().map_or(0, |t| t.unread(portal_domain::message::Side::Customer)),
        estimate: None,
    })
}

/// Whether a contact limited to `allowed` properties sees the request: one they made
/// themselves, or one at a property they see (an address still to confirm: only contacts
/// who see the whole account).
pub fn customer_sees(r: &WorkRequest, allowed: Option<&[PropertyId]>, me: &ContactId) -> bool {
    r.contact.as_ref() == Some(me)
        || match &r.property {
            Some(p) => portal_domain::party::within(allowed, Some(p)),
            None => allowed.is_none(),
        }
}

fn changed(act: &Act<'_>, before: &WorkRequest, after: &WorkRequest, action: &str, detail: serde_json::Value) -> Result<Vec<Write>, Error> {
    Ok(vec![requests::save(after, before.rev)?, act.audit(action, &after.id, Some(&after.account), detail)?])
}

fn tell_customer(act: &Act<'_>, r: &WorkRequest) -> Result<Write, Error> {
    Ok(outbox::enqueue(&act.tenant, Notice::RequestUpdate { request: r.id.clone() }.message(act.ids, &r.account, act.now))?)
}

fn refuse_if_decided(r: &WorkRequest) -> Result<(), Error> {
    r.decidable().map_err(|m| Error::conflict("request_decided", m))
}

/// The office starts looking at a new request: the customer sees "In review".
pub async fn review(act: &Act<'_>, r: &WorkRequest) -> Result<WorkRequest, Error> {
    if r.status != RequestStatus::Received {
        refuse_if_decided(r)?;
        return Ok(r.clone());
    }
    let next = r.moved(RequestStatus::InReview, act.name(), act.now);
    let mut writes = changed(act, r, &next, "request.in_review", serde_json::json!({}))?;
    writes.push(tell_customer(act, &next)?);
    act.table.transact(writes).await?;
    Ok(next)
}

/// The office declines, with a message the customer reads.
pub async fn decline(act: &Act<'_>, r: &WorkRequest, message: &str) -> Result<WorkRequest, Error> {
    let message = clean(message);
    let mut e = FieldErrors::new();
    if message.is_empty() {
        e.add("message", "say why, and what the customer could do instead");
    }
    Error::fields(e)?;
    if message.chars().count() > domain::MAX_MESSAGE {
        return Err(DomainError::invalid("message", "at most 2,000 characters").into());
    }
    refuse_if_decided(r)?;
    let mut next = r.moved(RequestStatus::Declined, act.name(), act.now);
    next.message = Some(message);
    let mut writes = changed(act, r, &next, "request.declined", serde_json::json!({ "message": next.message }))?;
    writes.push(tell_customer(act, &next)?);
    act.table.transact(writes).await?;
    Ok(next)
}

/// The property a request's address to confirm becomes when the office makes work of it:
/// `next` (the request as it will be) names it, and it is written with the conversion.
fn confirm_place(act: &Act<'_>, next: &mut WorkRequest) -> Option<Property> {
    if next.property.is_some() {
        return None;
    }
    let p = next.address.as_ref()?.property(PropertyId::generate(act.ids));
    next.property = Some(p.id.clone());
    Some(p)
}

/// A job with its first visit, made from a request.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToJob {
    /// The job's title (the request's category when left out).
    #[serde(default)]
    #[schema(max_length = 120)]
    pub title: Option<String>,
    /// The visit's window: usually one of the customer's preferred windows.
    pub window: LocalWindow,
    #[serde(default)]
    #[schema(max_items = 5)]
    pub technicians: Vec<StaffId>,
}

/// Makes a job and books its first visit from a request, in one transaction with the
/// request's change (and the property, for an address the office now confirms); the customer
/// hears of the visit (the booking's notice, with its calendar file). Returns the request as
/// it now is, with the job and its visit.
pub async fn to_job(act: &Act<'_>, tenant: &Tenant, r: &WorkRequest, d: &ToJob) -> Result<(WorkRequest, Job, Visit), Error> {
    refuse_if_decided(r)?;
    let mut e = FieldErrors::new();
    let title = clean(d.title.as_deref().unwrap_or(&r.category));
    if title.is_empty() {
        e.add("title", "is required");
    } else if title.chars().count() > 120 {
        return Err(DomainError::invalid("title", "can be at most 120 characters").into());
    }
    let zone = r.zone();
    let window = d.window.resolve_in(&zone, "window", act.now).map_err(|err| crate::jobs::absorb(&mut e, err)).ok();
    let technicians = crate::jobs::crew(act, &d.technicians).await.map_err(|err| crate::jobs::absorb(&mut e, err)).unwrap_or_default();
    Error::fields(e)?;
    let Some(window) = window else { return Err(Error::Inconsistent("a window refused without an error".into())) };
    let mut next = r.moved(RequestStatus::Scheduled, act.name(), act.now);
    let new_place = confirm_place(act, &mut next);
    let property = match (&r.property, &new_place) {
        (Some(p), _) => parties::list_properties(act.table, &act.tenant, &r.account).await?.into_iter().find(|x| &x.id == p),
        (None, new) => new.clone(),
    };
    let site = property.as_ref().map(|p| p.site(&tenant.time_zone));
    let n = parties::next_number(act.table, &act.tenant, "EST", crate::estimates::FIRST_ESTIMATE_NUMBER).await?;
    let time_zone = site.as_ref().map_or_else(|| r.time_zone.clone(), |s| s.time_zone.clone());
    let job = Job::new(
        NewJob {
            id: JobId::generate(act.ids),
            tenant: act.tenant.clone(),
            account: r.account.clone(),
            site,
            number: format!("J-{n}"),
            title,
            scope: r.description.clone(),
            lines: Vec::new(),
            estimate: None,
            agreement: None,
            time_zone,
        },
        act.now,
    );
    let v = Visit::new(portal_domain::ids::VisitId::generate(act.ids), job.id.clone(), window, technicians, act.now);
    let job = job.follow(std::slice::from_ref(&v), act.now);
    next.job = Some(job.id.clone());
    next.visit = Some(v.id.clone());
    let detail = serde_json::json!({ "job": job.id, "number": job.number, "visit": v.id, "window": v.window, "property": job.property });
    let mut writes = changed(act, r, &next, "request.scheduled", detail)?;
    if let Some(p) = &new_place {
        writes.push(parties::put_property(&act.tenant, &r.account, p)?);
    }
    writes.push(portal_store::repo::jobs::create_job(&job)?);
    writes.extend(portal_store::repo::jobs::create_visit(&job, &v, &job.zone())?);
    writes.push(outbox::enqueue(&act.tenant, crate::jobs::visit_notice(act, &job, &v, portal_domain::outbox::VisitChange::Scheduled))?);
    writes.extend(crate::customers::admission(act, &r.account).await?);
    act.table.transact(writes).await?;
    Ok((next, job, v))
}

/// An estimate made from a request: a draft with the request's category as its title and
/// first line (at no price yet), its description as the scope, at its property; the customer sees "Estimate on its way".
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToEstimate {
    /// The estimate's title (the request's category when left out).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title: Option<String>,
}

/// Makes the draft estimate and moves the request, in one transaction; returns the request as
/// it now is, with the estimate.
pub async fn to_estimate(
    act: &Act<'_>,
    blobs: &dyn portal_domain::ports::Blobs,
    tenant: &Tenant,
    b: &RequestBundle,
    d: &ToEstimate,
) -> Result<(WorkRequest, portal_domain::estimate::Estimate), Error> {
    let r = &b.request;
    refuse_if_decided(r)?;
    let title = clean(d.title.as_deref().unwrap_or(&r.category));
    if title.is_empty() {
        return Err(Error::Unprocessable(FieldErrors::one("title", "is required")));
    }
    let today = tenant.today(act.now);
    let asked = r.created_at.to_zoned(r.zone()).date();
    let mut scope = r.description.clone();
    scope.push_str(&format!("\n\n(From {}'s work request of {asked}.)", r.name));
    let content = portal_domain::estimate::VersionContent {
        title,
        scope,
        // One line to price: a draft needs a line, and the office sets what it costs.
        items: vec![portal_domain::estimate::LineItem {
            id: portal_domain::ids::LineItemId::generate(act.ids),
            name: r.category.clone(),
            description: String::new(),
            quantity: rust_decimal::Decimal::ONE,
            unit_price: 0,
            taxable: true,
        }],
        groups: Vec::new(),
        tax_rate: tenant.estimate_defaults.tax_rate,
        deposit: tenant.payments.default_deposit.clone(),
        terms: tenant.estimate_defaults.terms.clone(),
        valid_until: today.checked_add(jiff::Span::new().days(30)).unwrap_or(today),
        currency: tenant.currency.clone(),
    };
    let id = portal_domain::ids::EstimateId::generate(act.ids);
    let mut next = r.moved(RequestStatus::Estimate, act.name(), act.now);
    next.estimate = Some(id.clone());
    let new_place = confirm_place(act, &mut next);
    let mut extra = changed(act, r, &next, "request.estimate", serde_json::json!({ "estimate": id }))?;
    extra.push(tell_customer(act, &next)?);
    if let Some(p) = &new_place {
        extra.push(parties::put_property(&act.tenant, &r.account, p)?);
    }
    // The lead becomes a customer with the estimate (create_with makes it one).
    // The request's photos come with it: copies, so one deleted from either stays on the other.
    let copies = photo_copies(act, blobs, b, &id, next.property.as_ref()).await?;
    extra.extend(portal_store::repo::files::create_all(&copies)?);
    let draft = crate::estimates::Draft {
        id,
        account: r.account.clone(),
        property: next.property.clone(),
        content,
        number: crate::estimates::Number::Next,
    };
    let made = crate::estimates::create_with(act, tenant, draft, new_place, extra).await;
    if made.is_err() {
        // Nothing points at the copied blobs: they go again.
        forget(blobs, &copies.iter().flat_map(StoredFile::blob_keys).collect::<Vec<_>>()).await;
    }
    Ok((next, made?))
}

/// Photos of a request an estimate takes (a transaction holds at most 100 writes).
const MAX_COPIED_PHOTOS: usize = 40;

/// Removes copied blobs no record points at (best effort: a leftover is only storage).
async fn forget(blobs: &dyn portal_domain::ports::Blobs, keys: &[String]) {
    for key in keys {
        if let Err(e) = blobs.delete(key).await {
            tracing::warn!(error = %e, "a copied photo of a request was left in the bucket");
        }
    }
}

/// The request's shared photos as files of its estimate: each rendition copied under the new
/// file's own keys (renditions are never shared between records: deleting a file deletes its
/// blobs), the records for the estimate's transaction.
async fn photo_copies(
    act: &Act<'_>,
    blobs: &dyn portal_domain::ports::Blobs,
    b: &RequestBundle,
    estimate: &portal_domain::ids::EstimateId,
    property: Option<&PropertyId>,
) -> Result<Vec<StoredFile>, Error> {
    use portal_domain::file::{Kept, Rendition};
    let port = |e: portal_domain::ports::PortError| Error::Inconsistent(format!("blob store: {e}"));
    let (mut out, mut written) = (Vec::new(), Vec::new());
    let photos = b.files.iter().filter(|f| f.labels.shared && matches!(f.kept, Kept::Photo(_))).take(MAX_COPIED_PHOTOS);
    for f in photos {
        let Kept::Photo(photo) = &f.kept else { continue };
        let id = portal_domain::ids::FileId::generate(act.ids);
        let mut copy = photo.clone();
        let mut whole = true;
        for (r, name) in [(&mut copy.display, "display.jpg"), (&mut copy.thumb, "thumb.jpg")] {
            let to = portal_domain::file::kept_key(&act.tenant, &f.account, &id, name);
            // Inside the store; `false`: gone meanwhile (deleted), not copied.
            match blobs.copy(&r.key, &to).await.map_err(port) {
                Ok(true) => written.push(to.clone()),
                Ok(false) => whole = false,
                Err(e) => {
                    forget(blobs, &written).await;
                    return Err(e);
                }
            }
            *r = Rendition { key: to, ..r.clone() };
        }
        if !whole {
            // Half a photo is none: what was copied of it goes again.
            let half: Vec<String> = [&copy.display.key, &copy.thumb.key].into_iter().filter(|k| written.contains(k)).cloned().collect();
            forget(blobs, &half).await;
            written.retain(|k| !half.contains(k));
            continue;
        }
        out.push(StoredFile {
            id,
            attached: portal_domain::file::Attached::Estimate { estimate: estimate.clone() },
            property: property.cloned(),
            kept: Kept::Photo(copy),
            rev: 0,
            ..f.clone()
        });
    }
    Ok(out)
}

/// Requests the public form takes from one address (IP) in an hour.
pub const FORM_PER_SOURCE_HOURLY: i64 = 5;
/// Requests the public form takes for one street address in a day.
pub const FORM_PER_ADDRESS_DAILY: i64 = 3;
/// Requests the public form takes for one contractor in a day (a flood from many addresses).
pub const FORM_PER_TENANT_DAILY: i64 = 200;
/// Less time than this between showing the form and sending it is a robot's.
pub const FORM_MIN_FILL_MS: u64 = 3000;

/// What someone without an account sends from the public form (the contractor's website's
/// "Request work" link).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicRequest {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// An email address or a phone number (or both), to be reached.
    #[serde(default)]
    pub email: Option<portal_domain::party::Email>,
    #[serde(default)]
    pub phone: Option<portal_domain::party::Phone>,
    pub address: NewAddress,
    #[schema(min_length = 1, max_length = 60)]
    pub category: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub description: String,
    #[serde(default)]
    #[schema(max_items = 3)]
    pub preferred: Vec<LocalWindow>,
    #[serde(default)]
    pub urgent: bool,
    pub reach: Reach,
    /// Left empty by people (the form hides it); robots fill it in.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub website: String,
    /// Milliseconds between the form being shown and sent (under 3,000 is taken for a robot's).
    pub elapsed_ms: u64,
}

/// What the public form answers: the same words whoever sends it (known customer or not,
/// person or turned-away robot), so it tells nobody who is a customer.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PublicReceipt {
    pub message: String,
    /// What the same browser adds photos of the request with, for [`PHOTO_KEY_SECONDS`]
    /// (`POST /api/public/{tenant}/request-photos`). Keep it to this page: it is not shown.
    pub photo_key: String,
    /// How many photos the key adds.
    pub photos: u32,
}

/// The answer to the form, the same for everyone: a known customer, a stranger, a robot (whose
/// key names a request that does not exist).
pub fn receipt(tenant: &Tenant, key: &PhotoKey) -> PublicReceipt {
    PublicReceipt {
        message: format!("Thank you. {} has your request and will contact you soon. For anything urgent, call us.", tenant.name),
        photo_key: key.render(),
        photos: PUBLIC_PHOTOS,
    }
}

/// Photos the public form's key adds to its request (the lead's count for the day).
pub const PUBLIC_PHOTOS: u32 = 6;
/// How long the key works: the form's page adds its photos right after sending.
pub const PHOTO_KEY_SECONDS: i64 = 3600;

/// The key the public form's page adds photos with: the lead's account and request (so the
/// slot is one read, like any other) and 256 random bits, kept on the request only as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoKey {
    pub account: AccountId,
    pub request: RequestId,
    secret: String,
}

impl PhotoKey {
    pub fn new(ids: &dyn portal_domain::ports::Ids, account: AccountId, request: RequestId) -> Self {
        use base64::Engine;
        let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(ids.secret());
        Self { account, request, secret }
    }
    /// A key for nothing, shaped like a real one (the answer to a robot).
    pub fn unused(ids: &dyn portal_domain::ports::Ids) -> Self {
        Self::new(ids, AccountId::generate(ids), RequestId::generate(ids))
    }
    pub fn render(&self) -> String {
        format!("{}.{}.{}", self.account, self.request, self.secret)
    }
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split('.');
        let (account, request, secret) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?);
        let ok =
            parts.next().is_none() && secret.len() == 43 && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self { account, request, secret: secret.to_string() })
    }
    pub fn hash(&self) -> String {
        portal_domain::sha256_hex(self.secret.as_bytes())
    }
}

/// Whether the form was sent by a simple robot (the hidden field filled in, or sent faster
/// than a person fills it in): answered like anyone, and nothing is kept.
pub fn robot(body: &PublicRequest) -> bool {
    !body.website.trim().is_empty() || body.elapsed_ms < FORM_MIN_FILL_MS
}

/// The network an address stands for: an IPv4 address itself, an IPv6 address's /64 (one
/// home or phone gets a whole /64, so counting single IPv6 addresses would count nothing).
fn network(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => ip.to_string(),
    }
}

/// A lead asks for work: a new account waiting for the office (its contact's portal access
/// off until the office makes it a customer), its address kept for the office to confirm,
/// and the request, in one transaction with the limits per source and per address and the
/// office's notice. Never joined to an existing customer here: the office decides (merge).
pub async fn submit_public(act: &Act<'_>, tenant: &Tenant, body: &PublicRequest, source: &str) -> Result<PhotoKey, Error> {
    let mut e = FieldErrors::new();
    let mut blank = FieldErrors::new();
    let name = clean(&body.name).replace('\n', " ");
    if name.chars().count() > 120 {
        e.add("name", "at most 120 characters");
    }
    let description = description(&mut e, &mut blank, &body.description);
    if body.category.chars().count() > MAX_CATEGORY {
        e.add("category", "at most 60 characters");
    }
    if body.preferred.len() > portal_domain::job::MAX_PREFERRED {
        e.add("preferred", "at most three windows");
    }
    let address = body.address.checked("address.", &mut blank).map_err(|err| e.absorb("", err)).ok();
    e.into_result()?;
    let mut e = blank;
    if name.is_empty() {
        e.add("name", "your name");
    }
    if body.email.is_none() && body.phone.is_none() {
        e.add("email", "an email address or a phone number, so we can reach you");
    }
    match body.reach {
        Reach::Email if body.email.is_none() => e.add("email", "the address to write to"),
        Reach::Call | Reach::Text if body.phone.is_none() => e.add("phone", "the number to call or text"),
        _ => {}
    }
    let category = domain::category(&tenant.requests, &body.category).map(str::to_string);
    if category.is_none() {
        e.add("category", format!("one of: {}", tenant.requests.categories.join(", ")));
    }
    let zone = tenant.zone();
    let preferred = windows(&body.preferred, tenant, &zone, act.now, &mut e);
    Error::fields(e)?;
    let (Some(address), Some(category)) = (address, category) else { return Err(Error::Inconsistent("checked fields missing".into())) };
    let account = portal_domain::party::Account {
        id: AccountId::generate(act.ids),
        tenant: act.tenant.clone(),
        name: name.clone(),
        kind: portal_domain::party::AccountKind::Residential,
        stripe_customer: None,
        lead: true,
    };
    let contact = Contact {
        id: ContactId::generate(act.ids),
        tenant: act.tenant.clone(),
        account: account.id.clone(),
        name: name.clone(),
        email: body.email.clone(),
        phone: body.phone.clone(),
        role: portal_domain::party::ContactRole::Approver,
        properties: None,
        portal_enabled: false,
        activity: Default::default(),
    };
    let act = act.by(portal_domain::audit::Actor::Contact { id: contact.id.to_string(), name: name.clone() });
    let request = WorkRequest::received(
        Asked {
            id: RequestId::generate(act.ids),
            tenant: act.tenant.clone(),
            account: account.id.clone(),
            source: RequestSource::Form,
            category,
            description,
            property: None,
            place: address.one_line(),
            address: Some(address.clone()),
            preferred,
            urgent: body.urgent,
            reach: body.reach,
            contact: Some(contact.id.clone()),
            name: name.clone(),
            email: body.email.clone(),
            phone: body.phone.clone(),
            regarding: None,
            time_zone: tenant.time_zone.clone(),
        },
        act.now,
    );
    // Counted under hashes: the keys hold neither the address nor the street.
    let hashed = |s: &str| portal_domain::sha256_hex(s.as_bytes())[..24].to_string();
    let limit = |kind: &str, subject: &str, seconds: i64, most: i64| {
        Write::Update(portal_store::repo::rate_count(&act.tenant, kind, subject, act.now, seconds, most))
    };
    let mut writes = vec![
        limit("form-source", &hashed(&network(source)), 3600, FORM_PER_SOURCE_HOURLY),
        limit("form-address", &hashed(&address.fingerprint()), 86_400, FORM_PER_ADDRESS_DAILY),
        limit("form-all", "all", 86_400, FORM_PER_TENANT_DAILY),
    ];
    writes.extend(crate::customers::creation(&act, &account, &contact, None)?);
    let detail = serde_json::json!({ "category": request.category, "urgent": request.urgent, "source": "form" });
    let key = PhotoKey::new(act.ids, account.id.clone(), request.id.clone());
    writes.push(requests::create_with_photo_key(&request, &key.hash(), act.now + jiff::SignedDuration::from_secs(PHOTO_KEY_SECONDS))?);
    writes.push(act.audit("request.created", &request.id, Some(&account.id), detail)?);
    let tell = OfficeEvent::WorkRequested { request: request.id.clone() }.message(act.ids, &account.id, act.now);
    writes.push(outbox::enqueue(&act.tenant, tell)?);
    act.table.transact(writes).await.map_err(|err| match err {
        portal_store::StoreError::TransactionCancelled { ref failed } if failed.iter().any(|i| *i < 3) => {
            Error::Limited("We have had many requests from here. Please try again later, or call us.")
        }
        other => other.into(),
    })?;
    Ok(key)
}

/// Which customer a lead joins.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeLead {
    pub into: AccountId,
}

/// The office decides a lead is an existing customer: the request and its photos move to that
/// customer (asked by its contact with the same email or phone, when there is one), and the
/// lead's account and contact are removed, in one transaction.
pub async fn merge(act: &Act<'_>, b: &RequestBundle, into: &AccountId) -> Result<WorkRequest, Error> {
    let r = &b.request;
    // The lead's whole partition (one Query): its account and contacts, and whether the
    // office has added anything to it since the public form made it.
    let own = keys::work_request(&act.tenant, &r.account, &r.id).sk;
    let q = portal_store::table::Query::partition(keys::account_pk(&act.tenant, &r.account));
    let (mut lead, mut lead_contacts, mut more) = (None, Vec::new(), false);
    for item in portal_store::repo::query_all(act.table, q).await? {
        let sk = item.get("sk").and_then(serde_json::Value::as_str).unwrap_or_default();
        let under_request = sk == own || sk.starts_with(&format!("{own}#"));
        match portal_store::record::kind(&item) {
            "account" => lead = Some(from_item::<portal_domain::party::Account>(item)?),
            "contact" => lead_contacts.push(from_item::<Contact>(item)?),
            "audit" => {}
            _ => more |= !under_request,
        }
    }
    let lead = lead.ok_or(Error::NotFound("customer"))?;
    if !lead.lead {
        return Err(Error::conflict("not_a_lead", "Only a request from the public form (a lead) can be merged into a customer."));
    }
    if b.thread.as_ref().is_some_and(|t| t.messages > 0) {
        return Err(Error::conflict(
            "lead_has_messages",
            "This lead's request has messages: make a job or an estimate from it (the lead becomes a customer) instead of merging it.",
        ));
    }
    // Only what the public form made may go: anything the office added to the lead since
    // (an estimate, a job, a property) would be left without its account.
    if more {
        return Err(Error::conflict(
            "lead_has_more",
            "The office has already added work to this lead: make it a customer by making a job or an estimate from its request.",
        ));
    }
    let target = parties::get_account(act.table, &act.tenant, into).await?.filter(|a| !a.lead && a.id != lead.id);
    let Some(target) = target else { return Err(Error::Unprocessable(FieldErrors::one("into", "an existing customer (not a lead)"))) };
    let contacts = parties::list_contacts(act.table, &act.tenant, &target.id).await?;
    let same = contacts.iter().find(|c| (r.email.is_some() && c.email == r.email) || (r.phone.is_some() && c.phone == r.phone));
    let mut next = r.clone();
    next.account = target.id.clone();
    next.contact = same.map(|c| c.id.clone());
    if let Some(c) = same {
        next.name = c.name.clone();
    }
    next.updated_at = act.now;
    next.rev = 1;
    let mut writes = vec![
        portal_store::table::Write::Delete(portal_store::table::Delete {
            key: keys::work_request(&act.tenant, &lead.id, &r.id),
            cond: Some(portal_store::table::Cond::eq("rev", r.rev)),
        }),
        requests::create(&next)?,
    ];
    for f in &b.files {
        writes.extend(portal_store::repo::files::moved(f, &target.id)?);
    }
    // A lead's contacts are not counted in adoption (they cannot sign in): nothing to give back.
    for c in &lead_contacts {
        writes.push(parties::delete_contact_seen(c));
    }
    if let Some(th) = &b.thread {
        writes.push(portal_store::table::Write::Delete(portal_store::table::Delete {
            key: keys::thread(&act.tenant, &lead.id, &th.about),
            cond: None,
        }));
    }
    writes.push(parties::delete_account(&lead));
    let detail = serde_json::json!({ "lead": lead.id, "lead_name": lead.name, "contact": next.contact });
    writes.push(act.audit("request.merged", &next.id, Some(&target.id), detail)?);
    act.table.transact(writes).await?;
    Ok(next)
}

/// A photo the public form's page adds to the request it made.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicPhoto {
    /// The form's answer's `photo_key`.
    #[schema(min_length = 1, max_length = 200)]
    pub key: String,
    #[schema(pattern = "^image/(jpeg|png|webp)$")]
    pub content_type: String,
    #[schema(minimum = 1, maximum = 26214400)]
    pub size: u64,
    #[schema(min_length = 1, max_length = 255)]
    pub name: String,
}

/// How a photo the public form's page added is going.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicPhotoStatus {
    #[schema(min_length = 1, max_length = 200)]
    pub key: String,
    pub file: portal_domain::ids::FileId,
}

/// The key a public page sent, or 404 (a key that is not one names no request).
pub fn photo_key(s: &str) -> Result<PhotoKey, Error> {
    PhotoKey::parse(s).ok_or(Error::NotFound("request"))
}

/// An upload slot for one photo of the request the key is for, as the lead who asked (the
/// same one read and one transaction as any slot; the key is checked in the read).
pub async fn lead_slot(act: &Act<'_>, blobs: &dyn portal_domain::ports::Blobs, body: &PublicPhoto) -> Result<crate::files::Slot, Error> {
    let key = photo_key(&body.key)?;
    let file = crate::files::NewFile {
        to: portal_domain::file::Attached::Request { request: key.request.clone() },
        kind: portal_domain::file::FileKind::Photo,
        content_type: body.content_type.clone(),
        size: body.size,
        name: body.name.clone(),
        caption: None,
        tag: None,
        doc_kind: None,
        shared: None,
    };
    crate::files::start(act, blobs, &key.account, crate::files::Asker::Lead { key_hash: &key.hash() }, &file).await
}

/// How one of the key's uploads went (the key still the request's; its hour may be over; once
/// the office has changed the request, its page follows it no more).
pub async fn lead_upload(
    act: &Act<'_>,
    blobs: &dyn portal_domain::ports::Blobs,
    body: &PublicPhotoStatus,
) -> Result<crate::files::UploadStatus, Error> {
    let key = photo_key(&body.key)?;
    let item = act.table.get(&keys::work_request(&act.tenant, &key.account, &key.request)).await?.ok_or(Error::NotFound("request"))?;
    if !requests::photo_key_matches(&item, &key.hash()) {
        return Err(Error::NotFound("request"));
    }
    let contact = item.get("contact").and_then(|v| v.as_str()).ok_or(Error::NotFound("request"))?;
    crate::files::status(act, blobs, &key.account, &body.file, Some(contact)).await
}

/// A request still under way, as the dashboard lists it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OpenRequest {
    #[schema(value_type = String)]
    pub id: RequestId,
    pub category: String,
    pub status: RequestStatus,
    pub status_words: String,
}

/// The requests a contact sees that are still under way (received, in review, an estimate
/// still being prepared: `drafting` says whether its estimate is still a draft), newest
/// first: a sent estimate waits for a decision on the dashboard itself, a scheduled request
/// is a job, a declined one is done.
pub fn open_for(
    requests: &[RequestBundle],
    allowed: Option<&[PropertyId]>,
    me: &ContactId,
    drafting: impl Fn(&portal_domain::ids::EstimateId) -> bool,
) -> Vec<OpenRequest> {
    let mut open: Vec<&WorkRequest> = requests
        .iter()
        .map(|b| &b.request)
        .filter(|r| match r.status {
            RequestStatus::Received | RequestStatus::InReview => true,
            RequestStatus::Estimate => r.estimate.as_ref().is_some_and(&drafting),
            RequestStatus::Scheduled | RequestStatus::Declined => false,
        })
        .filter(|r| customer_sees(r, allowed, me))
        .collect();
    open.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    open.into_iter()
        .map(|r| OpenRequest { id: r.id.clone(), category: r.category.clone(), status: r.status, status_words: r.status.words().into() })
        .collect()
}
