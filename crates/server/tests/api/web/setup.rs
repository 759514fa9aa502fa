//! The first run: a new installation sends its first visitor to set up the organization;
//! mistakes are shown with what was typed and leave nothing behind; the first owner is
//! signed in; afterwards the page is shut and a second organization cannot be made.

use super::Browser;
use proofline_testkit::TestEngine;
use reqwest::StatusCode;

const PASSWORD: &str = "first owner's passphrase";

#[tokio::test]
async fn the_first_visitor_sets_up_the_organization_and_becomes_its_owner() {
    let t = TestEngine::start("2026-01-05T05:59:00Z").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(proofline_server::serve(listener, t.engine.clone(), std::future::pending()));
    let browser = Browser::at(&base);

    assert_eq!(browser.get("/").await.redirect(), "/setup", "a new installation starts at setup");
    browser.get("/signin").await.shows(StatusCode::OK, &["no organization yet", "href=\"/setup\""]);
    browser
        .get("/setup")
        .await
        .shows(StatusCode::OK, &["Set up Proofline", "value=\"UTC\"", "<option value=\"Europe/Berlin\">"]);

    let mistakes = [
        ("organization", "  "),
        ("zone", "Mars/Olympus"),
        ("name", "Olga"),
        ("email", "olga at cafe"),
        ("password", "short"),
    ];
    let refused = browser.post("/setup", &mistakes).await;
    refused.shows(
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Organization: must not be blank",
            "Time zone: not a time zone",
            "Email: not an email",
            "Password: use at least",
        ],
    );
    refused.shows(StatusCode::UNPROCESSABLE_ENTITY, &["value=\"Mars/Olympus\"", "value=\"Olga\""]);
    refused.lacks(&["short"]);
    assert_eq!(refused.set_cookie(), None);
    assert!(t.engine.needs_setup().await.unwrap(), "nothing was written");

    let fields = [
        ("organization", "Corner Café"),
        ("zone", "Europe/Berlin"),
        ("name", "Olga"),
        ("email", "olga@cafe.test"),
        ("password", PASSWORD),
    ];
    let done = browser.post("/setup", &fields).await;
    assert_eq!(done.redirect(), "/processes", "the owner goes on to write the first process");
    assert!(done.set_cookie().is_some_and(|c| c.starts_with("proofline=")), "signed in");
    browser.get("/processes").await.shows(StatusCode::OK, &["Corner Café", "Olga"]);
    assert_eq!(browser.get("/").await.redirect(), "/inbox", "the owner's home is what needs them");

    let orgs = t.engine.store.list_orgs().await.unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!((orgs[0].name.as_str(), orgs[0].zone.as_str()), ("Corner Café", "Europe/Berlin"));
    let people = t.engine.store.list_people(orgs[0].id).await.unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!((people[0].access.as_str(), people[0].email.as_str()), ("owner", "olga@cafe.test"));

    let stranger = Browser::at(&base);
    assert_eq!(stranger.get("/setup").await.redirect(), "/signin", "the door is shut once set up");
    assert_eq!(stranger.get("/").await.redirect(), "/signin");
    stranger.get("/signin").await.lacks(&["no organization yet"]);
    let again = [
        ("organization", "Takeover Ltd"),
        ("zone", "UTC"),
        ("name", "Mallory"),
        ("email", "m@evil.test"),
        ("password", PASSWORD),
    ];
    stranger.post("/setup", &again).await.shows(StatusCode::CONFLICT, &["already set up"]);
    assert_eq!(t.engine.store.list_orgs().await.unwrap().len(), 1, "no second organization");
    assert!(t.engine.sign_in("olga@cafe.test", PASSWORD).await.unwrap().is_some(), "the password works for sign-in");
}
