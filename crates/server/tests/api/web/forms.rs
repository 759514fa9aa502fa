//! Forged forms: a post without this session's token, or one a browser says came from
//! another site, changes nothing.

use super::signed_in;
use crate::helpers::App;
use reqwest::header::ORIGIN;
use reqwest::{Method, StatusCode};

/// How many live API tokens Olga has.
async fn token_count(app: &App) -> usize {
    let org = super::cafe(app).await;
    app.t.engine.store.list_tokens(org, app.olga.id).await.expect("tokens").len()
}

#[tokio::test]
async fn a_form_without_this_sessions_token_is_refused() {
    let app = App::spawn().await;
    let olga = signed_in(&app, &app.olga).await;
    let before = token_count(&app).await;

    let missing = olga.post("/settings/tokens", &[("name", "Forged")]).await;
    missing.shows(StatusCode::FORBIDDEN, &["did not come from Proofline"]);
    let wrong = olga.post("/settings/tokens", &[("_csrf", "0123456789abcdef"), ("name", "Forged")]).await;
    wrong.shows(StatusCode::FORBIDDEN, &["did not come from Proofline"]);
    let other = signed_in(&app, &app.mia).await.csrf("/settings").await;
    let borrowed = olga.post("/settings/tokens", &[("_csrf", &other), ("name", "Forged")]).await;
    assert_eq!(borrowed.status, StatusCode::FORBIDDEN, "another session's token is not this one's");
    assert_eq!(token_count(&app).await, before, "no token was made");

    let csrf = olga.csrf("/settings").await;
    let out = olga.post("/signout", &[]).await;
    assert_eq!(out.status, StatusCode::FORBIDDEN, "signing out takes the token too");
    olga.get("/settings").await.shows(StatusCode::OK, &["Settings"]);
    assert_eq!(olga.post("/settings/tokens", &[("_csrf", &csrf), ("name", "Real")]).await.status, StatusCode::OK);
    assert_eq!(token_count(&app).await, before + 1, "with the token, the same form works");
}

#[tokio::test]
async fn a_post_a_browser_says_came_from_another_site_is_refused() {
    let app = App::spawn().await;
    let olga = signed_in(&app, &app.olga).await;
    let csrf = olga.csrf("/settings").await;
    let before = token_count(&app).await;
    let body = format!("_csrf={csrf}&name=Forged");

    let from_evil = olga
        .request(Method::POST, "/settings/tokens")
        .header(ORIGIN, "https://evil.test")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone());
    olga.send(from_evil).await.shows(StatusCode::FORBIDDEN, &["came from another site"]);
    let cross_site = olga
        .request(Method::POST, "/settings/tokens")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone());
    olga.send(cross_site).await.shows(StatusCode::FORBIDDEN, &["came from another site"]);
    let sandboxed = olga
        .request(Method::POST, "/signout")
        .header(ORIGIN, "null")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={csrf}"));
    assert_eq!(olga.send(sandboxed).await.status, StatusCode::FORBIDDEN);
    assert_eq!(token_count(&app).await, before, "nothing was made");
    olga.get("/settings").await.shows(StatusCode::OK, &["Settings"]);
}
