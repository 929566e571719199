//! One 1 MB email reply (text and a 1 MB photo, base64) through inbound-email's parsing and
//! rules, in a process of its own so its peak memory is its own: prints
//! `{"ms": ..., "peak_kb": ..., "bytes": ...}` (the median of 50 parses; the peak resident
//! memory of the whole process, from `/proc/self/status`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;

fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0)
}

fn main() {
    // Noise does not compress: a photo's bytes.
    let photo: Vec<u8> = (0..760_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&photo);
    let lines: Vec<&str> = encoded.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let quoted: String = (0..40).map(|i| format!("> Line {i} of the notice we sent.\r\n")).collect();
    let raw = format!(
        "X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n\
         Authentication-Results: amazonses.com; spf=pass smtp.mailfrom=dana@example.com; dkim=pass header.i=@example.com\r\n\
         From: Dana Whitfield <dana@example.com>\r\nTo: reply+{}@reply.brightspark.example\r\n\
         References: <thread.acc_whitfield.job_bathfan.ten_brightspark@reply.brightspark.example>\r\n\
         Subject: Re: Bathroom fan\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\nHere is the fan's label.\r\n\r\nOn Tue, Dec 1, 2026 at 9:12 AM Bright Spark <x@y> wrote:\r\n{quoted}\
         --b1\r\nContent-Type: image/jpeg; name=\"label.jpg\"\r\nContent-Disposition: attachment; filename=\"label.jpg\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b1--\r\n",
        "a".repeat(40),
        lines.join("\r\n")
    )
    .into_bytes();
    let mut times = Vec::new();
    for _ in 0..50 {
        let started = std::time::Instant::now();
        let p = portal_app::inbound::parse(&raw).expect("parsed");
        assert!(portal_domain::inbound::verdict(&p.headers, &p.from).is_none() && !portal_domain::inbound::is_automatic(&p.headers));
        assert_eq!((p.text.as_str(), p.parts.len()), ("Here is the fan's label.", 1));
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!(r#"{{"ms": {:.2}, "peak_kb": {}, "bytes": {}}}"#, times[times.len() / 2], peak_kb(), raw.len());
}
