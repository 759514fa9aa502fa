//! Accounts from the browser: joining by an invitation link, changing one's password, and
//! API tokens made and revoked in settings.

use super::{Browser, PASSWORD, signed_in};
use crate::helpers::{App, send};
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn an_invitation_link_lets_someone_choose_a_password_once() {
    let app = App::spawn().await;
    let olga = signed_in(&app, &app.olga).await;
    let csrf = olga.csrf("/people").await;
    let invited = olga.post(&format!("/people/{}/invite", app.ben.id), &[("_csrf", &csrf)]).await;
    invited.shows(StatusCode::OK, &["Invitation for <strong>Ben</strong>", "/join/"]);
    let secret = invited.value_after("/join/").expect("a link");
    assert!(secret.len() >= 32 && secret.chars().all(|c| c.is_ascii_alphanumeric()), "{secret}");
    let link = format!("/join/{secret}");

    let ben = Browser::new(&app);
    let form = ben.get(&link).await;
    form.shows(StatusCode::OK, &["Welcome to Proofline", "Ben, choose a password", "ben@cafe.test"]);
    form.shows(StatusCode::OK, &[&format!("action=\"{link}\""), "name=\"password\"", "name=\"confirm\""]);

    let new = "Ben's own long password";
    let differ = ben.post(&link, &[("password", new), ("confirm", "something else entirely")]).await;
    differ.shows(StatusCode::UNPROCESSABLE_ENTITY, &["The two passwords differ"]);
    let short = ben.post(&link, &[("password", "short"), ("confirm", "short")]).await;
    short.shows(StatusCode::UNPROCESSABLE_ENTITY, &["Password: use at least 10 characters."]);
    assert_eq!(ben.cookie(), None, "not signed in yet");

    let joined = ben.post(&link, &[("password", new), ("confirm", new)]).await;
    assert_eq!(joined.redirect(), "/");
    assert!(ben.cookie().is_some(), "joining signs in");
    assert_eq!(ben.get("/").await.redirect(), "/work");
    ben.get("/work").await.shows(StatusCode::OK, &["My work"]);

    let used = Browser::new(&app).get(&link).await;
    used.shows(StatusCode::NOT_FOUND, &["This invitation has expired or was already used"]);
    let again =
        Browser::new(&app).post(&link, &[("password", "a takeover attempt"), ("confirm", "a takeover attempt")]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a used link sets no password");
    assert_eq!(Browser::new(&app).sign_in("ben@cafe.test", new).await.redirect(), "/");
    assert_eq!(
        Browser::new(&app).sign_in("ben@cafe.test", "a takeover attempt").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn members_cannot_make_invitations() {
    let app = App::spawn().await;
    let dan = signed_in(&app, &app.dan).await;
    let people = dan.get("/people").await;
    people.shows(StatusCode::OK, &["Ben", "Cara", "Ali"]).lacks(&["/invite\""]);
    let refused = dan.post(&format!("/people/{}/invite", app.ben.id), &[("_csrf", &people.csrf())]).await;
    refused.shows(StatusCode::FORBIDDEN, &["only managers and owners invite people"]).lacks(&["/join/"]);
}

#[tokio::test]
async fn a_token_made_in_settings_is_shown_once_and_works_until_revoked() {
    let app = App::spawn().await;
    let olga = signed_in(&app, &app.olga).await;
    let csrf = olga.csrf("/settings").await;
    let unnamed = olga.post("/settings/tokens", &[("_csrf", &csrf), ("name", " ")]).await;
    unnamed.shows(StatusCode::UNPROCESSABLE_ENTITY, &["Name the token"]);

    let made = olga.post("/settings/tokens", &[("_csrf", &csrf), ("name", "Till export")]).await;
    made.shows(StatusCode::OK, &["Token <strong>Till export</strong> created", "it is not shown again"]);
    let secret = made.value_after("<input class=\"copy\" readonly value=\"").expect("the secret");
    let me = send(app.request(Method::GET, "/api/v1/me", None).bearer_auth(&secret)).await;
    assert_eq!((me.status, me.body["person"]["name"].as_str()), (StatusCode::OK, Some("Olga")), "{me:?}");

    let settings = olga.get("/settings").await;
    settings.shows(StatusCode::OK, &["Till export"]).lacks(&[&secret]);
    let listed = settings.text();
    let row = &listed[listed.find("Till export <span").expect("the token's row")..];
    let revoke = row.split("/settings/tokens/").nth(1).and_then(|rest| rest.split('/').next());
    let id: i64 = revoke.and_then(|id| id.parse().ok()).expect("a revoke form");
    let revoked = olga.post(&format!("/settings/tokens/{id}/revoke"), &[("_csrf", &csrf)]).await;
    assert_eq!(revoked.redirect(), "/settings?ok=token");
    olga.get("/settings?ok=token").await.shows(StatusCode::OK, &["Token revoked."]).lacks(&["Till export"]);
    let me = send(app.request(Method::GET, "/api/v1/me", None).bearer_auth(&secret)).await;
    me.problem(StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/me", &app.olga).await.status, StatusCode::OK, "her other token still works");
}

#[tokio::test]
async fn changing_the_password_signs_out_everywhere_else() {
    let app = App::spawn().await;
    let here = signed_in(&app, &app.mia).await;
    let elsewhere = Browser::new(&app);
    assert_eq!(elsewhere.sign_in("mia@cafe.test", PASSWORD).await.redirect(), "/");
    let csrf = here.csrf("/settings").await;
    let new = "Mia's brand new passphrase";

    let wrong = [("_csrf", csrf.as_str()), ("current", "not it at all"), ("password", new), ("confirm", new)];
    here.post("/settings/password", &wrong)
        .await
        .shows(StatusCode::UNPROCESSABLE_ENTITY, &["not your current password"]);
    let differ = [("_csrf", csrf.as_str()), ("current", PASSWORD), ("password", new), ("confirm", "other")];
    here.post("/settings/password", &differ).await.shows(StatusCode::UNPROCESSABLE_ENTITY, &["passwords differ"]);
    assert_eq!(elsewhere.get("/settings").await.status, StatusCode::OK, "a refusal changes nothing");

    let right = [("_csrf", csrf.as_str()), ("current", PASSWORD), ("password", new), ("confirm", new)];
    assert_eq!(here.post("/settings/password", &right).await.redirect(), "/settings?ok=password");
    here.get("/settings?ok=password").await.shows(StatusCode::OK, &["Your password is changed"]);
    assert!(elsewhere.get("/settings").await.redirect().starts_with("/signin"), "the other device is signed out");
    assert_eq!(Browser::new(&app).sign_in("mia@cafe.test", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(Browser::new(&app).sign_in("mia@cafe.test", new).await.redirect(), "/");
}

#[tokio::test]
async fn signing_out_everywhere_includes_this_browser() {
    let app = App::spawn().await;
    let here = signed_in(&app, &app.cara).await;
    let elsewhere = signed_in(&app, &app.cara).await;
    let csrf = here.csrf("/settings").await;
    assert_eq!(here.post("/settings/signout-everywhere", &[("_csrf", &csrf)]).await.redirect(), "/signin");
    assert_eq!(here.cookie(), None);
    assert!(elsewhere.get("/work").await.redirect().starts_with("/signin"));
}

#[tokio::test]
async fn the_invitation_is_emailed_too() {
    let app = App::spawn().await;
    let olga = signed_in(&app, &app.olga).await;
    let csrf = olga.csrf("/people").await;
    let invited = olga.post(&format!("/people/{}/invite", app.cara.id), &[("_csrf", &csrf)]).await;
    invited.shows(StatusCode::OK, &["Invitation for <strong>Cara</strong>, emailed to them"]);
    let mails = app.t.notifier.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!((mails[0].to.as_str(), mails[0].subject.as_str()), ("cara@cafe.test", "Olga invited you to Proofline"));
    let secret = invited.value_after("/join/").expect("a link");
    assert!(mails[0].body.contains(&format!("/join/{secret}")), "the same link: {}", mails[0].body);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_an_emailed_link() {
    let app = App::spawn().await;
    let ben_phone = signed_in(&app, &app.ben).await;
    let stranger = Browser::new(&app);
    stranger.get("/signin").await.shows(StatusCode::OK, &["href=\"/reset\"", "Forgot your password?"]);

    let unknown = stranger.post("/reset", &[("email", "nobody@cafe.test")]).await;
    unknown.shows(StatusCode::OK, &["If an account uses", "nobody@cafe.test", "is on its way"]);
    assert!(app.t.notifier.mails().is_empty(), "nothing is sent for an unknown email");

    let asked = stranger.post("/reset", &[("email", "Ben@Cafe.test")]).await;
    asked.shows(StatusCode::OK, &["If an account uses", "is on its way"]);
    let mails = app.t.notifier.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!((mails[0].to.as_str(), mails[0].subject.as_str()), ("ben@cafe.test", "Reset your Proofline password"));
    let link = mails[0].body.lines().find(|l| l.contains("/reset/")).expect("a link").trim().to_string();
    let path = link[link.find("/reset/").expect("a path")..].to_string();

    let ben = Browser::new(&app);
    ben.get(&path).await.shows(StatusCode::OK, &["Choose a new password", "ben@cafe.test"]);
    let new = "a brand new passphrase";
    assert_eq!(ben.post(&path, &[("password", new), ("confirm", new)]).await.redirect(), "/");
    ben.get("/work").await.shows(StatusCode::OK, &["My work"]);
    assert_eq!(ben_phone.get("/work").await.status, StatusCode::SEE_OTHER, "the reset signed out his other devices");
    assert_eq!(Browser::new(&app).sign_in("ben@cafe.test", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    Browser::new(&app)
        .get(&path)
        .await
        .shows(StatusCode::NOT_FOUND, &["This reset link has expired or was already used"]);

    for _ in 0..5 {
        stranger.post("/reset", &[("email", "cara@cafe.test")]).await;
    }
    stranger
        .post("/reset", &[("email", "cara@cafe.test")])
        .await
        .shows(StatusCode::TOO_MANY_REQUESTS, &["Try again in"]);
}
