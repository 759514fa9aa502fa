//! The story's settings chapter: the organization's notification settings, each person's
//! preferences and calendar feed, and the endpoints an organization connects — none of it
//! reachable from another organization.

use super::{Cast, at, not_found};
use crate::*;
use jiff::civil::{Weekday, time};
use proofline_core::notice::{Channel, EmailMode, NoticeKind, NotifySettings, Preferences, QuietHours};
use proofline_core::span::Span;
use proofline_core::{OrgId, PersonId};
use std::collections::BTreeSet;

/// Returns Acme's webhook, for the deliveries chapter.
pub(super) async fn chapter(store: &dyn Store, cast: &Cast) -> i64 {
    notify_settings(store, cast).await;
    preferences(store, cast).await;
    calendars(store, cast).await;
    endpoints(store, cast).await
}

async fn notify_settings(store: &dyn Store, cast: &Cast) {
    let Cast { acme, globex, .. } = *cast;
    assert_eq!(store.notify_settings(acme).await.unwrap(), NotifySettings::default(), "until set, the defaults");
    let settings = NotifySettings {
        due_soon: Span::from_secs(20 * 60),
        daily_digest_at: time(6, 30, 0, 0),
        weekly_digest_on: Weekday::Friday,
        weekly_digest_at: time(17, 0, 0, 0),
    };
    store.set_notify_settings(acme, &settings).await.unwrap();
    assert_eq!(store.notify_settings(acme).await.unwrap(), settings);
    assert_eq!(store.notify_settings(globex).await.unwrap(), NotifySettings::default());
    let nowhere = OrgId(i64::MAX);
    not_found(store.notify_settings(nowhere).await, "settings of an organization that does not exist");
    not_found(store.set_notify_settings(nowhere, &settings).await, "setting them");
}

async fn preferences(store: &dyn Store, cast: &Cast) {
    let Cast { acme, globex, ben, cleo, .. } = *cast;
    assert_eq!(store.preferences(acme, cleo).await.unwrap(), Preferences::default());
    let quiet = Preferences {
        email: EmailMode::Digest,
        muted: BTreeSet::from([NoticeKind::TaskCompleted, NoticeKind::TaskDueSoon]),
        quiet_hours: Some(QuietHours { from: time(22, 0, 0, 0), to: time(7, 0, 0, 0) }),
        zone: Some("Europe/Lisbon".into()),
    };
    store.set_preferences(acme, cleo, &quiet).await.unwrap();
    assert_eq!(store.preferences(acme, cleo).await.unwrap(), quiet);
    assert_eq!(store.preferences(acme, ben).await.unwrap(), Preferences::default(), "each person has their own");
    not_found(store.preferences(globex, cleo).await, "preferences of a person of another organization");
    not_found(store.set_preferences(globex, cleo, &Preferences::default()).await, "setting them");
    assert_eq!(store.preferences(acme, cleo).await.unwrap(), quiet);
    // Back to the defaults, so the rest of the story is not about Cleo's choices.
    store.set_preferences(acme, cleo, &Preferences::default()).await.unwrap();
}

async fn calendars(store: &dyn Store, cast: &Cast) {
    let Cast { acme, globex, cleo, gus, .. } = *cast;
    assert_eq!(store.find_calendar("sha-cleo-1").await.unwrap(), None);
    store.set_calendar_secret(acme, cleo, "sha-cleo-1").await.unwrap();
    store.set_calendar_secret(globex, gus, "sha-gus").await.unwrap();
    assert_eq!(store.find_calendar("sha-cleo-1").await.unwrap(), Some((acme, cleo)));
    assert_eq!(store.find_calendar("sha-gus").await.unwrap(), Some((globex, gus)));
    store.set_calendar_secret(acme, cleo, "sha-cleo-2").await.unwrap();
    assert_eq!(store.find_calendar("sha-cleo-1").await.unwrap(), None, "a new secret replaces the old one");
    assert_eq!(store.find_calendar("sha-cleo-2").await.unwrap(), Some((acme, cleo)));
    not_found(
        store.set_calendar_secret(globex, cleo, "sha-spy").await,
        "a calendar for a person of another organization",
    );
    not_found(store.set_calendar_secret(acme, PersonId(i64::MAX), "sha-nobody").await, "a person who does not exist");
    assert_eq!(store.find_calendar("sha-spy").await.unwrap(), None);
}

async fn endpoints(store: &dyn Store, cast: &Cast) -> i64 {
    let Cast { acme, globex, .. } = *cast;
    let now = at("2026-01-07T09:00:00Z");
    let hook = EndpointFields {
        channel: Channel::Webhook,
        name: "Ops".into(),
        url: "https://ops.acme.test/hooks/proofline".into(),
        secret: "whsec_acme".into(),
        events: vec![NoticeKind::TaskMoved, NoticeKind::TaskOpened],
        active: true,
    };
    let chat = EndpointFields {
        channel: Channel::Slack,
        name: "Kitchen channel".into(),
        url: "https://hooks.slack.test/T0/B0".into(),
        secret: String::new(),
        events: vec![],
        active: false,
    };
    let hook_id = store.create_endpoint(acme, &hook, now).await.unwrap();
    let chat_id = store.create_endpoint(acme, &chat, now).await.unwrap();
    let theirs = store.create_endpoint(globex, &hook, now).await.unwrap();
    let record = store.get_endpoint(acme, hook_id).await.unwrap();
    assert_eq!(
        record,
        EndpointRecord {
            id: hook_id,
            org: acme,
            channel: Channel::Webhook,
            name: "Ops".into(),
            url: "https://ops.acme.test/hooks/proofline".into(),
            secret: "whsec_acme".into(),
            events: vec![NoticeKind::TaskMoved, NoticeKind::TaskOpened],
            active: true,
            created_at: now,
        }
    );
    let ids = |org: OrgId| async move {
        store.list_endpoints(org).await.unwrap().into_iter().map(|e| e.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(acme).await, [hook_id, chat_id]);
    assert_eq!(ids(globex).await, [theirs]);
    let listed = store.list_endpoints(acme).await.unwrap();
    assert_eq!((listed[1].channel, listed[1].active, listed[1].events.is_empty()), (Channel::Slack, false, true));

    not_found(store.get_endpoint(globex, hook_id).await, "an endpoint of another organization");
    not_found(store.update_endpoint(globex, hook_id, &chat).await, "updating another organization's endpoint");
    not_found(store.delete_endpoint(globex, hook_id).await, "deleting another organization's endpoint");
    assert_eq!(store.get_endpoint(acme, hook_id).await.unwrap(), record, "a foreign id changes nothing");

    let renamed =
        EndpointFields { name: "Ops (paused)".into(), active: false, events: vec![NoticeKind::TaskUnresolved], ..hook };
    store.update_endpoint(acme, hook_id, &renamed).await.unwrap();
    let updated = store.get_endpoint(acme, hook_id).await.unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.active, updated.events.as_slice(), updated.created_at),
        ("Ops (paused)", false, [NoticeKind::TaskUnresolved].as_slice(), now)
    );
    let resumed = EndpointFields { active: true, ..renamed };
    store.update_endpoint(acme, hook_id, &resumed).await.unwrap();

    store.delete_endpoint(acme, chat_id).await.unwrap();
    not_found(store.get_endpoint(acme, chat_id).await, "a deleted endpoint");
    not_found(store.delete_endpoint(acme, chat_id).await, "deleting it twice");
    not_found(store.update_endpoint(acme, chat_id, &chat).await, "updating a deleted endpoint");
    assert_eq!(ids(acme).await, [hook_id]);
    assert_eq!(ids(globex).await, [theirs]);
    hook_id
}
