//! The demo: two contractors with customers, estimates, invoices and payments of every shape
//! ([`brightspark`], the one `make dev` signs you in to; [`northside`], another trade, time
//! zone and currency, which the cross-tenant tests use). Dates are relative to today so the
//! demo never goes stale. Seeding an already seeded store only issues fresh links.
use jiff::{SignedDuration, Timestamp, ToSpan};
use portal_app::Error;
use portal_domain::audit::{Actor, AuditEntry, Origin};
use portal_domain::estimate::{
    Decision, Estimate, EstimateStatus, EstimateVersion, LineItem, OptionGroup, VersionContent, end_of_day, totals,
};
use portal_domain::party::{Property, Tenant};
use portal_domain::ports::Ids;
use portal_store::Table;
use portal_store::repo::auth::{LinkPurpose, Subject, issue_link};
use portal_store::repo::{audit, estimates, parties};

mod brightspark;
mod northside;

pub use brightspark::{CUSTOMER, PANEL_ESTIMATE, STAFF, TENANT};
pub use northside::{
    CUSTOMER as SECOND_CUSTOMER, ESTIMATE as SECOND_ESTIMATE, INVOICE as SECOND_INVOICE, STAFF as SECOND_STAFF, TENANT as SECOND_TENANT,
};

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
    /// The staff member who sent the demo's documents.
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
                    by: id(self.customer),
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
            Actor::Staff { id: self.staff.0.into(), name: self.staff.1.into() },
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
        at: (&str, &str),
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
            tax_rate: self.tenant.estimate_defaults.tax_rate,
            currency: self.tenant.currency.clone(),
            due_date: due,
            memo: "Thank you for your business.".into(),
        };
        let total = content.totals()?.total;
        let mut inv = Invoice {
            id: id(invoice),
            tenant: self.tenant.id.clone(),
            account: id(account),
            property: Some(id(at.0)),
            estimate: estimate.map(id),
            number: number.into(),
            title: title.into(),
            property_label: Some(at.1.into()),
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
    }
}

/// Seeds each demo contractor the store does not have yet, then issues fresh sign-in links.
pub async fn seed(table: &dyn Table, ids: &dyn Ids, now: Timestamp, public_url: &str) -> Result<Demo, Error> {
    let tenant = match parties::get_tenant(table, &id(TENANT)).await? {
        Some(t) => t,
        None => {
            let tenant = brightspark::tenant(id(TENANT), public_url);
            let seeder = Seeder { table, ids, now, tenant: tenant.clone(), staff: (STAFF, "Morgan Reyes"), customer: CUSTOMER.1 };
            brightspark::populate(&seeder).await?;
            // The demo's invoices run to INV-2044 and estimates to E-1060; the office goes on from there.
            finish(table, &tenant, 2044, 1060).await?;
            tenant
        }
    };
    let second = match parties::get_tenant(table, &id(northside::TENANT)).await? {
        Some(t) => t,
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
            finish(table, &tenant, northside::LAST_INVOICE, northside::LAST_ESTIMATE).await?;
            tenant
        }
    };
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

/// Writes the contractor itself, last (its presence says the demo is complete), with its
/// document numbers continuing after the demo's.
async fn finish(table: &dyn Table, tenant: &Tenant, last_invoice: i64, last_estimate: i64) -> Result<(), Error> {
    let numbers = parties::continue_numbers(&tenant.id, "INV", admin_api::FIRST_INVOICE_NUMBER, last_invoice)?;
    let estimates = parties::continue_numbers(&tenant.id, "EST", admin_api::estimates::FIRST_ESTIMATE_NUMBER, last_estimate)?;
    Ok(table.transact(vec![parties::put_tenant(tenant)?, numbers, estimates]).await?)
}
