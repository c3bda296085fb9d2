//! Turns on the PostgreSQL half of the integration tests (`postgres_tests`)
//! when TEST_DATABASE_URL is set, so that without it they are reported as
//! ignored rather than run against nothing.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rerun-if-env-changed=TEST_DATABASE_URL");
    if std::env::var_os("TEST_DATABASE_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
