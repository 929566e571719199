//! Setting up a contractor in a deployed stack: `portal-local create-contractor`.
//!
//! Writes the tenant and its owner with the same records and rules the admin page uses
//! (`Tenant`, an owner `Staff`, an audit entry, an admin sign-in link), in one transaction that
//! fails if the tenant is there already, after refusing a slug that is taken. The link is
//! printed: the owner opens it to reach the admin page, then invites staff and sets the rest up
//! there. Works on any Table: DynamoDB through the AWS SDK's usual credential chain in a
//! deployment (tested against moto), the embedded store in tests.
use jiff::{SignedDuration, Timestamp};
use portal_domain::audit::{Actor, AuditEntry, Origin};
use portal_domain::ids::{StaffId, TenantId};
use portal_domain::money::Currency;
use portal_domain::party::{Branding, Email, Staff, StaffRole, Tenant};
use portal_domain::ports::Ids;
use portal_domain::{DomainError, FieldErrors};
use portal_store::Table;
use portal_store::repo::auth::{LinkPurpose, Subject, issue_link};
use portal_store::repo::{audit, parties};

/// What the command is told.
#[derive(Debug, Clone)]
pub struct NewContractor {
    pub slug: String,
    pub name: String,
    pub owner_name: String,
    pub owner_email: String,
    /// The `PortalUrl` output of the stack (`https://d123.cloudfront.net`).
    pub portal_url: String,
    pub time_zone: String,
    pub currency: String,
}

/// What was made.
#[derive(Debug, Clone)]
pub struct Created {
    pub tenant: TenantId,
    pub owner: StaffId,
    /// The owner's first sign-in link (works once, for 72 hours).
    pub link: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("{0}")]
    Invalid(String),
    #[error("a contractor with the slug {0} exists already")]
    SlugTaken(String),
    #[error("the table refused the write: {0}")]
    Store(#[from] portal_store::StoreError),
}

/// How long the owner's first link works.
const FIRST_LINK_HOURS: i64 = 72;

impl NewContractor {
    fn check(&self) -> Result<(Email, Currency), ProvisionError> {
        let mut e = FieldErrors::new();
        let slug_ok = (2..=40).contains(&self.slug.len())
            && self.slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !self.slug.starts_with('-');
        if !slug_ok {
            e.add("slug", "2 to 40 lower-case letters, digits and dashes, such as bright-spark");
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 120 {
            e.add("name", "required, at most 120 characters");
        }
        if self.owner_name.trim().is_empty() || self.owner_name.chars().count() > 120 {
            e.add("owner-name", "required, at most 120 characters");
        }
        let email = Email::try_from(self.owner_email.clone()).map_err(|_| e.add("owner-email", "an email address")).ok();
        if !self.portal_url.starts_with("https://") && !self.portal_url.starts_with("http://localhost") {
            e.add("portal-url", "the stack's PortalUrl output, https://…");
        }
        if portal_domain::party::parse_time_zone(&self.time_zone).is_err() {
            e.add("time-zone", "an IANA time zone such as America/Chicago");
        }
        let currency = Currency::try_from(self.currency.clone()).map_err(|_| e.add("currency", "a three-letter code such as USD")).ok();
        match (e.into_result(), email, currency) {
            (Ok(()), Some(email), Some(currency)) => Ok((email, currency)),
            (Err(DomainError::Invalid(f)), ..) => {
                Err(ProvisionError::Invalid(f.0.iter().map(|(k, v)| format!("--{k}: {}", v.join("; "))).collect::<Vec<_>>().join("\n")))
            }
            _ => Err(ProvisionError::Invalid("check the arguments".into())),
        }
    }
}

/// Creates the contractor and its owner, and issues the owner's first admin sign-in link.
pub async fn create_contractor(table: &dyn Table, ids: &dyn Ids, now: Timestamp, c: &NewContractor) -> Result<Created, ProvisionError> {
    let (email, currency) = c.check()?;
    if parties::find_tenant_by_slug(table, &c.slug).await?.is_some() {
        return Err(ProvisionError::SlugTaken(c.slug.clone()));
    }
    let tenant = Tenant {
        id: TenantId::generate(ids),
        slug: c.slug.clone(),
        name: c.name.trim().to_string(),
        time_zone: c.time_zone.clone(),
        currency,
        branding: Branding { logo_url: None, primary_color: "#0b5cad".into(), accent_color: "#f5a524".into() },
        support_email: Some(email.clone()),
        support_phone: None,
        portal_url: c.portal_url.trim_end_matches('/').to_string(),
        welcome_message: String::new(),
        locale: "en-US".into(),
        sections: Default::default(),
        payments: Default::default(),
        address: String::new(),
        notification_email: Some(email.clone()),
        estimate_defaults: Default::default(),
        working_hours: Default::default(),
        files: Default::default(),
        review_links: Default::default(),
        requests: Default::default(),
    };
    let owner = Staff {
        id: StaffId::generate(ids),
        tenant: tenant.id.clone(),
        name: c.owner_name.trim().to_string(),
        email,
        role: StaffRole::Owner,
        active: true,
        display_name: None,
        photo: None,
    };
    let ttl = SignedDuration::from_hours(FIRST_LINK_HOURS);
    let (token, link) = issue_link(ids, &tenant.id, Subject::Staff { staff: owner.id.clone() }, LinkPurpose::SignIn, now, ttl)?;
    let entry = AuditEntry::record(
        ids,
        now,
        Actor::Staff { id: "setup".into(), name: "Setup command".into() },
        "contractor.created",
        Some(tenant.id.to_string()),
        None,
        &Origin::default(),
        serde_json::json!({ "slug": tenant.slug, "owner": owner.id }),
    );
    let writes = vec![parties::put_tenant(&tenant)?, parties::put_staff(&owner)?, link, audit::append(&tenant.id, &entry)?];
    table.transact(writes).await?;
    let url = format!("{}/admin/signin#token={token}", tenant.portal_url);
    Ok(Created { tenant: tenant.id, owner: owner.id, link: url })
}

/// Reads `--name value` pairs.
pub fn flags(args: &[String]) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(k) = a.strip_prefix("--") {
            out.insert(k.to_string(), it.next().cloned().unwrap_or_default());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> NewContractor {
        NewContractor {
            slug: "acme-electric".into(),
            name: "Acme Electric".into(),
            owner_name: "Ada Acme".into(),
            owner_email: "ada@acme.example".into(),
            portal_url: "https://portal.acme.example".into(),
            time_zone: "America/Denver".into(),
            currency: "USD".into(),
        }
    }

    #[tokio::test]
    async fn a_contractor_and_its_owner_are_made_once_and_the_owner_can_sign_in() {
        let store = portal_embedded::Store::in_memory().unwrap_or_else(|e| panic!("{e}"));
        let table = store.table();
        let ids = portal_domain::ports::RandomIds;
        let made = create_contractor(&table, &ids, Timestamp::now(), &acme()).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(made.link.starts_with("https://portal.acme.example/admin/signin#token="));
        let t = parties::find_tenant_by_slug(&table, "acme-electric").await.ok().flatten().map(|t| t.id);
        assert_eq!(t, Some(made.tenant.clone()));
        let owner = parties::get_staff(&table, &made.tenant, &made.owner).await.ok().flatten().map(|s| (s.role, s.active));
        assert_eq!(owner, Some((StaffRole::Owner, true)));
        let again = create_contractor(&table, &ids, Timestamp::now(), &acme()).await;
        assert!(matches!(again, Err(ProvisionError::SlugTaken(_))), "{again:?}");
        let bad = NewContractor { slug: "Not A Slug".into(), owner_email: "nope".into(), ..acme() };
        let refused = create_contractor(&table, &ids, Timestamp::now(), &bad).await;
        assert!(matches!(&refused, Err(ProvisionError::Invalid(m)) if m.contains("--slug") && m.contains("--owner-email")), "{refused:?}");
    }
}
