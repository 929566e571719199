//! The errors of the use cases, by kind: what the store could not do, what a rule refused,
//! what was not there. The edge maps each to its answer (a rule to 4xx, the store to 500).
use portal_domain::ports::PortError;
use portal_domain::{DomainError, FieldErrors};
use portal_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A rule of the domain said no (an amount out of range, a state that cannot move).
    #[error(transparent)]
    Rule(#[from] DomainError),
    /// What the use case was asked to act on is not there (for this tenant and account).
    #[error("no such {0}")]
    NotFound(&'static str),
    /// Well formed, but the rules refuse these fields (the edge answers 422, where a field
    /// that breaks the document's own limits is a 400 through [`Error::Rule`]).
    #[error("some fields need attention")]
    Unprocessable(FieldErrors),
    /// A limit the contractor sets is reached (uploads per day), with what to do.
    #[error("{0}")]
    Limited(&'static str),
    /// Stored records that contradict each other (a header naming a version that is not
    /// there): a defect, answered as a 500.
    #[error("{0}")]
    Inconsistent(String),
}

impl Error {
    /// A state that forbids what was asked (409), with a sentence for the person.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Error::Rule(DomainError::Conflict(code, message.into()))
    }

    /// The fields refused, or nothing when `e` holds none.
    pub fn fields(e: FieldErrors) -> Result<(), Self> {
        if e.is_empty() { Ok(()) } else { Err(Error::Unprocessable(e)) }
    }
}

impl Error {
    /// True when a write did not happen because another change got there first.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Store(e) if e.is_conflict())
    }
}

/// Why one outbox message could not be sent (it is tried again later).
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("reading or writing the message's records")]
    Store(#[from] StoreError),
    /// The mail or text service refused or could not be reached.
    #[error("the mail or text service")]
    Port(#[from] PortError),
    /// A record the message needs is gone, or names nobody who can be reached.
    #[error("{0}")]
    Missing(&'static str),
    /// Its content broke a rule (an amount that cannot be shown).
    #[error(transparent)]
    Rule(#[from] DomainError),
}
