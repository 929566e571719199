//! The demo: two contractors with customers, estimates, invoices and payments of every shape
//! ([`brightspark`], the one `make dev` signs you in to; [`northside`], another trade, time
//! zone and currency, which the cross-tenant tests use). Dates are relative to today so the
//! demo never goes stale. Seeding an already seeded store only issues fresh links.
use jiff::{SignedDuration, Timestamp, ToSpan};
use portal_app::estimates::{Draft, Number, Signed};
use portal_app::invoices::NewInvoice;
use portal_app::{Act, Error};
use portal_domain::audit::{Actor, Origin};
use portal_domain::estimate::{Decision, EstimateEvent, EstimateStatus, LineItem, OptionGroup, VersionContent};
use portal_domain::invoice::{PaymentFact, PaymentMethod};
use portal_domain::party::{Account, AccountKind, Contact, ContactRole, Property, Staff, StaffRole, Tenant};
use portal_domain::payment::{Document, PaymentRef};
use portal_domain::ports::Ids;
use portal_store::Table;
use portal_store::repo::auth::{LinkPurpose, Subject, issue_link};
use portal_store::repo::estimates::{self, EstimateBundle};
use portal_store::repo::{invoices, parties};

mod brightspark;
pub mod files;
mod messages;
mod northside;
mod requests;
mod work;

pub use brightspark::{CUSTOMER, PANEL_ESTIMATE, STAFF, TENANT};
pub use northside::{
    CUSTOMER as SECOND_CUSTOMER, ESTIMATE as SECOND_ESTIMATE, INVOICE as SECOND_INVOICE, STAFF as SECOND_STAFF, TENANT as SECOND_TENANT,
};

/// Where the demo's past messages went: to example addresses, before the demo began. It
/// accepts and keeps nothing; what happens once the demo runs goes to the local mailbox.
struct BeforeTheDemo;

#[async_trait::async_trait]
impl portal_domain::ports::Mailer for BeforeTheDemo {
    async fn send(&self, _: &portal_domain::ports::Mail) -> Result<(), portal_domain::ports::PortError> {
        Ok(())
    }
}

#[async_trait::async_trait]
impl portal_domain::ports::Sms for BeforeTheDemo {
    async fn send(&self, _: &portal_domain::party::Phone, _: &str) -> Result<(), portal_domain::ports::PortError> {
        Ok(())
    }
}

/// Links printed on start.
#[derive(Debug, Clone)]
pub struct Demo {
    pub customer_email: String,
    pub customer_link: String,
    pub staff_email: String,
    pub staff_link: String,
    /// Opens the panel-upgrade estimate only (as an estimate email would).
    pub estimate_link: String,
    /// The second contractor's owner (Northside Plumbing & Heating).
    pub second_staff_email: String,
    pub second_staff_link: String,
}

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
    /// The office staff member who does the demo's office work.
    staff: (&'static str, &'static str),
    /// The contact who asked for changes on the earlier versions of a revised estimate.
    customer: &'static str,
}

impl Seeder<'_> {
    fn today(&self) -> jiff::civil::Date {
        self.tenant.today(self.now)
    }

    fn days_ago(&self, days: i64) -> Timestamp {
        self.now.checked_sub(SignedDuration::from_hours(24 * days)).unwrap_or(self.now)
    }

    /// The office's act `days` ago.
    fn office(&self, days: i64) -> Act<'_> {
        Act {
            table: self.table,
            ids: self.ids,
            tenant: self.tenant.id.clone(),
            actor: Actor::Staff { id: self.staff.0.into(), name: self.staff.1.into() },
            origin: Origin { ip: "192.0.2.10".into(), user_agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6)".into() },
            now: self.days_ago(days),
        }
    }

    /// A contact's act at `at`, from their phone.
    async fn contact(&self, account: &str, contact: &str, at: Timestamp) -> Result<Act<'_>, Error> {
        let c = parties::get_contact(self.table, &self.tenant.id, &id(account), &id(contact)).await?.ok_or(Error::NotFound("contact"))?;
        let office = self.office(0);
        Ok(Act {
            actor: Actor::Contact { id: contact.into(), name: c.name },
            origin: Origin { ip: "203.0.113.24".into(), user_agent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)".into() },
            now: at,
            ..office
        })
    }

    async fn load(&self, account: &str, est: &str) -> Result<EstimateBundle, Error> {
        estimates::load(self.table, &self.tenant.id, &id(account), &id(est)).await?.ok_or(Error::NotFound("estimate"))
    }

    /// An estimate as the office built and sent it and the customer answered it, through the
    /// same use cases as the admin page and the portal: created, sent `sent_days_ago`, every
    /// version but the last sent back with changes and revised, then left `status` (viewed,
    /// approved with the `decision`, declined, changes requested, voided, or a draft).
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
        let n = i64::try_from(versions.len()).unwrap_or(1);
        let mut versions = versions.into_iter();
        let first = versions.next().ok_or(Error::NotFound("estimate version"))?;
        let draft =
            Draft { id: id(est), account: id(account), property: property.map(id), content: first, number: Number::Kept(number.into()) };
        let started = sent_days_ago + 2 + 3 * (n - 1);
        portal_app::estimates::create(&self.office(started), &self.tenant, draft).await?;
        for (i, content) in versions.enumerate() {
            // Sent, sent back with changes a day later, revised and sent again after 3 days.
            let sent = sent_days_ago + 3 * (n - 1 - i64::try_from(i).unwrap_or(0));
            let b = self.load(account, est).await?;
            portal_app::estimates::send(&self.office(sent), &self.tenant, &b, None).await?;
            let mut b = self.load(account, est).await?;
            let asked = self.contact(account, self.customer, self.days_ago(sent - 1)).await?;
            let changes = Decision::ChangesRequested {
                comment: "Could we use a 40 A circuit instead, and skip the trenching?".into(),
                line_comments: vec![],
                by: id(self.customer),
                at: asked.now,
            };
            let version = b.estimate.current_version;
            portal_app::estimates::decidable(&b, version, EstimateEvent::RequestChanges, asked.now)?;
            let detail = serde_json::json!({ "version": version });
            portal_app::estimates::decide(&asked, &mut b, EstimateEvent::RequestChanges, changes, "estimate.changes_requested", detail)
                .await?;
            let office = self.office(sent - 1);
            portal_app::estimates::revise(&office, &b).await?;
            let b = self.load(account, est).await?;
            portal_app::estimates::edit(&office, &self.tenant, &b, content).await?;
        }
        if status == EstimateStatus::Draft {
            return Ok(());
        }
        let b = self.load(account, est).await?;
        let note = (n > 1).then(|| "Updated after your comments.".to_string());
        portal_app::estimates::send(&self.office(sent_days_ago), &self.tenant, &b, note).await?;
        let mut b = self.load(account, est).await?;
        let version = b.estimate.current_version;
        match (status, decision) {
            (EstimateStatus::Sent, None) => {}
            (EstimateStatus::Void, None) => {
                portal_app::estimates::void(&self.office(sent_days_ago.max(1) - 1), &b).await?;
            }
            (EstimateStatus::Viewed, None) => {
                let viewer = self.contact(account, self.customer, self.days_ago(sent_days_ago.max(1) - 1)).await?;
                portal_app::estimates::viewed(&viewer, &mut b).await?;
            }
            (EstimateStatus::Approved, Some(Decision::Approved(a))) => {
                let by = self.contact(account, a.by.as_str(), a.at).await?;
                portal_app::estimates::viewed(&by, &mut b).await?;
                portal_app::estimates::decidable(&b, version, EstimateEvent::Approve, by.now)?;
                let signed = Signed {
                    selection: a.selection,
                    signer_name: a.signer_name,
                    signature_png: a.signature_png,
                    consent: true,
                    by: a.by.clone(),
                };
                portal_app::estimates::approve(&by, &mut b, signed).await?;
            }
            (EstimateStatus::Declined, Some(d @ Decision::Declined { .. })) => {
                let Decision::Declined { by, at, .. } = &d else { return Ok(()) };
                let by = self.contact(account, by.as_str(), *at).await?;
                portal_app::estimates::decidable(&b, version, EstimateEvent::Decline, by.now)?;
                let detail = serde_json::json!({ "version": version });
                portal_app::estimates::decide(&by, &mut b, EstimateEvent::Decline, d, "estimate.declined", detail).await?;
            }
            (EstimateStatus::ChangesRequested, Some(d @ Decision::ChangesRequested { .. })) => {
                let Decision::ChangesRequested { by, at, .. } = &d else { return Ok(()) };
                let by = self.contact(account, by.as_str(), *at).await?;
                portal_app::estimates::decidable(&b, version, EstimateEvent::RequestChanges, by.now)?;
                let detail = serde_json::json!({ "version": version });
                portal_app::estimates::decide(&by, &mut b, EstimateEvent::RequestChanges, d, "estimate.changes_requested", detail).await?;
            }
            (status, _) => return Err(Error::Inconsistent(format!("the demo has no {status:?} estimate of this shape ({est})"))),
        }
        Ok(())
    }
}

/// The demo's people: a customer account with its contacts (the first one created with it)
/// and properties (the first one created with it).
struct Customer {
    account: Account,
    contacts: Vec<Contact>,
    properties: Vec<Property>,
}

impl Seeder<'_> {
    /// The contractor with its owner (the first of `staff`; document numbers continuing after
    /// the demo's), then its other staff invited.
    async fn contractor(&self, staff: &[(&str, &str, &str, StaffRole)], last_invoice: i64, last_estimate: i64) -> Result<(), Error> {
        let mut staff = staff.iter().map(|(sid, name, email, role)| Staff {
            id: id(sid),
            tenant: self.tenant.id.clone(),
            name: (*name).into(),
            email: id_email(email),
            role: *role,
            active: true,
            display_name: None,
            photo: None,
        });
        let owner = staff.next().ok_or(Error::NotFound("owner"))?;
        portal_app::contractors::open(self.table, &self.tenant, &owner, last_invoice, last_estimate).await?;
        for s in staff {
            portal_app::contractors::invite_staff(&self.office(60), &s).await?;
        }
        Ok(())
    }

    /// A customer account of the demo contractor.
    fn account(&self, aid: &str, name: &str, kind: AccountKind) -> Account {
        Account { id: id(aid), tenant: self.tenant.id.clone(), name: name.into(), kind, stripe_customer: None, lead: false }
    }

    /// A contact of account `aid`, with the portal on and no activity yet.
    #[allow(clippy::too_many_arguments)]
    fn person(
        &self,
        cid: &str,
        aid: &str,
        name: &str,
        email: Option<&str>,
        phone: Option<&str>,
        role: ContactRole,
        properties: Option<Vec<portal_domain::ids::PropertyId>>,
    ) -> Contact {
        Contact {
            id: id(cid),
            tenant: self.tenant.id.clone(),
            account: id(aid),
            name: name.into(),
            email: email.map(id_email),
            phone: phone.map(id_phone),
            role,
            properties,
            portal_enabled: true,
            activity: Default::default(),
        }
    }

    /// A customer as the office added it, sixty days ago.
    async fn customer(&self, c: Customer) -> Result<(), Error> {
        let office = self.office(60);
        let (mut contacts, mut properties) = (c.contacts.into_iter(), c.properties.into_iter());
        let first = contacts.next().ok_or(Error::NotFound("contact"))?;
        let property = properties.next();
        portal_app::customers::create(&office, &c.account, &first, property.as_ref()).await?;
        for p in properties {
            portal_app::customers::add_property(&office, &c.account.id, &p).await?;
        }
        for contact in contacts {
            portal_app::customers::add_contact(&office, &contact).await?;
        }
        Ok(())
    }
}

/// A payment already made on a demo document.
struct Paid {
    id: &'static str,
    amount: i64,
    method: PaymentMethod,
    /// Succeeded (or still processing, for ACH).
    settled: bool,
    days_ago: i64,
}

impl Seeder<'_> {
    /// An invoice issued and sent two days ago (from `estimate`, crediting its deposit, or
    /// billing `items`), due in `due_in` days, with the payments already made on it: by card
    /// or bank debit through Stripe's events, by cheque as the office records it.
    #[allow(clippy::too_many_arguments)]
    async fn invoice(
        &self,
        account: &str,
        invoice: &str,
        number: &str,
        title: &str,
        items: Vec<LineItem>,
        estimate: Option<&str>,
        at: (&str, &str),
        due_in: i64,
        paid: &[Paid],
    ) -> Result<(), Error> {
        let due = self.today().checked_add(due_in.days()).unwrap_or(self.today());
        let new = NewInvoice {
            id: id(invoice),
            account: id(account),
            number: Number::Kept(number.into()),
            estimate: estimate.map(id),
            items: estimate.is_none().then_some(items),
            tax_rate: estimate.is_none().then_some(self.tenant.estimate_defaults.tax_rate),
            discount: None,
            due_date: Some(due),
            memo: "Thank you for your business.".into(),
            title: title.into(),
            property: Some(id(at.0)),
        };
        let office = self.office(2);
        portal_app::invoices::issue(&office, &self.tenant, new).await?;
        let load =
            || async { invoices::load(self.table, &self.tenant.id, &id(account), &id(invoice)).await?.ok_or(Error::NotFound("invoice")) };
        portal_app::invoices::send(&office, &load().await?, None).await?;
        for p in paid {
            if p.method == PaymentMethod::Offline {
                let bundle = load().await?;
                portal_app::payments::record_offline(&self.office(p.days_ago), id(p.id), &bundle, p.amount, Some("Cheque")).await?;
                continue;
            }
            let customer = self.payer(account, self.days_ago(p.days_ago)).await?;
            self.online(&customer, account, Document::Invoice(id(invoice)), p).await?;
        }
        Ok(())
    }

    /// The first contact of `account` who may pay, acting at `at`.
    async fn payer(&self, account: &str, at: Timestamp) -> Result<Act<'_>, Error> {
        let contacts = parties::list_contacts(self.table, &self.tenant.id, &id(account)).await?;
        let payer = contacts.iter().find(|c| c.role.can_pay()).ok_or(Error::NotFound("contact who pays"))?;
        self.contact(account, payer.id.as_str(), at).await
    }

    /// A payment through Checkout: started, then posted as Stripe's events would post it.
    async fn online(&self, customer: &Act<'_>, account: &str, document: Document, p: &Paid) -> Result<(), Error> {
        portal_app::payments::begin(customer, &id(account), id(p.id), document.clone(), &[], p.amount).await?;
        let at = PaymentRef { tenant: self.tenant.id.clone(), account: id(account), document, payment: id(p.id) };
        let details = portal_app::payments::Details { payment_intent: None, method: Some(p.method) };
        let facts: &[PaymentFact] = match (p.method, p.settled) {
            (PaymentMethod::Ach, false) => &[PaymentFact::Processing],
            (PaymentMethod::Ach, true) => &[PaymentFact::Processing, PaymentFact::Succeeded],
            _ => &[PaymentFact::Succeeded],
        };
        for (i, fact) in facts.iter().enumerate() {
            let event = format!("evt_demo_{}_{i}", p.id);
            portal_app::payments::post(self.table, self.ids, &at, *fact, &details, &event, customer.now).await?;
        }
        Ok(())
    }

    /// A deposit paid by card on an approved estimate, five days ago.
    async fn deposit(&self, account: &str, estimate: &str, payment: &'static str, amount: i64) -> Result<(), Error> {
        let customer = self.payer(account, self.days_ago(5)).await?;
        let paid = Paid { id: payment, amount, method: PaymentMethod::Card, settled: true, days_ago: 5 };
        self.online(&customer, account, Document::Estimate(id(estimate)), &paid).await
    }
}

/// Demo content is within bounds; if an edit ever breaks that, seeding says so.
/// A drawn signature (a 240 x 80 scribble, 1-bit PNG) for seeded approvals and tests.
pub const DEMO_SIGNATURE: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAPAAAABQAQAAAAAPMsXRAAABhElEQVR42u3VsW7DIBAG4GszeKl0a6fyCn2AqrxWN6fKwJhnijz4NUB5Abx5sCDnwJnDlqxOVYZ4ivkgOe43DsTdC5785Afg6z53+9zvs5HcbRglHzesBAdoVxoqftcrnrTg6UutuRU8thinvIZHJNM+LNGIPOJlU308xSORbXjESR7iJQLR5cQjJ8ku2oA00jneaCP5Gv2Pos4Zn2sBlNzRQEsrcUzt8aAl93ECqi+ovDNbPw4Uz4G2uvCF+Xr/cE6dmDS12iwBLoypzfTLGF7StyV2nN4cErEZgafPPHB68yTaVmc/2zy9cCoI6assUHVhYR9LUIYq8geyPB3mrHK4MXWcMkOeDinXmHuV80K+h7xwzLFi7pFgnbMvJfR8D7noYXV8BCt6xl3Fju/nBqkAuj4jQ+70nXECNBV7PlIzn/33a1Px2PaFjb0/oxWbwt1vtGp1frCwPXAXlgP3oQp7XB/d8CZ4VNs3kt59Mx3bXXaP8k4NsL1wn5s/r37+Uf0r3wCHYKzImlCZUgAAAABJRU5ErkJggg==";

impl Seeder<'_> {
    /// A version's content in the contractor's currency, with its tax rate and terms.
    fn content(
        &self,
        title: &str,
        scope: &str,
        items: Vec<LineItem>,
        groups: Vec<OptionGroup>,
        valid_until: jiff::civil::Date,
    ) -> VersionContent {
        VersionContent {
            title: title.into(),
            scope: scope.into(),
            items,
            groups,
            tax_rate: self.tenant.estimate_defaults.tax_rate,
            deposit: None,
            terms: self.tenant.estimate_defaults.terms.clone(),
            valid_until,
            currency: self.tenant.currency.clone(),
        }
    }
}

fn id_email(s: &str) -> portal_domain::party::Email {
    portal_domain::party::Email::try_from(s.to_string()).unwrap_or_else(|_| unreachable!("bad demo email {s}"))
}

fn id_phone(s: &str) -> portal_domain::party::Phone {
    portal_domain::party::Phone::try_from(s.to_string()).unwrap_or_else(|_| unreachable!("bad demo phone {s}"))
}

fn property(pid: &str, label: &str, line1: &str, city: &str, region: &str, postal: &str, country: &str) -> Property {
    Property {
        id: id(pid),
        label: label.into(),
        line1: line1.into(),
        line2: None,
        city: city.into(),
        region: region.into(),
        postal_code: postal.into(),
        country: country.into(),
        time_zone: None,
    }
}

/// Seeds each demo contractor the store does not have yet, then issues fresh sign-in links.
/// A contractor is set up first and then filled through the use cases; a seed that fails
/// half-way (a rule changed under the demo) says so, and the next start says so.
pub async fn seed(table: &dyn Table, ids: &dyn Ids, now: Timestamp, public_url: &str) -> Result<Demo, Error> {
    let (tenant, first_new) = match parties::get_tenant(table, &id(TENANT)).await? {
        Some(t) => (ready(table, t).await?, false),
        None => {
            let tenant = brightspark::tenant(id(TENANT), public_url);
            let seeder = Seeder { table, ids, now, tenant: tenant.clone(), staff: (STAFF, "Morgan Reyes"), customer: CUSTOMER.1 };
            brightspark::populate(&seeder).await?;
            (tenant, true)
        }
    };
    let (second, second_new) = match parties::get_tenant(table, &id(northside::TENANT)).await? {
        Some(t) => (ready(table, t).await?, false),
        None => {
            let tenant = northside::tenant(id(northside::TENANT), public_url)?;
            let seeder = Seeder {
                table,
                ids,
                now,
                tenant: tenant.clone(),
                staff: (northside::STAFF, northside::STAFF_NAME),
                customer: northside::CUSTOMER.1,
            };
            northside::populate(&seeder).await?;
            (tenant, true)
        }
    };
    // What the demo's history sent (estimate and invoice emails, receipts, the office's
    // alerts) went out before the demo began: the sender delivers it now, so receipts get
    // their numbers and the outbox holds only what happens from here on. Then the demo is
    // marked complete. A store seeded earlier keeps its outbox as it is.
    for (t, new) in [(&tenant.id, first_new), (&second.id, second_new)] {
        if new {
            portal_app::notify::deliver_due(table, &BeforeTheDemo, &BeforeTheDemo, ids, t, now).await?;
            parties::mark_demo(table, t).await?;
        }
    }
    let ten_min = SignedDuration::from_mins(10);
    let customer = Subject::Contact { account: id(CUSTOMER.0), contact: id(CUSTOMER.1) };
    let (customer_token, w1) = issue_link(ids, &tenant.id, customer.clone(), LinkPurpose::SignIn, now, ten_min)?;
    let (staff_token, w2) = issue_link(ids, &tenant.id, Subject::Staff { staff: id(STAFF) }, LinkPurpose::SignIn, now, ten_min)?;
    let doc = LinkPurpose::Estimate { estimate: id(PANEL_ESTIMATE), rights: vec!["view".into(), "sign".into()] };
    let (estimate_token, w3) = issue_link(ids, &tenant.id, customer, doc, now, SignedDuration::from_hours(24 * 14))?;
    let (second_token, w4) =
        issue_link(ids, &second.id, Subject::Staff { staff: id(northside::STAFF) }, LinkPurpose::SignIn, now, ten_min)?;
    table.transact(vec![w1, w2, w3, w4]).await?;
    let base = tenant.portal_url.trim_end_matches('/');
    Ok(Demo {
        customer_email: "dana@example.com".into(),
        customer_link: format!("{base}/signin#token={customer_token}"),
        staff_email: "morgan@brightspark.example".into(),
        staff_link: format!("{base}/admin/signin#token={staff_token}"),
        estimate_link: format!("{base}/signin#token={estimate_token}"),
        second_staff_email: "riley@northside.example".into(),
        second_staff_link: format!("{base}/admin/signin#token={second_token}"),
    })
}

/// A demo contractor already in the store: complete (a seed that stopped half-way says so),
/// and with adoption counters (a store seeded before they were kept gets them from a recount,
/// once).
async fn ready(table: &dyn Table, tenant: Tenant) -> Result<Tenant, Error> {
    if portal_app::stats::stored(table, &tenant.id).await?.0.is_empty() {
        portal_app::stats::rebuild(table, &tenant).await?;
    } else if !parties::demo_marked(table, &tenant.id).await? {
        return Err(Error::Inconsistent(format!(
            "the demo data of {} is incomplete (an earlier start stopped while making it): run `make clean`, then `make dev`",
            tenant.name
        )));
    }
    Ok(tenant)
}
