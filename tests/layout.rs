//! The shape the code keeps (the README's "Layout"), checked on the source
//! itself so that it does not wear away one handler at a time:
//! handlers reach the store only through operations and queries, stay
//! short, and no file grows past what a reader takes in.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("source folder").filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

const HANDLERS: [&str; 3] = ["src/api", "src/admin", "src/web"];

#[test]
fn handlers_never_use_the_store() {
    for path in HANDLERS.iter().flat_map(|dir| sources(dir)) {
        let text = std::fs::read_to_string(&path).expect("source");
        for (n, line) in text.lines().enumerate() {
            assert!(
                !line.contains(".store"),
                "{}:{}: handlers call operations and queries: {line}",
                path.display(),
                n + 1
            );
        }
    }
}

/// Lines in the body of each `pub async fn` (the handlers) of `text`.
fn handler_bodies(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut bodies = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(rest) = lines[i].strip_prefix("pub async fn ") {
            let name = rest.split('(').next().unwrap_or_default().to_owned();
            let opens = (i..lines.len()).find(|&j| lines[j].trim_end().ends_with('{')).unwrap_or(i);
            let closes = (opens + 1..lines.len()).find(|&k| lines[k].starts_with('}')).unwrap_or(lines.len());
            bodies.push((name, closes - opens - 1));
            i = closes;
        }
        i += 1;
    }
    bodies
}

#[test]
fn handlers_stay_short() {
    let mut seen = 0;
    for path in HANDLERS.iter().flat_map(|dir| sources(dir)) {
        let text = std::fs::read_to_string(&path).expect("source");
        for (name, lines) in handler_bodies(&text) {
            seen += 1;
            assert!(lines <= 30, "{}: {name} has {lines} lines: parse, call one operation, render", path.display());
        }
    }
    assert!(seen > 40, "the check found the handlers ({seen})");
}

#[test]
fn no_source_file_outgrows_a_reading() {
    for path in sources("src") {
        // The message tables are long by nature.
        if path.parent().is_some_and(|p| p.ends_with("i18n")) && !path.ends_with("mod.rs") {
            continue;
        }
        let lines = std::fs::read_to_string(&path).expect("source").lines().count();
        assert!(lines <= 400, "{} has {lines} lines", path.display());
    }
}

#[test]
fn the_length_check_counts_a_body() {
    let text = "pub async fn show(\n    a: u8,\n) -> u8 {\n    let b = a;\n    b\n}\n";
    assert_eq!(handler_bodies(text), [("show".to_owned(), 2)]);
}
