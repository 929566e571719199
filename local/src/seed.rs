//! The demo contractor, Bright Spark Electric: customers (a household, a property manager with
//! two contacts, a phone-only customer), properties and estimates in every state, one with
//! option groups and a deposit, one revised into a second version. Dates are relative to
//! today so the demo never goes stale. Seeding an already seeded store only issues fresh links.
use jiff::{SignedDuration, Timestamp, ToSpan};
use portal_app::Error;
use portal_domain::audit::{Actor, AuditEntry, Origin};
use portal_domain::estimate::{
    Approval, Decision, DepositRule, Estimate, EstimateOption, EstimateStatus, EstimateVersion, GroupKind, LineComment, LineItem,
    OptionGroup, VersionContent, end_of_day, totals,
};
use portal_domain::ids::{AccountId, ContactId, PropertyId, StaffId, TenantId};
use portal_domain::money::Currency;
use portal_domain::party::{Account, AccountKind, Branding, Contact, ContactRole, Property, Staff, StaffRole, Tenant};
use portal_domain::payments::PaymentRules;
use portal_domain::ports::Ids;
use portal_store::Table;
use portal_store::repo::auth::{LinkPurpose, Subject, issue_link};
use portal_store::repo::{audit, estimates, parties};

/// Links printed on start.
#[derive(Debug, Clone)]
pub struct Demo {
    pub customer_email: String,
    pub customer_link: String,
    pub staff_email: String,
    pub staff_link: String,
    /// Opens the panel-upgrade estimate only (as an estimate email would).
    pub estimate_link: String,
}

pub const TENANT: &str = "ten_brightspark";
pub const CUSTOMER: (&str, &str) = ("acc_whitfield", "con_dana");
pub const STAFF: &str = "stf_morgan";
pub const PANEL_ESTIMATE: &str = "est_panel";

fn id<T: std::str::FromStr>(s: &str) -> T {
    // The demo ids below are all well formed; a typo here is a programming error caught by
    // the first test run.
    s.parse().unwrap_or_else(|_| unreachable!("bad demo id {s}"))
}

fn line(id_: &str, name: &str, qty: &str, price: i64, taxable: bool) -> LineItem {
    LineItem {
        id: id(id_),
        name: name.into(),
        description: String::new(),
        quantity: qty.parse().unwrap_or_default(),
        unit_price: price,
        taxable,
    }
}

struct Seeder<'a> {
    table: &'a dyn Table,
    ids: &'a dyn Ids,
    now: Timestamp,
    tenant: Tenant,
}

impl Seeder<'_> {
    fn today(&self) -> jiff::civil::Date {
        self.tenant.today(self.now)
    }

    fn days_ago(&self, days: i64) -> Timestamp {
        self.now.checked_sub(SignedDuration::from_hours(24 * days)).unwrap_or(self.now)
    }

    #[allow(clippy::too_many_arguments)]
    async fn estimate(
        &self,
        account: &str,
        est: &str,
        number: &str,
        property: Option<&str>,
        status: EstimateStatus,
        versions: Vec<VersionContent>,
        decision: Option<Decision>,
        sent_days_ago: i64,
    ) -> Result<(), Error> {
        let tenant = self.tenant.id.clone();
        let last = versions.last().cloned().ok_or(Error::NotFound("estimate version"))?;
        let n = u32::try_from(versions.len()).unwrap_or(1);
        let sent_at = (status != EstimateStatus::Draft).then(|| self.days_ago(sent_days_ago));
        let mut header = Estimate {
            id: id(est),
            tenant: tenant.clone(),
            account: id(account),
            property: property.map(id),
            number: number.into(),
            status,
            current_version: n,
            title: last.title.clone(),
            headline_total: totals(&last, &last.default_selection())?.total,
            currency: last.currency.clone(),
            valid_until: last.valid_until,
            expires_at: end_of_day(last.valid_until, &self.tenant.zone()),
            created_at: self.days_ago(sent_days_ago + 2),
            sent_at,
            first_viewed_at: matches!(status, EstimateStatus::Viewed | EstimateStatus::Approved | EstimateStatus::Declined)
                .then(|| self.days_ago(sent_days_ago.max(1) - 1)),
            decided_at: decision.as_ref().map(|_| self.days_ago(1)),
            update_requested_at: None,
            rev: 1,
        };
        if let Some(Decision::Approved(a)) = &decision {
            header.headline_total = a.totals.total;
        }
        let mut writes = Vec::new();
        for (i, content) in versions.into_iter().enumerate() {
            let number = u32::try_from(i + 1).unwrap_or(1);
            let is_draft = status == EstimateStatus::Draft && number == n;
            let v = EstimateVersion {
                number,
                created_at: self.days_ago(sent_days_ago + 2),
                sent_at: (!is_draft).then(|| self.days_ago(sent_days_ago + i64::from(n - number) * 3)),
                note: (number > 1).then(|| "Updated after your comments.".to_string()),
                fingerprint: content.fingerprint(),
                content,
            };
            writes.push(estimates::put_version(&header, &v)?);
            if number < n {
                // Earlier versions of a revised estimate had changes requested on them.
                let d = Decision::ChangesRequested {
                    comment: "Could we use a 40 A circuit instead, and skip the trenching?".into(),
                    line_comments: vec![],
                    by: id(CUSTOMER.1),
                    at: self.days_ago(sent_days_ago + 1),
                };
                writes.push(estimates::put_decision(&header, number, &d)?);
            }
        }
        if let Some(d) = &decision {
            writes.push(estimates::put_decision(&header, n, d)?);
        }
        let sent = AuditEntry::record(
            self.ids,
            header.sent_at.unwrap_or(self.now),
            Actor::Staff { id: STAFF.into(), name: "Morgan Reyes".into() },
            "estimate.sent",
            Some(est.to_string()),
            Some(id(account)),
            &Origin::default(),
            serde_json::json!({ "version": n }),
        );
        if status != EstimateStatus::Draft {
            writes.push(audit::append(&tenant, &sent)?);
        }
        let mut all = vec![estimates::create_header(&header)?];
        all.extend(writes);
        Ok(self.table.transact(all).await?)
    }
}

/// A payment already made on a demo document.
struct Paid {
    id: &'static str,
    amount: i64,
    method: portal_domain::invoice::PaymentMethod,
    /// Succeeded (or still processing, for ACH).
    settled: bool,
    days_ago: i64,
}

impl Seeder<'_> {
    /// An issued invoice billing `items`, due in `due_in` days, with payments already made.
    #[allow(clippy::too_many_arguments)]
    async fn invoice(
        &self,
        account: &str,
        invoice: &str,
        number: &str,
        title: &str,
        items: Vec<LineItem>,
        estimate: Option<&str>,
        due_in: i64,
        paid: &[Paid],
    ) -> Result<(), Error> {
        use portal_domain::invoice::Invoice;
        use portal_domain::invoice::{InvoiceContent, InvoiceStatus, Ledger, PaymentEvent, PaymentState};
        use portal_domain::payment::Document;
        use portal_domain::payment::PaymentRecord;
        use portal_store::repo::invoices;
        let due = self.today().checked_add(due_in.days()).unwrap_or(self.today());
        let content = InvoiceContent {
            items,
            discount: None,
            tax_rate: "8.25".parse().unwrap_or_default(),
            currency: Currency::usd(),
            due_date: due,
            memo: "Thank you for your business.".into(),
        };
        let total = content.totals()?.total;
        let mut inv = Invoice {
            id: id(invoice),
            tenant: self.tenant.id.clone(),
            account: id(account),
            property: Some(id(if account == "acc_harbor" { "prp_oakridge" } else { "prp_maple" })),
            estimate: estimate.map(id),
            number: number.into(),
            title: title.into(),
            property_label: Some(if account == "acc_harbor" { "Oak Ridge Plaza" } else { "Home" }.into()),
            status: InvoiceStatus::Open,
            content,
            ledger: Ledger::of(total, []),
            due_at: end_of_day(due, &self.tenant.zone()),
            issued_at: Some(self.days_ago(2)),
            sent_at: Some(self.days_ago(2)),
            created_at: self.days_ago(2),
            rev: 1,
        };
        self.table.transact(vec![invoices::create(&inv)?]).await?;
        let mut states = Vec::new();
        for p in paid {
            let mut state = PaymentState::new(p.amount, p.method)?;
            if p.settled && state.status == portal_domain::invoice::PaymentStatus::Processing {
                state = state.apply(PaymentEvent::Succeeded)?;
            }
            states.push(state.clone());
            let record = PaymentRecord {
                rev: 1,
                ..PaymentRecord::new(id(p.id), Document::Invoice(inv.id.clone()), state, self.days_ago(p.days_ago))
            };
            let before = inv.rev;
            inv.ledger = Ledger::of(total, &states);
            inv.status = inv.ledger.status();
            inv.rev += 1;
            self.table.transact(invoices::add_payment(&inv, before, &record)?).await?;
        }
        Ok(())
    }

    /// A deposit paid by card on an approved estimate.
    async fn deposit(&self, account: &str, estimate: &str, payment: &str, amount: i64) -> Result<(), Error> {
        use portal_domain::invoice::{PaymentEvent, PaymentMethod, PaymentState};
        use portal_domain::payment::{Document, PaymentRecord};
        use portal_store::repo::payments;
        let state = PaymentState::new(amount, PaymentMethod::Card).and_then(|p| p.apply(PaymentEvent::Succeeded))?;
        let record = PaymentRecord { rev: 1, ..PaymentRecord::new(id(payment), Document::Estimate(id(estimate)), state, self.days_ago(5)) };
        Ok(self.table.transact(vec![payments::create(&self.tenant.id, &id(account), &record)?]).await?)
    }
}

const TERMS: &str = "Prices include permits and inspection. Work is guaranteed for two years. \
Balance due within 15 days of completion. Changes to the scope after approval are quoted separately.";

/// Demo content is within bounds; if an edit ever breaks that, seeding says so.
/// A drawn signature (a 240 x 80 scribble, 1-bit PNG) for seeded approvals and tests.
pub const DEMO_SIGNATURE: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAPAAAABQAQAAAAAPMsXRAAABhElEQVR42u3VsW7DIBAG4GszeKl0a6fyCn2AqrxWN6fKwJhnijz4NUB5Abx5sCDnwJnDlqxOVYZ4ivkgOe43DsTdC5785Afg6z53+9zvs5HcbRglHzesBAdoVxoqftcrnrTg6UutuRU8thinvIZHJNM+LNGIPOJlU308xSORbXjESR7iJQLR5cQjJ8ku2oA00jneaCP5Gv2Pos4Zn2sBlNzRQEsrcUzt8aAl93ECqi+ovDNbPw4Uz4G2uvCF+Xr/cE6dmDS12iwBLoypzfTLGF7StyV2nN4cErEZgafPPHB68yTaVmc/2zy9cCoI6assUHVhYR9LUIYq8geyPB3mrHK4MXWcMkOeDinXmHuV80K+h7xwzLFi7pFgnbMvJfR8D7noYXV8BCt6xl3Fju/nBqkAuj4jQ+70nXECNBV7PlIzn/33a1Px2PaFjb0/oxWbwt1vtGp1frCwPXAXlgP3oQp7XB/d8CZ4VNs3kt59Mx3bXXaP8k4NsL1wn5s/r37+Uf0r3wCHYKzImlCZUgAAAABJRU5ErkJggg==";

fn content(title: &str, scope: &str, items: Vec<LineItem>, groups: Vec<OptionGroup>, valid_until: jiff::civil::Date) -> VersionContent {
    VersionContent {
        title: title.into(),
        scope: scope.into(),
        items,
        groups,
        tax_rate: "8.25".parse().unwrap_or_default(),
        deposit: None,
        terms: TERMS.into(),
        valid_until,
        currency: Currency::usd(),
    }
}

/// Seeds the demo if the store has no demo tenant, then issues fresh sign-in links.
pub async fn seed(table: &dyn Table, ids: &dyn Ids, now: Timestamp, public_url: &str) -> Result<Demo, Error> {
    let tenant_id: TenantId = id(TENANT);
    let tenant = match parties::get_tenant(table, &tenant_id).await? {
        Some(t) => t,
        None => {
            let tenant = Tenant {
                id: tenant_id.clone(),
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
                estimate_defaults: portal_domain::party::EstimateDefaults {
                    tax_rate: "8.25".parse().unwrap_or_default(),
                    terms: TERMS.into(),
                },
            };
            let seeder = Seeder { table, ids, now, tenant: tenant.clone() };
            populate(&seeder).await?;
            // The demo's invoices run to INV-2044 and estimates to E-1060; the office goes on from there.
            let numbers = parties::continue_numbers(&tenant.id, "INV", admin_api::FIRST_INVOICE_NUMBER, 2044)?;
            let estimates = parties::continue_numbers(&tenant.id, "EST", admin_api::estimates::FIRST_ESTIMATE_NUMBER, 1060)?;
            table.transact(vec![parties::put_tenant(&tenant)?, numbers, estimates]).await?;
            tenant
        }
    };
    let ten_min = SignedDuration::from_mins(10);
    let customer = Subject::Contact { account: id(CUSTOMER.0), contact: id(CUSTOMER.1) };
    let (customer_token, w1) = issue_link(ids, &tenant.id, customer.clone(), LinkPurpose::SignIn, now, ten_min)?;
    let (staff_token, w2) = issue_link(ids, &tenant.id, Subject::Staff { staff: id(STAFF) }, LinkPurpose::SignIn, now, ten_min)?;
    let doc = LinkPurpose::Estimate { estimate: id(PANEL_ESTIMATE), rights: vec!["view".into(), "sign".into()] };
    let (estimate_token, w3) = issue_link(ids, &tenant.id, customer, doc, now, SignedDuration::from_hours(24 * 14))?;
    table.transact(vec![w1, w2, w3]).await?;
    let base = tenant.portal_url.trim_end_matches('/');
    Ok(Demo {
        customer_email: "dana@example.com".into(),
        customer_link: format!("{base}/signin#token={customer_token}"),
        staff_email: "morgan@brightspark.example".into(),
        staff_link: format!("{base}/admin/signin#token={staff_token}"),
        estimate_link: format!("{base}/signin#token={estimate_token}"),
    })
}

fn id_email(s: &str) -> portal_domain::party::Email {
    portal_domain::party::Email::try_from(s.to_string()).unwrap_or_else(|_| unreachable!("bad demo email {s}"))
}

fn id_phone(s: &str) -> portal_domain::party::Phone {
    portal_domain::party::Phone::try_from(s.to_string()).unwrap_or_else(|_| unreachable!("bad demo phone {s}"))
}

fn property(pid: &str, label: &str, line1: &str, city: &str, postal: &str) -> Property {
    Property {
        id: id(pid),
        label: label.into(),
        line1: line1.into(),
        line2: None,
        city: city.into(),
        region: "TX".into(),
        postal_code: postal.into(),
        country: "US".into(),
    }
}

#[allow(clippy::too_many_lines)]
async fn populate(s: &Seeder<'_>) -> Result<(), Error> {
    let t = s.tenant.id.clone();
    let today = s.today();
    let in_days = |d: i64| today.checked_add(d.days()).unwrap_or(today);

    // People and places.
    let staff = [
        (STAFF, "Morgan Reyes", "morgan@brightspark.example", StaffRole::Owner),
        ("stf_jordan", "Jordan Lee", "jordan@brightspark.example", StaffRole::Office),
        ("stf_casey", "Casey Nguyen", "casey@brightspark.example", StaffRole::Technician),
    ];
    let mut writes = Vec::new();
    for (sid, name, email, role) in staff {
        writes.push(parties::put_staff(&Staff {
            id: id::<StaffId>(sid),
            tenant: t.clone(),
            name: name.into(),
            email: id_email(email),
            role,
            active: true,
        })?);
    }
    let accounts = [
        ("acc_whitfield", "Dana Whitfield", AccountKind::Residential),
        ("acc_harbor", "Harbor View Property Management", AccountKind::Commercial),
        ("acc_ortiz", "Sam Ortiz", AccountKind::Residential),
    ];
    for (aid, name, kind) in accounts {
        let account = Account { id: id::<AccountId>(aid), tenant: t.clone(), name: name.into(), kind, stripe_customer: None };
        writes.push(parties::put_account(&account)?);
    }
    let contacts = [
        (CUSTOMER.1, "acc_whitfield", "Dana Whitfield", Some("dana@example.com"), Some("+1 512 555 0142"), ContactRole::Approver, None),
        ("con_alex", "acc_harbor", "Alex Chen", Some("alex@harborview.example"), None, ContactRole::Approver, None),
        (
            "con_priya",
            "acc_harbor",
            "Priya Patel",
            Some("priya@harborview.example"),
            None,
            ContactRole::Billing,
            Some(vec![id::<PropertyId>("prp_lakeside")]),
        ),
        ("con_sam", "acc_ortiz", "Sam Ortiz", None, Some("+1 512 555 0188"), ContactRole::Approver, None),
    ];
    for (cid, aid, name, email, phone, role, properties) in contacts {
        writes.push(parties::put_contact(&Contact {
            id: id::<ContactId>(cid),
            tenant: t.clone(),
            account: id(aid),
            name: name.into(),
            email: email.map(id_email),
            phone: phone.map(id_phone),
            role,
            properties,
            portal_enabled: true,
            activity: Default::default(),
        })?);
    }
    writes.push(parties::put_property(&t, &id("acc_whitfield"), &property("prp_maple", "Home", "1842 Maple Street", "Austin", "78704"))?);
    writes.push(parties::put_property(
        &t,
        &id("acc_harbor"),
        &property("prp_lakeside", "Lakeside Apartments", "400 Lakeshore Drive", "Austin", "78741"),
    )?);
    writes.push(parties::put_property(
        &t,
        &id("acc_harbor"),
        &property("prp_oakridge", "Oak Ridge Plaza", "2210 Oak Ridge Road", "Round Rock", "78664"),
    )?);
    writes.push(parties::put_property(&t, &id("acc_ortiz"), &property("prp_ortiz", "Home", "77 Pecan Lane", "Pflugerville", "78660"))?);
    s.table.transact(writes).await?;

    // Dana: the panel upgrade with options and a deposit, waiting for a decision.
    let mut panel = content(
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
    let ev1 = content(
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
    let kitchen = content(
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
        at: s.days_ago(1),
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
    s.invoice("acc_whitfield", "inv_service", "INV-2040", "Service call: tripping breaker", service, None, 12, &[]).await?;
    // A generator hookup, partly paid by cheque; the rest can be paid in parts, or by bank.
    let generator = vec![
        line("li_gen_switch", "200 A automatic transfer switch", "1", 285_000, true),
        line("li_gen_pad", "Generator pad and whip", "1", 62_000, true),
        line("li_gen_labor", "Labor (hours)", "12", 11_500, false),
    ];
    let cheque = Paid { id: "pay_generator_cheque", amount: 100_000, method: PaymentMethod::Offline, settled: true, days_ago: 3 };
    s.invoice("acc_whitfield", "inv_generator", "INV-2036", "Standby generator hookup", generator, None, 5, &[cheque]).await?;
    // A bathroom fan: its deposit was paid by card at approval and is credited on the invoice.
    let fan = content(
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
    s.invoice("acc_whitfield", "inv_bathfan", "INV-2044", "Bathroom exhaust fan", fan.items.clone(), Some("est_bathfan"), 20, &[]).await?;
    portal_app::payments::apply_credit(
        s.table,
        s.ids,
        &id("inv_bathfan"),
        &s.tenant.id,
        &id("acc_whitfield"),
        None,
        Some(&id("est_bathfan")),
        Actor::Staff { id: STAFF.into(), name: "Morgan Reyes".into() },
        &Origin::default(),
        s.now,
    )
    .await?;
    let hottub = content(
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
    let attic = content(
        "Attic fan",
        "Attic ventilation fan with thermostat.",
        vec![line("li_fan", "Attic fan, installed", "1", 46_000, true)],
        vec![],
        in_days(-3),
    );
    s.estimate("acc_whitfield", "est_attic", "E-0990", Some("prp_maple"), EstimateStatus::Sent, vec![attic], None, 33).await?;
    let porch = content(
        "Porch light",
        "Replace porch light.",
        vec![line("li_porch", "Porch light, installed", "1", 18_000, true)],
        vec![],
        in_days(25),
    );
    s.estimate("acc_whitfield", "est_porch", "E-0985", Some("prp_maple"), EstimateStatus::Void, vec![porch], None, 40).await?;
    let outlets = content(
        "Garage outlets",
        "Two GFCI outlets in the garage.",
        vec![line("li_gfci", "GFCI outlet", "2", 16_500, true)],
        vec![],
        in_days(30),
    );
    s.estimate("acc_whitfield", "est_outlets", "E-1060", Some("prp_maple"), EstimateStatus::Draft, vec![outlets], None, 0).await?;

    // Harbor View: a commercial retrofit with a fixed deposit, and one with changes requested.
    let mut lot = content(
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
    let hall = content(
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
    let smoke = content(
        "Smoke detector replacement",
        "Replace 7 hardwired smoke detectors with combination smoke and CO alarms.",
        vec![line("li_smoke", "Combination smoke/CO alarm, installed", "7", 9_800, true)],
        vec![],
        in_days(21),
    );
    s.estimate("acc_ortiz", "est_smoke", "E-1053", Some("prp_ortiz"), EstimateStatus::Sent, vec![smoke], None, 1).await?;
    Ok(())
}
