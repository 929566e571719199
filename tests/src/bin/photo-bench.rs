//! One photo through process-upload's renditions, in a process of its own so its peak memory
//! is its own: `photo-bench <file.jpg>` prints `{"ms": ..., "peak_kb": ...}` (time of the
//! renditions alone; peak resident memory of the whole process, from `/proc/self/status`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0)
}

fn main() {
    let path = std::env::args().nth(1).expect("photo-bench <file.jpg>");
    let bytes = std::fs::read(path).expect("the photo");
    let started = std::time::Instant::now();
    let format = process_upload::photo::identify(&bytes);
    let r = process_upload::photo::render(&bytes, format).expect("renditions");
    let ms = started.elapsed().as_secs_f64() * 1e3;
    assert!(r.display.width.max(r.display.height) == 2048 && r.thumb.width.max(r.thumb.height) == 400);
    println!(
        r#"{{"ms": {ms:.1}, "peak_kb": {}, "display_bytes": {}, "thumb_bytes": {}}}"#,
        peak_kb(),
        r.display.jpeg.len(),
        r.thumb.jpeg.len()
    );
}
