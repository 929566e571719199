//! send-message: threads between a customer's contacts and the office. Customers read their
//! threads (the general one, "Questions for the office", and each job's), post to them and
//! mark them read; the office reads its inbox (every thread by last activity, unread first),
//! answers, assigns, closes, reopens and hides.
//!
//! Staff post through this function too, not the office API: one function owns a message's
//! writes (the thread's summary and unread markers, the notice, the audit entry), so the
//! rules that keep them consistent live in one place and one binary.
//!
//! Posting is one read (the thread's summary, the account, the job, the attachments) and one
//! transaction. A thread page is one Query; its poll (`If-None-Match`) is one GetItem of the
//! summary and answers 304 when nothing changed. There is no push: API Gateway's HTTP API
//! and Lambda hold no connection open, so the page asks every 15 seconds while it is shown.

use std::sync::Arc;

use lambda_http::{Body, Response};
use portal_app::messages::{self, MessageView, NewMessage, Poster, Reader, ThreadChange, ThreadPage, ThreadView};
use portal_domain::file::StoredFile;
use portal_domain::ids::{AccountId, MessageId};
use portal_domain::message::{About, Message, Side, Thread, Via};
use portal_domain::party::Account;
use portal_domain::ports::Blobs;
use portal_http::Call;
use portal_http::request::{MAX_BODY, json, path, query};
use portal_http::session::{CustomerSession, Scope, StaffSession};
use portal_http::{ApiError, response};
use portal_store::repo::threads::{self, InboxFilter};
use portal_store::repo::{jobs, parties};

portal_http::base_state!("send-message", blobs: Arc<dyn Blobs> = blobs, "the Blobs port (BLOB_BUCKET)");

portal_http::http_function! {
    name: "send-message",
    routes: {
        "GET /api/threads" => list,
        "GET /api/threads/{thread}" => one,
        "POST /api/threads/{thread}/messages" => post,
        "POST /api/threads/{thread}/read" => read,
        "GET /api/admin/inbox" => inbox,
        "GET /api/admin/customers/{account}/threads/{thread}" => staff_one,
        "PATCH /api/admin/customers/{account}/threads/{thread}" => staff_change,
        "POST /api/admin/customers/{account}/threads/{thread}/messages" => staff_post,
        "POST /api/admin/customers/{account}/threads/{thread}/read" => staff_read,
        "POST /api/admin/customers/{account}/threads/{thread}/messages/{message}/hide" => staff_hide,
        "POST /api/admin/customers/{account}/threads/{thread}/revoke-replies" => staff_revoke,
        "GET /api/admin/held" => held_list,
        "POST /api/admin/customers/{account}/held/{held}/post" => held_post,
        "POST /api/admin/customers/{account}/held/{held}/dismiss" => held_dismiss,
    },
}

/// The account's threads.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ThreadList {
    /// Unread first, then the latest; the general thread is always there.
    pub threads: Vec<ThreadView>,
    /// Messages from the office not yet read, over every thread.
    pub unread: u32,
}

/// A message just posted, with its thread as it is now.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Posted {
    pub thread: ThreadView,
    pub message: MessageView,
}

/// One page of the staff inbox.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Inbox {
    /// Unread by staff first, then by last activity, newest first.
    pub threads: Vec<ThreadView>,
    /// Pass as `cursor` for the next page.
    pub next: Option<String>,
}

fn thread_of(req: &Call) -> Result<About, ApiError> {
    path(req, "thread", "thread")
}

fn customer(state: &State, req: &Call) -> Result<CustomerSession, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.needs_account()?;
    Ok(session)
}

fn sees(session: &CustomerSession, th: &Thread) -> bool {
    messages::customer_sees(session.properties.as_deref(), th.property.as_ref(), &th.about)
}

/// The `If-None-Match` a polling page sends.
fn if_none_match(req: &Call) -> Option<String> {
    req.headers().get("if-none-match").and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn not_modified(tag: &str) -> Response<Body> {
    let mut r = Response::new(Body::Empty);
    *r.status_mut() = lambda_http::http::StatusCode::NOT_MODIFIED;
    response::with_header(r, "etag", tag)
}

/// A thread with its messages and the files they may carry (one Query): the general
/// thread's range, or the whole job's.
async fn load(
    state: &State,
    tenant: &portal_domain::ids::TenantId,
    account: &AccountId,
    customer: &str,
    about: &About,
    now: jiff::Timestamp,
) -> Result<Option<(Thread, Vec<Message>, Vec<StoredFile>)>, ApiError> {
    Ok(match about {
        About::General => {
            let (found, files) = threads::load_with_files(state.table.as_ref(), tenant, account, about).await?;
            let (th, ms) = found.unwrap_or_else(|| (messages::empty(tenant, account, customer, None, now), Vec::new()));
            Some((th, ms, files))
        }
        About::Job(j) => jobs::load(state.table.as_ref(), tenant, account, j).await?.map(|b| {
            let th = b.thread.unwrap_or_else(|| messages::empty(tenant, account, customer, Some(&b.job), now));
            (th, b.messages, b.files)
        }),
        About::Request(r) => {
            portal_store::repo::requests::load_with_messages(state.table.as_ref(), tenant, account, r).await?.map(|(b, ms)| {
                let th = b.thread.unwrap_or_else(|| messages::empty_for_request(tenant, account, customer, &b.request, now));
                (th, ms, b.files)
            })
        }
    })
}

fn with_tag(page: &ThreadPage, tag: &str) -> Response<Body> {
    response::with_header(response::ok(page), "etag", tag)
}

#[utoipa::path(get, path = "/api/threads", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = ThreadList), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody)))]
/// The account's threads this contact sees (one Query of the customer's partition).
pub async fn list(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = customer(state, req)?;
    let work = jobs::account_work(state.table.as_ref(), &session.tenant, &session.account, false).await?;
    let mut shown: Vec<ThreadView> =
        work.threads.iter().filter(|th| sees(&session, th)).map(|th| ThreadView::of(th, Side::Customer)).collect();
    if !work.threads.iter().any(|th| th.about == About::General) {
        let general = messages::empty(&session.tenant, &session.account, "", None, req.now);
        shown.push(ThreadView::of(&general, Side::Customer));
    }
    shown.sort_by_key(|t| (t.unread == 0, std::cmp::Reverse(t.last_at)));
    let unread = shown.iter().map(|t| t.unread).sum();
    Ok(response::ok(&ThreadList { threads: shown, unread }))
}

#[utoipa::path(get, path = "/api/threads/{thread}", tag = "messages", security(("bearer" = [])),
    params(("thread" = String, Path, description = "`general`, a job's id (job_...) or a work request's (req_...)"),
           ("If-None-Match" = Option<String>, Header, description = "The ETag of the page last read: 304 when nothing changed")),
    responses((status = 200, body = ThreadPage, headers(("ETag" = String))), (status = 304, description = "Nothing changed"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
/// One thread with its messages, oldest first (one Query). Asked again with the ETag it
/// answered, it is one GetItem and a 304 while nothing changed.
pub async fn one(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = customer(state, req)?;
    let about = thread_of(req)?;
    if let Some(tag) = if_none_match(req)
        && let Some(th) = threads::get(state.table.as_ref(), &session.tenant, &session.account, &about).await?
        && sees(&session, &th)
        && messages::etag(Some(&th), Side::Customer) == tag
    {
        return Ok(not_modified(&tag));
    }
    let (th, ms, files) = load(state, &session.tenant, &session.account, "", &about, req.now)
        .await?
        .filter(|(th, ..)| sees(&session, th))
        .ok_or(ApiError::NotFound("thread"))?;
    let reader = Reader::Customer { me: session.contact.as_str(), properties: session.properties.as_deref() };
    let page = messages::page(state.blobs.as_ref(), &th, &ms, &files, reader, req.now).await?;
    let tag = messages::etag((th.messages > 0).then_some(&th), Side::Customer);
    Ok(with_tag(&page, &tag))
}

async fn posted(
    state: &State,
    th: &Thread,
    m: Message,
    files: &[StoredFile],
    reader: Reader<'_>,
    side: Side,
    now: jiff::Timestamp,
) -> Result<Response<Body>, ApiError> {
    let page = messages::page(state.blobs.as_ref(), th, std::slice::from_ref(&m), files, reader, now).await?;
    let message = page.messages.into_iter().next().ok_or(ApiError::NotFound("message"))?;
    Ok(response::json(201, &Posted { thread: ThreadView::of(th, side), message }))
}

#[utoipa::path(post, path = "/api/threads/{thread}/messages", tag = "messages", security(("bearer" = [])), request_body = NewMessage,
    params(("thread" = String, Path, description = "`general`, a job's id (job_...) or a work request's (req_...)")),
    responses((status = 201, body = Posted), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody),
              (status = 429, body = portal_http::error::ErrorBody, description = "too many messages this hour")))]
/// Sends a message to the office (one read, one transaction). Files are added to the job
/// first (`POST /api/uploads`) and named in `attachments`.
pub async fn post(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: NewMessage = json(req, MAX_BODY)?;
    let session = customer(state, req)?;
    if session.scope == Scope::ReadOnly {
        return Err(ApiError::Forbidden("This is a read-only view of the customer's portal."));
    }
    let about = thread_of(req)?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &session.tenant, session.actor());
    let poster = Poster::Customer { properties: session.properties.as_deref() };
    let (th, m, files) = messages::post(&act, &session.account, &about, poster, &body, Via::Portal).await?;
    let reader = Reader::Customer { me: session.contact.as_str(), properties: session.properties.as_deref() };
    posted(state, &th, m, &files, reader, Side::Customer, req.now).await
}

#[utoipa::path(post, path = "/api/threads/{thread}/read", tag = "messages", security(("bearer" = [])),
    params(("thread" = String, Path, description = "`general`, a job's id (job_...) or a work request's (req_...)")),
    responses((status = 204, description = "Marked read"), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
/// Marks the thread read for the customer (staff viewing as the customer change nothing).
pub async fn read(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = customer(state, req)?;
    let about = thread_of(req)?;
    let th = threads::get(state.table.as_ref(), &session.tenant, &session.account, &about)
        .await?
        .filter(|th| sees(&session, th))
        .ok_or(ApiError::NotFound("thread"))?;
    if session.scope != Scope::ReadOnly {
        let act = req.act(state.table.as_ref(), state.ids.as_ref(), &session.tenant, session.actor());
        messages::mark_read(&act, &th, Side::Customer).await?;
    }
    Ok(response::no_content())
}

/// The office's session (technicians have no inbox) and the path's account, one of the
/// tenant's.
async fn office(state: &State, req: &Call) -> Result<(StaffSession, Account), ApiError> {
    let s = req.staff(&state.verifier)?;
    s.may_manage()?;
    let account: AccountId = path(req, "account", "customer")?;
    let a = parties::get_account(state.table.as_ref(), &s.tenant, &account).await?.ok_or(ApiError::NotFound("customer"))?;
    Ok((s, a))
}

#[utoipa::path(get, path = "/api/admin/inbox", tag = "admin", security(("bearer" = [])),
    params(("filter" = Option<String>, Query, description = "open (the default), mine, unassigned or closed", pattern = "^(open|mine|unassigned|closed)$"),
           ("limit" = Option<u32>, Query, minimum = 1, maximum = 100), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Inbox), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody)))]
/// The staff inbox: every thread across customers, unread first, then by last activity (one
/// Query of an index per page).
pub async fn inbox(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = req.staff(&state.verifier)?;
    s.may_manage()?;
    let filter = match query(req, "filter").as_deref() {
        None | Some("open") => InboxFilter::Open,
        Some("mine") => InboxFilter::Mine(s.staff.clone()),
        Some("unassigned") => InboxFilter::Unassigned,
        Some("closed") => InboxFilter::Closed,
        Some(_) => return Err(portal_domain::DomainError::invalid("filter", "open, mine, unassigned or closed").into()),
    };
    let (limit, cursor) = portal_http::request::paging(req)?;
    let (found, next) = threads::inbox(state.table.as_ref(), &s.tenant, &filter, limit, cursor).await?;
    let threads = found.iter().map(|th| ThreadView::of(th, Side::Staff)).collect();
    Ok(response::ok(&Inbox { threads, next: next.map(|c| c.0) }))
}

#[utoipa::path(get, path = "/api/admin/customers/{account}/threads/{thread}", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("thread" = String, Path, description = "`general`, a job's id (job_...) or a work request's (req_...)"),
           ("If-None-Match" = Option<String>, Header, description = "The ETag of the page last read: 304 when nothing changed")),
    responses((status = 200, body = ThreadPage, headers(("ETag" = String))), (status = 304, description = "Nothing changed"),
              (status = 400, body = portal_http::error::ErrorBody), (status = 401, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody)))]
/// A thread for the office: every message, hidden ones marked.
pub async fn staff_one(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let (s, a) = office(state, req).await?;
    let about = thread_of(req)?;
    if let Some(tag) = if_none_match(req)
        && let Some(th) = threads::get(state.table.as_ref(), &s.tenant, &a.id, &about).await?
        && messages::etag(Some(&th), Side::Staff) == tag
    {
        return Ok(not_modified(&tag));
    }
    let (th, ms, files) = load(state, &s.tenant, &a.id, &a.name, &about, req.now).await?.ok_or(ApiError::NotFound("thread"))?;
    let page = messages::page(state.blobs.as_ref(), &th, &ms, &files, Reader::Staff { me: s.staff.as_str() }, req.now).await?;
    let tag = messages::etag((th.messages > 0).then_some(&th), Side::Staff);
    Ok(with_tag(&page, &tag))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/threads/{thread}/messages", tag = "admin", security(("bearer" = [])), request_body = NewMessage,
    params(("account" = String, Path, description = "Account id (acc_...)"), ("thread" = String, Path, description = "`general`, a job's id (job_...) or a work request's (req_...)")),
    responses((status = 201, body = Posted), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody)))]
/// The office answers. The customer hears of it once: staff messages within two minutes make
/// one notice.
pub async fn staff_post(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: NewMessage = json(req, MAX_BODY)?;
    let (s, a) = office(state, req).await?;
    let about = thread_of(req)?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let (th, m, files) = messages::post(&act, &a.id, &about, Poster::Staff, &body, Via::Admin).await?;
    posted(state, &th, m, &files, Reader::Staff { me: s.staff.as_str() }, Side::Staff, req.now).await
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/threads/{thread}/read", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("thread" = String, Path, description = "`general`, a job's id (job_...) or a work request's (req_...)")),
    responses((status = 204, description = "Marked read"), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody)))]
/// Marks the thread read for the office.
pub async fn staff_read(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let (s, a) = office(state, req).await?;
    let about = thread_of(req)?;
    let th = threads::get(state.table.as_ref(), &s.tenant, &a.id, &about).await?.ok_or(ApiError::NotFound("thread"))?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    messages::mark_read(&act, &th, Side::Staff).await?;
    Ok(response::no_content())
}

#[utoipa::path(patch, path = "/api/admin/customers/{account}/threads/{thread}", tag = "admin", security(("bearer" = [])), request_body = ThreadChange,
    params(("account" = String, Path, description = "Account id (acc_...)"), ("thread" = String, Path, description = "`general`, a job's id (job_...) or a work request's (req_...)")),
    responses((status = 200, body = ThreadView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
/// Assigns a thread (or leaves it unassigned), closes or reopens it; audited.
pub async fn staff_change(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let body: ThreadChange = json(req, MAX_BODY)?;
    let (s, a) = office(state, req).await?;
    let about = thread_of(req)?;
    let th = threads::get(state.table.as_ref(), &s.tenant, &a.id, &about).await?.ok_or(ApiError::NotFound("thread"))?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let next = messages::change(&act, &th, &body).await?;
    Ok(response::ok(&ThreadView::of(&next, Side::Staff)))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/threads/{thread}/messages/{message}/hide", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("thread" = String, Path, description = "`general`, a job's id (job_...) or a work request's (req_...)"),
           ("message" = String, Path, description = "Message id (mes_...)")),
    responses((status = 204, description = "Hidden from the customer"), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
/// Hides a message from the customer (kept for the office; audited).
pub async fn staff_hide(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let (s, a) = office(state, req).await?;
    let about = thread_of(req)?;
    let id: MessageId = path(req, "message", "message")?;
    let (th, ms) = threads::load(state.table.as_ref(), &s.tenant, &a.id, &about).await?.ok_or(ApiError::NotFound("thread"))?;
    let m = ms.iter().find(|m| m.id == id).ok_or(ApiError::NotFound("message"))?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    messages::hide(&act, &th, m).await?;
    Ok(response::no_content())
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/threads/{thread}/revoke-replies", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("thread" = String, Path, description = "`general`, a job's id (job_...) or a work request's (req_...)")),
    responses((status = 200, body = ThreadView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
/// Stops every reply address sent for the thread so far (audited): an email to one of them is
/// held for review from now on. The next notice carries a new one.
pub async fn staff_revoke(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let (s, a) = office(state, req).await?;
    let about = thread_of(req)?;
    let th = threads::get(state.table.as_ref(), &s.tenant, &a.id, &about).await?.ok_or(ApiError::NotFound("thread"))?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let next = portal_app::inbound::revoke(&act, &th).await?;
    Ok(response::ok(&ThreadView::of(&next, Side::Staff)))
}

/// An email reply held for review, as the office's list shows it.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct HeldView {
    #[schema(value_type = String)]
    pub id: portal_domain::ids::HeldId,
    #[schema(value_type = String)]
    pub account: AccountId,
    pub customer: String,
    /// `general`, or the job's id.
    pub thread: String,
    /// The address and name the email says it is from (not verified).
    pub from: String,
    pub from_name: String,
    pub subject: String,
    /// The reply without the quoted original, as it would be posted. Plain text.
    pub text: String,
    pub attachments: u32,
    pub reason: portal_domain::inbound::HoldReason,
    /// Why it was held, in words.
    pub why: String,
    /// Whether it can be posted as the contact its reply address was given to (not when
    /// someone else wrote it: add them as a contact first, then it posts as theirs).
    pub postable: bool,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: jiff::Timestamp,
    #[serde(flatten)]
    pub state: portal_domain::inbound::HeldState,
}

impl HeldView {
    fn of(h: &portal_domain::inbound::Held) -> Self {
        HeldView {
            id: h.id.clone(),
            account: h.account.clone(),
            customer: h.customer.clone(),
            thread: h.about.to_string(),
            from: h.from.clone(),
            from_name: h.from_name.clone(),
            subject: h.subject.clone(),
            text: h.text.clone(),
            attachments: h.attachments,
            reason: h.reason,
            why: h.reason.words().to_string(),
            postable: h.contact.is_some() && h.reason != portal_domain::inbound::HoldReason::OtherSender,
            received_at: h.received_at,
            state: h.state.clone(),
        }
    }
}

/// Email replies waiting for review.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct HeldList {
    /// Newest first.
    pub held: Vec<HeldView>,
    pub next: Option<String>,
}

#[utoipa::path(get, path = "/api/admin/held", tag = "admin", security(("bearer" = [])),
    params(("limit" = Option<u32>, Query, minimum = 1, maximum = 100), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = HeldList), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody)))]
/// Email replies held for review (a failed check, a reply address revoked, another sender),
/// newest first: one Query of an index.
pub async fn held_list(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let s = req.staff(&state.verifier)?;
    s.may_manage()?;
    let (limit, cursor) = portal_http::request::paging(req)?;
    let (found, next) = threads::held(state.table.as_ref(), &s.tenant, limit, cursor).await?;
    Ok(response::ok(&HeldList { held: found.iter().map(HeldView::of).collect(), next: next.map(|c| c.0) }))
}

async fn held_of(state: &State, req: &Call) -> Result<(StaffSession, portal_domain::inbound::Held), ApiError> {
    let (s, a) = office(state, req).await?;
    let id: portal_domain::ids::HeldId = path(req, "held", "held email")?;
    let h = threads::get_held(state.table.as_ref(), &s.tenant, &a.id, &id).await?.ok_or(ApiError::NotFound("held email"))?;
    Ok((s, h))
}

/// What posting a held email made.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct HeldPosted {
    #[schema(value_type = String)]
    pub message: MessageId,
    /// `general`, or the job's id: where it was posted.
    pub thread: String,
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/held/{held}/post", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("held" = String, Path, description = "Held email id (hld_...)")),
    responses((status = 200, body = HeldPosted), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody),
              (status = 429, body = portal_http::error::ErrorBody)))]
/// Posts a held email to its thread as the contact its reply address was given to, with its
/// attachments while the original is kept (audited).
pub async fn held_post(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let (s, h) = held_of(state, req).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let message = portal_app::inbound::release(&act, state.blobs.as_ref(), &h).await?;
    Ok(response::ok(&HeldPosted { message, thread: h.about.to_string() }))
}

#[utoipa::path(post, path = "/api/admin/customers/{account}/held/{held}/dismiss", tag = "admin", security(("bearer" = [])),
    params(("account" = String, Path, description = "Account id (acc_...)"), ("held" = String, Path, description = "Held email id (hld_...)")),
    responses((status = 200, body = HeldView), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody), (status = 409, body = portal_http::error::ErrorBody)))]
/// Sets a held email aside without posting it (audited).
pub async fn held_dismiss(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let (s, h) = held_of(state, req).await?;
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), &s.tenant, s.actor());
    let next = portal_app::inbound::dismiss(&act, &h).await?;
    Ok(response::ok(&HeldView::of(&next)))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    one,
    post,
    read,
    inbox,
    staff_one,
    staff_change,
    staff_post,
    staff_read,
    staff_hide,
    staff_revoke,
    held_list,
    held_post,
    held_dismiss
))]
pub struct Api;
