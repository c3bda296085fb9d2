//! Turns on the PostgreSQL half of the integration tests (`postgres_tests`)
//! when TEST_DATABASE_URL is set, and the browser tests (`browser_tests`)
//! when CHROMEDRIVER and AXE_JS name chromedriver and axe-core's
//! `axe.min.js`, so that without them they are reported as ignored rather
//! than run against nothing.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rustc-check-cfg=cfg(browser_tests)");
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
    println!("cargo::rerun-if-env-changed=CHROMEDRIVER");
    println!("cargo::rerun-if-env-changed=AXE_JS");
    if std::env::var_os("TEST_DATABASE_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
    let exists = |name: &str| std::env::var_os(name).is_some_and(|path| std::path::Path::new(&path).is_file());
    if exists("CHROMEDRIVER") && exists("AXE_JS") {
        println!("cargo::rustc-cfg=browser_tests");
    }
}
