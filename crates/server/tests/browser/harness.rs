//! A real headless Chromium driven over WebDriver (Debian's `chromium` and
//! `chromium-driver`), started per test on a free port, and the Proofline app on a
//! manual clock for it to use. Screenshots land in `target/screenshots/`.

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::{Child, Command};

/// Phone and desktop viewports, in CSS pixels. Screenshots use a tall window so a whole
/// page fits.
pub const PHONE: (u32, u32) = (360, 740);
pub const DESKTOP: (u32, u32) = (1280, 900);

pub struct Browser {
    pub client: Client,
    pub base: String,
    _driver: Child,
}

fn found(candidates: &[Option<String>]) -> Option<PathBuf> {
    candidates.iter().flatten().map(PathBuf::from).find(|p| p.is_file())
}

/// The browser, or `None` (with a line saying the test is skipped) where Chromium is not
/// installed. Under CI it must be there: `.ci/run` installs it.
pub async fn browser(base: &str) -> Option<Browser> {
    let driver = found(&[std::env::var("CHROMEDRIVER").ok(), Some("/usr/bin/chromedriver".into())]);
    let chromium = found(&[std::env::var("CHROMIUM").ok(), Some("/usr/bin/chromium".into())]);
    let (Some(driver), Some(chromium)) = (driver, chromium) else {
        assert!(std::env::var_os("CI").is_none(), "CI must provide chromium and chromedriver (see .ci/run)");
        eprintln!("skipped: browser test needs chromium and chromedriver (apt-get install chromium chromium-driver)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    // Its own process group, so the browsers it starts end with it even when a test
    // panics before closing its session (see Drop).
    let child = Command::new(&driver)
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    let profile = tempfile::tempdir().expect("a profile folder").keep();
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--hide-scrollbars", "--force-device-scale-factor=1",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let capabilities = match capabilities {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    };
    let mut last_error = String::new();
    for _ in 0..100 {
        match ClientBuilder::new(HttpConnector::new()).capabilities(capabilities.clone()).connect(&url).await {
            Ok(client) => return Some(Browser { client, base: base.to_string(), _driver: child }),
            Err(e) => last_error = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not accept a session: {last_error}");
}

pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot folder");
    // The browser accepts only canonical paths for uploads.
    dir.canonicalize().expect("the screenshot folder exists")
}

impl Browser {
    pub async fn open(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.expect("the page loads");
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("a URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// The visible text of the page's main landmark.
    pub async fn main_text(&self) -> String {
        self.client.find(Locator::Css("main")).await.expect("a main landmark").text().await.expect("text")
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}"));
        field.clear().await.ok();
        field.send_keys(text).await.expect("typing works");
    }

    /// Picks the option with `value` in the select `css`.
    pub async fn choose(&self, css: &str, value: &str) {
        let select = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}"));
        select.select_by_value(value).await.unwrap_or_else(|e| panic!("no option {value} in {css}: {e}"));
    }

    /// Waits until the element `css` shows `text` (live regions update after typing).
    pub async fn wait_for_text(&self, css: &str, text: &str) {
        let mut seen = String::new();
        for _ in 0..200 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                seen = element.text().await.unwrap_or_default();
                if seen.contains(text) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{css} never showed {text:?}; it shows {seen:?}");
    }

    pub async fn click(&self, css: &str) {
        let element = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}"));
        element.click().await.unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Clicks the first button whose text is `label` (inside `scope`, a CSS selector) and
    /// waits until the page it submits to has replaced this one.
    pub async fn press(&self, scope: &str, label: &str) {
        let xpath = format!("{}//button[normalize-space()='{label}']", css_scope_to_xpath(scope));
        let button =
            self.client.find(Locator::XPath(&xpath)).await.unwrap_or_else(|e| panic!("no button {label}: {e}"));
        let old_page = self.client.find(Locator::Css("html")).await.expect("a page");
        button.click().await.unwrap_or_else(|e| panic!("cannot press {label}: {e}"));
        for _ in 0..200 {
            // The old page's root goes stale once the browser has navigated away.
            if old_page.tag_name().await.is_err() {
                let ready = self.client.execute("return document.readyState", vec![]).await.ok();
                if ready.as_ref().and_then(|r| r.as_str()) == Some("complete") {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("pressing {label} did not lead to a new page");
    }

    pub async fn sign_in(&self, email: &str, password: &str) {
        self.open("/signin").await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.press("form", "Sign in").await;
    }

    pub async fn sign_out(&self) {
        self.press(".signout", "Sign out").await;
    }

    /// What a screen-reader or keyboard user would trip over on this page: fields without
    /// a label, images without text, buttons without a name, a missing main landmark or
    /// heading, headings that skip a level.
    pub async fn accessibility_problems(&self) -> Vec<String> {
        let found = self.client.execute(AUDIT, vec![]).await.expect("the audit runs");
        found.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect()
    }

    /// Saves the page at `width` (tall enough for the whole page) as `name.png`, after
    /// checking it for accessibility problems.
    pub async fn shoot(&self, name: &str, (width, height): (u32, u32)) -> PathBuf {
        let problems = self.accessibility_problems().await;
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        self.client.set_window_size(width, height).await.expect("resizable");
        let full: f64 = self
            .client
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(f64::from(height));
        self.client.set_window_size(width, (full as u32).clamp(height, 4000)).await.expect("resizable");
        let png = self.client.screenshot().await.expect("a screenshot");
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is saved");
        self.client.set_window_size(width, height).await.expect("resizable");
        path
    }

    /// Whether the page scrolls sideways at its current width (it must not on a phone).
    pub async fn overflows_sideways(&self) -> bool {
        let widths = self
            .client
            .execute("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]", vec![])
            .await
            .expect("script runs");
        widths[0].as_f64() > widths[1].as_f64()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(group) = self._driver.id() {
            let _ = std::process::Command::new("kill").args(["-TERM", "--", &format!("-{group}")]).status();
        }
    }
}

fn css_scope_to_xpath(scope: &str) -> String {
    match scope.strip_prefix('.') {
        Some(class) => format!("//*[contains(concat(' ', normalize-space(@class), ' '), ' {class} ')]"),
        None => format!("//{scope}"),
    }
}

const AUDIT: &str = r#"
const problems = [];
const named = (el) => (el.getAttribute("aria-label") || "").trim() || el.getAttribute("aria-labelledby");
if (!document.documentElement.lang) problems.push("the page has no lang");
if (document.querySelectorAll("main").length !== 1) problems.push("there must be one main landmark");
if (document.querySelectorAll("h1").length !== 1) problems.push("there must be one h1");
for (const field of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
  const labelled = (field.labels && field.labels.length > 0) || named(field);
  if (!labelled) problems.push(`unlabelled ${field.tagName.toLowerCase()} ${field.name || field.id}`);
}
for (const img of document.querySelectorAll("img")) {
  if (!img.hasAttribute("alt")) problems.push(`image without alt: ${img.src}`);
}
for (const button of document.querySelectorAll("button, a[href]")) {
  if (!(button.textContent.trim() || named(button) || button.querySelector("img[alt]"))) {
    problems.push(`${button.tagName.toLowerCase()} without a name: ${button.outerHTML.slice(0, 80)}`);
  }
}
let last = 0;
for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
  const level = Number(heading.tagName[1]);
  if (last && level > last + 1) problems.push(`heading skips from h${last} to h${level}: ${heading.textContent.trim()}`);
  last = level;
}
// Text contrast against its effective background (WCAG AA: 4.5:1, 3:1 for large text).
const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
const rgb = (text) => (text.match(/[\d.]+/g) || []).map(Number);
const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
const background = (el) => {
  for (let at = el; at; at = at.parentElement) {
    const c = rgb(getComputedStyle(at).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
  }
  return [255, 255, 255];
};
for (const el of document.querySelectorAll("body *")) {
  const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own || el.closest("svg") || !el.getClientRects().length) continue;
  const style = getComputedStyle(el);
  const [fg, bg] = [luminance(rgb(style.color)), luminance(background(el))];
  const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)}:1 for "${el.textContent.trim().slice(0, 30)}"`);
}
const first = document.querySelector("a[href], button, input:not([type=hidden]), select, textarea");
if (first && !first.classList.contains("skip")) problems.push("the first thing to tab to is not the skip link");
return problems;
"#;
