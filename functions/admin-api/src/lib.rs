//! admin-api: what the contractor's office does from the admin page. `lib.rs` holds the route
//! table and the OpenAPI document; each feature is one module:
//!
//! - [`customers`]: the staff member (`me`), the customer list and search, new customers, a
//!   customer's page.
//! - [`contacts`]: contacts and properties; portal invitations, access, withdrawing links.
//! - [`estimates`]: built, sent, revised, voided; every customer's estimates by status.
//! - [`approvals`]: approvals recorded by the office (paper, phone), moving a deposit.
//! - [`invoices`]: from an approved estimate or from scratch, sent, voided; lists by status.
//! - [`jobs`]: jobs and visits, requests, equipment and agreements; the schedule.
//! - [`tech`]: the technician's phone: their visits, on my way, arrived, completed.
//! - [`payments`]: offline payments through the same ledger.
//! - [`activity`]: the audit log of a customer and of a document.
//! - [`staff`]: staff, invited and removed by owners.
//! - [`settings`]: the contractor's settings.
//! - [`adoption`]: the adoption figures.
//! - [`common`]: what they share: session, tenant, account, paging, audit entries, links.
//!
//! Every route needs a staff token (admin audience; a customer token never verifies here);
//! owners and office staff change things, technicians only read. The tenant always comes from
//! the token, so staff of one contractor never reach another's data.
//!
//! # One function or several
//!
//! One function serves the office's routes while they share its weight: the office is a
//! handful of people on one page, so one warm function answers them all with one cold start.
//! A feature becomes a function of its own when it brings heavy code or a different trigger:
//! image decoding (photos, the logo and scans live in `media`), MIME parsing (inbound mail), a
//! schedule or a bucket event, or anything that would take this binary past its size budget
//! (DESIGN.md §9) or add a second of cold start. Its office routes then move to that function
//! and stay under `/api/admin/`; the route table says which function answers each.

pub mod activity;
pub mod adoption;
pub mod approvals;
pub mod common;
pub mod contacts;
pub mod customers;
pub mod estimates;
pub mod invoices;
pub mod jobs;
pub mod payments;
pub mod settings;
pub mod staff;
pub mod tech;

pub use portal_app::invoices::FIRST_INVOICE_NUMBER;

portal_http::base_state!("admin-api");

portal_http::http_function! {
    name: "admin-api",
    routes: {
        "GET /api/admin/me" => customers::me,
        "GET /api/admin/customers" => customers::list_customers,
        "POST /api/admin/customers" => customers::create_customer,
        "GET /api/admin/customers/{account}" => customers::customer,
        "POST /api/admin/customers/{account}/contacts" => contacts::add_contact,
        "POST /api/admin/customers/{account}/properties" => contacts::add_property,
        "PUT /api/admin/customers/{account}/contacts/{contact}" => contacts::edit_contact,
        "DELETE /api/admin/customers/{account}/contacts/{contact}" => contacts::remove_contact,
        "PUT /api/admin/customers/{account}/properties/{property}" => contacts::edit_property,
        "DELETE /api/admin/customers/{account}/properties/{property}" => contacts::remove_property,
        "POST /api/admin/customers/{account}/invoices" => invoices::create_invoice,
        "GET /api/admin/customers/{account}/invoices/{invoice}" => invoices::get,
        "POST /api/admin/customers/{account}/invoices/{invoice}/payments" => payments::record_payment,
        "POST /api/admin/customers/{account}/invoices/{invoice}/void" => invoices::void_invoice,
        "POST /api/admin/customers/{account}/invoices/{invoice}/send" => invoices::send,
        "GET /api/admin/customers/{account}/audit" => activity::audit_log,
        "GET /api/admin/invoices" => invoices::list_invoices,
        "POST /api/admin/customers/{account}/estimates" => estimates::create,
        "GET /api/admin/customers/{account}/estimates/{estimate}" => estimates::get,
        "PUT /api/admin/customers/{account}/estimates/{estimate}" => estimates::edit,
        "POST /api/admin/customers/{account}/estimates/{estimate}/send" => estimates::send,
        "POST /api/admin/customers/{account}/estimates/{estimate}/revise" => estimates::revise,
        "POST /api/admin/customers/{account}/estimates/{estimate}/void" => estimates::void,
        "POST /api/admin/customers/{account}/estimates/{estimate}/move-deposit" => approvals::move_deposit,
        "POST /api/admin/customers/{account}/estimates/{estimate}/record-approval" => approvals::record_approval,
        "POST /api/admin/customers/{account}/contacts/{contact}/invite" => contacts::invite_contact,
        "POST /api/admin/customers/{account}/contacts/{contact}/access" => contacts::set_access,
        "POST /api/admin/customers/{account}/contacts/{contact}/withdraw-links" => contacts::withdraw_links,
        "GET /api/admin/staff" => staff::list_staff,
        "POST /api/admin/staff" => staff::invite_staff,
        "POST /api/admin/staff/{staff}/remove" => staff::remove_staff,
        "GET /api/admin/settings" => settings::get,
        "PUT /api/admin/settings" => settings::put,
        "GET /api/admin/adoption" => adoption::adoption,
        "GET /api/admin/documents/{subject}/audit" => activity::document_audit,
        "GET /api/admin/estimates" => estimates::list_estimates,
        "PUT /api/admin/staff/{staff}/profile" => staff::set_profile,
        "GET /api/admin/jobs" => jobs::list_jobs,
        "GET /api/admin/schedule" => jobs::schedule_view,
        "GET /api/admin/customers/{account}/jobs" => jobs::customer_work,
        "POST /api/admin/customers/{account}/jobs" => jobs::create,
        "GET /api/admin/customers/{account}/jobs/{job}" => jobs::get,
        "PUT /api/admin/customers/{account}/jobs/{job}" => jobs::edit,
        "POST /api/admin/customers/{account}/jobs/{job}/actions" => jobs::job_action,
        "POST /api/admin/customers/{account}/jobs/{job}/visits" => jobs::schedule,
        "PUT /api/admin/customers/{account}/jobs/{job}/visits/{visit}" => jobs::edit_visit,
        "POST /api/admin/customers/{account}/jobs/{job}/visits/{visit}/move" => jobs::move_visit,
        "POST /api/admin/customers/{account}/jobs/{job}/visits/{visit}/cancel" => jobs::cancel_visit,
        "POST /api/admin/customers/{account}/jobs/{job}/requests/{request}/decline" => jobs::decline_request,
        "POST /api/admin/customers/{account}/properties/{property}/equipment" => jobs::add_equipment,
        "POST /api/admin/customers/{account}/agreements" => jobs::create_agreement,
        "PUT /api/admin/customers/{account}/properties/{property}/equipment/{equipment}" => jobs::edit_equipment,
        "DELETE /api/admin/customers/{account}/properties/{property}/equipment/{equipment}" => jobs::remove_equipment,
        "POST /api/admin/customers/{account}/agreements/{agreement}/cancel" => jobs::cancel_agreement,
        "GET /api/admin/tech/visits" => tech::my_visits,
        "POST /api/admin/customers/{account}/jobs/{job}/visits/{visit}/depart" => tech::depart,
        "POST /api/admin/customers/{account}/jobs/{job}/visits/{visit}/arrive" => tech::arrive,
        "POST /api/admin/customers/{account}/jobs/{job}/visits/{visit}/finish" => tech::finish,
    },
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    customers::me,
    customers::list_customers,
    customers::create_customer,
    customers::customer,
    contacts::add_contact,
    contacts::add_property,
    contacts::edit_contact,
    contacts::remove_contact,
    contacts::edit_property,
    contacts::remove_property,
    invoices::create_invoice,
    payments::record_payment,
    invoices::void_invoice,
    invoices::send,
    activity::audit_log,
    invoices::list_invoices,
    estimates::create,
    estimates::get,
    estimates::edit,
    estimates::send,
    estimates::revise,
    estimates::void,
    approvals::move_deposit,
    approvals::record_approval,
    invoices::get,
    contacts::invite_contact,
    contacts::set_access,
    contacts::withdraw_links,
    staff::list_staff,
    staff::invite_staff,
    staff::remove_staff,
    settings::get,
    settings::put,
    adoption::adoption,
    activity::document_audit,
    estimates::list_estimates,
    staff::set_profile,
    jobs::list_jobs,
    jobs::schedule_view,
    jobs::customer_work,
    jobs::create,
    jobs::get,
    jobs::edit,
    jobs::job_action,
    jobs::schedule,
    jobs::edit_visit,
    jobs::move_visit,
    jobs::cancel_visit,
    jobs::decline_request,
    jobs::add_equipment,
    jobs::create_agreement,
    jobs::edit_equipment,
    jobs::remove_equipment,
    jobs::cancel_agreement,
    tech::my_visits,
    tech::depart,
    tech::arrive,
    tech::finish
))]
pub struct Api;
