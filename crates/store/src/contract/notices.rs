//! The story's notices chapter: what the work loop told people, written in the same
//! transaction as each change — one notice per opened task to its holder, the next holder
//! hears who missed it, the owner hears of unresolved work, connected systems of finished
//! work — then notices written directly, and each person's in-app list.

use super::work::Work;
use super::{Cast, Processes, mins};
use crate::*;
use jiff::Timestamp;
use proofline_core::notice::NoticeKind;
use proofline_core::{OrgId, PersonId, TaskId};
use serde_json::json;

pub(super) async fn chapter(store: &dyn Store, cast: &Cast, p: &Processes, w: &Work) {
    transitions(store, cast, p, w).await;
    written(store, cast, p, w).await;
    in_app(store, cast, p).await;
}

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// A person's whole in-app list, oldest first, as (kind, key).
async fn inbox(store: &dyn Store, org: OrgId, person: PersonId) -> Vec<(NoticeKind, String)> {
    let mut list = store.list_notices(org, person, false, None, 100).await.unwrap();
    list.reverse();
    list.into_iter().map(|n| (n.kind, n.key)).collect()
}

async fn transitions(store: &dyn Store, cast: &Cast, p: &Processes, w: &Work) {
    let Cast { acme, globex, ana, ben, cleo, gus, .. } = *cast;
    let r = p.first_run;
    let key = |kind: &str, task: TaskId, tail: &str| format!("{kind}:{task}:{tail}");
    assert_eq!(
        inbox(store, acme, cleo).await,
        [
            (NoticeKind::TaskOpened, key("task.opened", w.fridge, "1")),
            (NoticeKind::TaskOpened, key("task.opened", w.door, "2")),
            (NoticeKind::TaskReturned, key("task.returned", w.door, "4")),
        ],
        "each task Cleo held heard of once, when it opened, and the door again when Ben sent it back"
    );
    assert_eq!(
        inbox(store, acme, ben).await,
        [
            (NoticeKind::TaskOpened, key("task.opened", w.lock, "1")),
            (NoticeKind::TaskMoved, key("task.moved", w.fridge, "1")),
            (NoticeKind::TaskApproval, format!("task.approval:{}:2:0", w.door)),
            (NoticeKind::TaskApproval, format!("task.approval:{}:3:0", w.door)),
        ],
        "Ben hears of the closing task he holds, of the fridge reading Cleo missed, and of each door proof to approve"
    );
    assert_eq!(
        inbox(store, acme, ana).await,
        [(NoticeKind::TaskUnresolved, format!("task.unresolved:{}:2", w.lock))],
        "unresolved work is the owner's to settle"
    );
    assert!(inbox(store, globex, gus).await.is_empty());
    assert!(inbox(store, globex, cleo).await.is_empty(), "a person's list is read within their organization only");

    let opened = &store.list_notices(acme, cleo, false, None, 100).await.unwrap()[2];
    assert_eq!(
        *opened,
        NoticeRecord {
            id: opened.id,
            org: acme,
            person: Some(cleo),
            kind: NoticeKind::TaskOpened,
            key: key("task.opened", w.fridge, "1"),
            task: Some(w.fridge),
            run: Some(w.run),
            process: Some(p.opening),
            data: json!({"due_at": ms(r + mins(60))}),
            created_at: r + mins(20),
            read_at: None,
        }
    );
    let ben_list = store.list_notices(acme, ben, false, None, 100).await.unwrap();
    let moved = &ben_list[2];
    assert_eq!(
        (moved.task, moved.created_at, &moved.data),
        (
            Some(w.fridge),
            r + mins(61),
            &json!({"missed_by": cleo, "missed_due_at": ms(r + mins(60)), "due_at": ms(r + mins(91)), "level": 1})
        ),
        "the next holder hears who missed it, when it was due and their own deadline"
    );
    let unresolved = &store.list_notices(acme, ana, false, None, 100).await.unwrap()[0];
    assert_eq!(
        (unresolved.task, unresolved.run, &unresolved.data),
        (Some(w.lock), Some(w.manual_run), &json!({"missed_by": ben, "missed_due_at": ms(r + mins(80)), "level": 1}))
    );

    // Finished work is told to connected systems only: nobody's list has it, routing does.
    let all = store.unrouted_notices(100).await.unwrap();
    let completed: Vec<&NoticeRecord> = all.iter().filter(|n| n.kind == NoticeKind::TaskCompleted).collect();
    let fridge_sub = store.submissions(acme, w.fridge).await.unwrap()[0].id;
    let door_subs = store.submissions(acme, w.door).await.unwrap();
    let lock_sub = store.submissions(acme, w.lock).await.unwrap()[0].id;
    assert_eq!(
        completed.iter().map(|n| (n.person, n.task, n.key.clone(), n.data.clone())).collect::<Vec<_>>(),
        [
            (
                None,
                Some(w.fridge),
                key("task.completed", w.fridge, &fridge_sub.to_string()),
                json!({"by": ben, "submission": fridge_sub})
            ),
            (
                None,
                Some(w.door),
                key("task.completed", w.door, &door_subs[1].id.to_string()),
                json!({"by": ben, "submission": door_subs[1].id})
            ),
            (
                None,
                Some(w.lock),
                key("task.completed", w.lock, &lock_sub.to_string()),
                json!({"by": ana, "submission": lock_sub})
            ),
        ],
        "a completion tells of the submission that finished the task; Cleo's submission awaiting approval tells nobody"
    );
    let approvals: Vec<_> =
        ben_list.iter().filter(|n| n.kind == NoticeKind::TaskApproval).map(|n| n.data.clone()).collect();
    assert_eq!(
        approvals.last(),
        Some(&json!({"by": cleo, "submission": door_subs[0].id, "due_at": ms(r + mins(155))})),
        "the approver hears whose proof waits and by when"
    );
    assert_eq!(all.len(), 11, "eight notices to people and three completions, nothing else");
    assert!(all.windows(2).all(|pair| pair[0].id < pair[1].id), "unrouted notices come oldest first");
    assert_eq!(store.unrouted_notices(2).await.unwrap(), all[..2], "the limit holds");
}

/// Notices written outside a transition (digests, reports): a key is written once.
async fn written(store: &dyn Store, cast: &Cast, p: &Processes, w: &Work) {
    let Cast { acme, globex, cleo, gus, .. } = *cast;
    let now = p.first_run + mins(180);
    let digest = NewNotice {
        org: acme,
        person: Some(cleo),
        kind: NoticeKind::DailyDigest,
        key: format!("digest.daily:{cleo}:2026-01-06"),
        task: None,
        run: None,
        process: None,
        data: json!({"period": "2026-01-06"}),
    };
    let replayed_open = NewNotice {
        kind: NoticeKind::TaskOpened,
        key: format!("task.opened:{}:1", w.fridge),
        task: Some(w.fridge),
        data: json!({"due_at": 0}),
        ..digest.clone()
    };
    assert_eq!(
        store.add_notices(&[digest.clone(), replayed_open, digest.clone()], now).await.unwrap(),
        1,
        "a key already written, in the store or earlier in the batch, is skipped"
    );
    assert_eq!(
        store.add_notices(std::slice::from_ref(&digest), now).await.unwrap(),
        0,
        "writing the same notice again is ignored"
    );
    assert_eq!(store.add_notices(&[], now).await.unwrap(), 0);
    let theirs = NewNotice { org: globex, person: Some(gus), ..digest.clone() };
    assert_eq!(store.add_notices(&[theirs], now).await.unwrap(), 1, "keys are unique per organization");

    let list = store.list_notices(acme, cleo, false, None, 100).await.unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(
        (list[0].kind, &list[0].data, list[0].created_at, list[0].task),
        (NoticeKind::DailyDigest, &json!({"period": "2026-01-06"}), now, None),
        "the newest first"
    );
    let opened = &list[3];
    assert_eq!(opened.data, json!({"due_at": (p.first_run + mins(60)).as_millisecond()}), "the first write stands");
}

/// Cleo reads her list: unread filters, a cursor for older pages, and only her own rows.
async fn in_app(store: &dyn Store, cast: &Cast, p: &Processes) {
    let Cast { acme, globex, ben, cleo, .. } = *cast;
    let now = p.first_run + mins(200);
    let ids = |list: Vec<NoticeRecord>| list.into_iter().map(|n| n.id).collect::<Vec<_>>();
    let all = ids(store.list_notices(acme, cleo, false, None, 100).await.unwrap());
    assert_eq!(all.len(), 4);
    assert_eq!(ids(store.list_notices(acme, cleo, false, None, 2).await.unwrap()), all[..2]);
    assert_eq!(
        ids(store.list_notices(acme, cleo, false, Some(all[1]), 100).await.unwrap()),
        all[2..],
        "a page continues below the last id seen"
    );
    assert_eq!(store.unread_count(acme, cleo).await.unwrap(), 4);
    assert_eq!(store.unread_count(globex, cleo).await.unwrap(), 0);

    let bens = ids(store.list_notices(acme, ben, false, None, 100).await.unwrap());
    assert_eq!(store.mark_read(acme, ben, &[all[0]], now).await.unwrap(), 0, "nobody marks another's notice read");
    assert_eq!(store.mark_read(globex, cleo, &[all[0]], now).await.unwrap(), 0);
    assert_eq!(store.mark_read(acme, cleo, &[all[0], bens[0]], now).await.unwrap(), 1);
    assert_eq!(store.mark_read(acme, cleo, &[all[0]], now).await.unwrap(), 0, "a read notice stays read");
    let list = store.list_notices(acme, cleo, false, None, 100).await.unwrap();
    assert_eq!(list[0].read_at, Some(now));
    assert_eq!(list[1].read_at, None);
    assert_eq!(ids(store.list_notices(acme, cleo, true, None, 100).await.unwrap()), all[1..], "unread only");
    assert_eq!(store.unread_count(acme, cleo).await.unwrap(), 3);
    assert_eq!(store.unread_count(acme, ben).await.unwrap(), 4, "Ben's notices are untouched");

    assert_eq!(store.mark_read(acme, cleo, &[], now + mins(1)).await.unwrap(), 3, "no ids: everything unread");
    assert_eq!(store.unread_count(acme, cleo).await.unwrap(), 0);
    assert!(store.list_notices(acme, cleo, true, None, 100).await.unwrap().is_empty());
    let list = store.list_notices(acme, cleo, false, None, 100).await.unwrap();
    assert_eq!(
        list.iter().map(|n| n.read_at).collect::<Vec<_>>(),
        [Some(now), Some(now + mins(1)), Some(now + mins(1)), Some(now + mins(1))]
    );
    assert_eq!(store.unread_count(acme, ben).await.unwrap(), 4);
}
