//! A real browser for the page tests: Debian's Chromium, headless, driven
//! through chromedriver (WebDriver) by fantoccini, with axe-core to check
//! accessibility.
//!
//! Built only when CHROMEDRIVER and AXE_JS name the driver and axe-core's
//! `axe.min.js` at build time (build.rs turns on `browser_tests`; `.ci/run`
//! installs both); without them the browser tests are reported ignored.

use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// Set at build time, with the cfg that runs the browser tests (build.rs).
const CHROMEDRIVER: Option<&str> = option_env!("CHROMEDRIVER");
const AXE_JS: Option<&str> = option_env!("AXE_JS");

/// A phone (the issue's 390 × 844) and a desktop.
pub const PHONE: (u32, u32) = (390, 844);
pub const DESKTOP: (u32, u32) = (1280, 800);

/// chromedriver and one headless Chromium session; both end when dropped.
pub struct Browser {
    pub client: Client,
    driver: tokio::process::Child,
}

impl Browser {
    pub async fn start() -> Browser {
        let Some(driver_path) = CHROMEDRIVER else { panic!("CHROMEDRIVER was not set at build time") };
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
        let driver = tokio::process::Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let mut capabilities = serde_json::Map::new();
        let args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=fr-FR"];
        // French first, as the students' browsers ask.
        let prefs = json!({ "intl.accept_languages": "fr-FR,fr" });
        capabilities.insert("goog:chromeOptions".into(), json!({ "args": args, "prefs": prefs }));
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector).capabilities(capabilities.clone()).connect(&url).await {
                Ok(client) => return Browser { client, driver },
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no browser session: {last_error:?}");
    }

    pub async fn size(&self, (width, height): (u32, u32)) {
        self.client.set_window_size(width, height).await.expect("window size");
    }

    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("page opens");
    }

    pub async fn text(&self) -> String {
        self.client.find(Locator::Css("body")).await.expect("body").text().await.expect("text")
    }

    /// The page's text once it contains `needle`: a click or a submit
    /// returns before the page it leads to has always loaded. Panics with
    /// the text seen after 10 s.
    pub async fn wait_for_text(&self, needle: &str) -> String {
        let mut seen = String::new();
        for _ in 0..200 {
            if let Ok(body) = self.client.find(Locator::Css("body")).await
                && let Ok(text) = body.text().await
            {
                if text.contains(needle) {
                    return text;
                }
                seen = text;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {needle:?} within 10 s in:\n{seen}");
    }

    pub async fn title(&self) -> String {
        self.client.title().await.expect("title")
    }

    /// Presses keys as a person does, into whatever has the focus.
    pub async fn keys(&self, text: &str) {
        let focused = self.client.active_element().await.expect("a focused element");
        focused.send_keys(text).await.expect("keys");
    }

    /// Runs `script` and returns what it returns.
    pub async fn eval(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script runs")
    }

    /// What the focused element is: `tag#id[name]`, for asserting where
    /// Tab leads.
    pub async fn focused(&self) -> String {
        let script = "const e = document.activeElement; \
                      return e.tagName.toLowerCase() + '#' + (e.id || '') + '[' + (e.name || '') + ']';";
        self.eval(script).await.as_str().unwrap_or_default().to_owned()
    }

    /// Tabs forward until the focus is on `target` (as `focused` writes
    /// it), at most `max` times; whether it got there.
    pub async fn tab_to(&self, target: &str, max: usize) -> bool {
        for _ in 0..max {
            if self.focused().await == target {
                return true;
            }
            self.keys("\u{e004}").await;
        }
        self.focused().await == target
    }

    /// axe-core's WCAG 2.0/2.1 A and AA violations on the page, one line
    /// each (rule, impact, the first elements).
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let Some(axe) = AXE_JS else { panic!("AXE_JS was not set at build time") };
        let axe = std::fs::read_to_string(axe).expect("axe.min.js");
        self.client.execute(&axe, vec![]).await.expect("axe loads");
        let run = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): '
                   + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));
        "#;
        let found = self.client.execute_async(run, vec![]).await.expect("axe runs");
        let found = found.as_array().unwrap_or_else(|| panic!("axe answered {found}"));
        found.iter().map(|v| v.as_str().expect("a line").to_owned()).collect()
    }

    /// When the page is wider than the window (it scrolls sideways): the
    /// elements that reach past its right edge and hold no such element.
    pub async fn wider_than_window(&self) -> Option<Vec<String>> {
        let script = r#"
            if (document.documentElement.scrollWidth <= window.innerWidth) return null;
            // Inside a box that scrolls sideways on its own is fine.
            const scrolled = e => {
                for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                    if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
                }
                return false;
            };
            const past = [...document.body.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !scrolled(e));
            return past.filter(e => !past.some(o => o !== e && e.contains(o)))
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '')
                    + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)');
        "#;
        let found = self.eval(script).await;
        found.as_array().map(|list| list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
    }

    /// A PNG of the window, for docs/screens.md.
    pub async fn screenshot(&self, path: &std::path::Path) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(path, png).expect("screenshot written");
    }

    pub async fn close(self) {
        let Browser { client, mut driver } = self;
        let _ = client.close().await;
        let _ = driver.kill().await;
    }
}
