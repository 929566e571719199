//! A visit as an iCalendar event (RFC 5545), for the customer's calendar.
//!
//! The UID is the visit's id (so the same visit is always the same event) and SEQUENCE is the
//! visit's, raised each time it moves: a calendar that imports the file again updates the event
//! instead of adding a second one. Times are written in UTC (`...Z`, RFC 5545 §3.3.5 form #2):
//! an instant every calendar shows in its own user's zone without a VTIMEZONE block, which we
//! would otherwise have to generate from the zone database for each file. The zone's name goes
//! in the description's wording instead ("9:00 to 11:00, America/Chicago").
//!
//! Written by hand: the Rust iCalendar crates pull in chrono and a builder API for what is a
//! dozen escaped, folded lines.
use jiff::Timestamp;

use super::{Job, Visit, VisitStatus};

/// What the event says besides the visit itself.
pub struct EventText<'a> {
    /// The contractor (`Bright Spark Electric`).
    pub business: &'a str,
    /// The domain in the UID (`portal.example.com`).
    pub domain: &'a str,
    /// The job's page in the portal.
    pub url: &'a str,
    /// The contractor's address for the ORGANIZER (RFC 5546 asks for one with PUBLISH).
    pub organizer: Option<&'a str>,
    pub now: Timestamp,
}

/// The `.ics` file of one visit of `job`.
pub fn ics(job: &Job, v: &Visit, t: &EventText<'_>) -> String {
    let status = match v.status {
        VisitStatus::Cancelled => "CANCELLED",
        VisitStatus::Scheduled => "TENTATIVE",
        _ => "CONFIRMED",
    };
    let zone = job.zone();
    let (start, end) = v.window.in_zone(&zone);
    let who: Vec<&str> = v.technicians.iter().map(|c| c.name.as_str()).collect();
    let mut description =
        format!("Arrival window {} to {} ({}).", start.strftime("%A %-d %B %Y, %-H:%M"), end.strftime("%-H:%M"), job.time_zone);
    if !who.is_empty() {
        description.push_str(&format!("\nTechnician: {}.", who.join(", ")));
    }
    if !v.customer_notes.is_empty() {
        description.push_str(&format!("\n{}", v.customer_notes));
    }
    description.push_str(&format!("\n{}", t.url));
    let location = job.site.as_ref().map(|s| s.address.as_str()).unwrap_or_default();
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Switchboard//Client portal//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}@{}", v.id, t.domain),
        format!("SEQUENCE:{}", v.sequence),
        format!("DTSTAMP:{}", utc(t.now)),
        format!("DTSTART:{}", utc(v.window.start)),
        format!("DTEND:{}", utc(v.window.end)),
        format!("SUMMARY:{}", text(&format!("{}: {} ({})", t.business, job.title, job.number))),
        format!("DESCRIPTION:{}", text(&description)),
        format!("STATUS:{status}"),
        // A URI value, not TEXT: never backslash-escaped (RFC 5545 §3.3.13).
        format!("URL:{}", t.url.replace(['\r', '\n'], "")),
    ];
    if let Some(o) = t.organizer {
        let name: String = t.business.chars().filter(|c| !matches!(c, '"' | '\r' | '\n')).collect();
        lines.push(format!("ORGANIZER;CN=\"{name}\":mailto:{o}"));
    }
    if !location.is_empty() {
        lines.push(format!("LOCATION:{}", text(location)));
    }
    lines.extend(["TRANSP:OPAQUE".to_string(), "END:VEVENT".to_string(), "END:VCALENDAR".to_string()]);
    let mut out = String::new();
    for l in lines {
        fold(&l, &mut out);
    }
    out
}

/// `20261203T150000Z`.
fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value escaped (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character, each
/// piece ending in CRLF.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        fold(&format!("DESCRIPTION:{}", "é".repeat(60)), &mut out);
        for piece in out.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(piece.len() <= 75, "{} octets", piece.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), format!("DESCRIPTION:{}", "é".repeat(60)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
