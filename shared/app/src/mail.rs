//! The email every message is written in: the contractor's name, logo and colour, the same
//! words in text and HTML, one button, and how to reach the contractor. Everything is
//! escaped here.
use portal_domain::party::{Email, Phone, Tenant};
use portal_domain::ports::Mail;

/// An email from the contractor: paragraphs, one button, a closing note, the same words in
/// text and HTML, in the contractor's colour. Everything is escaped here.
pub fn branded(tenant: &Tenant, to: &Email, subject: String, paragraphs: &[String], button: &str, url: &str, note: &str) -> Mail {
    branded_with_facts(tenant, to, subject, paragraphs, &[], button, url, note)
}

/// [`branded`] without a button, for someone with no portal to open (a lead from the public
/// form): answers go to the business's support address, unless the caller sets a thread's.
pub fn without_portal(tenant: &Tenant, to: &Email, subject: String, paragraphs: &[String], note: &str) -> Mail {
    let mut mail = branded_with_facts(tenant, to, subject, paragraphs, &[], "", "", note);
    mail.reply_to = tenant.support_email.as_ref().map(|e| e.as_str().to_string());
    mail
}

/// [`branded`] with what the email is about, as labelled facts (`Total`, `Due`,
/// `Property`): a header with the contractor's logo and colour, the facts as a table, and a
/// footer with how to reach the contractor (phone, email, address), so the email is easy to
/// trust and hard to mistake for phishing. The text part says the same and reads on its own.
#[allow(clippy::too_many_arguments)]
pub fn branded_with_facts(
    tenant: &Tenant,
    to: &Email,
    subject: String,
    paragraphs: &[String],
    facts: &[(&str, String)],
    button: &str,
    url: &str,
    note: &str,
) -> Mail {
    use portal_domain::escape_html as esc;
    let reach: Vec<String> = [
        tenant.support_phone.as_ref().map(Phone::display),
        tenant.support_email.as_ref().map(|e| e.as_str().to_string()),
        Some(tenant.address.trim().to_string()).filter(|a| !a.is_empty()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut text = paragraphs.join("\n\n");
    if !facts.is_empty() {
        text.push_str("\n\n");
        text.push_str(&facts.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n"));
    }
    if !url.is_empty() {
        text.push_str(&format!("\n\n{button}: {url}"));
    }
    text.push_str(&format!("\n\n{note}\n\n-- \n{}\n", tenant.name));
    for r in &reach {
        text.push_str(r);
        text.push('\n');
    }
    let color = esc(&tenant.branding.primary_color);
    let logo = tenant.branding.logo_url.as_deref().map(|u| {
        // A logo on the portal is named by its path: mail needs the whole address.
        let u = if u.starts_with('/') { format!("{}{u}", tenant.portal_url.trim_end_matches('/')) } else { u.to_string() };
        format!("<img src=\"{}\" alt=\"\" width=\"40\" height=\"40\" style=\"vertical-align:middle;border-radius:8px;background:#fff;margin-right:10px\">", esc(&u))
    });
    let body: String = paragraphs.iter().map(|p| format!("<p style=\"margin:0 0 14px\">{}</p>", esc(p))).collect();
    let rows: String = facts
        .iter()
        .map(|(k, v)| {
            format!(
                "<tr><td style=\"padding:6px 12px 6px 0;color:#555\">{}</td><td style=\"padding:6px 0;font-weight:600\">{}</td></tr>",
                esc(k),
                esc(v)
            )
        })
        .collect();
    let table = if rows.is_empty() {
        String::new()
    } else {
        format!("<table role=\"presentation\" style=\"border-collapse:collapse;margin:0 0 16px\">{rows}</table>")
    };
    let footer = reach.iter().map(|r| esc(r)).collect::<Vec<_>>().join(" &middot; ");
    let html = format!(
        "<!doctype html><html><head><meta name=\"viewport\" content=\"width=device-width\"></head>\
         <body style=\"margin:0;background:#f6f7f9;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1a1a\">\
         <table role=\"presentation\" width=\"100%\" style=\"border-collapse:collapse\"><tr><td style=\"padding:16px 8px\" align=\"center\">\
         <table role=\"presentation\" width=\"100%\" style=\"max-width:560px;border-collapse:collapse;background:#fff;border-radius:10px\">\
         <tr><td style=\"background:{color};color:#fff;padding:14px 20px;border-radius:10px 10px 0 0;font-size:18px;font-weight:600\">{logo}{name}</td></tr>\
         <tr><td style=\"padding:20px;font-size:16px;line-height:1.5\">{body}{table}{button}\
         <p style=\"margin:0;color:#555;font-size:14px\">{n}</p></td></tr>\
         <tr><td style=\"padding:14px 20px;border-top:1px solid #e5e7eb;color:#555;font-size:14px\">{name}<br>{footer}</td></tr>\
         </table></td></tr></table></body></html>",
        logo = logo.unwrap_or_default(),
        button = if url.is_empty() {
            String::new()
        } else {
            format!(
                "<p style=\"margin:0 0 16px\"><a href=\"{}\" style=\"display:inline-block;padding:12px 20px;background:{color};color:#fff;\
                 border-radius:6px;text-decoration:none;font-weight:600\">{}</a></p>",
                esc(url),
                esc(button)
            )
        },
        n = esc(note),
        name = esc(&tenant.name),
    );
    Mail {
        to: to.clone(),
        from_name: tenant.name.clone(),
        subject,
        text,
        html,
        attachments: Vec::new(),
        reply_to: None,
        references: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branded_mail_escapes_everything_it_puts_in_html() {
        let tenant: Tenant = serde_json::from_value(serde_json::json!({
            "id": "ten_x", "slug": "x", "name": "Bob & <Sons>", "time_zone": "UTC", "currency": "USD",
            "branding": {"logo_url": null, "primary_color": "\"><script>", "accent_color": "#000000"},
            "support_email": null, "support_phone": null, "portal_url": "https://p.example"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let to = Email::try_from("a@b.example".to_string()).unwrap_or_else(|_| unreachable!());
        let m = branded(&tenant, &to, "S".into(), &["<b>hi</b>".into()], "Go", "https://p.example/?a=1&b=\"2", "n");
        assert!(!m.html.contains("<script>") && !m.html.contains("<b>hi") && !m.html.contains("<Sons>"), "{}", m.html);
        assert!(m.html.contains("&amp;b=&quot;2") && m.text.contains("Go: https://p.example/?a=1&b=\"2"), "{}", m.text);
    }

    #[test]
    fn an_email_says_who_it_is_from_what_it_is_about_and_how_to_reach_them() {
        let tenant: Tenant = serde_json::from_value(serde_json::json!({
            "id": "ten_x", "slug": "x", "name": "Bright Spark Electric", "time_zone": "UTC", "currency": "USD",
            "branding": {"logo_url": "/media/ten_x/logo-1.png", "primary_color": "#0b5cad", "accent_color": "#000000"},
            "support_email": "office@bright.example", "support_phone": "+15125550100", "portal_url": "https://p.example/",
            "address": "1200 Congress Avenue, Austin, TX 78701"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let to = Email::try_from("dana@example.com".to_string()).unwrap_or_else(|_| unreachable!());
        let facts = [("Total", "$2,971.59".to_string()), ("Valid until", "December 31, 2026".to_string())];
        let m = branded_with_facts(&tenant, &to, "S".into(), &["Hello Dana,".into()], &facts, "Review", "https://p.example/x", "n");
        assert!(m.html.contains("src=\"https://p.example/media/ten_x/logo-1.png\""), "the logo by its whole address: {}", m.html);
        assert!(m.html.contains("background:#0b5cad"), "the contractor's colour");
        for part in [&m.html, &m.text] {
            for fact in
                ["$2,971.59", "December 31, 2026", "(512) 555-0100", "office@bright.example", "1200 Congress Avenue, Austin, TX 78701"]
            {
                assert!(part.contains(fact), "{fact} in {part}");
            }
        }
        assert!(m.text.contains("Total: $2,971.59\nValid until: December 31, 2026"), "the text part reads on its own: {}", m.text);
    }
}
