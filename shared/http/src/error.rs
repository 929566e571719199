//! One HTTP error type for every function. 4xx carry a code and a message meant for the
//! person using the portal; 5xx hide their cause from the client and log it.
use lambda_http::{Body, Response};
use portal_domain::{DomainError, FieldErrors};
use portal_store::StoreError;

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Not what the API document says a request looks like (shape, types, lengths, ranges,
    /// patterns): 400.
    #[error("invalid request")]
    Invalid(FieldErrors),
    /// Well formed, but a rule that needs more than the request's shape says no: fields that
    /// go together (an email or a phone), what the record allows (no more than the balance),
    /// what the contractor set (credit limits): 422, with the same body.
    #[error("unprocessable request")]
    Unprocessable(FieldErrors),
    #[error("{1}")]
    BadRequest(&'static str, String),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    /// What was asked for is not there (or not this session's to see): named for the message.
    #[error("{}", not_found_message(.0))]
    NotFound(&'static str),
    #[error("{1}")]
    Conflict(&'static str, String),
    #[error("{1}")]
    Gone(&'static str, String),
    #[error("This request is too large to accept.")]
    PayloadTooLarge,
    #[error("Send the request as JSON (content-type: application/json).")]
    UnsupportedMediaType,
    #[error("Too many tries in a short time. Wait 15 minutes, then try again.")]
    TooManyRequests,
    /// A limit the contractor sets is reached (uploads per day): 429 with its own sentence.
    #[error("{0}")]
    Limited(&'static str),
    /// Something broke on our side. The source is logged, never sent.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A service we depend on (Stripe) did not answer; trying again later may work. The
    /// source is logged, never sent.
    #[error("unavailable")]
    Unavailable(&'static str, #[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Invalid(_) | ApiError::BadRequest(..) => 400,
            ApiError::Unprocessable(_) => 422,
            ApiError::Unauthorized(_) => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::Conflict(..) => 409,
            ApiError::Gone(..) => 410,
            ApiError::PayloadTooLarge => 413,
            ApiError::UnsupportedMediaType => 415,
            ApiError::TooManyRequests | ApiError::Limited(_) => 429,
            ApiError::Internal(_) => 500,
            ApiError::Unavailable(..) => 503,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Invalid(_) | ApiError::Unprocessable(_) => "invalid",
            ApiError::BadRequest(c, _) | ApiError::Conflict(c, _) | ApiError::Gone(c, _) => c,
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::TooManyRequests | ApiError::Limited(_) => "rate_limited",
            ApiError::Internal(_) => "internal",
            ApiError::Unavailable(..) => "unavailable",
        }
    }

    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        ApiError::Internal(Box::new(e))
    }

    /// The JSON response. 5xx causes go to the log with their whole chain.
    pub fn into_response(self) -> Response<Body> {
        let message = match &self {
            ApiError::Invalid(_) | ApiError::Unprocessable(_) => "Some fields need attention.".to_string(),
            ApiError::Internal(cause) => {
                tracing::error!(error = %error_chain(cause.as_ref()), "request failed");
                "Something went wrong on our side. Please try again.".to_string()
            }
            ApiError::Unavailable(message, cause) => {
                tracing::error!(error = %error_chain(cause.as_ref()), "a service we depend on failed");
                (*message).to_string()
            }
            other => other.to_string(),
        };
        let fields = match &self {
            ApiError::Invalid(f) | ApiError::Unprocessable(f) => f.0.clone(),
            _ => Default::default(),
        };
        let body = ErrorBody { error: ErrorDetail { code: self.code().to_string(), message, fields } };
        crate::response::json(self.status(), &body)
    }
}

/// What a person reads when something is not there: what happened, and what to do next.
fn not_found_message(what: &str) -> String {
    match what {
        "estimate" => "We couldn't find this estimate. It may have been withdrawn, or it belongs to another account. Go back to your portal to see your estimates.".into(),
        "invoice" => "We couldn't find this invoice. It may have been cancelled, or it belongs to another account. Go back to your portal to see your invoices.".into(),
        "payment" => "We couldn't find this payment. Go back to your portal to see your payments.".into(),
        "page" | "route" => "This page isn't part of the portal. Go back to your portal's home page.".into(),
        "contractor" | "tenant" => "We couldn't find this business. Check the address you were sent.".into(),
        other => format!("We couldn't find this {other}. It may have been removed. Go back and try again."),
    }
}

/// `outer: inner: innermost`, for logs.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// A rule's refusal as 422 (see [`ApiError::Unprocessable`]): for checks that no schema can
/// state. Other errors pass through.
pub fn unprocessable(e: impl Into<ApiError>) -> ApiError {
    match e.into() {
        ApiError::Invalid(f) => ApiError::Unprocessable(f),
        other => other,
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(f) => ApiError::Invalid(f),
            e @ DomainError::InvalidTransition { .. } => ApiError::Conflict("invalid_state", e.to_string()),
            DomainError::Forbidden(m) => ApiError::Forbidden(m),
            DomainError::Conflict(code, m) => ApiError::Conflict(code, m),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::ConditionFailed | StoreError::TransactionCancelled { .. } => {
                ApiError::Conflict("conflict", "This changed while you were looking at it. Reload and try again.".into())
            }
            // Any string is a cursor by its shape; only one this list gave names a page.
            StoreError::BadCursor => {
                ApiError::Unprocessable(FieldErrors::one("cursor", "is not a page of this list: start from the first page"))
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<portal_app::Error> for ApiError {
    fn from(e: portal_app::Error) -> Self {
        match e {
            portal_app::Error::Store(e) => e.into(),
            portal_app::Error::Rule(e) => e.into(),
            portal_app::Error::NotFound(what) => ApiError::NotFound(what),
            portal_app::Error::Limited(m) => ApiError::Limited(m),
            portal_app::Error::Unprocessable(f) => ApiError::Unprocessable(f),
            portal_app::Error::Inconsistent(m) => ApiError::Internal(m.into()),
        }
    }
}

/// The body of every error response.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code (`invalid`, `not_found`, `conflict`, `link_expired`, ...).
    pub code: String,
    /// A sentence for the person using the portal.
    pub message: String,
    /// Field path -> messages, for `invalid`.
    pub fields: std::collections::BTreeMap<String, Vec<String>>,
}
