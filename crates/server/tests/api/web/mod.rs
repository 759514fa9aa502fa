//! The web app as a browser without script uses it: pages over HTTP with a session
//! cookie, forms posted with their CSRF token and the browser's `Origin`.

mod accounts;
mod decisions;
mod editor;
mod foreign;
mod forms;
mod goals;
mod pages;
mod patterns;
mod people;
mod scan;
mod setup;
mod signin;
mod work;

use crate::helpers::{App, Person};
use reqwest::header::{HeaderMap, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::multipart::Form;
use reqwest::{Method, RequestBuilder, StatusCode};
use std::sync::Mutex;

/// The password every test person signs in with (the test engine hashes cheaply).
pub const PASSWORD: &str = "correct horse battery";

/// The session cookie's name over plain HTTP (the test app's public URL).
const COOKIE: &str = "proofline";

/// A browser: follows no redirects (tests look at them), keeps the session cookie, and
/// says where its forms come from.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: Mutex<Option<String>>,
}

/// A response as a browser receives it.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The HTML as sent, entities and all.
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Browser {
    pub fn new(app: &App) -> Browser {
        Browser::at(&app.base)
    }

    /// A browser for the server at `base` ("http://127.0.0.1:PORT").
    pub fn at(base: &str) -> Browser {
        proofline_testkit::http_client(); // installs the TLS provider reqwest needs
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("an HTTP client");
        Browser { http, base: base.to_string(), cookie: Mutex::new(None) }
    }

    /// Another browser holding a copy of `cookie` (a stolen or older cookie).
    pub fn with_cookie(app: &App, cookie: Option<String>) -> Browser {
        let browser = Browser::new(app);
        *browser.cookie.lock().unwrap() = cookie;
        browser
    }

    /// The session cookie's value, if the browser holds one.
    pub fn cookie(&self) -> Option<String> {
        self.cookie.lock().unwrap().clone()
    }

    /// A request carrying the cookie, but no `Origin`: add headers as the test needs.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let request = self.http.request(method, format!("{}{path}", self.base));
        match self.cookie() {
            Some(secret) => request.header("cookie", format!("{COOKIE}={secret}")),
            None => request,
        }
    }

    /// Sends `request` and keeps whatever cookie the answer sets or clears.
    pub async fn send(&self, request: RequestBuilder) -> Page {
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a body").to_vec();
        let page = Page { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes };
        if let Some(set) = page.set_cookie() {
            *self.cookie.lock().unwrap() = session_in(&set);
        }
        page
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send(self.request(Method::GET, path)).await
    }

    /// A form posted the way a browser posts it from one of our pages.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        let request = self
            .request(Method::POST, path)
            .header(ORIGIN, &self.base)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request).await
    }

    pub async fn post_multipart(&self, path: &str, form: Form) -> Page {
        self.send(self.request(Method::POST, path).header(ORIGIN, &self.base).multipart(form)).await
    }

    /// The form token of the page at `path`.
    pub async fn csrf(&self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {page:?}");
        page.csrf()
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.post("/signin", &[("email", email), ("password", password), ("next", "/")]).await
    }
}

/// The session a `Set-Cookie` leaves the browser with: none when it clears the cookie.
fn session_in(set_cookie: &str) -> Option<String> {
    let (pair, attributes) = set_cookie.split_once(';').unwrap_or((set_cookie, ""));
    let (name, value) = pair.split_once('=')?;
    assert_eq!(name.trim(), COOKIE, "{set_cookie}");
    let cleared = value.trim().is_empty() || attributes.split(';').any(|a| a.trim().eq_ignore_ascii_case("Max-Age=0"));
    (!cleared).then(|| value.trim().to_string())
}

/// Percent-encoding for a form field.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<String> = self.headers.iter().map(|(k, v)| format!("{k}: {v:?}")).collect();
        write!(f, "{} {headers:?}\n{}", self.status, self.body)
    }
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    /// Asserts a 303 and returns where it points.
    pub fn redirect(&self) -> &str {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "{self:?}");
        self.location().expect("a Location")
    }

    pub fn set_cookie(&self) -> Option<String> {
        self.headers.get(SET_COOKIE).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// The body with the template engine's entities turned back into characters, as the
    /// reader sees the text (`/` arrives as `&#x2f;` inside attributes and text).
    pub fn text(&self) -> String {
        self.body
            .replace("&#x2f;", "/")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    /// Asserts the page is HTML with `status` and shows every one of `words`.
    pub fn shows(&self, status: StatusCode, words: &[&str]) -> &Page {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(self.header("content-type").starts_with("text/html"), "{self:?}");
        let text = self.text();
        for word in words {
            assert!(text.contains(word), "{word:?} is not on the page:\n{}", self.body);
        }
        self
    }

    pub fn lacks(&self, words: &[&str]) -> &Page {
        let text = self.text();
        for word in words {
            assert!(!text.contains(word), "{word:?} is on the page:\n{}", self.body);
        }
        self
    }

    /// The value of the first `_csrf` hidden field.
    pub fn csrf(&self) -> String {
        self.value_after("name=\"_csrf\" value=\"").expect("the page has a form token")
    }

    /// The attribute value that starts right after `marker` in the decoded page.
    pub fn value_after(&self, marker: &str) -> Option<String> {
        let text = self.text();
        let start = text.find(marker)? + marker.len();
        text[start..].split('"').next().map(str::to_string)
    }

    /// The number right after `prefix` in the decoded page, e.g. an id in a link.
    pub fn id_after(&self, prefix: &str) -> Option<i64> {
        let text = self.text();
        let start = text.find(prefix)? + prefix.len();
        text[start..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
    }
}

/// Gives `who` a password, returning their email.
pub async fn set_password(app: &App, who: &Person, password: &str) -> String {
    let store = &app.t.engine.store;
    for org in store.list_orgs().await.expect("organizations") {
        if let Ok(person) = store.get_person(org.id, who.id).await {
            let hash = app.t.engine.hash_password(password).await.expect("a password hashes");
            store.set_password(org.id, who.id, &hash).await.expect("the password is set");
            return person.email;
        }
    }
    panic!("no organization has person {}", who.id);
}

/// A browser signed in as `who`.
pub async fn signed_in(app: &App, who: &Person) -> Browser {
    let email = set_password(app, who, PASSWORD).await;
    let browser = Browser::new(app);
    let page = browser.sign_in(&email, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{email} signs in: {page:?}");
    assert!(browser.cookie().is_some(), "{email} holds a session");
    browser
}

/// The Corner Café's organization.
pub async fn cafe(app: &App) -> proofline_core::OrgId {
    let orgs = app.t.engine.store.list_orgs().await.expect("organizations");
    orgs.iter().find(|o| o.name == "Corner Café").expect("the café").id
}
