//! Estimates: a draft built and edited by the office, sent (and sent again) to the account's
//! approvers, revised into a new version, voided; viewed, approved with a signature, declined
//! or sent back with changes by the customer; an approval given outside the portal recorded by
//! the office. Each is one conditional transaction with its audit entry (and, where someone
//! must hear of it, its outbox messages): a change made meanwhile fails it as a conflict.
use jiff::Timestamp;
use portal_domain::FieldErrors;
use portal_domain::adoption::Tally;
use portal_domain::estimate::{
    Approval, ApprovedHow, Decision, Estimate, EstimateEvent, EstimateStatus, EstimateVersion, OfflineApproval, Selection, VersionContent,
    check_selection, check_signature_png, check_signer_name, end_of_day, totals, transition,
};
use portal_domain::ids::{AccountId, ContactId, EstimateId, PropertyId};
use portal_domain::money::Currency;
use portal_domain::outbox::{Notice, OfficeEvent};
use portal_domain::party::Tenant;
use portal_store::repo::auth::LinkPurpose;
use portal_store::repo::estimates::{self, EstimateBundle};
use portal_store::repo::{outbox, parties};

use crate::{Act, Error, links, stats};

/// Estimates are numbered from here (`E-1001`) per contractor.
pub const FIRST_ESTIMATE_NUMBER: i64 = 1001;

/// A document's number: the contractor's next, or the one it already had in the system it is
/// imported from.
#[derive(Debug, Clone)]
pub enum Number {
    Next,
    Kept(String),
}

impl Number {
    pub(crate) async fn take(self, act: &Act<'_>, prefix: &str, counter: &str, first: i64) -> Result<String, Error> {
        Ok(match self {
            Number::Kept(n) => n,
            Number::Next => format!("{prefix}-{}", parties::next_number(act.table, &act.tenant, counter, first).await?),
        })
    }
}

/// A new draft.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: EstimateId,
    pub account: AccountId,
    pub property: Option<PropertyId>,
    pub content: VersionContent,
    pub number: Number,
}

/// The content's own rules, and the contractor's: valid from today, in its currency (422).
pub fn check(content: &VersionContent, today: jiff::civil::Date, currency: &Currency) -> Result<(), Error> {
    let mut e = FieldErrors::new();
    if let Err(err) = content.validate() {
        e.absorb("content.", err);
    }
    if content.valid_until < today {
        e.add("content.valid_until", "must be today or later");
    }
    if &content.currency != currency {
        e.add("content.currency", format!("must be the business's currency, {}", currency.as_str()));
    }
    Error::fields(e)
}

fn current(b: &EstimateBundle) -> Result<&EstimateVersion, Error> {
    b.current().ok_or_else(|| Error::Inconsistent(format!("estimate {} has no version {}", b.estimate.id, b.estimate.current_version)))
}

/// Creates a draft (version 1, not sent) with the next estimate number.
pub async fn create(act: &Act<'_>, tenant: &Tenant, d: Draft) -> Result<Estimate, Error> {
    create_with(act, tenant, d, None, Vec::new()).await
}

/// Creates a draft as [`create`] does, in one transaction with `extra` writes; `new_place`
/// is a property those writes make (so not yet stored), when the draft is at it.
pub async fn create_with(
    act: &Act<'_>,
    tenant: &Tenant,
    d: Draft,
    new_place: Option<portal_domain::party::Property>,
    extra: Vec<portal_store::table::Write>,
) -> Result<Estimate, Error> {
    check(&d.content, tenant.today(act.now), &tenant.currency)?;
    let mut site = None;
    if let Some(p) = &d.property {
        let mut known = parties::list_properties(act.table, &act.tenant, &d.account).await?;
        known.extend(new_place);
        match known.iter().find(|k| &k.id == p) {
            Some(k) => site = Some(k.site(&tenant.time_zone)),
            None => return Err(portal_domain::DomainError::invalid("property", "is not a property of this customer").into()),
        }
    }
    let number = d.number.take(act, "E", "EST", FIRST_ESTIMATE_NUMBER).await?;
    let c = d.content;
    let header = Estimate {
        id: d.id,
        tenant: act.tenant.clone(),
        account: d.account,
        property: d.property,
        number,
        status: EstimateStatus::Draft,
        current_version: 1,
        title: c.title.trim().to_string(),
        headline_total: totals(&c, &c.default_selection())?.total,
        currency: c.currency.clone(),
        valid_until: c.valid_until,
        expires_at: end_of_day(c.valid_until, &tenant.zone()),
        created_at: act.now,
        sent_at: None,
        first_viewed_at: None,
        decided_at: None,
        update_requested_at: None,
        time_zone: tenant.time_zone.clone(),
        site,
        job: None,
        rev: 1,
    };
    let version = EstimateVersion { number: 1, created_at: act.now, sent_at: None, note: None, fingerprint: c.fingerprint(), content: c };
    let mut writes = estimates::create(&header, &version)?;
    let detail = serde_json::json!({ "number": header.number, "title": header.title });
    writes.push(act.audit("estimate.created", &header.id, Some(&header.account), detail)?);
    writes.extend(extra);
    // Work for a lead makes it a customer, whichever screen the office made it from.
    writes.extend(crate::customers::admission(act, &header.account).await?);
    act.table.transact(writes).await?;
    Ok(header)
}

/// Replaces the draft version's content. A sent version never changes.
pub async fn edit(act: &Act<'_>, tenant: &Tenant, b: &EstimateBundle, content: VersionContent) -> Result<Estimate, Error> {
    if b.estimate.status != EstimateStatus::Draft {
        return Err(Error::conflict("not_draft", "A sent version cannot change. Revise the estimate to start a new version."));
    }
    check(&content, tenant.today(act.now), &tenant.currency)?;
    let version = EstimateVersion { fingerprint: content.fingerprint(), content, ..current(b)?.clone() };
    let c = &version.content;
    let mut header = b.estimate.clone();
    header.title = c.title.trim().to_string();
    header.headline_total = totals(c, &c.default_selection())?.total;
    header.valid_until = c.valid_until;
    header.expires_at = end_of_day(c.valid_until, &tenant.zone());
    header.rev += 1;
    let detail = serde_json::json!({ "version": version.number, "total": header.headline_total });
    let audit = act.audit("estimate.edited", &header.id, Some(&header.account), detail)?;
    act.table
        .transact(vec![estimates::save_header(&header, b.estimate.rev)?, estimates::put_draft_version(&header, &version)?, audit])
        .await?;
    Ok(header)
}

/// Sends the current version to every approver who may see it, each with their own link;
/// an estimate already sent and waiting is sent again with fresh links (nothing else about it
/// changes). Returns the estimate and how many contacts it went to.
pub async fn send(act: &Act<'_>, tenant: &Tenant, b: &EstimateBundle, note: Option<String>) -> Result<(Estimate, usize), Error> {
    let e = &b.estimate;
    let now = act.now;
    let resend = matches!(e.effective_status(now), EstimateStatus::Sent | EstimateStatus::Viewed);
    let mut version = current(b)?.clone();
    let mut header = e.clone();
    if !resend {
        header.status = transition(e.status, EstimateEvent::Send)?;
        if version.content.valid_until < tenant.today(now) {
            return Err(Error::conflict("valid_until_passed", "The estimate's valid-until date has passed. Change it before sending."));
        }
        let note = note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
        if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            return Err(portal_domain::DomainError::invalid("note", "at most 2,000 characters").into());
        }
        version.sent_at = Some(now);
        if note.is_some() {
            version.note = note;
        }
        header.sent_at = Some(now);
    }
    // The rev also guards a resend against a decision made meanwhile.
    header.rev += 1;
    // Everyone who can approve it, at its property, with the portal on, gets a link.
    let contacts = parties::list_contacts(act.table, &act.tenant, &e.account).await?;
    let to = links::recipients(&contacts, e.property.as_ref(), |c| c.role.can_approve());
    if to.is_empty() {
        return Err(links::no_recipients("an approver"));
    }
    let mut writes = vec![estimates::save_header(&header, e.rev)?];
    if !resend {
        writes.push(estimates::put_draft_version(&header, &version)?);
    }
    let purpose = LinkPurpose::Estimate { estimate: e.id.clone(), rights: vec!["view".into(), "sign".into()] };
    writes.extend(links::messages(act, &e.account, &to, &purpose, links::document_link_ttl(), |c, token| Notice::EstimateSent {
        estimate: e.id.clone(),
        version: version.number,
        contact: c.id.clone(),
        token: Some(token),
    })?);
    let detail = serde_json::json!({ "version": version.number, "recipients": to.iter().map(|c| &c.id).collect::<Vec<_>>() });
    writes.push(act.audit(if resend { "estimate.resent" } else { "estimate.sent" }, &e.id, Some(&e.account), detail)?);
    act.table.transact(writes).await?;
    Ok((header, to.len()))
}

/// Starts a new version (a copy of the current one, to edit and send) of an estimate that
/// was sent, sent back with changes, declined or expired.
pub async fn revise(act: &Act<'_>, b: &EstimateBundle) -> Result<Estimate, Error> {
    let e = &b.estimate;
    let next = transition(e.effective_status(act.now), EstimateEvent::Revise)?;
    let current = current(b)?;
    let version = EstimateVersion { number: current.number + 1, created_at: act.now, sent_at: None, note: None, ..current.clone() };
    let mut header = e.clone();
    header.status = next;
    header.current_version = version.number;
    // The new version answers a request for an updated estimate.
    header.update_requested_at = None;
    header.rev += 1;
    let audit = act.audit("estimate.revised", &e.id, Some(&e.account), serde_json::json!({ "version": version.number }))?;
    act.table.transact(vec![estimates::save_header(&header, e.rev)?, estimates::put_version(&header, &version)?, audit]).await?;
    Ok(header)
}

/// Withdraws an estimate that is not approved.
pub async fn void(act: &Act<'_>, b: &EstimateBundle) -> Result<Estimate, Error> {
    let e = &b.estimate;
    if e.status == EstimateStatus::Approved {
        return Err(Error::conflict("approved", "An approved estimate is a signed agreement; it cannot be voided here."));
    }
    let mut header = e.clone();
    header.status = transition(e.status, EstimateEvent::Void)?;
    header.rev += 1;
    let audit = act.audit("estimate.voided", &e.id, Some(&e.account), serde_json::json!({ "number": e.number }))?;
    act.table.transact(vec![estimates::save_header(&header, e.rev)?, audit]).await?;
    Ok(header)
}

/// The customer's first look at a sent estimate. `false` when another request recorded it
/// meanwhile (or the customer acted): what was read is still what they see.
pub async fn viewed(act: &Act<'_>, b: &mut EstimateBundle) -> Result<bool, Error> {
    if b.estimate.effective_status(act.now) != EstimateStatus::Sent {
        return Ok(false);
    }
    let before = &b.estimate;
    let mut after = before.clone();
    after.status = transition(before.status, EstimateEvent::View)?;
    after.first_viewed_at = Some(act.now);
    after.rev += 1;
    let audit =
        act.audit("estimate.viewed", &before.id, Some(&before.account), serde_json::json!({ "version": before.current_version }))?;
    match act.table.transact(vec![estimates::save_header(&after, before.rev)?, audit]).await {
        Ok(()) => {
            b.estimate = after;
            Ok(true)
        }
        Err(e) if e.is_conflict() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Whether the customer may `event` (approve, decline, ask for changes) on `version` now: it
/// is the current version, and the estimate is waiting for a decision.
pub fn decidable(b: &EstimateBundle, version: u32, event: EstimateEvent, now: Timestamp) -> Result<(), Error> {
    let e = &b.estimate;
    if version != e.current_version {
        return Err(Error::conflict(
            "version_superseded",
            format!("The version you read is no longer current. Review version {} before deciding.", e.current_version),
        ));
    }
    match e.effective_status(now) {
        EstimateStatus::Approved => Err(Error::conflict("already_approved", "This estimate is already approved.")),
        EstimateStatus::Expired => Err(Error::conflict("estimate_expired", "This estimate has expired. Ask us for an updated one.")),
        EstimateStatus::Void => Err(Error::conflict("estimate_void", "This estimate was withdrawn.")),
        status => Ok(transition(status, event).map(|_| ())?),
    }
}

/// The customer's signature on the current version.
#[derive(Debug, Clone)]
pub struct Signed {
    pub selection: Selection,
    pub signer_name: String,
    /// `data:image/png;base64,...`, with ink on it.
    pub signature_png: String,
    pub consent: bool,
    pub by: ContactId,
}

/// Approves the current version (call [`decidable`] first) with the options chosen: the
/// signature binds the exact content, so a stored version that no longer matches its
/// fingerprint is refused.
pub async fn approve(act: &Act<'_>, b: &mut EstimateBundle, s: Signed) -> Result<(), Error> {
    let version = current(b)?;
    let mut f = FieldErrors::new();
    let name = check_signer_name(&s.signer_name).map_err(|e| f.absorb("", e)).ok();
    let _ = check_signature_png(&s.signature_png).map_err(|e| f.absorb("", e));
    let _ = check_selection(&version.content, &s.selection).map_err(|e| f.absorb("", e));
    if !s.consent {
        f.add("consent", "tick the box to agree to the terms");
    }
    Error::fields(f)?;
    let fingerprint = version.content.fingerprint();
    if fingerprint != version.fingerprint {
        return Err(Error::Inconsistent(format!("estimate {} version {} fails its fingerprint", b.estimate.id, version.number)));
    }
    let priced = totals(&version.content, &s.selection).map_err(|e| Error::Inconsistent(e.to_string()))?;
    let approval = Approval {
        version: version.number,
        selection: s.selection,
        totals: priced,
        signer_name: name.unwrap_or_default(),
        signature_png: s.signature_png,
        by: s.by,
        at: act.now,
        ip: act.origin.ip.clone(),
        user_agent: act.origin.user_agent.clone(),
        version_fingerprint: fingerprint.clone(),
        offline: None,
    };
    let detail = serde_json::json!({
        "version": version.number, "total": priced.total, "deposit": priced.deposit,
        "selection": approval.selection, "signer_name": approval.signer_name, "fingerprint": fingerprint,
    });
    decide(act, b, EstimateEvent::Approve, Decision::Approved(Box::new(approval)), "estimate.approved", detail).await
}

/// Moves the estimate on with the customer's decision on its current version (call
/// [`decidable`] first), audited as `action`; the office hears of it through the outbox. All
/// or nothing, conditional on the estimate as read: deciding twice, or racing two decisions,
/// changes nothing the second time (a conflict).
pub async fn decide(
    act: &Act<'_>,
    b: &mut EstimateBundle,
    event: EstimateEvent,
    decision: Decision,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), Error> {
    let before = &b.estimate;
    let mut after = before.clone();
    after.status = transition(before.status, event)?;
    after.decided_at = Some(act.now);
    after.rev += 1;
    let mut job = None;
    if let Decision::Approved(a) = &decision {
        after.headline_total = a.totals.total;
        let content = &b
            .version(a.version)
            .ok_or_else(|| Error::Inconsistent(format!("estimate {} has no version {}", before.id, a.version)))?
            .content;
        let j = crate::jobs::for_approval(act, before, &content.scope, content.chosen_items(&a.selection).cloned().collect());
        after.job = Some(j.id.clone());
        job = Some(j);
    }
    let version = before.current_version;
    let estimate = before.id.clone();
    let tell = match event {
        EstimateEvent::Approve => OfficeEvent::EstimateApproved { estimate },
        EstimateEvent::Decline => OfficeEvent::EstimateDeclined { estimate },
        _ => OfficeEvent::ChangesRequested { estimate },
    };
    let mut writes = vec![
        estimates::save_header(&after, before.rev)?,
        estimates::put_decision(&after, version, &decision)?,
        act.audit(action, &before.id, Some(&before.account), detail)?,
        outbox::enqueue(&act.tenant, tell.message(act.ids, &before.account, act.now))?,
    ];
    if let Some(j) = &job {
        writes.push(portal_store::repo::jobs::create_job(j)?);
    }
    if matches!(event, EstimateEvent::Approve) {
        let mut tally = Tally::default();
        tally.approved(true, before.sent_at, act.now, &stats::zone_of(act.table, &act.tenant, &before.time_zone).await?);
        writes.extend(stats::writes(&act.tenant, &before.account, &tally));
    }
    act.table.transact(writes).await?;
    b.estimate = after;
    b.decisions.insert(version, decision);
    Ok(())
}

/// The customer, finding the estimate expired, asks for an updated one (with `message` for
/// the office): stamped on the header, told to the office through the outbox, audited.
pub async fn request_update(act: &Act<'_>, b: &mut EstimateBundle, message: &str) -> Result<(), Error> {
    let before = &b.estimate;
    if before.effective_status(act.now) != EstimateStatus::Expired {
        return Err(Error::conflict("not_expired", "This estimate has not expired: you can still decide on it."));
    }
    if before.update_requested_at.is_some() {
        return Err(Error::conflict("already_requested", "You already asked for an updated estimate. The office will send you one."));
    }
    let mut after = before.clone();
    after.update_requested_at = Some(act.now);
    after.rev += 1;
    let detail = serde_json::json!({ "version": before.current_version, "message": message });
    let tell = OfficeEvent::UpdateRequested { estimate: before.id.clone(), message: message.to_string() };
    let writes = vec![
        estimates::save_header(&after, before.rev)?,
        act.audit("estimate.update_requested", &before.id, Some(&before.account), detail)?,
        outbox::enqueue(&act.tenant, tell.message(act.ids, &before.account, act.now))?,
    ];
    act.table.transact(writes).await?;
    b.estimate = after;
    Ok(())
}

/// An approval the customer gave outside the portal (by phone, on paper, in person, by email).
#[derive(Debug, Clone)]
pub struct Offline {
    pub version: u32,
    /// The recommended options when left out.
    pub selection: Option<Selection>,
    pub contact: ContactId,
    pub signer_name: String,
    pub approved_at: Timestamp,
    pub how: ApprovedHow,
    pub note: String,
}

/// Records an approval given outside the portal: the same approval as one signed in it (the
/// estimate is approved, its deposit can be paid, its totals are fixed), marked as recorded by
/// the office and audited as `estimate.approved_offline`, so the adoption figures tell the two
/// apart.
pub async fn record_offline(act: &Act<'_>, b: &EstimateBundle, o: Offline) -> Result<Estimate, Error> {
    let e = &b.estimate;
    let now = act.now;
    let version = b
        .current()
        .filter(|v| v.sent_at.is_some())
        .ok_or_else(|| Error::conflict("not_sent", "This estimate has not been sent; there is nothing to approve yet."))?;
    let mut f = FieldErrors::new();
    let name = check_signer_name(&o.signer_name).map_err(|err| f.absorb("", err)).ok();
    let selection = o.selection.unwrap_or_else(|| version.content.default_selection());
    let _ = check_selection(&version.content, &selection).map_err(|err| f.absorb("", err));
    if o.approved_at > now {
        f.add("approved_at", "must not be in the future");
    }
    if version.sent_at.is_some_and(|sent| o.approved_at < sent) {
        f.add("approved_at", "must not be before the estimate was sent");
    }
    match parties::get_contact(act.table, &act.tenant, &e.account, &o.contact).await? {
        None => f.add("contact", "is not a contact of this customer"),
        Some(c) if !c.role.can_approve() => f.add("contact", "approves nothing: choose an approver of this customer"),
        Some(_) => {}
    }
    Error::fields(f)?;
    if o.version != version.number {
        return Err(Error::conflict("version_superseded", format!("Version {} is the current one.", version.number)));
    }
    // Approved while it was open: an estimate that had expired by then needs a new version.
    let status = match e.effective_status(o.approved_at) {
        EstimateStatus::Expired => {
            return Err(Error::conflict("estimate_expired", "The estimate had expired by then. Revise it and send it again."));
        }
        status => transition(status, EstimateEvent::Approve)
            .map_err(|_| Error::conflict("not_open", "This estimate is not waiting for a decision."))?,
    };
    let priced = totals(&version.content, &selection).map_err(|e| Error::Inconsistent(e.to_string()))?;
    let note = o.note.trim().to_string();
    let approval = Approval {
        version: version.number,
        selection: selection.clone(),
        totals: priced,
        signer_name: name.unwrap_or_default(),
        signature_png: String::new(),
        by: o.contact.clone(),
        at: o.approved_at,
        ip: String::new(),
        user_agent: String::new(),
        version_fingerprint: version.fingerprint.clone(),
        offline: Some(OfflineApproval {
            how: o.how,
            recorded_by: act.name().to_string(),
            recorded_at: now,
            note: note.clone(),
            scan: None,
        }),
    };
    let job = crate::jobs::for_approval(
        &act.at(o.approved_at),
        e,
        &version.content.scope,
        version.content.chosen_items(&selection).cloned().collect(),
    );
    let mut header = e.clone();
    header.status = status;
    header.decided_at = Some(o.approved_at);
    header.headline_total = priced.total;
    header.job = Some(job.id.clone());
    header.rev += 1;
    let detail = serde_json::json!({
        "version": version.number, "total": priced.total, "deposit": priced.deposit, "selection": selection,
        "signer_name": approval.signer_name, "contact": o.contact, "approved_at": o.approved_at, "how": o.how,
        "note": note,
    });
    let mut tally = Tally::default();
    tally.approved(false, e.sent_at, o.approved_at, &stats::zone_of(act.table, &act.tenant, &e.time_zone).await?);
    let mut writes = vec![
        estimates::save_header(&header, e.rev)?,
        estimates::put_decision(&header, version.number, &Decision::Approved(Box::new(approval)))?,
        act.audit("estimate.approved_offline", &e.id, Some(&e.account), detail)?,
        portal_store::repo::jobs::create_job(&job)?,
    ];
    writes.extend(stats::writes(&act.tenant, &e.account, &tally));
    act.table.transact(writes).await?;
    Ok(header)
}
