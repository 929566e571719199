//! What of an emailed reply is the reply: the text above the quoted original and the
//! signature a mail client adds. Written here because no maintained crate does it for the
//! clients our customers use (Gmail, Outlook, Apple Mail, iOS and Android mail) in English and
//! Spanish; `mail-parser` gives us the text part, this finds where the reply ends.

/// Lines that begin the quoted original, whatever follows them.
const SEPARATORS: &[&str] = &[
    "-----original message-----",
    "----- original message -----",
    "-------- original message --------",
    "-------- mensaje original --------",
    "-----mensaje original-----",
    "----- mensaje original -----",
    "begin forwarded message:",
    "---------- forwarded message ---------",
];

/// Signatures mobile clients add under the reply.
const SENT_FROM: &[&str] = &[
    "sent from my iphone",
    "sent from my ipad",
    "sent from my samsung",
    "sent from my galaxy",
    "sent from my android",
    "sent from outlook for",
    "sent from yahoo mail",
    "get outlook for ios",
    "get outlook for android",
    "enviado desde mi iphone",
    "enviado desde mi ipad",
    "enviado desde mi samsung",
    "enviado desde mi galaxy",
    "enviado desde mi android",
    "obtener outlook para ios",
    "obtener outlook para android",
    "enviado desde outlook",
];

/// The header block Outlook puts above the original ("From:", "Sent:", then "To:" or
/// "Subject:"), in English and Spanish.
fn header_block(lines: &[&str], at: usize) -> bool {
    let field = |l: &str, names: &[&str]| {
        let l = l.trim_start_matches('*').trim().to_lowercase();
        names.iter().any(|n| l.starts_with(n))
    };
    let Some(first) = lines.get(at) else { return false };
    if !field(first, &["from:", "de:"]) {
        return false;
    }
    lines[at + 1..].iter().take(4).any(|l| field(l, &["sent:", "date:", "enviado:", "fecha:", "to:", "para:", "subject:", "asunto:"]))
}

/// "On <date>, <sender> wrote:" (Gmail, Apple Mail, iOS, Android), "El <date>, <sender>
/// escribió:" in Spanish; clients wrap it over two lines when it is long.
fn attribution(line: &str, next: Option<&str>) -> bool {
    let lower = line.trim().to_lowercase();
    let starts = lower.starts_with("on ") || lower.starts_with("el ");
    let ends = |s: &str| s.ends_with("wrote:") || s.ends_with("escribió:") || s.ends_with("escribio:");
    if !starts {
        return false;
    }
    if ends(&lower) {
        return true;
    }
    next.is_some_and(|n| ends(&format!("{lower} {}", n.trim().to_lowercase())))
}

/// The reply's own text: everything above the quoted original, its `> ` lines, an Outlook
/// header block, a `-- ` signature or a "Sent from my iPhone"; blank lines at the ends dropped.
/// A message that is only a quote (nothing above it) keeps its text, so nothing is lost.
pub fn strip_quoted(text: &str) -> String {
    let normal = text.replace("\r\n", "\n");
    let lines: Vec<&str> = normal.lines().collect();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let lower = line.trim().to_lowercase();
        let quoted = line.trim_start().starts_with('>');
        let rule = lower.len() >= 20 && lower.chars().all(|c| c == '_') && header_block(&lines, i + 1);
        if quoted
            || SEPARATORS.contains(&lower.as_str())
            || SENT_FROM.iter().any(|s| lower.starts_with(s))
            || *line == "-- "
            || lower == "--"
            || rule
            || header_block(&lines, i)
            || attribution(line, lines.get(i + 1).copied())
        {
            end = i;
            break;
        }
    }
    let kept = lines[..end].join("\n");
    let kept = kept.trim_matches(|c: char| c == '\n' || c.is_whitespace());
    if kept.is_empty() { normal.trim().to_string() } else { kept.to_string() }
}

#[cfg(test)]
mod tests {
    use super::strip_quoted;

    /// Replies in the shapes each client writes, and what is kept of each.
    const CORPUS: &[(&str, &str, &str)] = &[
        (
            "Gmail, web",
            "Thursday works for us.\n\nOn Mon, Dec 1, 2026 at 9:14 AM Bright Spark <reply+abc@in.brightspark.example> wrote:\n> Can we come on Thursday?\n> Casey",
            "Thursday works for us.",
        ),
        (
            "Gmail, attribution wrapped over two lines",
            "Yes please.\n\nOn Mon, Dec 1, 2026 at 9:14 AM Bright Spark Electric Services <reply+abc@in.brightspark.example>\nwrote:\n\n> Shall we order the panel?",
            "Yes please.",
        ),
        (
            "Gmail, Spanish",
            "El jueves nos viene bien.\n\nEl lun, 1 dic 2026 a las 9:14, Bright Spark (<reply+abc@in.brightspark.example>) escribió:\n> ¿Podemos ir el jueves?",
            "El jueves nos viene bien.",
        ),
        (
            "Outlook desktop",
            "The gate code is 4411.\n\n________________________________\nFrom: Bright Spark <reply+abc@in.brightspark.example>\nSent: Monday, December 1, 2026 9:14 AM\nTo: Dana Whitfield <dana@example.com>\nSubject: Your visit\n\nWhat is the gate code?",
            "The gate code is 4411.",
        ),
        (
            "Outlook, Spanish",
            "El código es 4411.\n\n________________________________\nDe: Bright Spark <reply+abc@in.brightspark.example>\nEnviado: lunes, 1 de diciembre de 2026 9:14\nPara: Dana Whitfield\nAsunto: Su visita\n\n¿Cuál es el código?",
            "El código es 4411.",
        ),
        (
            "Outlook, original message rule",
            "Please call before you come.\n\n-----Original Message-----\nFrom: Bright Spark\nSent: Monday, December 1, 2026 9:14 AM\nSubject: Your visit",
            "Please call before you come.",
        ),
        (
            "Apple Mail on a Mac",
            "Perfect, thank you!\n\nDana\n\n> On Dec 1, 2026, at 9:14 AM, Bright Spark <reply+abc@in.brightspark.example> wrote:\n> \n> Casey is on his way.",
            "Perfect, thank you!\n\nDana",
        ),
        (
            "iPhone Mail",
            "Great, see you then\n\nSent from my iPhone\n\n> On Dec 1, 2026, at 9:14 AM, Bright Spark <reply+abc@in.brightspark.example> wrote:\n> \n> See you Thursday.",
            "Great, see you then",
        ),
        (
            "iPhone Mail, Spanish",
            "Perfecto, gracias\n\nEnviado desde mi iPhone\n\n> El 1 dic 2026, a las 9:14, Bright Spark <reply+abc@in.brightspark.example> escribió:\n> \n> Nos vemos el jueves.",
            "Perfecto, gracias",
        ),
        (
            "Gmail for Android",
            "The dog will be inside.\n\nOn Mon, Dec 1, 2026, 9:14 AM Bright Spark <reply+abc@in.brightspark.example> wrote:\n\n> Is there a dog?\n>",
            "The dog will be inside.",
        ),
        (
            "Samsung Email",
            "Ok thanks\n\nSent from my Galaxy\n\n\n-------- Original message --------\nFrom: Bright Spark <reply+abc@in.brightspark.example>\nDate: 12/1/26 9:14 AM (GMT-06:00)\nTo: dana@example.com\nSubject: Your visit\n\nSee you Thursday.",
            "Ok thanks",
        ),
        (
            "Samsung Email, Spanish",
            "Vale, gracias\n\n-------- Mensaje original --------\nDe: Bright Spark <reply+abc@in.brightspark.example>\nFecha: 1/12/26 9:14\nPara: dana@example.com\nAsunto: Su visita",
            "Vale, gracias",
        ),
        (
            "Outlook for iOS",
            "On my way home, back at 5.\n\nGet Outlook for iOS\n________________________________\nFrom: Bright Spark <reply+abc@in.brightspark.example>\nSent: Monday, December 1, 2026 9:14:03 AM\nTo: Dana Whitfield <dana@example.com>\nSubject: Your visit",
            "On my way home, back at 5.",
        ),
        ("a signature under the sig dashes", "Thanks, that works.\n\n-- \nDana Whitfield\n1842 Maple Street", "Thanks, that works."),
        (
            "a reply that keeps its own line breaks and a line starting with On",
            "Two things:\nOne, the fan hums.\nOn the second floor the light flickers.\n\nOn Mon, Dec 1, 2026 at 9:14 AM Bright Spark <reply+abc@in.brightspark.example> wrote:\n> Anything else?",
            "Two things:\nOne, the fan hums.\nOn the second floor the light flickers.",
        ),
        ("only a quote: kept whole", "> Can we come on Thursday?", "> Can we come on Thursday?"),
    ];

    #[test]
    fn each_client_s_reply_keeps_only_what_was_written() {
        assert!(CORPUS.len() >= 12);
        for (client, raw, kept) in CORPUS {
            assert_eq!(strip_quoted(raw), *kept, "{client}");
            assert_eq!(strip_quoted(&raw.replace('\n', "\r\n")), *kept, "{client}, CRLF");
        }
    }
}
