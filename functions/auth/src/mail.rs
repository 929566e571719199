//! The sign-in email and text.
use portal_domain::party::{Email, Tenant};
use portal_domain::ports::Mail;

/// The email with a sign-in link.
pub fn sign_in_email(tenant: &Tenant, to: &Email, url: &str, minutes: i64) -> Mail {
    let name = &tenant.name;
    Mail::branded(
        tenant,
        to,
        format!("Your sign-in link for {name}"),
        &[format!("Sign in to your {name} customer portal:")],
        "Sign in",
        url,
        &format!("The link works once, for {minutes} minutes. If you did not ask for it, you can ignore this email."),
    )
}

/// The text message with a sign-in link.
pub fn sign_in_text(tenant: &Tenant, url: &str, minutes: i64) -> String {
    format!("{}: your sign-in link (works once, {minutes} min): {url}", tenant.name)
}
