//! Signing in and out: where people land, what the cookie allows, how guessing is slowed,
//! and the headers and error pages every browser gets.

use super::{Browser, PASSWORD, set_password, signed_in};
use crate::helpers::{App, mins, send};
use reqwest::{Method, StatusCode, Url};

/// The `next` a sign-in redirect carries, decoded.
fn next_of(app: &App, location: &str) -> Option<String> {
    let url = Url::parse(&format!("{}{location}", app.base)).expect("a URL");
    assert_eq!(url.path(), "/signin", "{location}");
    url.query_pairs().find(|(k, _)| k == "next").map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn strangers_are_sent_to_sign_in_and_brought_back_afterwards() {
    let app = App::spawn().await;
    let email = set_password(&app, &app.dan, PASSWORD).await;
    let browser = Browser::new(&app);

    assert_eq!(browser.get("/").await.redirect(), "/signin");
    let work = browser.get("/work").await;
    assert_eq!(next_of(&app, work.redirect()).as_deref(), Some("/work"));
    browser.get("/signin?next=/work").await.shows(StatusCode::OK, &["Sign in to Proofline", "value=\"/work\""]);

    let wrong = browser.post("/signin", &[("email", &email), ("password", "not my password"), ("next", "/work")]).await;
    wrong.shows(StatusCode::UNAUTHORIZED, &["do not match", "value=\"dan@cafe.test\""]);
    assert_eq!(wrong.set_cookie(), None, "a failed sign-in sets no cookie");
    assert_eq!(browser.cookie(), None);

    let right = browser.post("/signin", &[("email", &email), ("password", PASSWORD), ("next", "/work")]).await;
    assert_eq!(right.redirect(), "/work");
    let cookie = right.set_cookie().expect("a session cookie");
    assert!(cookie.starts_with("proofline="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "the demo's plain-HTTP address could not send it back: {cookie}");
    browser.get("/work").await.shows(StatusCode::OK, &["My work", "Dan"]);
    assert_eq!(browser.get("/signin?next=/work").await.redirect(), "/work", "signed in, the form steps aside");
}

#[tokio::test]
async fn members_start_at_their_work_and_managers_at_what_needs_them() {
    let app = App::spawn().await;
    for (who, start) in [(&app.dan, "/work"), (&app.mia, "/inbox"), (&app.olga, "/inbox"), (&app.ali, "/work")] {
        let browser = signed_in(&app, who).await;
        assert_eq!(browser.get("/").await.redirect(), start, "person {}", who.id);
    }
    let dan = signed_in(&app, &app.dan).await;
    dan.get("/work").await.lacks(&["href=\"/inbox\""]);
    signed_in(&app, &app.olga).await.get("/inbox").await.shows(StatusCode::OK, &["Needs you", "Nothing needs you"]);
}

#[tokio::test]
async fn signing_in_again_ends_the_session_the_browser_had() {
    let app = App::spawn().await;
    let browser = signed_in(&app, &app.dan).await;
    let planted = browser.cookie();
    let copy = Browser::with_cookie(&app, planted.clone());
    copy.get("/work").await.shows(StatusCode::OK, &["My work"]);

    assert_eq!(browser.sign_in("dan@cafe.test", PASSWORD).await.redirect(), "/");
    assert_ne!(browser.cookie(), planted, "a new session, a new cookie");
    browser.get("/work").await.shows(StatusCode::OK, &["My work"]);
    assert!(copy.get("/work").await.redirect().starts_with("/signin"), "the fixed session is worthless now");
}

#[tokio::test]
async fn signing_out_ends_the_session_not_just_the_cookie() {
    let app = App::spawn().await;
    let browser = signed_in(&app, &app.dan).await;
    let old = Browser::with_cookie(&app, browser.cookie());
    let csrf = browser.csrf("/work").await;

    let out = browser.post("/signout", &[("_csrf", &csrf)]).await;
    assert_eq!(out.redirect(), "/signin");
    assert_eq!(browser.cookie(), None, "the browser was told to forget the cookie");
    assert!(old.get("/work").await.redirect().starts_with("/signin"), "a kept copy signs nobody in");
    assert_eq!(old.get("/").await.redirect(), "/signin");
}

#[tokio::test]
async fn guessing_a_password_is_slowed_for_fifteen_minutes() {
    let app = App::spawn().await;
    let email = set_password(&app, &app.ben, PASSWORD).await;
    let browser = Browser::new(&app);
    for guess in 0..5 {
        let page = browser.sign_in(&email, &format!("guess number {guess}")).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "guess {guess}");
    }
    let locked = browser.sign_in(&email, PASSWORD).await;
    locked.shows(StatusCode::TOO_MANY_REQUESTS, &["Try again in 15 min"]);
    assert_eq!(browser.cookie(), None, "even the right password waits");

    app.advance(mins(14)).await;
    browser.sign_in(&email, PASSWORD).await.shows(StatusCode::TOO_MANY_REQUESTS, &["Try again in 1 min"]);
    app.advance(mins(1)).await;
    assert_eq!(browser.sign_in(&email, PASSWORD).await.redirect(), "/");
    assert!(browser.cookie().is_some());
}

#[tokio::test]
async fn every_page_carries_strict_security_headers() {
    let app = App::spawn().await;
    let stranger = Browser::new(&app);
    let dan = signed_in(&app, &app.dan).await;
    for page in [stranger.get("/signin").await, dan.get("/work").await, dan.get("/no/such/page").await] {
        let csp = page.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
        assert_eq!(page.header("x-content-type-options"), "nosniff");
        assert_eq!(page.header("x-frame-options"), "DENY");
        assert_eq!(page.header("referrer-policy"), "same-origin");
    }
}

#[tokio::test]
async fn unknown_paths_are_pages_outside_the_api_and_problems_inside() {
    let app = App::spawn().await;
    let page = Browser::new(&app).get("/no/such/page").await;
    page.shows(StatusCode::NOT_FOUND, &["Not Found", "There is nothing here"]);

    let reply = send(app.request(Method::GET, "/api/v1/no-such-thing", None)).await;
    reply.problem(StatusCode::NOT_FOUND);
    let reply = send(app.request(Method::GET, "/api/nothing", Some(&app.olga))).await;
    reply.problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_malformed_id_in_an_address_is_a_page_not_found() {
    let app = App::spawn().await;
    let olga = signed_in(&app, &app.olga).await;
    for path in ["/tasks/abc", "/processes/1.5", "/runs/-", "/people/9999999999999999999999", "/tasks/x/evidence/y"] {
        olga.get(path).await.shows(StatusCode::NOT_FOUND, &["There is nothing here"]);
    }
}

#[tokio::test]
async fn a_form_posted_after_the_session_ended_comes_back_to_its_page() {
    let app = App::spawn().await;
    let olga = signed_in(&app, &app.olga).await;
    let csrf = olga.csrf("/settings").await;
    let everywhere = olga.post("/settings/signout-everywhere", &[("_csrf", &csrf)]).await;
    assert_eq!(everywhere.redirect(), "/signin");
    let stale = Browser::with_cookie(&app, everywhere.set_cookie().or(olga.cookie()));
    let request = stale
        .request(Method::POST, "/settings/tokens")
        .header("referer", format!("{}/settings", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={csrf}&name=late"));
    let page = stale.send(request).await;
    assert_eq!(page.redirect(), "/signin?next=/settings");
    Browser::new(&app).get("/signin").await.shows(StatusCode::OK, &["Sign in"]);
    let wrong_method = Browser::new(&app).request(Method::PUT, "/work");
    stale.send(wrong_method).await.shows(StatusCode::METHOD_NOT_ALLOWED, &["not for that kind of request"]);
}
