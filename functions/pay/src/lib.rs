//! pay: start paying online (an invoice's balance or an allowed part of it, the whole balance
//! of every open invoice at once, an approved estimate's deposit, or account credit), or apply
//! account credit to an invoice.
//!
//! The server computes every amount from the document and the contractor's rules; the
//! customer only picks among what the rules allow. Starting a payment writes the payment
//! (status `started`, counting for nothing) before Stripe hears of it, so every event Stripe
//! sends later finds its payment; then it opens a Checkout session through the Payments port
//! (Stripe in AWS, the simulator locally) with metadata naming tenant, account, document,
//! purpose and payment, and an idempotency key per attempt. Stripe's webhook moves the
//! payment on (see the stripe-webhook function).
use std::sync::Arc;

use lambda_http::{Body, Response};
use portal_domain::estimate::{Decision, EstimateStatus};
use portal_domain::ids::{EstimateId, InvoiceId, PaymentId};
use portal_domain::party::Section;
use portal_domain::party::Tenant;
use portal_domain::payment::Document;
use portal_domain::payments::{CheckoutRequest, CustomerRequest, Payments, Purpose};
use portal_http::Call;
use portal_http::error::unprocessable;
use portal_http::request::{MAX_BODY, json, json_or_default, path};
use portal_http::session::{CustomerSession, PayTarget, payable_total};
use portal_http::{ApiError, response};
use portal_store::repo::payments;
use portal_store::repo::{estimates, invoices, parties};

portal_http::base_state!("pay", payments: Arc<dyn Payments> = payments, "the Payments port (Stripe)");

portal_http::http_function! {
    name: "pay",
    routes: {
        "POST /api/invoices/{id}/pay" => pay_invoice,
        "POST /api/invoices/{id}/apply-credit" => apply_credit,
        "POST /api/estimates/{id}/deposit" => pay_deposit,
        "POST /api/account/credit" => buy_credit,
        "POST /api/account/pay-balance" => pay_balance,
    },
}

/// How much of an invoice to pay.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayInvoiceRequest {
    /// Minor units; leave out to pay the whole balance. A part is accepted only where the
    /// contractor allows partial payments, from their minimum up.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10_000_000_000_000_i64)]
    pub amount: Option<i64>,
}

/// An amount (credit to buy, credit to apply).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountRequest {
    /// Minor units, more than 0.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10_000_000_000_000_i64)]
    pub amount: Option<i64>,
}

/// Credit to buy ahead of work.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditRequest {
    /// Minor units, within the contractor's minimum and maximum.
    #[schema(minimum = 1, maximum = 10_000_000_000_000_i64)]
    pub amount: i64,
}

/// "Pay balance": the amount the customer was shown, so a balance that changed meanwhile (a
/// new invoice, a payment from elsewhere) is never charged unseen.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayBalanceRequest {
    /// Minor units: the balance shown (`pay_balance` of `GET /api/invoices`). Leave out to pay
    /// whatever is due now.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10_000_000_000_000_i64)]
    pub amount: Option<i64>,
}

/// A payment started: send the customer to `checkout_url`.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Started {
    pub payment: String,
    pub purpose: Purpose,
    pub amount: i64,
    pub currency: String,
    pub checkout_url: String,
}

/// Credit applied to an invoice.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Applied {
    pub applied: i64,
    pub balance: i64,
}

/// An amount within the document's range (1 to 10^13 minor units): outside it the request is
/// not of the API's shape (400), whatever the rules would say.
fn in_range(amount: Option<i64>) -> Result<(), ApiError> {
    match amount {
        Some(a) if !(1..=portal_domain::money::MAX_AMOUNT).contains(&a) => {
            Err(portal_domain::DomainError::invalid("amount", "must be more than 0 and at most 100 billion").into())
        }
        _ => Ok(()),
    }
}

async fn tenant(state: &State, session: &CustomerSession) -> Result<Tenant, ApiError> {
    parties::get_tenant(state.table.as_ref(), &session.tenant)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("tenant {} missing", session.tenant).into()))
}

#[utoipa::path(post, path = "/api/invoices/{id}/pay", tag = "payments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Invoice id (inv_...)")),
    request_body = PayInvoiceRequest,
    responses((status = 200, body = Started), (status = 400, body = portal_http::error::ErrorBody),
              (status = 403, body = portal_http::error::ErrorBody), (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "nothing owed, or a payment is still processing"),
              (status = 422, body = portal_http::error::ErrorBody, description = "more than the balance, or a part this contractor does not take"),
              (status = 503, body = portal_http::error::ErrorBody, description = "Stripe did not answer")))]
pub async fn pay_invoice(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.shows(Section::Invoices)?;
    let id: InvoiceId = path(req, "id", "invoice")?;
    let wanted: PayInvoiceRequest = json_or_default(req, MAX_BODY)?;
    in_range(wanted.amount)?;
    let bundle = invoices::load(state.table.as_ref(), &session.tenant, &session.account, &id)
        .await?
        .filter(|b| session.can_see_invoice(&b.invoice))
        .ok_or(ApiError::NotFound("invoice"))?;
    session.may_pay(PayTarget::Invoice(&id))?;
    let invoice = &bundle.invoice;
    if !invoice.accepts_payment() {
        return Err(ApiError::Conflict("invoice_void", "This invoice was cancelled; there is nothing to pay.".into()));
    }
    if invoice.ledger.balance > 0 && invoice.ledger.payable() == 0 {
        return Err(ApiError::Conflict("payment_processing", "A bank payment for this invoice is still processing.".into()));
    }
    let tenant = tenant(state, &session).await?;
    // Within the balance and the contractor's rules for parts: rules of this invoice now.
    let amount = tenant.payments.invoice_amount(invoice.ledger.payable(), wanted.amount).map_err(unprocessable)?;
    let description = format!("Invoice {} from {}", invoice.number, tenant.name);
    let cancel = format!("{}/invoices/{}", tenant.portal_url, invoice.id);
    let currency = invoice.content.currency.as_str().to_string();
    start(state, &session, &tenant, Document::Invoice(id), &[], amount, currency, description, cancel, req).await
}

#[utoipa::path(post, path = "/api/estimates/{id}/deposit", tag = "payments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Estimate id (est_...)")),
    responses((status = 200, body = Started), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "not approved, no deposit, or already paid"),
              (status = 503, body = portal_http::error::ErrorBody)))]
pub async fn pay_deposit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.shows(Section::Estimates)?;
    let id: EstimateId = path(req, "id", "estimate")?;
    let _: AmountRequest = json_or_default(req, MAX_BODY)?;
    let bundle = estimates::load(state.table.as_ref(), &session.tenant, &session.account, &id)
        .await?
        .filter(|b| b.estimate.status != EstimateStatus::Draft && session.can_see(&b.estimate))
        .ok_or(ApiError::NotFound("estimate"))?;
    session.may_pay(PayTarget::Deposit(&id))?;
    let e = &bundle.estimate;
    let approval = match (e.status, bundle.decisions.get(&e.current_version)) {
        (EstimateStatus::Approved, Some(Decision::Approved(a))) => a,
        _ => return Err(ApiError::Conflict("not_approved", "A deposit is paid once the estimate is approved.".into())),
    };
    // What is already paid or on its way counts against the deposit.
    let due = approval.totals.deposit - bundle.deposit_covered();
    if approval.totals.deposit <= 0 {
        return Err(ApiError::Conflict("no_deposit", "This estimate asks for no deposit.".into()));
    }
    if due <= 0 {
        return Err(ApiError::Conflict("deposit_paid", "The deposit for this estimate is paid.".into()));
    }
    let tenant = tenant(state, &session).await?;
    let description = format!("Deposit for estimate {} from {}", e.number, tenant.name);
    let cancel = format!("{}/estimates/{}", tenant.portal_url, e.id);
    start(state, &session, &tenant, Document::Estimate(id), &[], due, e.currency.as_str().to_string(), description, cancel, req).await
}

#[utoipa::path(post, path = "/api/account/credit", tag = "payments", security(("bearer" = [])),
    request_body = CreditRequest,
    responses((status = 200, body = Started), (status = 403, body = portal_http::error::ErrorBody),
              (status = 422, body = portal_http::error::ErrorBody, description = "outside the contractor's minimum and maximum"),
              (status = 503, body = portal_http::error::ErrorBody)))]
pub async fn buy_credit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.shows(Section::Payments)?;
    let wanted: CreditRequest = json(req, MAX_BODY)?;
    in_range(Some(wanted.amount))?;
    session.needs_account()?;
    session.may_pay(PayTarget::Credit)?;
    let tenant = tenant(state, &session).await?;
    // Within the contractor's minimum and maximum.
    let amount = tenant.payments.credit_amount(wanted.amount).map_err(unprocessable)?;
    let description = format!("Account credit with {}", tenant.name);
    let cancel = format!("{}/payments", tenant.portal_url);
    let currency = tenant.currency.as_str().to_string();
    start(state, &session, &tenant, Document::Account, &[], amount, currency, description, cancel, req).await
}

#[utoipa::path(post, path = "/api/invoices/{id}/apply-credit", tag = "payments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Invoice id (inv_...)")),
    request_body = AmountRequest,
    responses((status = 200, body = Applied), (status = 403, body = portal_http::error::ErrorBody),
              (status = 404, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "no credit available, or nothing owed")))]
pub async fn apply_credit(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.shows(Section::Invoices)?;
    let id: InvoiceId = path(req, "id", "invoice")?;
    let wanted: AmountRequest = json_or_default(req, MAX_BODY)?;
    in_range(wanted.amount)?;
    let (t, a) = (&session.tenant, &session.account);
    invoices::load(state.table.as_ref(), t, a, &id)
        .await?
        .filter(|b| session.can_see_invoice(&b.invoice))
        .ok_or(ApiError::NotFound("invoice"))?;
    // Credit belongs to the account: a link to one invoice does not reach it.
    session.needs_account()?;
    session.may_pay(PayTarget::Invoice(&id))?;
    let now = req.now;
    let applied = portal_app::payments::apply_credit(
        state.table.as_ref(),
        state.ids.as_ref(),
        &id,
        t,
        a,
        wanted.amount,
        None,
        session.actor(),
        &req.origin,
        now,
    )
    .await?;
    if applied == 0 {
        return Err(ApiError::Conflict("no_credit", "There is no credit to apply, or nothing is owed on this invoice.".into()));
    }
    let balance = invoices::load(state.table.as_ref(), t, a, &id).await?.map_or(0, |b| b.invoice.ledger.balance);
    Ok(response::ok(&Applied { applied, balance }))
}

#[utoipa::path(post, path = "/api/account/pay-balance", tag = "payments", security(("bearer" = [])),
    request_body = PayBalanceRequest,
    responses((status = 200, body = Started), (status = 400, body = portal_http::error::ErrorBody),
              (status = 401, body = portal_http::error::ErrorBody), (status = 403, body = portal_http::error::ErrorBody),
              (status = 409, body = portal_http::error::ErrorBody, description = "nothing to pay, the balance changed, or too many invoices"),
              (status = 503, body = portal_http::error::ErrorBody, description = "Stripe did not answer")))]
pub async fn pay_balance(state: &State, req: &Call) -> Result<Response<Body>, ApiError> {
    let session = req.customer(&state.verifier)?;
    session.shows(Section::Invoices)?;
    let wanted: PayBalanceRequest = json_or_default(req, MAX_BODY)?;
    in_range(wanted.amount)?;
    session.needs_account()?;
    // Paying needs the right to pay (a read-only view or a viewer cannot), checked once here
    // so the answer says why rather than "nothing to pay".
    session.may_pay(PayTarget::Credit)?;
    let tenant = tenant(state, &session).await?;
    let all = invoices::list(state.table.as_ref(), &session.tenant, &session.account).await?;
    let due = session.balance_to_pay(&all).ok_or_else(|| {
        ApiError::Conflict("several_currencies", "Your invoices are in more than one currency. Pay them one at a time.".into())
    })?;
    if due.is_empty() {
        return Err(ApiError::Conflict("nothing_owed", "There is nothing to pay right now.".into()));
    }
    let total = payable_total(&due)?;
    if wanted.amount.is_some_and(|a| a != total) {
        return Err(ApiError::Conflict(
            "balance_changed",
            format!("Your balance changed to {}. Check it and pay again.", due[0].content.currency.format(total)),
        ));
    }
    let currency = due[0].content.currency.as_str().to_string();
    let cancel = format!("{}/", tenant.portal_url.trim_end_matches('/'));
    // One invoice is paid as that invoice (its receipt and page are the invoice's).
    if let [one] = due.as_slice() {
        let description = format!("Invoice {} from {}", one.number, tenant.name);
        let document = Document::Invoice(one.id.clone());
        return start(state, &session, &tenant, document, &[], total, currency, description, cancel, req).await;
    }
    if due.len() > portal_domain::payment::MAX_PARTS {
        return Err(ApiError::Conflict(
            "too_many_invoices",
            format!("More than {} invoices are open. Pay them one at a time, or call the office.", portal_domain::payment::MAX_PARTS),
        ));
    }
    let parts: Vec<(InvoiceId, i64)> = due.iter().map(|i| (i.id.clone(), i.ledger.payable())).collect();
    let numbers: Vec<String> = due.iter().map(|i| i.number.clone()).collect();
    let description = format!("Invoices {} from {}", portal_domain::payment::words_list(&numbers), tenant.name);
    start(state, &session, &tenant, Document::Balance, &parts, total, currency, description, cancel, req).await
}

/// Writes the started payment (for "Pay balance", with a started part on each invoice in
/// `parts`, in the same transaction), makes sure the account has a Stripe customer, and opens
/// the Checkout session.
#[allow(clippy::too_many_arguments)]
async fn start(
    state: &State,
    session: &CustomerSession,
    tenant: &Tenant,
    document: Document,
    parts: &[(InvoiceId, i64)],
    amount: i64,
    currency: String,
    description: String,
    cancel_url: String,
    req: &Call,
) -> Result<Response<Body>, ApiError> {
    let (t, a) = (&session.tenant, &session.account);
    let act = req.act(state.table.as_ref(), state.ids.as_ref(), t, session.actor());
    let payment = portal_app::payments::begin(&act, a, PaymentId::generate(state.ids.as_ref()), document.clone(), parts, amount).await?;
    let purpose = document.purpose();
    let customer = customer(state, session, tenant).await?;
    let request = CheckoutRequest {
        tenant: t.to_string(),
        account: a.to_string(),
        document: document.reference(a),
        purpose,
        payment: payment.id.to_string(),
        amount,
        currency: currency.to_ascii_lowercase(),
        description,
        methods: tenant.payments.methods(amount),
        customer,
        success_url: format!("{}/payments/{}", tenant.portal_url, payment.id),
        cancel_url,
        idempotency_key: format!("checkout-{t}-{}", payment.id),
    };
    let checkout =
        state.payments.checkout(&request).await.map_err(|e| {
            ApiError::Unavailable("Online payments are not available right now. Please try again in a minute.", Box::new(e))
        })?;
    // Remember the session on the payment (for the office and for support); losing this race
    // to Stripe's first event only loses the note, never money.
    let mut noted = payment.clone();
    noted.checkout_session = Some(checkout.id.clone());
    noted.rev += 1;
    if let Err(e) = state.table.transact(vec![payments::save(t, a, &noted, payment.rev)?]).await {
        tracing::info!(error = %e, payment = %payment.id, "checkout session not noted on the payment");
    }
    tracing::info!(payment = %payment.id, purpose = purpose.as_str(), amount, "checkout opened");
    Ok(response::ok(&Started { payment: payment.id.to_string(), purpose, amount, currency, checkout_url: checkout.url }))
}

/// The account's Stripe customer, made on its first online payment so saved methods are
/// offered next time. A failure here does not stop the payment: Checkout works without one.
async fn customer(state: &State, session: &CustomerSession, tenant: &Tenant) -> Result<Option<String>, ApiError> {
    let Some(account) = parties::get_account(state.table.as_ref(), &session.tenant, &session.account).await? else {
        return Ok(None);
    };
    if account.stripe_customer.is_some() {
        return Ok(account.stripe_customer);
    }
    let contact = parties::get_contact(state.table.as_ref(), &session.tenant, &session.account, &session.contact).await?;
    let request = CustomerRequest {
        tenant: tenant.id.to_string(),
        account: account.id.to_string(),
        name: account.name.clone(),
        email: contact.and_then(|c| c.email.map(|e| e.as_str().to_string())),
        idempotency_key: format!("customer-{}-{}", tenant.id, account.id),
    };
    match state.payments.create_customer(&request).await {
        Ok(id) => {
            let mut with = account.clone();
            with.stripe_customer = Some(id.clone());
            if let Err(e) = parties::set_stripe_customer(state.table.as_ref(), &with).await {
                tracing::info!(error = %e, "stripe customer not saved on the account");
            }
            Ok(Some(id))
        }
        Err(e) => {
            tracing::warn!(error = %e, "creating the Stripe customer failed; paying without one");
            Ok(None)
        }
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(pay_invoice, pay_deposit, buy_credit, apply_credit, pay_balance))]
pub struct Api;
