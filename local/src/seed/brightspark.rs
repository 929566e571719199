//! The first demo contractor, Bright Spark Electric (Austin, America/Chicago, USD):
//! customers (a household, a property manager with two contacts, a phone-only customer),
//! properties and estimates in every state, one with option groups and a deposit, one revised
//! into a second version; invoices open, partly paid (by bank debit, by cheque), paid and
//! credited with a deposit.
use jiff::ToSpan;
use portal_app::Error;
use portal_domain::estimate::{
    Approval, Decision, DepositRule, EstimateOption, EstimateStatus, GroupKind, LineComment, OptionGroup, totals,
};
use portal_domain::ids::PropertyId;
use portal_domain::money::Currency;
use portal_domain::party::{AccountKind, Branding, ContactRole, StaffRole, Tenant};
use portal_domain::payments::PaymentRules;

use super::{Customer, DEMO_SIGNATURE, Paid, Seeder, id, id_email, id_phone, line, property};

pub(super) const TERMS: &str = "Prices include permits and inspection. Work is guaranteed for two years. \
Balance due within 15 days of completion. Changes to the scope after approval are quoted separately.";

pub const TENANT: &str = "ten_brightspark";
pub const CUSTOMER: (&str, &str) = ("acc_whitfield", "con_dana");
pub const STAFF: &str = "stf_morgan";
pub const PANEL_ESTIMATE: &str = "est_panel";

/// Where Dana's invoices are for.
const HOME: (&str, &str) = ("prp_maple", "Home");

/// The contractor, as the office would have set it up.
pub(super) fn tenant(tenant_id: portal_domain::ids::TenantId, public_url: &str) -> Tenant {
    Tenant {
        id: tenant_id,
        slug: "bright-spark".into(),
        name: "Bright Spark Electric".into(),
        time_zone: "America/Chicago".into(),
        currency: Currency::usd(),
        branding: Branding {
            logo_url: Some("/brand/bright-spark.svg".into()),
            primary_color: "#0b5cad".into(),
            accent_color: "#f5a524".into(),
        },
        support_email: Some(id_email("office@brightspark.example")),
        support_phone: Some(id_phone("+1 512 555 0100")),
        portal_url: public_url.trim_end_matches('/').to_string(),
        welcome_message: "Welcome to your Bright Spark Electric portal: estimates, invoices and payments in one place.".into(),
        locale: "en-US".into(),
        sections: Default::default(),
        payments: PaymentRules {
            partial_allowed: true,
            partial_minimum: 5_000,
            default_deposit: Some(DepositRule::Percent { percent: "25".parse().unwrap_or_default() }),
            ach_minimum: Some(50_000),
            card_fee_disclosure: Some("No fee for paying by card.".into()),
            ..PaymentRules::default()
        },
        address: "1200 Congress Avenue, Austin, TX 78701".into(),
        notification_email: Some(id_email("office@brightspark.example")),
        estimate_defaults: portal_domain::party::EstimateDefaults { tax_rate: "8.25".parse().unwrap_or_default(), terms: TERMS.into() },
        working_hours: Default::default(),
        files: Default::default(),
        review_links: portal_domain::review::ReviewLinks {
            google: Some("https://g.page/r/bright-spark-electric/review".into()),
            facebook: Some("https://www.facebook.com/brightsparkelectric/reviews".into()),
            yelp: None,
        },
        requests: Default::default(),
    }
}

#[allow(clippy::too_many_lines)]
pub(super) async fn populate(s: &Seeder<'_>) -> Result<(), Error> {
    let today = s.today();
    let in_days = |d: i64| today.checked_add(d.days()).unwrap_or(today);

    // People and places.
    let staff = [
        (STAFF, "Morgan Reyes", "morgan@brightspark.example", StaffRole::Owner),
        ("stf_jordan", "Jordan Lee", "jordan@brightspark.example", StaffRole::Office),
        ("stf_casey", "Casey Nguyen", "casey@brightspark.example", StaffRole::Technician),
    ];
    // The demo's invoices run to INV-2044 and estimates to E-1060; the office goes on from there.
    s.contractor(&staff, 2044, 1060).await?;
    let contact = |cid, aid, name, email, phone, role, properties| s.person(cid, aid, name, email, phone, role, properties);
    let account = |aid, name, kind| s.account(aid, name, kind);
    s.customer(Customer {
        account: account("acc_whitfield", "Dana Whitfield", AccountKind::Residential),
        contacts: vec![contact(
            CUSTOMER.1,
            "acc_whitfield",
            "Dana Whitfield",
            Some("dana@example.com"),
            Some("+1 512 555 0142"),
            ContactRole::Approver,
            None,
        )],
        properties: vec![property("prp_maple", "Home", "1842 Maple Street", "Austin", "TX", "78704", "US")],
    })
    .await?;
    s.customer(Customer {
        account: account("acc_harbor", "Harbor View Property Management", AccountKind::Commercial),
        contacts: vec![
            contact("con_alex", "acc_harbor", "Alex Chen", Some("alex@harborview.example"), None, ContactRole::Approver, None),
            contact(
                "con_priya",
                "acc_harbor",
                "Priya Patel",
                Some("priya@harborview.example"),
                None,
                ContactRole::Billing,
                Some(vec![id::<PropertyId>("prp_lakeside")]),
            ),
        ],
        properties: vec![
            property("prp_lakeside", "Lakeside Apartments", "400 Lakeshore Drive", "Austin", "TX", "78741", "US"),
            property("prp_oakridge", "Oak Ridge Plaza", "2210 Oak Ridge Road", "Round Rock", "TX", "78664", "US"),
        ],
    })
    .await?;
    s.customer(Customer {
        account: account("acc_ortiz", "Sam Ortiz", AccountKind::Residential),
        contacts: vec![contact("con_sam", "acc_ortiz", "Sam Ortiz", None, Some("+1 512 555 0188"), ContactRole::Approver, None)],
        properties: vec![property("prp_ortiz", "Home", "77 Pecan Lane", "Pflugerville", "TX", "78660", "US")],
    })
    .await?;

    // Dana: the panel upgrade with options and a deposit, waiting for a decision.
    let mut panel = s.content(
        "Main panel upgrade",
        "Replace the 1970s 100 A main panel with a new panel, new breakers and a code-compliant ground. \
         Includes the utility disconnect and reconnect, permit and city inspection.",
        vec![
            line("li_permit", "Permit and inspection", "1", 32_500, false),
            line("li_labor", "Electrician labor (hours)", "8", 11_500, false),
            line("li_ground", "Grounding electrode system", "1", 38_000, true),
        ],
        vec![
            OptionGroup {
                id: id("grp_panel"),
                name: "Panel size".into(),
                kind: GroupKind::OneOf,
                options: vec![
                    EstimateOption {
                        id: id("opt_100a"),
                        name: "100 A panel".into(),
                        description: "Same capacity as today. Fine if you are not adding big loads.".into(),
                        items: vec![line("li_p100", "100 A panel with breakers", "1", 89_000, true)],
                        recommended: false,
                    },
                    EstimateOption {
                        id: id("opt_200a"),
                        name: "200 A panel".into(),
                        description: "Room for an EV charger, heat pump or hot tub later.".into(),
                        items: vec![
                            line("li_p200", "200 A panel with breakers", "1", 142_000, true),
                            line("li_service", "Service entrance cable upgrade", "1", 46_000, true),
                        ],
                        recommended: true,
                    },
                ],
            },
            OptionGroup {
                id: id("grp_addons"),
                name: "Add-ons".into(),
                kind: GroupKind::AnyOf,
                options: vec![
                    EstimateOption {
                        id: id("opt_surge"),
                        name: "Whole-home surge protector".into(),
                        description: "Protects appliances and electronics from surges.".into(),
                        items: vec![line("li_surge", "Type 2 surge protective device, installed", "1", 32_500, true)],
                        recommended: true,
                    },
                    EstimateOption {
                        id: id("opt_labels"),
                        name: "Circuit mapping and labels".into(),
                        description: "Every breaker traced and labelled.".into(),
                        items: vec![line("li_labels", "Circuit tracing (hours)", "2.5", 9_500, false)],
                        recommended: false,
                    },
                ],
            },
        ],
        in_days(30),
    );
    panel.deposit = Some(DepositRule::Percent { percent: "25".parse().unwrap_or_default() });
    s.estimate("acc_whitfield", PANEL_ESTIMATE, "E-1042", Some("prp_maple"), EstimateStatus::Sent, vec![panel], None, 2).await?;

    // Dana: an EV charger estimate revised after she asked for changes; version 2 is waiting.
    let ev1 = s.content(
        "EV charger circuit",
        "New 60 A circuit from the panel to the garage for a Level 2 charger.",
        vec![
            line("li_ev_circuit", "60 A circuit, 45 ft run", "1", 98_000, true),
            line("li_ev_trench", "Trenching to detached garage", "1", 65_000, false),
            line("li_ev_labor", "Labor (hours)", "5", 11_500, false),
        ],
        vec![],
        in_days(20),
    );
    let mut ev2 = ev1.clone();
    ev2.items =
        vec![line("li_ev_circuit", "40 A circuit, 45 ft run", "1", 76_000, true), line("li_ev_labor", "Labor (hours)", "4", 11_500, false)];
    s.estimate("acc_whitfield", "est_evcharger", "E-1051", Some("prp_maple"), EstimateStatus::Viewed, vec![ev1, ev2], None, 1).await?;

    // Dana: approved, declined, expired, void and draft estimates.
    let kitchen = s.content(
        "Kitchen lighting",
        "Six LED recessed lights on a dimmer.",
        vec![line("li_cans", "LED recessed light, installed", "6", 14_500, true), line("li_dimmer", "Dimmer switch", "1", 8_500, true)],
        vec![],
        in_days(10),
    );
    let kitchen_totals = totals(&kitchen, &kitchen.default_selection())?;
    let approval = Decision::Approved(Box::new(Approval {
        version: 1,
        selection: Default::default(),
        totals: kitchen_totals,
        signer_name: "Dana Whitfield".into(),
        signature_png: DEMO_SIGNATURE.into(),
        by: id(CUSTOMER.1),
        at: s.days_ago(3),
        ip: "203.0.113.24".into(),
        user_agent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)".into(),
        version_fingerprint: kitchen.fingerprint(),
        offline: None,
    }));
    s.estimate(
        "acc_whitfield",
        "est_kitchen",
        "E-1007",
        Some("prp_maple"),
        EstimateStatus::Approved,
        vec![kitchen.clone()],
        Some(approval),
        6,
    )
    .await?;
    // The kitchen job is done and invoiced; Dana paid by bank transfer (ACH), which has not
    // settled yet. Stripe's events for that payment (events/stripe-webhook/) move it on.
    use portal_domain::invoice::PaymentMethod;
    let kitchen_ach = Paid { id: "pay_kitchen_ach", amount: 0, method: PaymentMethod::Ach, settled: false, days_ago: 1 };
    let kitchen_ach = Paid { amount: totals(&kitchen, &kitchen.default_selection())?.total, ..kitchen_ach };
    s.invoice(
        "acc_whitfield",
        "inv_kitchen",
        "INV-2031",
        "Kitchen lighting",
        kitchen.items.clone(),
        Some("est_kitchen"),
        HOME,
        15,
        &[kitchen_ach],
    )
    .await?;
    // A service call to pay in full (by card: below the bank-debit minimum).
    let service = vec![
        line("li_svc_call", "Service call", "1", 14_500, false),
        line("li_svc_breaker", "20 A breaker, replaced", "1", 6_800, true),
        line("li_svc_labor", "Labor (hours)", "1", 11_500, false),
    ];
    s.invoice("acc_whitfield", "inv_service", "INV-2040", "Service call: tripping breaker", service, None, HOME, 12, &[]).await?;
    // A generator hookup, partly paid by cheque; the rest can be paid in parts, or by bank.
    let generator = vec![
        line("li_gen_switch", "200 A automatic transfer switch", "1", 285_000, true),
        line("li_gen_pad", "Generator pad and whip", "1", 62_000, true),
        line("li_gen_labor", "Labor (hours)", "12", 11_500, false),
    ];
    let cheque = Paid { id: "pay_generator_cheque", amount: 100_000, method: PaymentMethod::Offline, settled: true, days_ago: 1 };
    s.invoice("acc_whitfield", "inv_generator", "INV-2036", "Standby generator hookup", generator, None, HOME, 5, &[cheque]).await?;
    // A bathroom fan: its deposit was paid by card at approval and is credited on the invoice.
    let fan = s.content(
        "Bathroom exhaust fan",
        "Quiet exhaust fan with humidity sensor, ducted outside.",
        vec![
            line("li_fan_unit", "Exhaust fan with humidity sensor", "1", 32_000, true),
            line("li_fan_labor", "Labor (hours)", "2", 11_500, false),
        ],
        vec![],
        in_days(20),
    );
    let mut fan = fan;
    fan.deposit = Some(DepositRule::Fixed { amount: 15_000 });
    let fan_totals = totals(&fan, &fan.default_selection())?;
    let fan_approval = Decision::Approved(Box::new(Approval {
        version: 1,
        selection: Default::default(),
        totals: fan_totals,
        signer_name: "Dana Whitfield".into(),
        signature_png: DEMO_SIGNATURE.into(),
        by: id(CUSTOMER.1),
        at: s.days_ago(6),
        ip: "203.0.113.24".into(),
        user_agent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)".into(),
        version_fingerprint: fan.fingerprint(),
        offline: None,
    }));
    s.estimate(
        "acc_whitfield",
        "est_bathfan",
        "E-1012",
        Some("prp_maple"),
        EstimateStatus::Approved,
        vec![fan.clone()],
        Some(fan_approval),
        8,
    )
    .await?;
    s.deposit("acc_whitfield", "est_bathfan", "pay_bathfan_deposit", fan_totals.deposit).await?;
    s.invoice("acc_whitfield", "inv_bathfan", "INV-2044", "Bathroom exhaust fan", fan.items.clone(), Some("est_bathfan"), HOME, 20, &[])
        .await?;
    let hottub = s.content(
        "Hot tub disconnect",
        "50 A GFCI disconnect and circuit for a hot tub.",
        vec![line("li_tub", "50 A GFCI spa disconnect and circuit", "1", 124_000, true)],
        vec![],
        in_days(5),
    );
    let declined =
        Decision::Declined { reason: "We decided not to buy the hot tub this year.".into(), by: id(CUSTOMER.1), at: s.days_ago(3) };
    s.estimate("acc_whitfield", "est_hottub", "E-0998", Some("prp_maple"), EstimateStatus::Declined, vec![hottub], Some(declined), 9)
        .await?;
    let attic = s.content(
        "Attic fan",
        "Attic ventilation fan with thermostat.",
        vec![line("li_fan", "Attic fan, installed", "1", 46_000, true)],
        vec![],
        in_days(-3),
    );
    s.estimate("acc_whitfield", "est_attic", "E-0990", Some("prp_maple"), EstimateStatus::Sent, vec![attic], None, 33).await?;
    let porch = s.content(
        "Porch light",
        "Replace porch light.",
        vec![line("li_porch", "Porch light, installed", "1", 18_000, true)],
        vec![],
        in_days(25),
    );
    s.estimate("acc_whitfield", "est_porch", "E-0985", Some("prp_maple"), EstimateStatus::Void, vec![porch], None, 40).await?;
    let outlets = s.content(
        "Garage outlets",
        "Two GFCI outlets in the garage.",
        vec![line("li_gfci", "GFCI outlet", "2", 16_500, true)],
        vec![],
        in_days(30),
    );
    s.estimate("acc_whitfield", "est_outlets", "E-1060", Some("prp_maple"), EstimateStatus::Draft, vec![outlets], None, 0).await?;

    // Harbor View: a commercial retrofit with a fixed deposit, and one with changes requested.
    let mut lot = s.content(
        "Parking lot lighting retrofit",
        "Replace 14 metal-halide pole lights with LED fixtures and photocell control.",
        vec![
            line("li_fixtures", "LED area light fixture", "14", 61_000, true),
            line("li_lift", "Bucket truck (days)", "2", 85_000, false),
            line("li_lot_labor", "Labor (hours)", "28", 11_500, false),
        ],
        vec![OptionGroup {
            id: id("grp_controls"),
            name: "Controls".into(),
            kind: GroupKind::OneOf,
            options: vec![
                EstimateOption {
                    id: id("opt_photocell"),
                    name: "Photocells".into(),
                    description: String::new(),
                    items: vec![line("li_photo", "Photocell", "14", 4_500, true)],
                    recommended: true,
                },
                EstimateOption {
                    id: id("opt_smart"),
                    name: "Networked dimming controls".into(),
                    description: "Schedules and motion dimming from a web dashboard.".into(),
                    items: vec![line("li_smart", "Networked node", "14", 19_000, true)],
                    recommended: false,
                },
            ],
        }],
        in_days(45),
    );
    lot.deposit = Some(DepositRule::Fixed { amount: 500_000 });
    s.estimate("acc_harbor", "est_parkinglot", "E-1049", Some("prp_oakridge"), EstimateStatus::Sent, vec![lot], None, 3).await?;
    let hall = s.content(
        "Hallway emergency lighting",
        "Replace 22 emergency lights and exit signs at Lakeside Apartments.",
        vec![line("li_exit", "Combo exit sign and emergency light", "22", 21_000, true)],
        vec![],
        in_days(30),
    );
    let changes = Decision::ChangesRequested {
        comment: "Please quote the self-testing model.".into(),
        line_comments: vec![LineComment { item: id("li_exit"), comment: "Self-testing units, please.".into() }],
        by: id("con_alex"),
        at: s.days_ago(1),
    };
    s.estimate("acc_harbor", "est_hallway", "E-1046", Some("prp_lakeside"), EstimateStatus::ChangesRequested, vec![hall], Some(changes), 4)
        .await?;

    // Sam (phone only): smoke detectors.
    let smoke = s.content(
        "Smoke detector replacement",
        "Replace 7 hardwired smoke detectors with combination smoke and CO alarms.",
        vec![line("li_smoke", "Combination smoke/CO alarm, installed", "7", 9_800, true)],
        vec![],
        in_days(21),
    );
    s.estimate("acc_ortiz", "est_smoke", "E-1053", Some("prp_ortiz"), EstimateStatus::Sent, vec![smoke], None, 1).await?;
    super::work::brightspark(s).await?;
    super::messages::brightspark(s).await?;
    super::requests::brightspark(s).await?;
    super::files::records(s.table, "ten_brightspark", s.now).await
}
