//! Errors of the domain: bad input (per field) and broken rules.
use std::collections::BTreeMap;

/// Field path -> messages. Rolls up into the `fields` of the JSON error body.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Ok when nothing was added, otherwise the collected errors as [`DomainError::Invalid`].
    pub fn into_result(self) -> Result<(), DomainError> {
        if self.is_empty() { Ok(()) } else { Err(DomainError::Invalid(self)) }
    }
    /// Takes in the field errors of a check, under `prefix` (`"content."`, or `""`). Other
    /// errors are not field errors and are left to the caller.
    pub fn absorb(&mut self, prefix: &str, e: DomainError) {
        if let DomainError::Invalid(f) = e {
            for (field, messages) in f.0 {
                for m in messages {
                    self.add(format!("{prefix}{field}"), m);
                }
            }
        }
    }
    /// A single-field error.
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut f = Self::new();
        f.add(field, message);
        f
    }
}

impl std::fmt::Display for FieldErrors {
    /// The messages alone (the field is shown beside them by whoever renders the error).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let messages: Vec<&str> = self.0.values().flatten().map(String::as_str).collect();
        f.write_str(&messages.join("; "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("cannot {event} an estimate that is {from}")]
    InvalidTransition { from: &'static str, event: &'static str },
    #[error("{0}")]
    Forbidden(&'static str),
    /// The request is well formed but the record's state does not allow it (code, message).
    #[error("{1}")]
    Conflict(&'static str, String),
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Invalid(FieldErrors::one(field, message))
    }
}
