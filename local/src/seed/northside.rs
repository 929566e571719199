//! The second demo contractor, Northside Plumbing & Heating (Calgary, America/Edmonton, CAD,
//! 5 % GST): another trade, time zone and currency, with records of the same shapes as the
//! first (customers, contacts, properties, estimates sent, approved with a deposit and drafted,
//! invoices partly paid and open). Its real ids and tokens are what the cross-tenant tests use:
//! a query that forgot the tenant would find them.
use jiff::ToSpan;
use portal_app::Error;
use portal_domain::estimate::{Approval, Decision, DepositRule, EstimateStatus, totals};
use portal_domain::ids::TenantId;
use portal_domain::invoice::PaymentMethod;
use portal_domain::money::Currency;
use portal_domain::party::{AccountKind, Branding, ContactRole, EstimateDefaults, StaffRole, Tenant};
use portal_domain::payments::PaymentRules;

use super::{Customer, DEMO_SIGNATURE, Paid, Seeder, id, id_email, id_phone, line, property};

pub const TENANT: &str = "ten_northside";
/// Erik Lindqvist, a homeowner (approver).
pub const CUSTOMER: (&str, &str) = ("acc_lindqvist", "con_erik");
pub const STAFF: &str = "stf_riley";
pub const STAFF_NAME: &str = "Riley Thompson";
/// The boiler replacement waiting for Erik's decision.
pub const ESTIMATE: &str = "est_boiler";
/// The water heater invoice, partly paid.
pub const INVOICE: &str = "inv_waterheater";
/// Numbers the demo used; the office goes on from the next.
pub const LAST_INVOICE: i64 = 5002;
pub const LAST_ESTIMATE: i64 = 3003;

const TERMS: &str = "Workmanship guaranteed for one year, parts per the maker's warranty. \
Balance due within 30 days of completion.";

/// The contractor, as the office would have set it up.
pub(super) fn tenant(tenant_id: TenantId, public_url: &str) -> Result<Tenant, Error> {
    Ok(Tenant {
        id: tenant_id,
        slug: "northside".into(),
        name: "Northside Plumbing & Heating".into(),
        time_zone: "America/Edmonton".into(),
        currency: Currency::try_from("CAD".to_string())?,
        branding: Branding { logo_url: None, primary_color: "#1f6f5c".into(), accent_color: "#e07a1f".into() },
        support_email: Some(id_email("office@northside.example")),
        support_phone: Some(id_phone("+1 403 555 0170")),
        portal_url: public_url.trim_end_matches('/').to_string(),
        welcome_message: "Your Northside Plumbing & Heating portal: quotes, invoices and payments.".into(),
        locale: "en-CA".into(),
        sections: Default::default(),
        payments: PaymentRules {
            partial_allowed: false,
            default_deposit: Some(DepositRule::Percent { percent: "10".parse().unwrap_or_default() }),
            ach_minimum: None,
            ..PaymentRules::default()
        },
        address: "88 Centre Street N, Calgary, AB T2E 2P6".into(),
        notification_email: Some(id_email("office@northside.example")),
        estimate_defaults: EstimateDefaults { tax_rate: "5".parse().unwrap_or_default(), terms: TERMS.into() },
        working_hours: Default::default(),
        files: Default::default(),
        review_links: portal_domain::review::ReviewLinks {
            google: None,
            facebook: None,
            yelp: Some("https://www.yelp.com/writeareview/biz/northside-plumbing".into()),
        },
        requests: portal_domain::request::RequestSettings {
            categories: ["Leak", "Water heater", "Drain", "Fixture install", "Other"].map(String::from).to_vec(),
            emergency_text: "For a burst pipe, turn off the main water valve, then call us now.".into(),
            workmanship_months: 24,
        },
    })
}

pub(super) async fn populate(s: &Seeder<'_>) -> Result<(), Error> {
    let today = s.today();
    let in_days = |d: i64| today.checked_add(d.days()).unwrap_or(today);
    let staff = [
        (STAFF, STAFF_NAME, "riley@northside.example", StaffRole::Owner),
        ("stf_quinn", "Quinn Morales", "quinn@northside.example", StaffRole::Technician),
    ];
    s.contractor(&staff, LAST_INVOICE, LAST_ESTIMATE).await?;
    let contact = |cid, aid, name, email, phone, role| s.person(cid, aid, name, Some(email), phone, role, None);
    let account = |aid, name, kind| s.account(aid, name, kind);
    s.customer(Customer {
        account: account(CUSTOMER.0, "Erik Lindqvist", AccountKind::Residential),
        contacts: vec![contact(
            CUSTOMER.1,
            CUSTOMER.0,
            "Erik Lindqvist",
            "erik@example.ca",
            Some("+1 403 555 0133"),
            ContactRole::Approver,
        )],
        properties: vec![property("prp_birch", "Home", "312 Birch Avenue NW", "Calgary", "AB", "T2N 1A1", "CA")],
    })
    .await?;
    s.customer(Customer {
        account: account("acc_pinecrest", "Pinecrest Condominiums", AccountKind::Commercial),
        contacts: vec![contact("con_mei", "acc_pinecrest", "Mei Tanaka", "mei@pinecrest.example", None, ContactRole::Billing)],
        properties: vec![property("prp_pinecrest", "Pinecrest Condominiums", "1500 14 Street SW", "Calgary", "AB", "T3C 1C9", "CA")],
    })
    .await?;

    // Erik: a boiler replacement, sent and waiting.
    let boiler = s.content(
        "Boiler replacement",
        "Remove the 1990s cast-iron boiler; install a high-efficiency condensing boiler with a new venting kit and a gas permit.",
        vec![
            line("li_boiler_unit", "Condensing boiler, 120,000 BTU", "1", 689_000, true),
            line("li_boiler_vent", "Venting kit and condensate neutraliser", "1", 54_000, true),
            line("li_boiler_labour", "Plumber labour (hours)", "10", 12_500, true),
        ],
        vec![],
        in_days(30),
    );
    s.estimate(CUSTOMER.0, ESTIMATE, "E-3001", Some("prp_birch"), EstimateStatus::Sent, vec![boiler], None, 2).await?;
    // A water heater, approved with a 10 % deposit paid by card, invoiced and partly paid.
    let mut heater = s.content(
        "Water heater replacement",
        "Replace the 40-gallon tank with a 50-gallon power-vent heater.",
        vec![
            line("li_heater_unit", "50-gallon power-vent water heater", "1", 245_000, true),
            line("li_heater_labour", "Plumber labour (hours)", "4", 12_500, true),
        ],
        vec![],
        in_days(14),
    );
    heater.deposit = Some(DepositRule::Percent { percent: "10".parse().unwrap_or_default() });
    let heater_totals = totals(&heater, &heater.default_selection())?;
    let approval = Decision::Approved(Box::new(Approval {
        version: 1,
        selection: Default::default(),
        totals: heater_totals,
        signer_name: "Erik Lindqvist".into(),
        signature_png: DEMO_SIGNATURE.into(),
        by: id(CUSTOMER.1),
        at: s.days_ago(10),
        ip: "198.51.100.7".into(),
        user_agent: "Mozilla/5.0 (Linux; Android 15) Mobile".into(),
        version_fingerprint: heater.fingerprint(),
        offline: None,
    }));
    s.estimate(
        CUSTOMER.0,
        "est_waterheater",
        "E-3002",
        Some("prp_birch"),
        EstimateStatus::Approved,
        vec![heater.clone()],
        Some(approval),
        12,
    )
    .await?;
    s.deposit(CUSTOMER.0, "est_waterheater", "pay_heater_deposit", heater_totals.deposit).await?;
    let card = Paid { id: "pay_heater_card", amount: 100_000, method: PaymentMethod::Card, settled: true, days_ago: 1 };
    s.invoice(
        CUSTOMER.0,
        INVOICE,
        "INV-5001",
        "Water heater replacement",
        heater.items,
        Some("est_waterheater"),
        ("prp_birch", "Home"),
        20,
        &[card],
    )
    .await?;
    // Pinecrest: a drain camera inspection invoiced, and a repiping estimate still a draft.
    let drain = vec![line("li_drain_camera", "Drain camera inspection", "1", 32_000, true)];
    s.invoice(
        "acc_pinecrest",
        "inv_draincamera",
        "INV-5002",
        "Drain camera inspection",
        drain,
        None,
        ("prp_pinecrest", "Pinecrest Condominiums"),
        25,
        &[],
    )
    .await?;
    let repipe = s.content(
        "Repiping, building B",
        "Replace the galvanised supply lines of building B with PEX.",
        vec![line("li_repipe", "PEX repiping (per unit)", "12", 185_000, true)],
        vec![],
        in_days(45),
    );
    s.estimate("acc_pinecrest", "est_repipe", "E-3003", Some("prp_pinecrest"), EstimateStatus::Draft, vec![repipe], None, 0).await?;
    super::work::northside(s).await?;
    super::messages::northside(s).await?;
    super::requests::northside(s).await?;
    super::files::records(s.table, "ten_northside", s.now).await
}
