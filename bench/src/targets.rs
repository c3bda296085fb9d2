//! What the benchmark's rows are read against: the targets of issue 6 (one
//! SQLite server) and issue 19 (PostgreSQL, one or several instances).
//! Reported, never enforced: timings vary with the machine.

use crate::{Row, Verdict, mail};

pub fn targets(rows: &[Row], postgres: bool, instances: usize) -> Vec<Verdict> {
    let find = |prefix: &str, concurrency: usize| {
        rows.iter().find(|r| r.scenario.starts_with(prefix) && (concurrency == 0 || r.concurrency == concurrency))
    };
    let mut targets = Vec::new();
    let mut push = |name: &str, ok: bool, detail: String| targets.push(Verdict { name: name.into(), ok, detail });
    // PostgreSQL's targets are issue 19's: a network round trip and a
    // server process of its own per commit make SQLite's out of reach.
    let (per_second, p99_ms) = if postgres { (5_000.0, 50.0) } else { (10_000.0, 25.0) };
    // Several instances share the same 2 cores with the database and the
    // load: their sign-up rows are reported, and only the rush has a target.
    let one_instance = instances == 1;
    if let Some(row) = find("1 ", 64).filter(|_| one_instance) {
        push(
            &format!("sign-ups c=64 >= {per_second:.0}/s"),
            row.requests_per_s >= per_second,
            format!("{:.0}/s", row.requests_per_s),
        );
        push(&format!("sign-ups c=64 p99 < {p99_ms} ms"), row.p99_ms < p99_ms, format!("{:.2} ms", row.p99_ms));
    }
    // A round trip to a database server is most of a millisecond already.
    if let Some(row) = find("1 ", 1).filter(|_| !postgres) {
        push("sign-ups c=1 p50 < 1 ms", row.p50_ms < 1.0, format!("{:.3} ms", row.p50_ms));
    }
    let rush_ms = match (postgres, instances) {
        (false, _) => 1_000.0,
        (true, 1) => 500.0,
        (true, _) => 750.0,
    };
    if let Some(row) = find("2 ", 0) {
        push(
            &format!("rush answered within {rush_ms:.0} ms"),
            row.seconds * 1000.0 < rush_ms,
            format!("{:.0} ms", row.seconds * 1000.0),
        );
    }
    if let Some(fraction) = find("3 catalogue: GET /api", 0).and_then(|r| r.of_floor) {
        push("GET /api/v1/events >= 50% of floor", fraction >= 0.5, format!("{:.0}%", fraction * 100.0));
    }
    if let Some(fraction) = find("3 catalogue: GET / ", 0).and_then(|r| r.of_floor) {
        push("GET / >= 25% of floor", fraction >= 0.25, format!("{:.0}%", fraction * 100.0));
    }
    let peak = rows.iter().filter(|r| !r.scenario.starts_with('0')).filter_map(|r| r.peak_rss_kib).max();
    if let Some(peak) = peak {
        push("server peak RSS < 64 MiB", peak < 64 * 1024, format!("{:.1} MiB", peak as f64 / 1024.0));
    }
    let reminders: Vec<&Row> = rows.iter().filter(|r| r.scenario.starts_with("5 ")).collect();
    if let [before, busy, after] = reminders[..] {
        let quiet = (before.requests_per_s + after.requests_per_s) / 2.0;
        let ratio = busy.requests_per_s / quiet;
        let ok = ratio >= 0.9;
        push(
            "reminders due: sign-ups within 10% of none due (mean of before and after)",
            ok,
            format!("{:.0}%", ratio * 100.0),
        );
    }
    if let (Some(slow), Some(normal)) = (find("4 ", 64), find("1 ", 64)) {
        let ratio = slow.requests_per_s / normal.requests_per_s;
        // Within 10% either way: (4) much faster than (1) means mail slows (1).
        let ok = (0.9..=1.1).contains(&ratio);
        push("slow SMTP: sign-ups within 10% of (1)", ok, format!("{:.0}% of (1) c=64", ratio * 100.0));
    }
    if let (Some(delivering), Some(down)) =
        (mail::median_p99(rows, mail::DELIVERING), mail::median_p99(rows, mail::DOWN))
    {
        push(
            "mail: sign-ups' p99 while delivering within 1.5x of SMTP down (medians of 3)",
            delivering <= 1.5 * down,
            format!("{delivering:.2} ms delivering, {down:.2} ms down ({:.2}x)", delivering / down),
        );
    }
    targets
}
