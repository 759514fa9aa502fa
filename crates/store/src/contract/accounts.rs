//! The story's accounts chapter: who may sign in, browser sessions that expire and end,
//! one-time invitation and reset links, and the API tokens a person lists and revokes.

use super::{Cast, at, mins, not_found};
use crate::*;
use jiff::{SignedDuration, Timestamp};
use proofline_core::access::Access;
use proofline_core::{OrgId, PersonId, TokenId};

pub(super) async fn chapter(store: &dyn Store, cast: &Cast) {
    let eve = someone(store, cast.acme, "eve@acme.test").await;
    logins(store, cast, eve).await;
    sessions(store, cast, eve).await;
    links(store, cast, eve).await;
    tokens(store, cast).await;
}

async fn someone(store: &dyn Store, org: OrgId, email: &str) -> PersonId {
    store.find_person_by_email(org, email).await.unwrap().expect("the directory chapter created them").id
}

/// Who signs in with this email, as (organization, person, password hash).
async fn logins(store: &dyn Store, cast: &Cast, eve: PersonId) {
    let Cast { acme, globex, ana, cleo, gus, .. } = *cast;
    let who = |email: &'static str| async move {
        let logins = store.logins_by_email(email).await.unwrap();
        logins.into_iter().map(|l| (l.org, l.person, l.password_hash)).collect::<Vec<_>>()
    };
    assert_eq!(who("cleo.park@acme.test").await, [], "nobody signs in before choosing a password");
    store.set_password(acme, cleo, "hash-cleo-1").await.unwrap();
    assert_eq!(
        store.logins_by_email("cleo.park@acme.test").await.unwrap(),
        [Login {
            org: acme,
            org_name: "Acme Bakery".into(),
            person: cleo,
            access: Access::Member,
            password_hash: "hash-cleo-1".into()
        }]
    );
    assert_eq!(
        who("Cleo.PARK@acme.test").await,
        [(acme, cleo, "hash-cleo-1".into())],
        "the email is matched whatever its letter case"
    );
    assert_eq!(who("cleo@acme.test").await, [], "nor by the address she gave up");

    // Hal at Globex answers to Ana's address too: one email, two organizations to choose from.
    let hal = someone(store, globex, "ana@acme.test").await;
    store.set_password(globex, hal, "hash-hal").await.unwrap();
    assert_eq!(who("ana@acme.test").await, [(globex, hal, "hash-hal".into())]);
    store.set_password(acme, ana, "hash-ana").await.unwrap();
    let both = store.logins_by_email("ANA@acme.test").await.unwrap();
    assert_eq!(
        both.iter().map(|l| (l.org, l.org_name.as_str(), l.person, l.access)).collect::<Vec<_>>(),
        [(acme, "Acme Bakery", ana, Access::Owner), (globex, "Globex", hal, Access::Member)],
        "every organization the email signs in to, oldest first"
    );

    store.set_password(acme, eve, "hash-eve").await.unwrap();
    assert_eq!(who("eve@acme.test").await, [], "a deactivated person cannot sign in, password or not");
    not_found(store.set_password(acme, gus, "hash-gus").await, "setting the password of another organization's person");
    not_found(store.set_password(acme, PersonId(i64::MAX), "hash").await, "setting the password of nobody");
    assert_eq!(who("gus@globex.test").await, [], "a refused password changes nothing");
}

fn session(id: &str, org: OrgId, person: PersonId, created_at: Timestamp) -> NewSession {
    NewSession {
        id_sha256: id.into(),
        org,
        person,
        csrf: format!("csrf-{id}"),
        created_at,
        expires_at: created_at + SignedDuration::from_hours(8),
    }
}

async fn sessions(store: &dyn Store, cast: &Cast, eve: PersonId) {
    let Cast { acme, globex, ben, cleo, gus, .. } = *cast;
    let t = at("2026-01-05T05:00:00Z");
    let expires_at = t + SignedDuration::from_hours(8);
    store.create_session(&session("sess-ben-laptop", acme, ben, t)).await.unwrap();
    let live = |id: &'static str, now| async move { store.session(id, now).await.unwrap() };
    assert_eq!(
        live("sess-ben-laptop", t + mins(1)).await,
        Some(SessionRecord {
            org: acme,
            person: ben,
            access: Access::Manager,
            csrf: "csrf-sess-ben-laptop".into(),
            expires_at,
            name: store.get_person(acme, ben).await.unwrap().name,
            org_name: "Acme Bakery".into(),
            zone: "Europe/Berlin".into(),
        }),
        "a session says who is signed in, where, and the zone their pages use"
    );
    // A person's own zone wins over the organization's.
    let own_zone = proofline_core::notice::Preferences { zone: Some("Asia/Tokyo".into()), ..Default::default() };
    store.set_preferences(acme, ben, &own_zone).await.unwrap();
    assert_eq!(live("sess-ben-laptop", t + mins(1)).await.unwrap().zone, "Asia/Tokyo");
    store.set_preferences(acme, ben, &Default::default()).await.unwrap();
    assert!(live("sess-ben-laptop", expires_at - SignedDuration::from_millis(1)).await.is_some());
    assert_eq!(live("sess-ben-laptop", expires_at).await, None, "a session ends when it expires");
    assert_eq!(live("sess-nobody", t).await, None);

    // Ben is demoted while signed in: his very next request has member access.
    let fields = person_fields(store.get_person(acme, ben).await.unwrap());
    store.update_person(acme, ben, &PersonFields { access: Access::Member, ..fields.clone() }).await.unwrap();
    assert_eq!(live("sess-ben-laptop", t + mins(2)).await.unwrap().access, Access::Member);
    store.update_person(acme, ben, &fields).await.unwrap();
    assert_eq!(live("sess-ben-laptop", t + mins(3)).await.unwrap().access, Access::Manager);

    store.create_session(&session("sess-ben-phone", acme, ben, t)).await.unwrap();
    store.create_session(&session("sess-cleo", acme, cleo, t)).await.unwrap();
    store.end_session("sess-ben-laptop").await.unwrap();
    assert_eq!(live("sess-ben-laptop", t + mins(4)).await, None, "signing out ends the session");
    store.end_session("sess-ben-laptop").await.expect("signing out twice is harmless");
    assert!(live("sess-ben-phone", t + mins(4)).await.is_some(), "other devices stay signed in");
    assert_eq!(store.end_sessions(globex, ben).await.unwrap(), 0, "another organization cannot sign Ben out");
    assert_eq!(store.end_sessions(acme, ben).await.unwrap(), 1, "signing out everywhere");
    assert_eq!(live("sess-ben-phone", t + mins(5)).await, None);
    assert!(live("sess-cleo", t + mins(5)).await.is_some(), "only Ben was signed out");
    assert_eq!(store.end_sessions(acme, ben).await.unwrap(), 0);

    store.create_session(&session("sess-eve", acme, eve, t)).await.unwrap();
    assert_eq!(live("sess-eve", t + mins(5)).await, None, "a deactivated person's session is refused");
    not_found(
        store.create_session(&session("sess-gus", acme, gus, t)).await,
        "a session in an organization the person is not in",
    );
}

fn person_fields(p: Person) -> PersonFields {
    PersonFields {
        name: p.name,
        email: p.email,
        access: p.access,
        manager: p.manager,
        away_until: p.away_until,
        active: p.active,
    }
}

fn link(sha256: &str, org: OrgId, person: PersonId, purpose: LinkPurpose, created_at: Timestamp) -> NewLink {
    NewLink {
        sha256: sha256.into(),
        org,
        person,
        purpose,
        created_at,
        expires_at: created_at + SignedDuration::from_hours(48),
    }
}

async fn links(store: &dyn Store, cast: &Cast, eve: PersonId) {
    let Cast { acme, ben, cleo, gus, .. } = *cast;
    let t = at("2026-01-05T05:30:00Z");
    let expires_at = t + SignedDuration::from_hours(48);
    let hash = |email: &'static str| async move {
        store.logins_by_email(email).await.unwrap().into_iter().map(|l| l.password_hash).collect::<Vec<_>>()
    };

    // Ben is invited twice (the first email got lost); either link would do, one is used.
    store.create_link(&link("link-ben-1", acme, ben, LinkPurpose::Invite, t)).await.unwrap();
    store.create_link(&link("link-ben-2", acme, ben, LinkPurpose::Invite, t + mins(1))).await.unwrap();
    let ben_holder = LinkHolder { org: acme, person: ben, name: "Ben Manager".into(), email: "ben@acme.test".into() };
    assert_eq!(store.peek_link("link-ben-1", LinkPurpose::Invite, t).await.unwrap(), Some(ben_holder.clone()));
    assert_eq!(
        store.peek_link("link-ben-1", LinkPurpose::Reset, t).await.unwrap(),
        None,
        "an invitation does not reset a password"
    );
    assert_eq!(store.peek_link("link-ben-1", LinkPurpose::Invite, expires_at).await.unwrap(), None, "links expire");
    assert_eq!(store.peek_link("link-nobody", LinkPurpose::Invite, t).await.unwrap(), None);
    assert_eq!(hash("ben@acme.test").await, Vec::<String>::new(), "invited, Ben cannot sign in yet");

    store.create_session(&session("sess-ben-desk", acme, ben, t)).await.unwrap();
    let redeemed = store.redeem_link("link-ben-1", LinkPurpose::Invite, "hash-ben", t + mins(5)).await.unwrap();
    assert_eq!(redeemed, Some(ben_holder));
    assert_eq!(hash("ben@acme.test").await, ["hash-ben"], "the invitation set Ben's password");
    assert!(
        store.session("sess-ben-desk", t + mins(5)).await.unwrap().is_some(),
        "accepting an invitation signs nobody out"
    );
    assert_eq!(
        store.redeem_link("link-ben-1", LinkPurpose::Invite, "hash-thief", t + mins(6)).await.unwrap(),
        None,
        "a link works once"
    );
    assert_eq!(
        store.redeem_link("link-ben-2", LinkPurpose::Invite, "hash-thief", t + mins(6)).await.unwrap(),
        None,
        "using one invitation spends the others"
    );
    assert_eq!(hash("ben@acme.test").await, ["hash-ben"]);

    // Cleo forgets her password; the reset link she let expire no longer works.
    store.create_link(&link("link-cleo-old", acme, cleo, LinkPurpose::Reset, t)).await.unwrap();
    store.create_link(&link("link-cleo-invite", acme, cleo, LinkPurpose::Invite, t)).await.unwrap();
    assert_eq!(
        store.redeem_link("link-cleo-old", LinkPurpose::Reset, "hash-late", expires_at).await.unwrap(),
        None,
        "an expired link is refused"
    );
    assert_eq!(hash("cleo.park@acme.test").await, ["hash-cleo-1"], "a refused link changes nothing");
    let later = t + SignedDuration::from_hours(1);
    store.create_link(&link("link-cleo", acme, cleo, LinkPurpose::Reset, later)).await.unwrap();
    assert!(store.session("sess-cleo", later).await.unwrap().is_some());
    let redeemed = store.redeem_link("link-cleo", LinkPurpose::Reset, "hash-cleo-2", later + mins(2)).await.unwrap();
    assert_eq!(redeemed.map(|h| (h.org, h.person)), Some((acme, cleo)));
    assert_eq!(hash("cleo.park@acme.test").await, ["hash-cleo-2"]);
    assert_eq!(store.session("sess-cleo", later + mins(2)).await.unwrap(), None, "a reset signs out everywhere");
    assert_eq!(
        store.peek_link("link-cleo-old", LinkPurpose::Reset, later + mins(2)).await.unwrap(),
        None,
        "a reset spends every other reset link"
    );
    assert!(
        store.peek_link("link-cleo-invite", LinkPurpose::Invite, later + mins(2)).await.unwrap().is_some(),
        "but not links for something else"
    );

    store.create_link(&link("link-eve", acme, eve, LinkPurpose::Reset, t)).await.unwrap();
    assert_eq!(store.peek_link("link-eve", LinkPurpose::Reset, t).await.unwrap(), None, "a deactivated person's link");
    assert_eq!(store.redeem_link("link-eve", LinkPurpose::Reset, "hash-eve-2", t).await.unwrap(), None);
    not_found(
        store.create_link(&link("link-gus", acme, gus, LinkPurpose::Reset, t)).await,
        "a link in an organization the person is not in",
    );
}

/// Ben's "ci" token (from the directory chapter) and a newer one.
async fn tokens(store: &dyn Store, cast: &Cast) {
    let Cast { acme, globex, ben, cleo, .. } = *cast;
    let t = at("2026-01-05T07:00:00Z");
    let owner = |secret: &'static str| async move { store.token_owner(secret).await.unwrap().map(|o| o.token) };
    let ci = owner("sha-ben").await.expect("Ben's ci token");
    let deploy = store.create_token(acme, ben, "deploy", "sha-ben-deploy", t).await.unwrap();
    assert_eq!(
        store.list_tokens(acme, ben).await.unwrap(),
        [
            TokenRecord { id: deploy, name: "deploy".into(), created_at: t },
            TokenRecord { id: ci, name: "ci".into(), created_at: at("2026-01-05T06:00:00Z") },
        ],
        "newest first, never the secret"
    );
    assert_eq!(store.list_tokens(acme, cleo).await.unwrap(), []);
    assert_eq!(store.list_tokens(globex, ben).await.unwrap(), [], "nor from another organization");

    not_found(store.revoke_token(acme, cleo, ci).await, "revoking someone else's token");
    not_found(store.revoke_token(globex, ben, ci).await, "revoking from another organization");
    not_found(store.revoke_token(acme, ben, TokenId(i64::MAX)).await, "revoking a token that does not exist");
    assert_eq!(owner("sha-ben").await, Some(ci), "a refused revocation changes nothing");

    store.revoke_token(acme, ben, ci).await.unwrap();
    assert_eq!(owner("sha-ben").await, None, "a revoked token no longer authenticates");
    assert_eq!(owner("sha-ben-deploy").await, Some(deploy), "his other token still does");
    let listed: Vec<TokenId> = store.list_tokens(acme, ben).await.unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(listed, [deploy], "a revoked token leaves the list");
    not_found(store.revoke_token(acme, ben, ci).await, "revoking a token twice");
}
