use super::*;
use jiff::civil::time;

fn zone() -> TimeZone {
    TimeZone::get("Europe/Berlin").unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse::<jiff::civil::DateTime>().unwrap().to_zoned(zone()).unwrap().timestamp()
}

fn night() -> QuietHours {
    QuietHours { from: time(22, 0, 0, 0), to: time(7, 0, 0, 0) }
}

#[test]
fn quiet_hours_over_midnight_hold_mail_until_the_morning() {
    assert_eq!(night().next_allowed(at("2026-03-02T23:30"), &zone()), at("2026-03-03T07:00"));
    assert_eq!(night().next_allowed(at("2026-03-03T06:59"), &zone()), at("2026-03-03T07:00"));
    assert_eq!(night().next_allowed(at("2026-03-03T07:00"), &zone()), at("2026-03-03T07:00"));
    assert_eq!(night().next_allowed(at("2026-03-03T21:59"), &zone()), at("2026-03-03T21:59"));
}

#[test]
fn quiet_hours_within_one_day() {
    let lunch = QuietHours { from: time(12, 0, 0, 0), to: time(13, 0, 0, 0) };
    assert_eq!(lunch.next_allowed(at("2026-03-03T12:10"), &zone()), at("2026-03-03T13:00"));
    assert_eq!(lunch.next_allowed(at("2026-03-03T13:10"), &zone()), at("2026-03-03T13:10"));
}

#[test]
fn quiet_hours_ending_in_the_spring_gap_end_after_the_gap() {
    // Berlin skips 02:00-03:00 on 2026-03-29.
    let early = QuietHours { from: time(22, 0, 0, 0), to: time(2, 30, 0, 0) };
    let released = early.next_allowed(at("2026-03-28T23:00"), &zone());
    assert_eq!(released.to_zoned(zone()).time(), time(3, 30, 0, 0));
}

fn person(preferences: &Preferences) -> Recipient<'_> {
    static UTC: TimeZone = TimeZone::UTC;
    Recipient { email: "ana@example.com", active: true, preferences, zone: &UTC }
}

#[test]
fn instant_mail_goes_now_and_digest_mode_waits_for_the_digest() {
    let now = at("2026-03-03T10:00");
    let instant = Preferences::default();
    let planned = route(NoticeKind::TaskMoved, Some(&person(&instant)), &[], now);
    assert_eq!(planned.len(), 1);
    assert_eq!(planned[0].channel, Channel::Email);
    assert_eq!(planned[0].not_before, now);

    let digest = Preferences { email: EmailMode::Digest, ..Preferences::default() };
    assert!(route(NoticeKind::TaskMoved, Some(&person(&digest)), &[], now).is_empty());
    assert_eq!(route(NoticeKind::DailyDigest, Some(&person(&digest)), &[], now).len(), 1);

    let muted = Preferences { muted: [NoticeKind::TaskOpened].into(), ..Preferences::default() };
    assert!(route(NoticeKind::TaskOpened, Some(&person(&muted)), &[], now).is_empty());
    assert_eq!(route(NoticeKind::TaskUnresolved, Some(&person(&muted)), &[], now).len(), 1);
}

#[test]
fn endpoints_get_only_the_kinds_they_asked_for_and_never_digests() {
    let now = at("2026-03-03T10:00");
    let all = EndpointRoute {
        id: 1,
        channel: Channel::Webhook,
        url: "https://hooks.example/a".into(),
        events: BTreeSet::new(),
        active: true,
    };
    let moves_only =
        EndpointRoute { id: 2, channel: Channel::Slack, events: [NoticeKind::TaskMoved].into(), ..all.clone() };
    let paused = EndpointRoute { id: 3, active: false, ..all.clone() };
    let endpoints = [all, moves_only, paused];
    let ids = |kind| route(kind, None, &endpoints, now).iter().filter_map(|p| p.endpoint).collect::<Vec<_>>();
    assert_eq!(ids(NoticeKind::TaskMoved), vec![1, 2]);
    assert_eq!(ids(NoticeKind::TaskCompleted), vec![1]);
    assert!(ids(NoticeKind::DailyDigest).is_empty());
}

#[test]
fn retries_back_off_exponentially_with_jitter_and_stop() {
    let first = retry_delay(1, 0.0).unwrap();
    let second = retry_delay(2, 0.0).unwrap();
    assert_eq!(first, SignedDuration::from_secs(15));
    assert_eq!(second, SignedDuration::from_secs(30));
    assert!(retry_delay(2, 0.99).unwrap() > second);
    assert!(retry_delay(7, 0.5).unwrap() <= SignedDuration::from_hours(2));
    assert_eq!(retry_delay(MAX_ATTEMPTS, 0.5), None);
}

#[test]
fn settings_and_preferences_read_from_plain_json() {
    let prefs: Preferences =
        serde_json::from_str(r#"{"email":"digest","muted":["task.opened"],"quiet_hours":{"from":"22:00","to":"07:00"},"zone":"Europe/Berlin"}"#)
            .unwrap();
    assert_eq!(prefs.quiet_hours, Some(night()));
    let settings: NotifySettings = serde_json::from_str(r#"{"due_soon":"15m"}"#).unwrap();
    assert_eq!(settings.due_soon, Span::from_secs(900));
    assert_eq!(settings.daily_digest_at, time(7, 0, 0, 0));
    assert!(serde_json::from_str::<Preferences>(r#"{"emial":"off"}"#).is_err());
}
