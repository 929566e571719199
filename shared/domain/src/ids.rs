//! Identifiers: random, sortable (ULID) and prefixed by type (`est_01J...`).
//!
//! Unguessable ids are not the access control (the session's partition is); they only keep
//! enumeration useless and logs readable.
use std::fmt;

use crate::DomainError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(pub(crate) String);

        impl $name {
            pub const PREFIX: &'static str = $prefix;
            /// A fresh id from the given id source.
            pub fn generate(ids: &dyn crate::ports::Ids) -> Self {
                Self(ids.id($prefix))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(s: String) -> Result<Self, DomainError> {
                if valid_id(&s, $prefix) {
                    Ok(Self(s))
                } else {
                    Err(DomainError::invalid("id", concat!("must be an id starting with ", $prefix, "_")))
                }
            }
        }
        impl std::str::FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, DomainError> {
                Self::try_from(s.to_owned())
            }
        }
        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        /// In the OpenAPI document: a string of the shape [`valid_id`] accepts, so a
        /// schema-driven client never sends one the server refuses.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .pattern(Some(concat!("^", $prefix, "_[0-9A-Za-z_]{1,40}$")))
                    .examples([concat!($prefix, "_01JD8X3G7N9QK2W5V4M6R8T0YB")])
                    .into()
            }
        }
        impl utoipa::ToSchema for $name {}
    };
}

/// `prefix_` followed by 1..=40 characters of `[0-9A-Za-z_]`; ids built by hand (demo data,
/// tests) are allowed as long as they have that shape. The charset keeps ids safe inside keys.
fn valid_id(s: &str, prefix: &str) -> bool {
    let Some(rest) = s.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) else {
        return false;
    };
    !rest.is_empty() && rest.len() <= 40 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

id_type!(/// A contractor business: the tenant. Every key starts with it.
    TenantId, "ten");
id_type!(/// A customer account (household or company) of a tenant.
    AccountId, "acc");
id_type!(/// A person at an account who can sign in to the portal.
    ContactId, "con");
id_type!(/// A service address of an account.
    PropertyId, "prp");
id_type!(/// An estimate (all of its versions).
    EstimateId, "est");
id_type!(/// A member of the contractor's staff.
    StaffId, "stf");
id_type!(/// An audit log entry.
    AuditId, "aud");
id_type!(/// A line item inside an estimate version (stable across versions, so changes can be shown).
    LineItemId, "li");
id_type!(/// An option group of an estimate ("Panel size").
    GroupId, "grp");
id_type!(/// One option inside a group ("200 A panel").
    OptionId, "opt");
id_type!(/// A refresh-token family (one sign-in).
    SessionId, "ses");
id_type!(/// An invoice.
    InvoiceId, "inv");
id_type!(/// One payment toward an invoice (card, ACH, offline, credit).
    PaymentId, "pay");
id_type!(/// A message waiting in the outbox (email or text to deliver).
    OutboxId, "msg");
id_type!(/// A file a browser uploads straight to the blob store, before it is checked.
    UploadId, "upl");
id_type!(/// A job: the work an approved estimate (or the office) sets up.
    JobId, "job");
id_type!(/// One appointment of a job.
    VisitId, "vis");
id_type!(/// A customer's request to move a visit.
    RescheduleId, "rsc");
id_type!(/// A piece of equipment on record at a property.
    EquipmentId, "eqp");
id_type!(/// A service agreement (maintenance plan).
    AgreementId, "agr");
id_type!(/// A photo or document kept for an account (its upload's id until it is processed).
    FileId, "fil");
id_type!(/// One message of a thread.
    MessageId, "mes");
id_type!(/// An email reply held for the office to review instead of posted.
    HeldId, "hld");
id_type!(/// A customer's request for work (from the portal or the public form).
    RequestId, "req");

/// Lower-case ULID text after a prefix: sortable by creation time, 80 random bits.
pub fn ulid_id(prefix: &str, ms: u64, random: u128) -> String {
    let u = ulid::Ulid::from_parts(ms, random);
    format!("{prefix}_{}", u.to_string().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_need_their_own_prefix() {
        assert!("est_01abc".parse::<EstimateId>().is_ok());
        assert!("inv_01abc".parse::<EstimateId>().is_err());
        assert!("est_".parse::<EstimateId>().is_err());
        assert!("est_a#b".parse::<EstimateId>().is_err());
        assert!("est_01ABC/../x".parse::<EstimateId>().is_err());
    }

    #[test]
    fn ulid_ids_sort_by_time() {
        let a = ulid_id("est", 1_000, u128::MAX);
        let b = ulid_id("est", 1_001, 0);
        assert!(a < b);
        assert!(a.parse::<EstimateId>().is_ok());
    }
}
