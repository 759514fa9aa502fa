//! People from the browser: a manager marks someone away, changes their roles and
//! details; mistakes are named; members cannot change anyone.

use super::signed_in;
use crate::helpers::App;
use reqwest::StatusCode;

#[tokio::test]
async fn a_manager_marks_someone_away_and_changes_their_roles() {
    let app = App::spawn().await;
    let role = app.shift_leads().await;
    let olga = signed_in(&app, &app.olga).await;
    let path = format!("/people/{}", app.dan.id);
    let form = olga.get(&path).await;
    form.shows(StatusCode::OK, &["Away until", "Europe/Berlin", "Shift lead", "Reports to"]);
    let csrf = form.csrf();
    let (role, ben) = (role.to_string(), app.ben.id.0.to_string());
    let fields = [
        ("_csrf", csrf.as_str()),
        ("name", "Dan Baker"),
        ("email", "dan@cafe.test"),
        ("access", "member"),
        ("manager", ben.as_str()),
        ("away_until", "2026-01-09T18:00"),
        ("active", "on"),
        ("roles", role.as_str()),
    ];
    let saved = olga.post(&path, &fields).await;
    assert_eq!(saved.redirect(), "/people?ok=saved");
    let people = olga.get("/people?ok=saved").await;
    people.shows(StatusCode::OK, &["Saved.", "Dan Baker", "away until", "Fri 9 Jan, 18:00"]);
    let dan = app.t.engine.store.get_person(super::cafe(&app).await, app.dan.id).await.expect("Dan");
    assert_eq!(dan.away_until.map(|t| t.to_string()).as_deref(), Some("2026-01-09T17:00:00Z"), "18:00 in Berlin");
    let roles = app.get("/api/v1/roles", &app.olga).await.body;
    assert!(roles[0]["members"].as_array().expect("members").contains(&app.dan.id.0.into()), "{roles}");

    let blank = [("_csrf", csrf.as_str()), ("name", " "), ("email", "not-an-email"), ("access", "member")];
    let refused = olga.post(&path, &blank).await;
    refused
        .shows(StatusCode::UNPROCESSABLE_ENTITY, &["Not saved yet", "Name: must not be blank", "not an email address"]);
    let taken = [("_csrf", csrf.as_str()), ("name", "Dan"), ("email", "ben@cafe.test"), ("access", "member")];
    olga.post(&path, &taken).await.shows(StatusCode::UNPROCESSABLE_ENTITY, &["already has that email address"]);
}

#[tokio::test]
async fn members_and_managers_cannot_overreach() {
    let app = App::spawn().await;
    let dan = signed_in(&app, &app.dan).await;
    dan.get(&format!("/people/{}", app.ben.id)).await.shows(StatusCode::FORBIDDEN, &["Only managers and owners"]);
    let mia = signed_in(&app, &app.mia).await;
    let path = format!("/people/{}", app.olga.id);
    let csrf = mia.csrf(&path).await;
    let fields = [("_csrf", csrf.as_str()), ("name", "Olga"), ("email", "olga@cafe.test"), ("access", "member")];
    mia.post(&path, &fields).await.shows(StatusCode::FORBIDDEN, &["only owners can change an owner's details"]);
}

#[tokio::test]
async fn a_role_changes_how_it_takes_turns() {
    let app = App::spawn().await;
    let role = app.shift_leads().await;
    let olga = signed_in(&app, &app.olga).await;
    let page = olga.get("/people").await;
    page.shows(StatusCode::OK, &["Shift lead", "Take turns in order", "Whoever has the least open work"]);
    let path = format!("/roles/{role}/rotation");
    let csrf = page.csrf();
    assert_eq!(olga.post(&path, &[("_csrf", &csrf), ("pick", "least_loaded")]).await.redirect(), "/people?ok=saved");
    let roles = app.get("/api/v1/roles", &app.olga).await.body;
    assert_eq!(roles[0]["pick"], "least_loaded");
    assert_eq!(roles[0]["members"].as_array().map(Vec::len), Some(2), "the members stay");
    olga.post(&path, &[("_csrf", &csrf), ("pick", "lottery")]).await.shows(StatusCode::BAD_REQUEST, &["takes turns"]);
    let dan = signed_in(&app, &app.dan).await;
    let csrf = dan.csrf("/people").await;
    dan.post(&path, &[("_csrf", &csrf), ("pick", "first_available")])
        .await
        .shows(StatusCode::FORBIDDEN, &["Only managers"]);
}

#[tokio::test]
async fn a_manager_adds_a_person_then_invites_them() {
    let app = App::spawn().await;
    let mia = signed_in(&app, &app.mia).await;
    let form = mia.get("/people/new").await;
    form.shows(StatusCode::OK, &["Add a person", "action=\"/people/new\""]).lacks(&["value=\"owner\""]);
    let csrf = form.csrf();
    let fields = [
        ("_csrf", csrf.as_str()),
        ("name", "Fay Newcomer"),
        ("email", "fay@cafe.test"),
        ("access", "member"),
        ("active", "on"),
    ];
    assert_eq!(mia.post("/people/new", &fields).await.redirect(), "/people?ok=saved");
    let people = mia.get("/people").await;
    people.shows(StatusCode::OK, &["Fay Newcomer", "fay@cafe.test"]);
    let fay = app.t.engine.store.find_person_by_email(super::cafe(&app).await, "fay@cafe.test").await.expect("found");
    let fay = fay.expect("Fay exists").id;
    let invited = mia.post(&format!("/people/{fay}/invite"), &[("_csrf", &csrf)]).await;
    invited.shows(StatusCode::OK, &["Invitation for <strong>Fay Newcomer</strong>, emailed to them"]);

    let owner = [("_csrf", csrf.as_str()), ("name", "Gus"), ("email", "gus@cafe.test"), ("access", "owner")];
    mia.post("/people/new", &owner).await.shows(StatusCode::FORBIDDEN, &["only owners can make someone an owner"]);
}
