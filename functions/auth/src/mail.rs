//! The sign-in email and text. Everything interpolated is escaped.
use portal_domain::party::{Email, Tenant};
use portal_domain::ports::Mail;
use portal_http::response::escape_html;

/// The email with a sign-in link.
pub fn sign_in_email(tenant: &Tenant, to: &Email, url: &str, minutes: i64) -> Mail {
    let name = &tenant.name;
    let text = format!(
        "Sign in to your {name} customer portal:\n\n{url}\n\nThe link works once, for {minutes} minutes. \
         If you did not ask for it, you can ignore this email.\n"
    );
    let color = escape_html(&tenant.branding.primary_color);
    let html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#1a1a1a\">\
         <p>Sign in to your <strong>{n}</strong> customer portal.</p>\
         <p><a href=\"{u}\" style=\"display:inline-block;padding:12px 20px;background:{color};color:#fff;\
         border-radius:6px;text-decoration:none\">Sign in</a></p>\
         <p style=\"color:#555\">The link works once, for {minutes} minutes. If you did not ask for it, you can ignore this email.</p>\
         </body></html>",
        n = escape_html(name),
        u = escape_html(url),
    );
    Mail { to: to.clone(), from_name: name.clone(), subject: format!("Your sign-in link for {name}"), text, html }
}

/// The text message with a sign-in link.
pub fn sign_in_text(tenant: &Tenant, url: &str, minutes: i64) -> String {
    format!("{}: your sign-in link (works once, {minutes} min): {url}", tenant.name)
}
